import { expect } from 'chai';
import { join } from 'node:path';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { flatten, listTags, listTasks } from '../../src/playbook/listing.js';
import type { Block, Include, Task } from '../../src/core/types.js';
import { writeTree } from '../support/tree.js';

const load = (files: Record<string, string>, entry = 'site.yml') => {
  const dir = writeTree(files);
  return { dir, pb: loadPlaybook(join(dir, entry)) };
};

describe('playbooks', () => {
  it('reads plays with their keywords', () => {
    const { pb } = load({
      'site.yml':
        '- name: web\n  hosts: [a, b]\n  serial: "30%"\n  strategy: free\n  become: yes\n' +
        '  gather_facts: no\n  max_fail_percentage: 20\n  any_errors_fatal: true\n  tasks: []\n',
    });
    const p = pb.plays[0]!;
    expect(p).to.include({
      name: 'web',
      hosts: 'a,b',
      strategy: 'free',
      become: true,
      gatherFacts: false,
      maxFailPercentage: 20,
      anyErrorsFatal: true,
    });
    expect(p.serial).to.deep.equal(['30%']);
  });

  it('parses the three ways of giving module arguments, args: under inline', () => {
    const { pb } = load({
      'site.yml': `- hosts: all
  tasks:
    - copy: src=a.txt dest=/tmp/a mode=0644
    - ansible.builtin.copy: { content: x, dest: /tmp/b }
    - command: etcdctl endpoint health chdir=/opt
      args:
        creates: /tmp/done
        chdir: /ignored
    - action: file path=/tmp/c state=touch
`,
      'files/a.txt': 'a',
    });
    const [a, b, c, d] = pb.plays[0]!.tasks as Task[];
    expect(a!.module).to.equal('copy');
    expect(a!.args).to.deep.equal({ src: 'a.txt', dest: '/tmp/a', mode: '0644' });
    expect(b!.args).to.deep.equal({ content: 'x', dest: '/tmp/b' });
    expect(c!.args).to.deep.equal({ creates: '/tmp/done', chdir: '/opt', _raw_params: 'etcdctl endpoint health' });
    expect(d!.module).to.equal('file');
  });

  it('an action named by the package-manager fact is the package module; other templated names are refused', () => {
    const pkg = (action: string) =>
      load({ 'site.yml': `- hosts: all\n  tasks:\n    - action: ${action}\n      args: {name: libuser}\n` }).pb;
    for (const a of [
      '"{{ ansible_facts.pkg_mgr }}"',
      '"{{ ansible_facts[\'pkg_mgr\'] }} state=present"',
      '"{{ansible_pkg_mgr}}"',
    ]) {
      const t = pkg(a).plays[0]!.tasks[0] as Task;
      expect(t.module, a).to.equal('package');
      expect(t.args).to.deep.include({ name: 'libuser' });
    }
    expect(() => pkg('"{{ my_module }}"')).to.throw(/unknown module '\{\{'/);
  });

  it('blocks pass when, tags and keywords down; rescue and always are kept', () => {
    const { pb } = load({
      'site.yml': `- hosts: all
  tags: [play]
  tasks:
    - block:
        - debug: msg=in
          tags: inner
          become: false
      rescue:
        - debug: msg=rescued
      always:
        - debug: msg=always
      when: x is defined
      tags: outer
      become: true
      vars: { a: 1 }
`,
    });
    const b = pb.plays[0]!.tasks[0] as Block;
    expect(b.kind).to.equal('block');
    const inner = b.block[0] as Task;
    expect(inner.tags).to.have.members(['play', 'outer', 'inner']);
    expect(inner.when.map((w) => w.source)).to.deep.equal(['x is defined']);
    expect(inner.keywords.become).to.equal(false);
    expect((b.rescue[0] as Task).keywords.become).to.equal(true);
    expect(inner.vars).to.deep.equal({ a: 1 });
    expect(b.always).to.have.length(1);
  });

  it('roles: defaults, vars, handlers, meta dependencies first, tagged with their name, run once', () => {
    const { pb } = load({
      'site.yml':
        '- hosts: all\n  roles:\n    - common\n    - role: etcd\n      tags: [db]\n' +
        '      when: run_etcd\n      cluster_name: c1\n    - common\n',
      'roles/common/tasks/main.yml': '- name: common task\n  debug: msg=c\n',
      'roles/etcd/meta/main.yml': 'dependencies:\n  - common\n  - role: certs\n',
      'roles/certs/tasks/main.yml': '- name: make certs\n  debug: msg=x\n',
      'roles/etcd/defaults/main.yml': 'etcd_port: 2379\n',
      'roles/etcd/vars/main.yml': 'etcd_user: etcd\n',
      'roles/etcd/tasks/main.yml': '- name: etcd task\n  debug: msg=e\n  notify: restart etcd\n',
      'roles/etcd/handlers/main.yml': '- name: restart etcd\n  command: systemctl restart etcd\n',
    });
    const p = pb.plays[0]!;
    const tasks = flatten(p.tasks) as Task[];
    expect(tasks.map((t) => t.name)).to.deep.equal(['common task', 'make certs', 'etcd task']);
    expect(tasks[2]!.tags).to.have.members(['etcd', 'db']);
    expect(tasks[1]!.tags).to.have.members(['certs', 'etcd', 'db']);
    expect(tasks[2]!.when.map((w) => w.source)).to.deep.equal(['run_etcd']);
    const etcd = p.roles.find((r) => r.name === 'etcd')!;
    expect(etcd.defaults).to.deep.equal({ etcd_port: 2379 });
    expect(etcd.vars).to.deep.equal({ etcd_user: 'etcd' });
    expect(etcd.params).to.deep.equal({ cluster_name: 'c1' });
    expect(p.handlers.map((h) => h.name)).to.deep.equal(['restart etcd']);
  });

  it('import_tasks is expanded with its tags and when; include_tasks stays a task with its file loaded', () => {
    const { pb } = load({
      'site.yml':
        '- hosts: all\n  tasks:\n    - import_tasks: more.yml\n      tags: imp\n' +
        '      when: a\n    - include_tasks: more.yml\n      tags: inc\n',
      'more.yml': '- name: more\n  debug: msg=m\n',
    });
    const [imp, inc] = pb.plays[0]!.tasks as [Task, Include];
    expect(imp.kind).to.equal('task');
    expect(imp.tags).to.deep.equal(['imp']);
    expect(imp.when.map((w) => w.source)).to.deep.equal(['a']);
    expect(inc.kind).to.equal('include_tasks');
    expect(inc.tags).to.deep.equal(['inc']);
    expect((inc.loaded![0] as Task).tags).to.deep.equal([]);
  });

  it('import_playbook brings in plays in order, passing tags', () => {
    const { pb } = load({
      'site.yml': '- import_playbook: a.yml\n  tags: a\n- hosts: all\n  name: second\n  tasks: []\n',
      'a.yml': '- hosts: etcd\n  name: first\n  tasks:\n    - debug: msg=x\n',
    });
    expect(pb.plays.map((p) => [p.index, p.name])).to.deep.equal([
      [1, 'first'],
      [2, 'second'],
    ]);
    expect((pb.plays[0]!.tasks[0] as Task).tags).to.deep.equal(['a']);
  });

  it('pre_tasks, roles, tasks, post_tasks in Ansible order', () => {
    const { pb } = load({
      'site.yml':
        '- hosts: all\n  post_tasks: [{name: post, debug: msg=x}]\n' +
        '  tasks: [{name: task, debug: msg=x}]\n  roles: [r]\n  pre_tasks: [{name: pre, debug: msg=x}]\n',
      'roles/r/tasks/main.yml': '- name: role\n  debug: msg=x\n',
    });
    const out = listTasks(pb, { filter: { only: [], skip: [] }, cwd: '/' });
    expect(
      out
        .split('\n')
        .filter((l) => l.startsWith('      '))
        .map((l) => l.trim().split('\t')[0]),
    ).to.deep.equal(['pre', 'r : role', 'task', 'post']);
  });

  it(
    'the shipped ha-cluster playbook lists every role in ' +
      'order, and --tags etcd only etcd (and the preflight checks)',
    () => {
      const pb = loadPlaybook('playbooks/ha-cluster.yml');
      const all = listTasks(pb, { filter: { only: [], skip: [] } });
      const roles = all
        .split('\n')
        .filter((l) => l.startsWith('      '))
        .map((l) => l.trim().split(' : ')[0]);
      const order = roles.filter((r, i) => r !== 'preflight' && r !== roles[i - 1]);
      expect(order).to.deep.equal([
        'pki',
        'prepare',
        'registry',
        'Push each image archive\tTAGS: [images]',
        'etcd',
        'runtime',
        'ex-lb',
        'kube-lb',
        'kube-master',
        'kube-node',
        'kube-lb',
        'kube-node',
        'network',
        'pki', // calico's CNI certificate and kubeconfig (import_role pki, tasks_from cni)
        'network',
        'addons',
      ]);
      expect(roles[0]).to.equal('preflight');
      const etcd = listTasks(pb, { filter: { only: ['etcd'], skip: [] } });
      const tasks = etcd
        .split('\n')
        .filter((l) => l.startsWith('      '))
        .map((l) => l.trim());
      expect(
        tasks
          .filter((t) => !t.startsWith('preflight : '))
          .every((t) => t.startsWith('etcd : ') && /TAGS: \[(.+, )?etcd(, .+)?\]$/.test(t)),
      ).to.equal(true);
      expect(tasks).to.include('etcd : Write the etcd unit\tTAGS: [etcd, restart_etcd]');
      expect(listTags(pb, { filter: { only: [], skip: [] } })).to.include(
        'TASK TAGS: [etcd, force_change_certs, restart_etcd]',
      );
    },
  );
});
