// random (Python's generator when seeded), expanduser, type_debug, strftime, now(), and the tests on registered
// results. `want` values are what Debian's ansible-core 2.14.18 gave for the same expressions on localhost (root,
// HOME=/root); for the seeded cases Python 3.11's random.Random(seed) gives the same.
import { expect } from 'chai';
import { KplayError } from '../../src/core/errors.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';

const scope = {
  name: 'node1',
  b: 3,
  ok_result: { changed: false, failed: false },
  ch_result: { changed: true },
  fail_result: { failed: true, changed: false },
  skip_result: { skipped: true, changed: false },
  async_running: { started: 1, finished: 0 },
  unreach: { unreachable: true },
};
const ev = (src: string): unknown => evalExpr(compileExpr(src), scope);

describe('expr filters from Python: random, expanduser, type_debug, strftime; result tests', () => {
  const home = process.env.HOME;
  before(() => {
    process.env.HOME = '/root';
  });
  after(() => {
    process.env.HOME = home;
  });
  const table: Array<[string, unknown]> = [
    ["['a','b','c','d','e'] | random(seed='node1')", 'e'],
    ["['a','b','c','d','e'] | random(seed=name)", 'e'],
    ["60 | random(seed='node1')", 36],
    ["60 | random(seed='node2')", 49],
    ['60 | random(seed=7)', 20],
    ["60 | random(start=10, step=5, seed='node1')", 55],
    ['[1,2,3,4,5,6,7,8,9,10] | random(seed=123456789012)', 7],
    ["'~' | expanduser", '/root'],
    ["'~/x/y' | expanduser", '/root/x/y'],
    ["'~root/z' | expanduser", '/root/z'],
    ["'~nosuchuser/z' | expanduser", '~nosuchuser/z'],
    ["'a~' | expanduser", 'a~'],
    ["'a' | type_debug", 'str'],
    ['b | type_debug', 'int'],
    ['1.5 | type_debug', 'float'],
    ['true | type_debug', 'bool'],
    ['[1] | type_debug', 'list'],
    ['{} | type_debug', 'dict'],
    ['none | type_debug', 'NoneType'],
    ['ok_result is successful', true],
    ['ok_result is succeeded', true],
    ['fail_result is success', false],
    ['fail_result is failed', true],
    ['fail_result is failure', true],
    ['ch_result is changed', true],
    ['ch_result is change', true],
    ['skip_result is skipped', true],
    ['skip_result is skip', true],
    ['ok_result is reachable', true],
    ['ok_result is unreachable', false],
    ['ok_result is finished', true],
    ['ok_result is started', true],
    ["'%Y-%m-%d' | strftime(0, utc=true)", '1970-01-01'],
    ["'%Y-%m-%d %H:%M:%S' | strftime(1700000000.5, utc=True)", '2023-11-14 22:13:20'],
    // not checked against Ansible: an async job's result, and one from an unreachable host
    ['async_running is finished', false],
    ['async_running is started', true],
    ['unreach is reachable', false],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));

  it('random without a seed stays in range and picks items', () => {
    for (let i = 0; i < 50; i++) {
      const n = ev('10 | random(start=4, step=3)') as number;
      expect([4, 7]).to.include(n);
      expect(['a', 'b']).to.include(ev("['a', 'b'] | random"));
    }
  });
  it('now() is the time on the controller, as text (fmt=, utc=)', () => {
    const year = String(new Date().getUTCFullYear());
    expect(ev("now(utc=True, fmt='%Y')")).to.equal(year);
    expect(ev('now()')).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(ev("now(true, '%s')")).to.match(/^\d{10}$/);
  });
  it('errors name the problem at its line and column', () => {
    const W = { file: 'p.yml', line: 7, col: 11 };
    const cases: Array<[string, string, number]> = [
      ['[] | random', "filter 'random': cannot choose from an empty sequence", 16],
      ['3 | random(seed=1.5)', "filter 'random': seed must be a string or an integer, got float", 15],
      ["'x' is successful", "The 'succeeded' test expects a dictionary, got string", 18],
      ['now(fmt=1)', 'fmt must be a string, got int', 11],
    ];
    for (const [src, message, col] of cases) {
      let err: unknown;
      try {
        evalExpr(compileExpr(src, W), scope);
      } catch (e) {
        err = e;
      }
      expect(err, src).to.be.instanceOf(KplayError);
      const k = err as KplayError;
      expect([k.message, k.loc?.line, k.loc?.col], src).to.deep.equal([`${message} in '${src}'`, 7, col]);
    }
  });
});

describe('expr filters: realpath on the controller', () => {
  const ev = (src: string): unknown => evalExpr(compileExpr(src), {});
  const table: [string, string][] = [
    ["'/tmp/../tmp/.' | realpath", '/tmp'],
    ["'/nonexistent-kplay/a/../b' | realpath", '/nonexistent-kplay/b'],
    ["'/proc/self/root/etc' | realpath", '/etc'],
  ];
  for (const [src, want] of table) it(`${src} → ${want}`, () => expect(ev(src)).to.equal(want));
});
