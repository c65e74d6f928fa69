// Bad playbooks, roles and task files: every problem reported at once, each with its message, line and column.
import { expect } from 'chai';
import { one, play, problems } from '../support/problems.js';

describe('playbook errors', () => {
  it('a loop on import_tasks is refused (an import is static); include_tasks loops', () => {
    const e = one({ 'site.yml': play('    - import_tasks: x.yml\n      loop: [1, 2]\n'), 'x.yml': '- debug: msg=x\n' });
    expect(e).to.include({ line: 4, col: 7, msg: 'import_tasks is static and cannot loop; use include_tasks' });
    expect(
      problems({ 'site.yml': play('    - include_tasks: x.yml\n      loop: [1, 2]\n'), 'x.yml': '- debug: msg=x\n' }),
    ).to.deep.equal([]);
  });

  it('become_method: sudo and su are taken, another method is refused at its value', () => {
    for (const m of ['sudo', 'su', '"{{ how }}"'])
      expect(problems({ 'site.yml': play(`    - command: "true"\n      become_method: ${m}\n`) })).to.deep.equal([]);
    const e = one({ 'site.yml': play('    - command: "true"\n      become_method: doas\n') });
    expect(e).to.include({ line: 4, col: 22, msg: `become_method: only 'sudo' and 'su' are known, got "doas"` });
  });

  it('YAML syntax error points to the line', () => {
    const e = problems({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg="a"\n     bad: [\n' })[0]!;
    expect(e.code).to.equal('YAML_SYNTAX');
    expect(e.file).to.equal('site.yml');
    expect(e).to.include({
      line: 4,
      col: 1,
      msg: 'YAML syntax error: Sequence item without - indicator (and 1 more after it)',
    });
  });
  it('a playbook that is a mapping', () => {
    const e = one({ 'site.yml': 'hosts: all\ntasks: []\n' });
    expect(e).to.include({ msg: 'a playbook must be a list of plays', line: 1, col: 1 });
  });
  it('unknown module, with did you mean', () => {
    const e = one({ 'site.yml': play('    - name: copy a file\n      cpoy: src=a dest=b\n') });
    expect(e).to.include({
      msg: "unknown module or keyword 'cpoy' (did you mean 'copy'?)",
      line: 4,
      col: 7,
      code: 'UNKNOWN_MODULE',
    });
  });
  it('unknown play keyword, with did you mean', () => {
    const e = one({ 'site.yml': '- hosts: all\n  gather_fact: no\n  tasks: []\n' });
    expect(e).to.include({ msg: "unknown play keyword 'gather_fact' (did you mean 'gather_facts'?)", line: 2, col: 3 });
  });
  it('unknown block keyword', () => {
    const e = one({
      'site.yml': play('    - block:\n        - debug: msg=hi\n      rescu:\n        - debug: msg=x\n'),
    });
    expect(e).to.include({ msg: "unknown block keyword 'rescu' (did you mean 'rescue'?)", line: 5, col: 7 });
  });
  it('a task keyword misspelt next to a module', () => {
    const e = one({ 'site.yml': play('    - debug: msg=hi\n      whn: true\n') });
    expect(e).to.include({ msg: "unknown task keyword 'whn' (did you mean 'when'?)", line: 4, col: 7 });
  });
  it('two modules in one task', () => {
    const e = one({ 'site.yml': play('    - copy: src=a dest=b\n      template: src=a dest=b\n') });
    expect(e).to.include({ msg: 'conflicting actions in one task: copy, template', line: 4, col: 7 });
  });
  it('a task with no module', () => {
    const e = one({ 'site.yml': play('    - name: nothing\n      when: true\n') });
    expect(e).to.include({ msg: 'this task names no module (every key is a keyword)', line: 3, col: 7 });
  });
  it('unsupported module argument, with did you mean', () => {
    const e = one({ 'site.yml': play('    - file:\n        path: /tmp/x\n        stat: directory\n') });
    expect(e).to.include({
      msg: "file: unsupported argument 'stat' (did you mean 'state'?)",
      line: 5,
      col: 9,
      code: 'BAD_ARGS',
    });
  });
  it('bad choice in k=v form points into the string', () => {
    const e = one({ 'site.yml': play('    - file: path=/tmp/x state=dir\n') });
    expect(e.msg).to.equal('file: argument \'state\': "dir" is not one of absent, directory, file, hard, link, touch');
    expect(e).to.include({ line: 3, col: 31 });
  });
  it('missing required argument', () => {
    const e = one({ 'site.yml': play('    - file:\n        state: touch\n') });
    expect(e).to.include({ msg: "file: missing required argument 'path'", line: 3, col: 7 });
  });
  it("copy's own words, as Ansible's: dest is required", () => {
    const e = one({ 'site.yml': play('    - copy:\n        content: x\n') });
    expect(e).to.include({ msg: 'copy: dest is required', line: 3, col: 7 });
  });
  it('mutually exclusive arguments', () => {
    const e = one({
      'site.yml': play('    - copy:\n        src: a\n        content: b\n        dest: /x\n'),
      'files/a': 'a',
    });
    expect(e).to.include({ msg: 'copy: src and content are mutually exclusive', line: 5, col: 9 });
  });
  it('required_if: state=hard needs src', () => {
    const e = one({ 'site.yml': play('    - file: path=/x state=hard\n') });
    expect(e).to.include({ msg: "file: state=hard requires 'src'", line: 3, col: 21 });
  });
  it('a word that is not key=value', () => {
    const e = one({ 'site.yml': play('    - copy: src=a dest=/x /etc/x\n'), 'files/a': 'a' });
    expect(e).to.include({ msg: "copy: '/etc/x' is not a key=value argument", line: 3, col: 27 });
  });
  it('wrong type for a keyword', () => {
    const e = one({ 'site.yml': play('    - debug: msg=x\n      retries: many\n') });
    expect(e).to.include({ msg: 'retries: expected a whole number, got "many"', line: 4, col: 16 });
  });
  it('register must be a variable name', () => {
    const e = one({ 'site.yml': play('    - command: ls\n      register: my-result\n') });
    expect(e).to.include({ msg: 'register: expected a variable name, got "my-result"', line: 4, col: 17 });
  });
  it('a play without hosts', () => {
    const e = one({ 'site.yml': '- name: nowhere\n  tasks: []\n' });
    expect(e).to.include({ msg: "a play needs 'hosts'", line: 1, col: 3 });
  });
  it('bad serial', () => {
    const e = one({ 'site.yml': '- hosts: all\n  serial: [1, "x%"]\n  tasks: []\n' });
    expect(e).to.include({ msg: 'serial: "x%" is not a number or a percentage like "30%"', line: 2, col: 15 });
  });
  it('bad strategy', () => {
    const e = one({ 'site.yml': '- hosts: all\n  strategy: parallel\n  tasks: []\n' });
    expect(e).to.include({ msg: "strategy: expected 'linear' or 'free', got \"parallel\"", line: 2, col: 13 });
  });
  it('unsupported keyword says why', () => {
    const e = one({ 'site.yml': play('    - debug: msg=x\n      include: x.yml\n') });
    expect(e.msg).to.match(/^'include' is not supported: 'include' was removed/);
    expect(e).to.include({ line: 4, col: 7 });
  });
  it('missing role, with did you mean', () => {
    const e = one({
      'site.yml': '- hosts: all\n  roles:\n    - etdc\n',
      'roles/etcd/tasks/main.yml': '- debug: msg=x\n',
    });
    expect(e).to.include({ msg: "role 'etdc' not found (did you mean 'etcd'?)", line: 3, col: 7 });
  });
  it('an error inside a role task file names that file', () => {
    const e = one({
      'site.yml': '- hosts: all\n  roles: [etcd]\n',
      'roles/etcd/tasks/main.yml': '- debug: msg=x\n- servce: name=etcd\n',
    });
    expect(e).to.include({ file: 'roles/etcd/tasks/main.yml', line: 2, col: 3 });
    expect(e.msg).to.match(/^unknown module or keyword 'servce'/);
  });
  it('an Ansible module kplay lacks: a load error at its key, unless a condition may skip the task', () => {
    const e = one({ 'site.yml': play('    - subversion: repo=x dest=/x\n') });
    expect(e).to.include({
      line: 3,
      col: 7,
      msg: "module 'subversion' (ansible.builtin.subversion) is not implemented by kplay",
    });
    for (const extra of ['      when: false\n', '      ignore_errors: true\n'])
      expect(problems({ 'site.yml': play(`    - subversion: repo=x dest=/x\n${extra}`) })).to.deep.equal([]);
  });
  it('import_tasks of a missing file', () => {
    const e = one({ 'site.yml': play('    - import_tasks: nothere.yml\n') });
    expect(e.msg).to.match(/^tasks file not found: .*nothere\.yml$/);
    expect(e).to.include({ line: 3, col: 21 });
  });
  it('import cycle', () => {
    const list = problems({
      'site.yml': play('    - import_tasks: a.yml\n'),
      'a.yml': '- import_tasks: b.yml\n',
      'b.yml': '- import_tasks: a.yml\n',
    });
    expect(list.map((x) => x.msg).join('\n')).to.match(/import cycle: .*a\.yml -> .*b\.yml -> .*a\.yml/);
  });
  it('import_playbook of a missing file', () => {
    const e = one({ 'site.yml': '- import_playbook: other.yml\n' });
    expect(e).to.include({ line: 1, col: 20 });
    expect(e.msg).to.match(/^playbook not found: .*other\.yml$/);
  });
  it('notify names no handler, with did you mean', () => {
    const e = one({
      'site.yml':
        '- hosts: all\n  tasks:\n    - command: ls\n      notify: restart etdc\n' +
        '  handlers:\n    - name: restart etcd\n      command: systemctl restart etcd\n',
    });
    expect(e).to.include({
      msg: "notify: no handler named 'restart etdc' in this play (did you mean 'restart etcd'?)",
      line: 4,
      col: 15,
    });
  });
  it('a task that is not a mapping', () => {
    const e = one({ 'site.yml': play('    - just a string\n') });
    expect(e).to.include({ msg: 'a task must be a mapping, got "just a string"', line: 3, col: 7 });
  });
  it('a template src that does not exist', () => {
    const e = one({ 'site.yml': play('    - template: src=nope.hbs dest=/etc/x\n') });
    expect(e).to.include({ msg: 'template not found: nope.hbs', line: 3, col: 21 });
  });
  it('a vars file that is missing', () => {
    const e = one({ 'site.yml': '- hosts: all\n  vars_files: [vars/none.yml]\n  tasks: []\n' });
    expect(e).to.include({ msg: 'vars file not found: vars/none.yml', line: 2, col: 15 });
  });
  it('include_role of a templated role name is allowed, import_role is not', () => {
    const e = one({
      'site.yml': play('    - include_role: name="{{ r }}"\n    - import_role:\n        name: "{{ r }}"\n'),
    });
    expect(e.msg).to.equal('import_role is static and cannot use a template ({{ r }}); use include_role');
    expect(e).to.include({ line: 5, col: 9 });
  });
  it('reports every problem of a file at once, in order', () => {
    const list = problems({
      'site.yml': play('    - cpoy: src=a dest=b\n    - file: path=/x state=nope\n    - debug: msg=x\n      loop: 5\n'),
    });
    expect(list.map((x) => x.line)).to.deep.equal([3, 4, 6]);
    expect(list[2]!.msg).to.equal('loop: expected a list or a template giving one, got 5');
  });
  it('formats as path:line:col with the line and a caret', () => {
    const e = one({ 'site.yml': play('    - file: path=/x stat=directory\n') });
    expect(e.text).to.equal(
      `${e.text.split(':')[0]}:3:21: file: unsupported argument 'stat' (did you mean 'state'?)\n  ` +
        'hint: supported: access_time, access_time_format, attr, attributes, dest, follow, force, group, mode, ' +
        'modification_time, modification_time_format, name, owner, path, recurse, src, state\n' +
        '      - file: path=/x stat=directory\n                      ^',
    );
  });
});
