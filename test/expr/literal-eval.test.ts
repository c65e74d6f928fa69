// Python's literal reading as Ansible applies it to templated text (`{"a": null}` is a dict), and Python's
// escapes in an expression's string literals (an escape Python does not know keeps its backslash).
import { expect } from 'chai';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';
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

describe('expr: string literals read as Python reads them', () => {
  const cases: Array<[string, string]> = [
    ['"a\\pb"', 'a\\pb'],
    ['"a\\nb"', 'a\nb'],
    ['"a\\\\b"', 'a\\b'],
    ["'it\\'s'", "it's"],
    ['"\\x41\\u00e9\\101"', 'AéA'],
    ['"foo t\'e~m\\plated"', "foo t'e~m\\plated"],
  ];
  for (const [src, want] of cases) it(src, () => expect(evalExpr(compileExpr(src), {})).to.equal(want));
});
