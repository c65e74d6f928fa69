// The loop keywords' functions (src/exec/loops.ts, loop-sequence.ts, loop-files.ts): a value in, items out,
// or the failure's message.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itemVars, LOOPS, pauseOf } from '../../src/exec/loops.js';
import { printf, sequence } from '../../src/exec/loop-sequence.js';
import { fileGlob, firstFound } from '../../src/exec/loop-files.js';
import { segmentMatches } from '../../src/core/glob.js';
import { LOOP_KEYWORDS } from '../../src/playbook/keyword-contents.js';
import type { RoleInstance } from '../../src/core/types.js';

const ctx = { role: undefined, playbookDir: '/nowhere' };
const items = (key: string, v: unknown) => LOOPS[key]!(v, ctx);
const failure = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no failure';
};

describe('loops: the keywords', () => {
  it('every loop keyword the loader knows is evaluated, and no other', () => {
    expect(Object.keys(LOOPS)).to.have.members(LOOP_KEYWORDS).and.to.have.length(LOOP_KEYWORDS.length);
  });

  const cases: [string, unknown, unknown[]][] = [
    ['loop', [1, [2, 3]], [1, [2, 3]]],
    ['with_lines', 'printf "a\\nb\\n"', ['a', 'b']],
    ['with_lines', ['echo 1', 'echo 2'], ['1', '2']],
    ['with_random_choice', ['only'], ['only']],
    ['with_list', [[1], [2]], [[1], [2]]],
    ['with_items', [1, [2, [3]]], [1, 2, [3]]],
    [
      'with_dict',
      { a: 1, b: 2 },
      [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ],
    ],
    [
      'with_indexed_items',
      ['a', ['b', ['c']]],
      [
        [0, 'a'],
        [1, 'b'],
        [2, ['c']],
      ],
    ],
    [
      'with_together',
      [
        [1, 2, 3],
        ['a', 'b'],
      ],
      [
        [1, 'a'],
        [2, 'b'],
        [3, null],
      ],
    ],
    ['with_together', [[1], 'x'], [[1, 'x']]],
    [
      'with_nested',
      [
        ['a', 'b'],
        [1, 2],
      ],
      [
        ['a', 1],
        ['a', 2],
        ['b', 1],
        ['b', 2],
      ],
    ],
    ['with_nested', [['a'], [], [1]], []],
    ['with_flattened', [1, [2, [3, ['abc', []]]], 'de'], [1, 2, 3, 'abc', 'de']],
    ['with_sequence', 'start=1 end=3', ['1', '2', '3']],
    [
      'with_subelements',
      [
        [
          { n: 'u', k: ['x', 'y'] },
          { n: 'v', k: [] },
        ],
        'k',
      ],
      [
        [{ n: 'u' }, 'x'],
        [{ n: 'u' }, 'y'],
      ],
    ],
    [
      'with_subelements',
      [[{ n: 'u', a: { b: [1] } }, { n: 'v' }, { skipped: true }], 'a.b', { skip_missing: true }],
      [[{ n: 'u', a: {} }, 1]],
    ],
    // a mapping's values are the elements; one a skipped task registered gives none
    ['with_subelements', [{ x: { n: 'u', k: [1] } }, 'k'], [[{ n: 'u' }, 1]]],
    ['with_subelements', [{ skipped: true }, 'k'], []],
  ];
  for (const [key, v, want] of cases)
    it(`${key}: ${JSON.stringify(v)}`, () => expect(items(key, v)).to.deep.equal(want));

  const SUB = 'subelements lookup expects a list of two or three items,';
  const bad: [string, unknown, string][] = [
    ['loop', 'abc', 'loop expects a list, got "abc"'],
    ['with_dict', [1], 'with_dict expects a dict (a mapping), got [1]'],
    ['with_nested', [], 'with_nested requires at least one element in the nested list'],
    ['with_together', [], 'with_together requires at least one element in each list'],
    ['with_together', { a: 1 }, 'with_together expects a list, got {"a":1}'],
    // Ansible's words, values printed as Python prints them
    ['with_subelements', [[{ n: 'v' }], 'k'], `could not find 'k' key in iterated item '{'n': 'v'}'`],
    ['with_subelements', [[{ k: 'x' }], 'k'], `the key k should point to a list, got 'x'`],
    ['with_subelements', [[{ k: 'x' }], 'k.j'], `the key k should point to a dictionary, got 'x'`],
    ['with_subelements', [[1], 'k'], `subelements lookup expects a dictionary, got '1'`],
    ['with_subelements', [9001, 'k'], `subelements lookup expects a dictionary, got '9001'`],
    [
      'with_subelements',
      [[], 'k', { skip: true }],
      `${SUB} the optional third item must be a dict with flags ('skip_missing',)`,
    ],
    ['with_subelements', [[], 'k', 'x'], `${SUB} the optional third item must be a dict with flags ('skip_missing',)`],
    ['with_subelements', [[]], `${SUB} `],
    ['with_subelements', [[], 'a', {}, 'b'], `${SUB} `],
    ['with_subelements', [[], true], `${SUB} first a dict or a list, second a string pointing to the subkey`],
  ];
  for (const [key, v, want] of bad)
    it(`${key} fails: ${JSON.stringify(v)}`, () => expect(failure(() => items(key, v))).to.equal(want));
});

describe('loops: with_sequence', () => {
  const cases: [unknown, string[]][] = [
    ['start=1 end=10 stride=3', ['1', '4', '7', '10']],
    ['start=1 end=3 format=node%02d', ['node01', 'node02', 'node03']],
    ['count=3', ['1', '2', '3']],
    ['start=5 count=3 stride=2', ['5', '7', '9']],
    ['count=0', []],
    ['4-8', ['4', '5', '6', '7', '8']],
    ['4-8/2', ['4', '6', '8']],
    ['2-4:host%d', ['host2', 'host3', 'host4']],
    ['3', ['1', '2', '3']],
    [2, ['1', '2']],
    ['start=0x0a end=0x0c format=%x', ['a', 'b', 'c']],
    ['start=5 end=1 stride=-2', ['5', '3', '1']],
    ['end=2 format=%%%d', ['%1', '%2']],
  ];
  for (const [spec, want] of cases) it(JSON.stringify(spec), () => expect(sequence(spec)).to.deep.equal(want));

  const bad: [unknown, string][] = [
    // Ansible's messages (a rescue may compare ansible_failed_result.msg)
    ['start=1', 'must specify count or end in with_sequence'],
    ['end=3 count=2', "can't specify both count and end in with_sequence"],
    ['start=5 end=1', 'to count backwards make stride negative'],
    ['start=1 end=5 stride=-1', "to count forward don't make stride negative"],
    ['end=x', "can't parse end=x as integer"],
    ['A-4/2', "can't parse start=A as integer"],
    ['finish=3 junk=1', "unrecognized arguments to with_sequence: ['finish', 'junk']"],
    ['1 to 3', "can't parse arg 1 as key=value"],
    ['end=2 format=node', 'bad formatting string: node'],
    [['end=2'], 'expected a string'],
  ];
  for (const [spec, want] of bad)
    it(`fails: ${JSON.stringify(spec)}`, () => expect(failure(() => sequence(spec))).to.equal(want));

  const formats: [string, number, string][] = [
    ['%5d|', 42, '   42|'],
    ['%-5d|', 42, '42   |'],
    ['%03d', -7, '-07'],
    ['%X', 255, 'FF'],
    ['%#x', 255, '0xff'],
    ['%o', 8, '10'],
    ['%s', 3, '3'],
    ['%.2f', 3, '3.00'],
  ];
  for (const [f, n, want] of formats) it(`printf ${f} ${n}`, () => expect(printf(f, n)).to.equal(want));
});

describe('loops: files on the controller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kplay-loops-'));
  const put = (p: string) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), 'x');
  };
  for (const p of ['pb/files/b.conf', 'pb/files/a.conf', 'pb/files/.hidden.conf', 'pb/files/c.txt', 'pb/x.yml']) put(p);
  for (const p of ['role/files/r.conf', 'role/files/sub/s.conf', 'pb/files/d/e.conf', 'other/z.conf']) put(p);
  const pb = join(dir, 'pb');
  const role = { name: 'r', path: join(dir, 'role') } as RoleInstance;

  it('with_fileglob: the playbook files/ folder, files only, sorted, absolute, no dot files', () => {
    expect(fileGlob('*.conf', undefined, pb)).to.deep.equal([join(pb, 'files/a.conf'), join(pb, 'files/b.conf')]);
    expect(fileGlob(['*', 'd/*'], undefined, pb)).to.deep.equal([
      join(pb, 'files/a.conf'),
      join(pb, 'files/b.conf'),
      join(pb, 'files/c.txt'),
      join(pb, 'files/d/e.conf'),
    ]);
    expect(fileGlob('[ab].conf', undefined, pb)).to.have.length(2);
    expect(fileGlob('nothing*', undefined, pb)).to.deep.equal([]);
  });
  it("with_fileglob: a role's files/ comes first; an absolute pattern is taken as it is", () => {
    expect(fileGlob('*.conf', role, pb)).to.deep.equal([join(dir, 'role/files/r.conf')]);
    expect(fileGlob(`${dir}/other/*.conf`, role, pb)).to.deep.equal([join(dir, 'other/z.conf')]);
    expect(fileGlob(`${dir}/*/files/*.conf`, undefined, pb)).to.deep.equal([
      join(pb, 'files/a.conf'),
      join(pb, 'files/b.conf'),
      join(dir, 'role/files/r.conf'),
    ]);
  });
  it('a pattern segment as a regexp', () => {
    expect(segmentMatches('a?[!x].*', 'ab1.c')).to.equal(true);
    expect(segmentMatches('a?[!x].*', 'abx.c')).to.equal(false);
    expect(segmentMatches('*', '.a')).to.equal(false);
    expect(segmentMatches('.*', '.a')).to.equal(true);
  });

  const found: [unknown, RoleInstance | undefined, string[]][] = [
    [['none.conf', 'b.conf', 'a.conf'], undefined, [join(pb, 'files/b.conf')]],
    [['r.conf', 'a.conf'], role, [join(dir, 'role/files/r.conf')]],
    [
      { files: ['z.conf', 'e.conf'], paths: [join(dir, 'nope'), join(pb, 'files/d'), join(dir, 'other')] },
      role,
      [join(pb, 'files/d/e.conf')],
    ],
    [[{ files: ['none'], skip: true }], undefined, []],
    [['x.yml'], undefined, [join(pb, 'x.yml')]],
    [[join(dir, 'other/z.conf')], undefined, [join(dir, 'other/z.conf')]],
  ];
  for (const [v, r, want] of found)
    it(`with_first_found ${JSON.stringify(v).replaceAll(dir, '')}`, () =>
      expect(firstFound(v, r, pb)).to.deep.equal(want));
  it('with_first_found fails naming what it looked for', () => {
    expect(failure(() => firstFound(['p', 'q'], undefined, pb))).to.equal(
      "with_first_found: none of 'p', 'q' was found on the controller",
    );
    expect(failure(() => firstFound([{ file: 'p' }], undefined, pb))).to.equal(
      "with_first_found: unknown key 'file' (it takes files, paths, skip)",
    );
  });
});

describe('loops: loop_control', () => {
  it('extended sets ansible_loop; previtem/nextitem only where they exist', () => {
    const l = ['a', 'b', 'c'];
    expect(itemVars({ extended: true }, l, 0)).to.deep.equal({
      item: 'a',
      ansible_loop_var: 'item',
      ansible_loop: {
        index: 1,
        index0: 0,
        revindex: 3,
        revindex0: 2,
        first: true,
        last: false,
        length: 3,
        nextitem: 'b',
        allitems: l,
      },
    });
    const last = itemVars({ extended: 'yes', extended_allitems: false, loop_var: 'x', index_var: 'i' }, l, 2);
    expect(last).to.deep.equal({
      x: 'c',
      i: 2,
      ansible_index_var: 'i',
      ansible_loop_var: 'x',
      ansible_loop: {
        index: 3,
        index0: 2,
        revindex: 1,
        revindex0: 0,
        first: false,
        last: true,
        length: 3,
        previtem: 'b',
      },
    });
    expect(itemVars(undefined, l, 1)).to.deep.equal({ item: 'b', ansible_loop_var: 'item' });
  });
  it('pause in seconds', () => {
    expect(pauseOf({ pause: '2' })).to.equal(2);
    expect(pauseOf(undefined)).to.equal(0);
    expect(failure(() => pauseOf({ pause: 'x' }))).to.equal('loop_control: pause needs seconds, got "x"');
  });
});
