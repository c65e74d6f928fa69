// Collection-style module names (FQCN) map to kplay's modules by an explicit table of which collection has which
// module; a name the collection does not have is no module at all, and is refused at its position.
import { expect } from 'chai';
import { builtins } from '../../src/tasks/index.js';
import { shortModuleName } from '../../src/tasks/collections.js';
import { one, play, problems } from '../support/problems.js';

describe('collection-style module names', () => {
  // table: [name as written, kplay module it stands for, or undefined when none]
  const table: [string, string | undefined][] = [
    ['copy', 'copy'],
    ['ansible.builtin.copy', 'copy'],
    ['ansible.legacy.copy', 'copy'],
    ['ansible.builtin.systemd_service', 'systemd_service'],
    ['ansible.posix.sysctl', 'sysctl'],
    ['ansible.posix.mount', 'mount'],
    ['ansible.posix.selinux', 'selinux'],
    // ansible.builtin redirects the short names that moved to collections
    ['ansible.builtin.sysctl', 'sysctl'],
    ['ansible.builtin.modprobe', 'modprobe'],
    ['community.general.modprobe', 'modprobe'],
    ['community.general.timezone', 'timezone'],
    ['kplay.pki_ca', 'pki_ca'],
    // no such module in that collection
    ['community.general.copy', undefined],
    ['ansible.posix.copy', undefined],
    ['community.general.sysctl', undefined],
    ['ansible.builtin.pki_ca', undefined],
    ['ansible.builtin.swap', undefined],
    ['kubernetes.core.k8s', undefined],
    ['ansible.posix.acl', undefined], // a module Ansible has and kplay does not
    ['ansible.posix.authorized_key', 'authorized_key'],
    ['builtin.copy', undefined],
    ['ansible..copy', undefined],
  ];
  for (const [name, want] of table)
    it(`${name} -> ${want ?? 'no module'}`, () => {
      expect(builtins.find(name)?.name).to.equal(want);
    });

  it('the short name is kept for a collection that has it even if kplay lacks the module', () => {
    expect(shortModuleName('ansible.posix.acl')).to.equal('acl');
    expect(shortModuleName('community.general.ufw')).to.equal('ufw');
    expect(shortModuleName('ansible.builtin.include_tasks')).to.equal('include_tasks');
    expect(shortModuleName('community.general.include_tasks')).to.equal(undefined);
  });

  // table: [task line, the "did you mean"]; each at line 4, column 7 (the module's key)
  const refused: [string, string | undefined][] = [
    ['community.general.copy: src=a dest=/b', 'ansible.builtin.copy'],
    ['ansible.posix.sysctl2: name=a value=1', 'ansible.posix.sysctl'],
    ['ansible.posix.synchronize: src=/a dest=/b', undefined],
    ['ansible.builtin.swap: {}', 'kplay.swap'],
    ['kubernetes.core.k8s: {}', undefined],
    ['community.general.import_role: name=x', 'ansible.builtin.import_role'],
  ];
  for (const [task, near] of refused)
    it(`refused at its position: ${task}`, () => {
      const e = one({ 'site.yml': play(`    - name: t\n      ${task}\n`) });
      const msg = `module '${task.split(':')[0]}' is not supported by kplay${near ? ` (did you mean '${near}'?)` : ''}`;
      expect(e).to.include({ msg, line: 4, col: 7, code: 'UNKNOWN_MODULE' });
    });

  it('action: with an FQCN kplay lacks is refused at its value', () => {
    const e = one({ 'site.yml': play('    - name: t\n      action: ansible.posix.synchronize src=a dest=b\n') });
    expect(e).to.include({ msg: "module 'ansible.posix.synchronize' is not supported by kplay", line: 4, col: 15 });
  });

  it('every problem is reported at once, before any host is reached', () => {
    const list = problems({
      'site.yml': play('    - ansible.posix.acl: path=/a\n    - community.general.ufw: rule=allow\n'),
    });
    expect(list.map((e) => [e.line, e.col])).to.deep.equal([
      [3, 7],
      [4, 7],
    ]);
  });

  it('actions and includes named by their FQCN load as their short names', () => {
    const list = problems({
      'site.yml':
        '- hosts: all\n  tasks:\n' +
        '    - ansible.builtin.set_fact: {a: 1}\n' +
        '    - ansible.builtin.meta: flush_handlers\n' +
        '    - ansible.legacy.debug: msg=x\n' +
        '    - ansible.builtin.include_tasks: t.yml\n' +
        '    - ansible.builtin.import_tasks: t.yml\n' +
        '    - ansible.builtin.import_role: {name: r}\n' +
        '    - ansible.legacy.include_role: {name: r}\n' +
        '    - ansible.posix.sysctl: name=vm.swappiness value=10\n' +
        '    - community.general.modprobe: name=br_netfilter\n' +
        '- ansible.legacy.import_playbook: other.yml\n',
      't.yml': '- debug: msg=t\n',
      'other.yml': '- hosts: all\n  tasks: []\n',
      'roles/r/tasks/main.yml': '- debug: msg=r\n',
    });
    expect(list).to.deep.equal([]);
  });
});
