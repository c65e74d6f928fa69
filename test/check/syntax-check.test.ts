// What --syntax-check catches that Ansible catches (issue 11, point 6), each at the place of the mistake.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { problems } from '../support/problems.js';
import { writeTree } from '../support/tree.js';

const task = (body: string) => `- hosts: all\n  tasks:\n    - ${body.split('\n').join('\n      ')}\n`;

// [what, playbook, "line:col message" of every problem]
const cases: [string, string, string[]][] = [
  [
    'a play variable with an invalid name',
    '- hosts: all\n  vars:\n    bad-name: 1\n    1x: 2\n    class: 3\n  tasks: []\n',
    [
      "3:5 vars: 'bad-name' is not a valid variable name (letters, digits and _, not starting with a digit)",
      "4:5 vars: '1x' is not a valid variable name (letters, digits and _, not starting with a digit)",
      "5:5 vars: 'class' is not a valid variable name (a reserved word)",
    ],
  ],
  [
    'a task variable with an invalid name',
    task('debug: msg=x\nvars:\n  a.b: 1'),
    ["5:9 vars: 'a.b' is not a valid variable name (letters, digits and _, not starting with a digit)"],
  ],
  [
    'set_fact with an invalid name',
    task('set_fact:\n  bad-fact: 1'),
    ["4:9 set_fact: 'bad-fact' is not a valid variable name (letters, digits and _, not starting with a digit)"],
  ],
  [
    'loop together with with_items',
    task('debug: msg={{ item }}\nloop: [1]\nwith_items: [2]'),
    ['5:7 with_items: a task has one loop, and this one also has loop'],
  ],
  [
    'two of the older loop keywords, and a with_sequence that is not a spec',
    task('debug: msg={{ item }}\nwith_nested: [[1]]\nwith_sequence: [1]\nwith_fileglob: "*.conf"'),
    [
      '5:22 with_sequence: expected a sequence spec string, got [1]',
      '5:7 with_sequence: a task has one loop, and this one also has with_nested',
      '6:7 with_fileglob: a task has one loop, and this one also has with_nested',
    ],
  ],
  [
    'an unknown loop_control key',
    task('debug: msg={{ item }}\nloop: [1]\nloop_control: {loop_vr: x}'),
    [
      "5:22 loop_control: unknown key 'loop_vr' (it takes loop_var, " +
        'index_var, label, pause, extended, extended_allitems, break_when)',
    ],
  ],
  [
    'an invalid regexp in a module argument',
    task('lineinfile: {path: /tmp/x, regexp: "([a-z", line: y}'),
    [`3:42 lineinfile: argument 'regexp': not a valid regular expression: Unterminated character class (got "([a-z")`],
  ],
  [
    'an invalid regexp in replace',
    task('replace:\n  path: /tmp/x\n  regexp: "a(b"'),
    [`5:17 replace: argument 'regexp': not a valid regular expression: Unterminated group (got "a(b")`],
  ],
  [
    'a filter given too many arguments',
    task('debug: msg="{{ 1 | int(2, 3, 4) }}"'),
    ["3:33 bad expression '1 | int(2, 3, 4)': filter 'int' takes at most 1 argument (default), got 3"],
  ],
  [
    'an unbalanced quote in key=value arguments',
    task('debug: msg="abc'),
    ['3:18 debug: a quote that is never closed in its arguments'],
  ],
  [
    'an unbalanced quote in a command',
    task("command: echo it's"),
    ['3:23 command: a quote that is never closed in its arguments'],
  ],
  [
    'an unclosed {{#if}}, where it opens',
    task('debug:\n  msg: "{{#if x}}\n    y"'),
    ['4:15 {{#if}} is never closed (no {{/if}})'],
  ],
  [
    'a copy src that is not there, and that no earlier task writes on the controller',
    task('file: path=made state=directory\ndelegate_to: node9') + '    - copy: src=made/ dest=/tmp/x\n',
    ['5:17 copy source not found: made/'],
  ],
  [
    'a copy src an earlier task writes on the controller is looked for when the task runs',
    task('file: path=made state=directory\ndelegate_to: localhost') +
      '    - copy: src=made/f dest=/tmp/x\n    - local_action: copy content=x dest=other\n' +
      '    - assemble: src=other dest=/tmp/y remote_src=no\n',
    [],
  ],
  [
    'assemble: a controller src is looked for with remote_src false only; a bad regexp',
    task('assemble: src=nosuch dest=/tmp/x remote_src=false') + '    - assemble: src=/h dest=/tmp/x regexp=a(b\n',
    [
      `4:43 assemble: argument 'regexp': not a valid regular expression: Unterminated group (got "a(b")`,
      '3:21 assemble source not found: nosuch',
    ],
  ],
];

describe('syntax-check: what Ansible refuses, at its place', () => {
  for (const [what, text, want] of cases) {
    it(what, () => {
      expect(
        problems({ 'site.yml': text }).map((p) => `${p.line}:${p.col} ${p.msg.replace(/ in \/\S+$/, '')}`),
      ).to.deep.equal(want);
    });
  }
  it('role meta dependencies that are not a list, an entry without a role, a missing role', () => {
    const got = problems({
      'site.yml': '- hosts: all\n  roles: [r, s]\n',
      'roles/r/tasks/main.yml': '- debug: msg=x\n',
      'roles/r/meta/main.yml': 'dependencies: notalist\n',
      'roles/s/tasks/main.yml': '- debug: msg=x\n',
      'roles/s/meta/main.yml': 'dependencies:\n  - {when: true}\n  - nosuch\n',
    });
    expect(got.map((p) => `${p.file}:${p.line}:${p.col} ${p.msg}`)).to.deep.equal([
      'roles/r/meta/main.yml:1:15 role \'r\': meta dependencies must be a list of roles, got "notalist"',
      "roles/s/meta/main.yml:2:5 a role entry needs 'role: NAME'",
      "roles/s/meta/main.yml:3:5 role 'nosuch' not found",
    ]);
  });
  it('the problems of a role two plays use are listed once, at their place', () => {
    const got = problems({
      'site.yml': '- hosts: all\n  roles: [r]\n- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- name: a: b\n  debug: msg=x\n',
    });
    expect(got.map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).to.deep.equal([
      'roles/r/tasks/main.yml:1:9 YAML_SYNTAX',
      'roles/r/tasks/main.yml:1:3 UNKNOWN_MODULE',
    ]);
  });
  it("a role's defaults and vars with invalid variable names", () => {
    const got = problems({
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- debug: msg=x\n',
      'roles/r/defaults/main.yml': 'good: 1\nbad-one: 2\n',
      'roles/r/vars/main.yml': '9lives: 3\n',
    });
    expect(got.map((p) => `${p.file}:${p.line}:${p.col} ${p.msg}`)).to.deep.equal([
      "roles/r/defaults/main.yml:2:1 variable: 'bad-one' is not a valid " +
        'variable name (letters, digits and _, not starting with a digit)',
      "roles/r/vars/main.yml:1:1 variable: '9lives' is not a valid " +
        'variable name (letters, digits and _, not starting with a digit)',
    ]);
  });
  it("every Jinja template of a role is parsed, named by a task or not; a role's .hbs stays Handlebars", () => {
    const got = problems({
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- template: src="{{ item }}.j2" dest=/tmp/x\n  loop: [a, b]\n',
      'roles/r/templates/a.j2': 'ok {{ x }}\n',
      'roles/r/templates/sub/b.j2': 'line\n{% if x %}\nnever closed\n',
      'roles/r/templates/c.conf.hbs': '{{#each xs}}{{this}}{{/each}}\n',
      'roles/r/templates/d.j2': '{{ x | nosuchfilter }}\n',
    });
    expect(got.map((p) => `${p.file}:${p.line}:${p.col} ${p.msg.replace(/ in template \S+$/, '')}`)).to.deep.equal([
      "roles/r/templates/d.j2:1:8 unknown filter 'nosuchfilter'",
      'roles/r/templates/sub/b.j2:3:13 expected elif, else, or endif, got end of file',
    ]);
  });
  it('"role not found" lists each folder once', () => {
    const [p] = problems({ 'site.yml': '- hosts: all\n  roles: [nosuchrole]\n' });
    const hint = p!.text.split('\n').find((l) => l.includes('searched:'))!;
    const dirs = hint.replace(/^.*searched: /, '').split(', ');
    expect(dirs.length).to.equal(new Set(dirs).size);
  });
});

describe('syntax-check: ports in inventories', () => {
  const inv = (files: Record<string, string>) => {
    const dir = writeTree(files);
    const p = new Problems();
    loadInventory([join(dir, 'site')], p);
    return p.list.map((e) => `${e.loc?.line}:${e.loc?.col} ${e.message}`);
  };
  const cases2: [string, Record<string, string>, string[]][] = [
    [
      'INI, out of range and not a number',
      { 'site/hosts': '[g]\nh1 ansible_port=99999\nh2 ansible_port=abc\nh3 ansible_port=2222\n' },
      [
        '2:4 ansible_port of host h1 must be a port number from 1 to 65535, got 99999',
        '3:4 ansible_port of host h2 must be a port number from 1 to 65535, got "abc"',
      ],
    ],
    [
      'YAML host vars',
      { 'site/hosts.yml': 'all:\n  hosts:\n    h1:\n      ansible_port: 0\n' },
      ['4:7 ansible_port of host h1 must be a port number from 1 to 65535, got 0'],
    ],
    [
      'group_vars',
      { 'site/hosts': '[g]\nh1\n', 'site/group_vars/g.yml': 'ansible_port: "22x"\n' },
      ['1:15 ansible_port must be a port number from 1 to 65535, got "22x"'],
    ],
    [
      'a template is checked when used',
      { 'site/hosts.yml': 'all:\n  hosts:\n    h1:\n      ansible_port: "{{ p }}"\n' },
      [],
    ],
  ];
  for (const [what, files, want] of cases2) it(what, () => expect(inv(files)).to.deep.equal(want));
});

describe('run time: an error in a module argument points at the argument', () => {
  it('an undefined variable in copy content names the line and column of the value, not the task', async () => {
    const { run } = await import('../support/play-harness.js');
    const r = await run('- hosts: all\n  tasks:\n    - copy:\n        dest: /tmp/x\n        content: "{{ nope }}"\n');
    const msg = String(r.results.find((x) => x.task === 'copy')?.msg);
    expect(msg).to.match(/:5:22: 'nope' is undefined/);
  });
});
