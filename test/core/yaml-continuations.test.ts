// Quoted strings continued on tab-indented (or under-indented) lines are read as Ansible's YAML reader (libyaml)
// reads them, positions after them stay the file's own; the tabs libyaml refuses are refused at the tab.
import { expect } from 'chai';
import { Problems } from '../../src/core/errors.js';
import { keyLoc, valueLoc } from '../../src/core/places.js';
import { parseYaml } from '../../src/core/source.js';

const read = (text: string) => {
  const p = new Problems();
  const value = parseYaml(text, '/x/t.yml', { problems: p });
  return { value, problems: p.list.map((e) => `${e.loc?.line}:${e.loc?.col} ${e.message}`) };
};

describe('YAML: quoted strings continued on tab-indented lines', () => {
  // table: [what, text, value as libyaml reads it (python3 -c 'yaml.load(t, Loader=yaml.CSafeLoader)')]
  const accepted: [string, string, unknown][] = [
    [
      'double-quoted, \\ at the end, then a tab (kubeasz)',
      '- a: 1\n  shell: "cd x && \\\n\t y z"\n  b: 2\n',
      [{ a: 1, shell: 'cd x && y z', b: 2 }],
    ],
    [
      'double-quoted, folded onto a tab',
      '- a: 1\n  shell: "cd x &&\n\ty z"\n  b: 2\n',
      [{ a: 1, shell: 'cd x && y z', b: 2 }],
    ],
    ['single-quoted', "- a: 1\n  shell: 'it''s &&\n\ty z'\n  b: 2\n", [{ a: 1, shell: "it's && y z", b: 2 }]],
    ['spaces, then a tab', '- a: 1\n  shell: "cd x &&\n  \ty z"\n  b: 2\n', [{ a: 1, shell: 'cd x && y z', b: 2 }]],
    ['at the top level', 'shell: "cd x &&\n\ty z"\nb: 2\n', { shell: 'cd x && y z', b: 2 }],
    ['several tabs, then spaces', '- shell: "a \\\n\t\t\t  b"\n', [{ shell: 'a b' }]],
    ['a blank line of tabs is a line break', '- a: "x\n\t\n\ty"\n', [{ a: 'x\ny' }]],
    ['under-indented, no tab', '- a: 1\n  shell: "cd x &&\ny z"\n  b: 2\n', [{ a: 1, shell: 'cd x && y z', b: 2 }]],
    ['nested, under-indented', 'a:\n  b:\n    c: "x\ny"\n', { a: { b: { c: 'x y' } } }],
    [
      'two such strings in one file',
      '- a: "1 \\\n\t2"\n- b: "3\n\t4"\n- c: \'5\n\t6\'\n',
      [{ a: '1 2' }, { b: '3 4' }, { c: '5 6' }],
    ],
    ['an escaped quote inside', '- a: "say \\"hi\\" \\\n\tthere"\n', [{ a: 'say "hi" there' }]],
  ];
  for (const [what, text, want] of accepted)
    it(`accepts: ${what}`, () => {
      expect(read(text)).to.deep.equal({ value: want, problems: [] });
    });

  it('positions after such a string are the file’s own', () => {
    // the continuation lines get more spaces than they had: what follows must not move
    const text = '- name: t\n  shell: "cd x && \\\n\t y z"\n  tags: [a,\n         b]\n- k: ["p\n\tq", r]\n';
    const { value, problems } = read(text);
    expect(problems).to.deep.equal([]);
    const [t, u] = value as [Record<string, string[]>, Record<string, string[]>];
    expect(keyLoc(t, 'tags')).to.deep.equal({ file: '/x/t.yml', line: 4, col: 3 });
    expect(valueLoc(t.tags!, 1)).to.deep.equal({ file: '/x/t.yml', line: 5, col: 10 });
    expect(u.k).to.deep.equal(['p q', 'r']);
    expect(valueLoc(u.k!, 1)).to.deep.equal({ file: '/x/t.yml', line: 7, col: 6 });
  });

  it('an error after such a string is at its own line and column', () => {
    expect(read('- a: "x \\\n\ty"\n- b: [1\n').problems).to.deep.equal([
      '3:6 YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ], ' +
        'opened here',
    ]);
  });

  // table: [what, text, line:col and message]; libyaml refuses each of these at the same place
  const tab = "a tab indents this line: YAML indents with spaces (a tab may start only a quoted string's next line)";
  const refused: [string, string, string][] = [
    ['plain, after a tab', '- a: 1\n  shell: cd x &&\n\ty z\n  b: 2\n', `3:1 ${tab} (and 2 more after it)`],
    ['a key indented with a tab', 'a:\n\tb: 1\n', `2:1 ${tab}`],
    ['a list item indented with a tab', 'a:\n  - 1\n  \t- 2\n', `3:3 ${tab}`],
    ['a block scalar indented with a tab', 'a: |\n\tx\n', `2:1 ${tab} (and 1 more after it)`],
    ['a tab before the first key', '\ta: 1\n', `1:1 ${tab}`],
    ['a quoted string never closed', 'a: "x\n\ty\n', '1:4 a quoted string that is never closed, opened here'],
  ]; // biome-ignore format: a table
  for (const [what, text, want] of refused)
    it(`refuses: ${what}`, () => {
      expect(read(text).problems).to.deep.equal([want.replace(/^(\d+:\d+) /, '$1 YAML syntax error: ')]);
    });
});
