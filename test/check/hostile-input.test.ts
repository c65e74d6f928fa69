// Hostile and broken input found by an outside review (issue 11): each is refused before any host is touched,
// with its message, line and column; none hangs, crashes or turns a key into object machinery.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { parseExtraVars } from '../../src/vars/vars.js';
import { problems } from '../support/problems.js';
import { writeTree } from '../support/tree.js';

const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
for (const [i, c] of [...'bcdefghi'].entries()) {
  const prev = 'abcdefghi'[i]!;
  laughs.push(`${c}: &${c} [${Array(10).fill(`*${prev}`).join(',')}]`);
}

// [what, playbook text, expected problems as "line:col message"]
const playbooks: [string, string, string[]][] = [
  [
    'an alias bomb ("billion laughs")',
    `- hosts: all\n  vars:\n${laughs.map((l) => `    ${l}`).join('\n')}\n  tasks: []\n`,
    ['7:33 YAML: aliases expand to more than 100000 values (a file made to exhaust memory?)'],
  ],
  [
    'a list that contains itself through an alias',
    '- hosts: all\n  vars:\n    a: &a [1, *a]\n  tasks: []\n',
    ['3:15 YAML: alias *a is inside its own anchor &a (a value that contains itself)'],
  ],
  [
    'a mapping that contains itself through an alias',
    '- hosts: all\n  vars:\n    m: &m { k: { j: *m } }\n  tasks: []\n',
    ['3:21 YAML: alias *m is inside its own anchor &m (a value that contains itself)'],
  ],
  [
    'an alias to a missing anchor',
    '- hosts: all\n  vars:\n    a: *nope\n  tasks: []\n',
    ['3:8 YAML: alias *nope refers to no anchor &nope before it'],
  ],
  [
    'a merge key with a scalar list',
    '- hosts: all\n  vars:\n    <<: [1, 2]\n  tasks: []\n',
    ['3:9 YAML: a merge key (<<) takes a mapping or a list of mappings'],
  ],
  [
    'a merge key with a string',
    '- hosts: all\n  vars:\n    <<: text\n  tasks: []\n',
    ['3:9 YAML: a merge key (<<) takes a mapping or a list of mappings'],
  ],
  [
    'a python tag',
    '- hosts: all\n  vars:\n    a: !!python/object:os.system x\n  tasks: []\n',
    ['3:8 YAML: unknown tag tag:yaml.org,2002:python/object:os.system'],
  ],
  [
    'two documents',
    '- hosts: all\n  tasks: []\n---\n- hosts: all\n  tasks: []\n',
    ['3:1 YAML syntax error: a second YAML document (---) in a file that holds one'],
  ],
  [
    'an unclosed double quote, reported where it opens',
    '- hosts: all\n  tasks:\n    - debug:\n        msg: "abc\n    - debug: msg=x\n',
    ['4:14 YAML syntax error: a quoted string that is never closed, opened here'],
  ],
  [
    'an unclosed single quote',
    "- hosts: all\n  vars:\n    a: 'it''s\n  tasks: []\n",
    ['3:8 YAML syntax error: a quoted string that is never closed, opened here'],
  ],
  [
    'an unclosed bracket, reported where it opens',
    '- hosts: all\n  tasks:\n    - debug:\n        msg: [1, 2\n    - debug: msg=x\n',
    [
      '4:14 YAML syntax error: Flow sequence in block collection ' +
        'must be sufficiently indented and end with a ], opened here',
    ],
  ],
  [
    'a __proto__ key in play vars',
    '- hosts: all\n  vars:\n    __proto__:\n      injected: 1\n  tasks: []\n',
    ["3:5 a key named '__proto__' is not allowed (kplay refuses it rather than let it act on the objects it builds)"],
  ],
  [
    'flush_handlers as a handler',
    '- hosts: all\n  tasks: []\n  handlers:\n    - name: flush\n      meta: flush_handlers\n',
    ['5:13 flush_handlers cannot be used as a handler'],
  ],
];

const M = (name: string) => `'${name}' is not a name kplay reads (it is object machinery in JavaScript)`;
const machinery: [string, string, string][] = [
  // a task's `debug:` argument written as an expression or a Handlebars mustache, and the expected line:col message
  ['an attribute in an expression', 'msg: "{{ x.constructor }}"', `6:18 ${M('constructor')}`],
  [
    'a subscript in an expression',
    'msg: "{{ x[\'__proto__\'] }}"',
    `6:20 bad expression 'x['__proto__']': ${M('__proto__')}`,
  ],
  ['a Handlebars path', 'msg: "{{x.constructor.name}}"', `6:17 ${M('constructor')}`],
  ['a Handlebars block', 'msg: "{{#if x.prototype}}y{{/if}}"', `6:21 ${M('prototype')}`],
  ['a Handlebars lookup key', 'msg: "{{lookup x \'constructor\'}}"', `6:26 ${M('constructor')}`],
];

describe('hostile input: object machinery in expressions and templates, refused before the run', () => {
  for (const [what, arg, want] of machinery) {
    it(what, () => {
      const got = problems({
        'site.yml': `- hosts: all\n  vars:\n    x: {a: 1}\n  tasks:\n    - debug:\n        ${arg}\n`,
      });
      expect(got.map((p) => `${p.line}:${p.col} ${p.msg.replace(/ in \/\S+$/, '')}`)).to.deep.equal([want]);
    });
  }
  it('in a condition', () => {
    const got = problems({
      'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=x\n      when: x.__proto__ is defined\n',
    });
    expect(got.map((p) => `${p.line}:${p.col} ${p.msg}`)).to.deep.equal([
      `4:15 bad expression 'x.__proto__ is defined': ${M('__proto__')}`,
    ]);
  });
});

describe('hostile input: playbooks', () => {
  for (const [what, text, want] of playbooks) {
    it(what, () => {
      expect(problems({ 'site.yml': text }).map((p) => `${p.line}:${p.col} ${p.msg}`)).to.deep.equal(want);
    });
  }
  it('the same rules hold in a role file (vars/main.yml)', () => {
    const got = problems({
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/vars/main.yml': 'x: *nope\n',
      'roles/r/tasks/main.yml': '- debug: msg=x\n',
    });
    expect(got.map((p) => `${p.file}:${p.line}:${p.col} ${p.msg}`)).to.deep.equal([
      'roles/r/vars/main.yml:1:4 YAML: alias *nope refers to no anchor &nope before it',
    ]);
  });
});

function inventoryProblems(files: Record<string, string>, source: string): string[] {
  const dir = writeTree(files);
  const p = new Problems();
  loadInventory([join(dir, source)], p);
  return p.list.map((e) => `${e.loc?.file.slice(dir.length + 1)}:${e.loc?.line}:${e.loc?.col} ${e.message}`);
}

const PROTO =
  "a key named '__proto__' is not allowed (kplay refuses it rather than let it act on the objects it builds)";
const inventories: [string, Record<string, string>, string, string[]][] = [
  [
    '__proto__ in group_vars',
    { 'site/hosts': '[g]\nh1\n', 'site/group_vars/all.yml': '__proto__:\n  injected: 1\n' },
    'site',
    [`site/group_vars/all.yml:1:1 ${PROTO}`],
  ],
  ['__proto__ in an INI host line', { 'site/hosts': '[g]\nh1 __proto__=1\n' }, 'site', [`site/hosts:2:4 ${PROTO}`]],
  [
    '__proto__ in INI group vars',
    { 'site/hosts': '[g]\nh1\n[g:vars]\n__proto__=1\n' },
    'site',
    [`site/hosts:4:1 ${PROTO}`],
  ],
  [
    'a .env line that is not KEY=value',
    { 'site/hosts': '[g]\nh1\n', 'site/.env': 'A=1\nthis is not a setting\n' },
    'site',
    ['site/.env:2:1 .env: expected KEY=value, got "this is not a setting"'],
  ],
  [
    'a .env value with an unclosed quote',
    { 'site/hosts': '[g]\nh1\n', 'site/.env': 'A="abc\nB=2\n' },
    'site',
    ['site/.env:1:3 .env: the value of A opens a quote (") that is never closed'],
  ],
  [
    'a .env value with an unclosed single quote',
    { 'site/hosts': '[g]\nh1\n', 'site/.env': "A='abc\n" },
    'site',
    ["site/.env:1:3 .env: the value of A opens a quote (') that is never closed"],
  ],
  [
    'a good .env (comments, export, quotes over lines)',
    { 'site/hosts': '[g]\nh1\n', 'site/.env': '# c\nexport A=1\nB="x\ny"\nC=\'q\'\n' },
    'site',
    [],
  ],
];

describe('hostile input: inventories and .env', () => {
  for (const [what, files, source, want] of inventories) {
    it(what, () => {
      expect(inventoryProblems(files, source)).to.deep.equal(want);
    });
  }
  it('-e __proto__=1 and -e \'{"__proto__": {"x": 1}}\' are refused', () => {
    expect(() => parseExtraVars(['__proto__=1'])).to.throw(`-e #1: ${PROTO}`);
    expect(() => parseExtraVars(['{"__proto__": {"x": 1}}'])).to.throw(/__proto__/);
    expect(Object.keys(parseExtraVars(['a=1']))).to.deep.equal(['a']);
  });
});
