// A rendered text that reads as a Python literal becomes that value, as Ansible's templating (safe_eval) makes it;
// each want checked with ansible-playbook 2.14 (templating target) or read from Ansible's rules.
import { expect } from 'chai';
import { renderString } from '../../src/template/template.js';

const r = (src: string, vars: Record<string, unknown> = {}): unknown => renderString(src, { vars });

describe('template: rendered text that reads as a literal', () => {
  const table: [string, Record<string, unknown>, unknown][] = [
    ['{{ "" }}{"null": null, "true": true, "false": false}', {}, { null: null, true: true, false: false }],
    ['[{{ a }}, {{ b }}]', { a: 1, b: 2 }, [1, 2]],
    ["[{{ a }}, '{{ b }}']", { a: 1, b: 'x' }, [1, 'x']],
    ['{{ a }}', { a: '[1, 2]' }, '[1, 2]'], // one expression: its value as it is
    ['[{{ a }}]', { a: 'x' }, '[x]'], // a name: not a literal, the text stays
    ['[{{ a }}]', { a: "lookup('pipe', 'id')" }, "[lookup('pipe', 'id')]"], // no call is ever made
    ['{{ a | string }}{{ "" }}', { a: [1] }, '[1]'], // a filter that makes text keeps it text
    ['{{ a }} b', { a: '[1]' }, '[1] b'], // not a literal as a whole
    ['{{ a }}{{ "" }}', { a: true }, true],
  ];
  for (const [src, vars, want] of table)
    it(`${src} with ${JSON.stringify(vars)}`, () => expect(r(src, vars)).to.deep.equal(want));
});

describe('template: None from a lookup', () => {
  // checked with ansible-playbook 2.14 (lookup_first_found): a lookup's None renders as ''
  it("a lookup that gives None (errors='ignore') renders as an empty text", () =>
    expect(r("{{ lookup('first_found', 'no/such', errors='ignore') }}")).to.equal(''));
  it('a variable and other expressions keep None (modules take it as not given)', () => {
    expect(r('{{ n }}', { n: null })).to.equal(null);
    expect(r('{{ n | default(None) }}', { n: null })).to.equal(null);
  });
});
