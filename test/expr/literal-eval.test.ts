// Python's literal reading as Ansible applies it to a template's text (`{"a": null}` is a dict): lookup('template')
// with convert_data.
import { expect } from 'chai';
import { convertedData } from '../../src/expr/literal-eval.js';

describe('expr: text that reads as data', () => {
  const cases: Array<[string, unknown]> = [
    ['{"null": null, "true": true, "false": false}', { null: null, true: true, false: false }],
    ["{'a': [1, -2.5, (3, 4)], 'b': None}", { a: [1, -2.5, [3, 4]], b: null }],
    ['[1, "two"]\n', [1, 'two']],
    ['True', true],
  ];
  for (const [text, want] of cases)
    it(`converts ${JSON.stringify(text)}`, () => {
      expect(convertedData(text)?.value).to.deep.equal(want);
    });
  for (const text of ['{{ x }}', '{a: 1}', '[x]', "{'a': 1} extra", 'true', '1', ' [1]', '{"a": f(1)}'])
    it(`keeps ${JSON.stringify(text)} a text`, () => expect(convertedData(text)).to.equal(undefined));
});
