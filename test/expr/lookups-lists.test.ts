// The list lookups, random_choice, varnames, pipe and lines: each value as ansible-playbook 2.14 gives it (the
// same expressions were run through both on this machine).
import { expect } from 'chai';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';

const scope = {
  users: { alice: { uid: 1 }, bob: { uid: 2 } },
  groups2: [
    { name: 'a', members: ['x', 'y'] },
    { name: 'b', members: ['z'] },
  ],
  qz_1: 'hello',
  qz_2: 'world',
};
const ev = (src: string): unknown => evalExpr(compileExpr(src), scope);

describe('expr: list lookups and controller commands', () => {
  const table: [string, unknown][] = [
    [
      "lookup('dict', users)",
      [
        { key: 'alice', value: { uid: 1 } },
        { key: 'bob', value: { uid: 2 } },
      ],
    ],
    ["query('items', [1, [2]], 3)", [1, [2], 3]],
    ["lookup('items', 'a', 'b')", 'a,b'],
    [
      "query('indexed_items', ['a', 'b'])",
      [
        [0, 'a'],
        [1, 'b'],
      ],
    ],
    [
      "query('together', [1, 2], ['a'])",
      [
        [1, 'a'],
        [2, null],
      ],
    ],
    [
      "query('nested', [1, 2], ['a', 'b'])",
      [
        [1, 'a'],
        [1, 'b'],
        [2, 'a'],
        [2, 'b'],
      ],
    ],
    ["query('flattened', [1, [2, [3]]])", [1, 2, 3]],
    ["query('subelements', groups2, 'members') | map(attribute='1') | list", ['x', 'y', 'z']],
    ["lookup('pipe', 'echo hi; echo there')", 'hi\nthere'],
    ["query('lines', 'printf \"a\\\\nb\\\\n\"')", ['a', 'b']],
    ["lookup('varnames', '^qz_.+')", 'qz_1,qz_2'],
    ["query('varnames', 'qz_1')", ['qz_1']],
    ["query('dict', users) | map(attribute='key') | list", ['alice', 'bob']],
    ["query('random_choice', 'a', 'a')", ['a']],
  ];
  for (const [src, want] of table) it(`${src}`, () => expect(ev(src)).to.deep.equal(want));

  it('a failing pipe command fails the lookup, with its status', () => {
    expect(() => ev("lookup('pipe', 'exit 3')")).to.throw(/returned 3/);
  });
  it("lookup('dict') needs mappings", () => expect(() => ev("lookup('dict', [1])")).to.throw(/expects a dict/));
  const bad: [string, RegExp][] = [
    ["lookup('varnames', true)", /Invalid setting identifier, "true" is not a string/],
    ["lookup('varnames', '*')", /Unable to use "\*" as a search parameter: nothing to repeat/],
  ];
  for (const [src, want] of bad) it(`${src} fails in Ansible's words`, () => expect(() => ev(src)).to.throw(want));
});
