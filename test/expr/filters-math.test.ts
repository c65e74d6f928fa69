// Ansible's math filters, each value checked with ansible-playbook 2.14 on this machine (Python prints the float
// results of log/pow/root as 2.0, 1024.0: kplay's numbers have no int/float distinction, see
// docs/ansible-differences.md).
import { expect } from 'chai';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';

const ev = (src: string): unknown => evalExpr(compileExpr(src), {});

describe('expr: math filters (mathstuff)', () => {
  const table: [string, unknown][] = [
    ["'10.00 KB' | human_to_bytes", 10240],
    ["'1.1 GB' | human_to_bytes", 1181116006],
    ["'10 Kb' | human_to_bytes(isbits=True)", 10240],
    ["10 | human_to_bytes('M')", 10485760],
    ["'0.9' | human_to_bytes", 1],
    ['1048576 | human_readable', '1.00 MB'],
    ['1 | human_readable', '1.00 Bytes'],
    ["10000 | human_readable(unit='G')", '0.00 GB'],
    ['10000 | human_readable(isbits=True)', '9.77 Kb'],
    ['100 | log(10)', 2],
    ['8 | log(2)', 3],
    ['1 | log', 0],
    ['2 | pow(10)', 1024],
    ['27 | root(3)', 3],
    ['16 | root', 4],
    [
      "[1, 2] | product(['a', 'b']) | list",
      [
        [1, 'a'],
        [1, 'b'],
        [2, 'a'],
        [2, 'b'],
      ],
    ],
    [
      '[1, 2, 3] | permutations(2) | list',
      [
        [1, 2],
        [1, 3],
        [2, 1],
        [2, 3],
        [3, 1],
        [3, 2],
      ],
    ],
    ['[1, 2, 3] | permutations | list | length', 6],
    [
      '[1, 2, 3] | combinations(2) | list',
      [
        [1, 2],
        [1, 3],
        [2, 3],
      ],
    ],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));

  const bad: [string, RegExp][] = [
    ["'10 MB' | human_to_bytes(isbits=True)", /Value is not a valid string \(expect Mb or M\)/],
    ["'5 Q' | human_to_bytes", /The suffix must be one of Y, Z, E, P, T, G, M, K, B/],
    ["'abc' | human_to_bytes", /can't interpret following number/],
    ["'x' | log", /log\(\) can only be used on numbers/],
  ];
  for (const [src, re] of bad) it(`${src} fails`, () => expect(() => ev(src)).to.throw(re));
});
