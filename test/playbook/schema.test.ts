// The playbook schemas of `kplay schema` (schema-playbook.ts, schema-tasks.ts, schema-args.ts), validated by ajv:
// what kplay accepts passes (Ansible's bool words, templates for typed values, k=v text, collection names,
// args:, blocks, includes, roles), and a broken file fails with the path of what is wrong.
import { expect } from 'chai';
import { playbookSchemas } from '../../src/playbook/schema-playbook.js';
import { builtins } from '../../src/tasks/index.js';
import { problems } from '../support/problems.js';
import { compileSchemas, describeErrors, yamlErrors } from '../support/schemas.js';

const v = compileSchemas({ ...playbookSchemas(builtins) });

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;

const GOOD: { name: string; kind: string; text: string }[] = [
  {
    name: 'bool words, templates for typed values, numbers as strings, null for a default',
    kind: 'playbook',
    text: play(
      '- copy: {src: a, dest: /b, backup: yes, force: "{{ f }}", mode: "0644", owner: ~}\n' +
        '- apt: {name: [a, b], update_cache: True, cache_valid_time: "3600", upgrade: yes}\n' +
        '- file: {path: /x, state: "{{ st }}", mode: 420}\n' +
        '- wait_for: {port: "{{ p }}", timeout: 30}',
    ),
  },
  {
    name: 'k=v text, free form, a template for the arguments, collection names, action:',
    kind: 'tasks',
    text:
      '- command: ls -l chdir=/tmp\n- ansible.builtin.shell: echo hi | cat\n- copy: src=a dest=/b\n' +
      '- kplay.debug: "{{ debug_args }}"\n- ansible.posix.sysctl: {name: vm.swappiness, value: 1}\n' +
      '- action: copy src=a dest=/b\n- local_action: {module: command, cmd: date}\n- meta: flush_handlers',
  },
  {
    name: 'args: with the module key empty, and task keywords of every type',
    kind: 'tasks',
    text:
      '- name: copy\n  copy:\n  args: {src: a, dest: /b}\n  when: [x, y]\n  loop: "{{ items }}"\n' +
      '  loop_control: {loop_var: item2, label: "{{ item2 }}"}\n  register: out\n  notify: [restart]\n' +
      '  tags: [a, b]\n  become: yes\n  retries: "3"\n  delay: 1.5\n  until: out is success\n' +
      '  vars: {a: 1}\n  environment: {PATH: /bin}\n  ignore_errors: "{{ ie }}"\n  no_log: on',
  },
  {
    name: 'blocks, rescue and always, includes and role imports',
    kind: 'tasks',
    text:
      '- block:\n    - debug: {msg: a}\n    - block: [{debug: {msg: b}}]\n  rescue: [{fail: {msg: c}}]\n' +
      '  always: [{debug: {var: x}}]\n  when: y\n- include_tasks: more.yml\n' +
      '- ansible.builtin.import_tasks: {file: x.yml}\n- include_role: {name: r, tasks_from: t, public: yes}\n' +
      '- import_role: name=r',
  },
  {
    name: 'plays with roles, handlers, vars_prompt and import_playbook',
    kind: 'playbook',
    text:
      '- import_playbook: other.yml\n  when: x\n- ansible.builtin.import_playbook: two.yml\n' +
      '- hosts: [a, b]\n  gather_facts: no\n  serial: ["30%", 2]\n  roles: [r1, {role: r2, tags: x, my_param: 1}]\n' +
      '  vars_prompt: [{name: pw, prompt: Password, private: yes}]\n' +
      '  handlers: [{name: restart, listen: [x], service: {name: s, state: restarted}}]',
  },
  { name: 'handlers with listen', kind: 'handlers', text: '- name: h\n  listen: x\n  debug: {msg: y}' },
  { name: 'role variables', kind: 'role-vars', text: 'a: 1\nb_2: [x]\n' },
  { name: 'role meta', kind: 'role-meta', text: 'dependencies: [kplay-defaults, {role: x, vars: {a: 1}}]\n' },
];

const BAD: { name: string; kind: string; text: string; path: string; keyword: string; params?: object }[] = [
  {
    name: 'a misspelt task keyword',
    kind: 'playbook',
    text: play('- debug: {msg: a}\n- debug: {msg: b}\n  whne: x'),
    path: '/0/tasks/1',
    keyword: 'additionalProperties',
    params: { additionalProperty: 'whne' },
  },
  {
    name: 'a file mode given a list',
    kind: 'playbook',
    text: play('- debug: {msg: a}\n- debug: {msg: b}\n- debug: {msg: c}\n- copy: {src: a, dest: /b, mode: [1]}'),
    path: '/0/tasks/3/copy/mode',
    keyword: 'type',
  },
  {
    name: 'a boolean argument given a list',
    kind: 'tasks',
    text: '- copy: {src: a, dest: /b, backup: [yes]}',
    path: '/0/copy/backup',
    keyword: 'type',
  },
  {
    name: 'a boolean argument given a word that is no bool',
    kind: 'tasks',
    text: '- apt: {name: x, update_cache: maybe}',
    path: '/0/apt/update_cache',
    keyword: 'pattern',
  },
  {
    name: 'a number argument given a word',
    kind: 'tasks',
    text: '- wait_for: {port: http}',
    path: '/0/wait_for/port',
    keyword: 'pattern',
  },
  {
    name: 'a choice not among the choices',
    kind: 'tasks',
    text: '- file: {path: /x, state: folder}',
    path: '/0/file/state',
    keyword: 'enum',
  },
  {
    name: 'an unknown module argument',
    kind: 'tasks',
    text: '- copy: {src: a, dest: /b, bakup: yes}',
    path: '/0/copy',
    keyword: 'additionalProperties',
    params: { additionalProperty: 'bakup' },
  },
  {
    name: 'a misspelt module',
    kind: 'tasks',
    text: '- name: x\n  cpoy: {src: a, dest: /b}',
    path: '/0',
    keyword: 'additionalProperties',
    params: { additionalProperty: 'cpoy' },
  },
  {
    name: 'a required argument left out',
    kind: 'tasks',
    text: '- copy: {src: a}',
    path: '/0/copy',
    keyword: 'required',
    params: { missingProperty: 'dest' },
  },
  {
    name: 'a wrong argument in args:',
    kind: 'tasks',
    text: '- copy:\n  args: {src: a, dest: /b, force: [1]}',
    path: '/0/args/force',
    keyword: 'type',
  },
  { name: 'a task naming no module', kind: 'tasks', text: '- name: x\n  when: y', path: '/0', keyword: 'not' },
  {
    name: 'a misspelt keyword inside a block',
    kind: 'tasks',
    text: '- block:\n    - debug: {msg: a}\n      tgas: x',
    path: '/0/block/0',
    keyword: 'additionalProperties',
    params: { additionalProperty: 'tgas' },
  },
  {
    name: 'a misspelt play keyword',
    kind: 'playbook',
    text: '- hosts: all\n  gather_fact: no',
    path: '/0',
    keyword: 'additionalProperties',
    params: { additionalProperty: 'gather_fact' },
  },
  {
    name: 'when on a play',
    kind: 'playbook',
    text: '- hosts: all\n  when: x',
    path: '/0',
    keyword: 'additionalProperties',
  },
  { name: 'a play without hosts', kind: 'playbook', text: '- tasks: []', path: '/0', keyword: 'required' },
  {
    name: 'a register that is no variable name',
    kind: 'tasks',
    text: '- command: ls\n  register: my-out',
    path: '/0/register',
    keyword: 'pattern',
  },
  {
    name: 'an unknown loop_control key',
    kind: 'tasks',
    text: '- debug: {msg: a}\n  loop: [1]\n  loop_control: {loop_vars: x}',
    path: '/0/loop_control',
    keyword: 'additionalProperties',
  },
  {
    name: 'an include option include_tasks does not take',
    kind: 'tasks',
    text: '- include_tasks: {file: x.yml, name: y}',
    path: '/0/include_tasks',
    keyword: 'additionalProperties',
  },
  {
    name: 'a handler keyword on a task',
    kind: 'tasks',
    text: '- debug: {}\n  listen: x',
    path: '/0',
    keyword: 'additionalProperties',
  },
  {
    name: 'an import_playbook with a play keyword',
    kind: 'playbook',
    text: '- import_playbook: x.yml\n  hosts: all',
    path: '/0',
    keyword: 'additionalProperties',
  },
  { name: 'a role variable name with a dash', kind: 'role-vars', text: 'my-var: 1', path: '', keyword: 'pattern' },
];

/** The files the cases name (imports, includes, roles, a copy's src), for kplay's own checks of them. */
const SUPPORT: Record<string, string> = {
  'other.yml': '- hosts: all\n  tasks: []\n',
  'two.yml': '- hosts: all\n  tasks: []\n',
  'more.yml': '- debug: {msg: x}\n',
  'x.yml': '- debug: {msg: x}\n',
  a: 'a\n',
  ...Object.fromEntries(['r', 'r1', 'r2'].map((r) => [`roles/${r}/tasks/main.yml`, '- debug: {msg: x}\n'])),
  'roles/r/tasks/t.yml': '- debug: {msg: t}\n',
};

/** A case as a playbook kplay reads: task and handler files become a play's tasks (with the handler they notify)
 *  or handlers. */
function asPlaybook(kind: string, text: string): string | undefined {
  const indented = text.replace(/^/gm, '    ');
  if (kind === 'playbook') return text;
  if (kind === 'tasks') return `- hosts: all\n  handlers: [{name: restart, debug: {}}]\n  tasks:\n${indented}\n`;
  if (kind === 'handlers') return `- hosts: all\n  handlers:\n${indented}\n`;
  return undefined;
}

describe('playbook JSON Schemas', () => {
  for (const c of GOOD)
    it(`accepts ${c.name}`, () => {
      const errors = yamlErrors(v[c.kind]!, c.text);
      expect(errors, describeErrors(errors)).to.equal(undefined);
    });
  for (const c of BAD)
    it(`refuses ${c.name} at ${c.path || '/'}`, () => {
      const errors = yamlErrors(v[c.kind]!, c.text);
      expect(errors, 'no error').to.not.equal(undefined);
      const hit = errors!.find((e) => e.instancePath === c.path && e.keyword === c.keyword);
      expect(hit, describeErrors(errors)).to.not.equal(undefined);
      if (c.params) expect(hit!.params).to.deep.include(c.params);
    });

  // the schemas are no stricter than kplay, and catch only what kplay refuses too
  for (const c of [...GOOD, ...BAD.map((b) => ({ ...b, bad: true }))]) {
    const text = asPlaybook(c.kind, c.text);
    if (text === undefined) continue;
    const bad = 'bad' in c;
    it(`kplay's own checks ${bad ? 'refuse' : 'accept'} ${c.name} too`, () => {
      const found = problems({ ...SUPPORT, 'site.yml': text });
      if (bad) expect(found, 'kplay found no problem').to.not.deep.equal([]);
      else expect(found.map((p) => p.text)).to.deep.equal([]);
    });
  }
});
