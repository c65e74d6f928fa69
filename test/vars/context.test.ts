// Variables as a task sees them, read from real files: Ansible's precedence end to end, magic variables,
// and a --limit that does not hide other hosts from templates.
import { expect } from 'chai';
import { join } from 'node:path';
import { newRunVars, taskVars } from '../../src/vars/context.js';
import { Problems } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { joinGroup } from '../../src/inventory/changes.js';
import { flatten } from '../../src/playbook/listing.js';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { planHosts } from '../../src/check/run-plan.js';
import { renderString } from '../../src/template/template.js';
import { parseExtraVars } from '../../src/vars/vars.js';
import { writeTree } from '../support/tree.js';

describe('task variables', () => {
  const dir = writeTree({
    'site/hosts.yml':
      'all:\n  vars: { v1: all, v2: all, v3: all, v4: all, v5: all, v6: all, v7: all }\n  children:\n' +
      '    etcd:\n      vars: { v2: etcd, v3: etcd, v4: etcd, v5: etcd, v6: etcd, v7: etcd }\n' +
      '      hosts:\n        n1: { v3: host, v4: host, v5: host, v6: host, v7: host }\n        n2: {}\n',
    'site/.env': 'TOKEN=s3cr3t-token\n',
    'site.yml': '- hosts: etcd\n  vars: { v4: play, v5: play, v6: play, v7: play }\n  roles: [r]\n',
    'roles/r/defaults/main.yml': 'v0: default\nv1: default\n',
    'roles/r/vars/main.yml': 'v5: rolevars\nv6: rolevars\nv7: rolevars\n',
    'roles/r/tasks/main.yml': '- debug: msg=x\n  vars: { v6: task, v7: task }\n',
  });
  const problems = new Problems();
  const inv = loadInventory([join(dir, 'site')], problems);
  const pb = loadPlaybook(join(dir, 'site.yml'));
  problems.throwIfAny();
  const play = pb.plays[0]!;
  const task = flatten(play.tasks)[0]!;

  it('merges every layer in Ansible order', () => {
    const rv = newRunVars(inv, parseExtraVars(['v7=extra']), dir, false);
    const v = taskVars(rv, play, task, 'n1', ['n1', 'n2']);
    expect([v.v0, v.v1, v.v2, v.v3, v.v4, v.v5, v.v6, v.v7]).to.deep.equal([
      'default',
      'all',
      'etcd',
      'host',
      'play',
      'rolevars',
      'task',
      'extra',
    ]);
  });

  it('set_fact and register sit above task vars and below -e', () => {
    const rv = newRunVars(inv, {}, dir, false);
    rv.hostFacts.set('n1', { v6: 'fact', v7: 'fact' });
    const v = taskVars(rv, play, task, 'n1', ['n1']);
    expect([v.v6, v.v7]).to.deep.equal(['fact', 'fact']);
  });

  it('gives the facts in both forms: ansible_x and ansible_facts.x (a fact returned without the prefix too)', () => {
    const rv = newRunVars(inv, {}, dir, false);
    expect(taskVars(rv, play, task, 'n1', ['n1']).ansible_facts).to.deep.equal({});
    rv.facts.set('n1', { ansible_distribution: 'Debian', ansible_env: { HOME: '/root' }, services: { a: 1 } });
    const v = taskVars(rv, play, task, 'n1', ['n1']);
    expect(v.ansible_distribution).to.equal('Debian');
    expect(v.ansible_facts).to.deep.equal({ distribution: 'Debian', env: { HOME: '/root' }, services: { a: 1 } });
    expect(
      renderString("{{ ansible_facts['distribution'] }} {{ hostvars.n1.ansible_facts.env.HOME }}", { vars: v }),
    ).to.equal('Debian /root');
    // a fact a module returns later replaces the host's facts object: the dict follows
    rv.facts.set('n1', { ...rv.facts.get('n1'), ansible_distribution: 'Ubuntu' });
    expect((taskVars(rv, play, task, 'n1', ['n1']).ansible_facts as { distribution: string }).distribution).to.equal(
      'Ubuntu',
    );
  });

  it('gives the magic variables and the .env values under env', () => {
    const v = taskVars(newRunVars(inv, {}, dir, true), play, task, 'n2', ['n2']);
    expect(v.inventory_hostname).to.equal('n2');
    expect(v.group_names).to.deep.equal(['etcd']);
    expect(v.role_name).to.equal('r');
    expect(v.ansible_check_mode).to.equal(true);
    expect((v.env as Record<string, string>).TOKEN).to.equal('s3cr3t-token');
  });

  it('a --limit run still sees every host in groups and hostvars', () => {
    const p = new Problems();
    const plan = planHosts(pb, inv, 'n2', p);
    p.throwIfAny();
    expect(plan.plays[0]!.hosts).to.deep.equal(['n2']);
    const v = taskVars(newRunVars(inv, {}, dir, false), play, task, 'n2', plan.plays[0]!.hosts);
    expect(renderString('{{join groups.etcd ","}} {{lookup hostvars "n1"}}', { vars: v, host: 'n2' })).to.match(
      /^n1,n2 /,
    );
    expect(renderString("{{ hostvars['n1'].v3 }}", { vars: v, host: 'n2' })).to.equal('host');
  });
});

describe('variables that are templates', () => {
  const dir = writeTree({
    'site/hosts.yml':
      'all:\n  vars:\n    base_dir: /etc/kubeasz\n    cluster_dir: "{{ base_dir }}/clusters/{{ cluster }}"\n' +
      '    cluster: k8s-01\n    loop_a: "{{ loop_b }}"\n' +
      '    loop_b: "{{ loop_a }}"\n  hosts:\n    n1: { ca_dir: "{{ cluster_dir }}/ssl" }\n    n2: {}\n',
    'site.yml':
      '- hosts: all\n  vars:\n    root: "/tmp/kbench/{{ inventory_hostname }}"\n' +
      '    paths: ["{{ root }}/a", "{{ root }}/b"]\n  tasks:\n    - debug: msg=x\n',
  });
  const problems = new Problems();
  const inv = loadInventory([join(dir, 'site')], problems);
  const pb = loadPlaybook(join(dir, 'site.yml'));
  const play = pb.plays[0]!;
  const rv = newRunVars(inv, {}, dir, false);

  it('render when read, through other variables, per host', () => {
    const v = taskVars(rv, play, play.tasks[0], 'n1', ['n1', 'n2']);
    expect(v.cluster_dir).to.equal('/etc/kubeasz/clusters/k8s-01');
    expect(v.ca_dir).to.equal('/etc/kubeasz/clusters/k8s-01/ssl');
    expect(v.root).to.equal('/tmp/kbench/n1');
    expect(v.paths).to.deep.equal(['/tmp/kbench/n1/a', '/tmp/kbench/n1/b']);
    expect(taskVars(rv, play, play.tasks[0], 'n2', ['n1', 'n2']).root).to.equal('/tmp/kbench/n2');
    expect(renderString('{{ root }}/x', { vars: v, host: 'n1' })).to.equal('/tmp/kbench/n1/x');
  });

  it('through hostvars too', () => {
    const v = taskVars(rv, play, play.tasks[0], 'n2', ['n1', 'n2']);
    expect(renderString("{{ hostvars['n1'].ca_dir }}", { vars: v, host: 'n2' })).to.equal(
      '/etc/kubeasz/clusters/k8s-01/ssl',
    );
  });

  it('a variable that refers to itself is an error naming it', () => {
    const v = taskVars(rv, play, play.tasks[0], 'n1', ['n1']);
    expect(() => v.loop_a).to.throw(/variable 'loop_a' refers to itself/);
  });
});

describe("Ansible's role variables", () => {
  const dir = writeTree({
    'site/hosts.yml': 'all:\n  hosts:\n    n1: {}\n',
    'site.yml':
      '- hosts: all\n  roles: [a]\n  tasks:\n    - import_role: { name: c }\n    - include_role: { name: d }\n',
    'roles/a/meta/main.yml': 'dependencies: [b]\n',
    'roles/a/tasks/main.yml': '- debug: msg=a\n- import_role: { name: c, tasks_from: other }\n',
    'roles/b/tasks/main.yml': '- debug: msg=b\n',
    'roles/c/tasks/main.yml': '- debug: msg=c\n',
    'roles/c/tasks/other.yml': '- debug: msg=c-other\n- include_role: { name: c }\n',
    'roles/d/tasks/main.yml': '- debug: msg=d\n',
  });
  const problems = new Problems();
  const inv = loadInventory([join(dir, 'site')], problems);
  const pb = loadPlaybook(join(dir, 'site.yml'));
  problems.throwIfAny();
  const play = pb.plays[0]!;
  const tasks = flatten(play.tasks).filter((t) => t.kind === 'task');
  const rv = newRunVars(inv, {}, dir, false);
  const at = (msg: string) => {
    const t = tasks.find((x) => x.kind === 'task' && (x.raw.debug as string) === `msg=${msg}`);
    return taskVars(rv, play, t, 'n1', ['n1']);
  };
  // [task, role_name, ansible_parent_role_names]
  const cases: [string, string, string[] | undefined][] = [
    ['a', 'a', undefined],
    ['b', 'b', undefined],
    ['c-other', 'c', ['a']],
    ['c', 'c', undefined],
  ];
  for (const [msg, role, parents] of cases)
    it(`${msg}: role_name ${role}, parents ${parents}`, () => {
      const v = at(msg);
      expect(v.role_name).to.equal(role);
      expect(v.ansible_parent_role_names).to.deep.equal(parents);
      expect((v.ansible_parent_role_paths as string[] | undefined)?.length).to.equal(parents?.length);
    });

  it('a role that includes itself from an imported file is its own nearest parent', () => {
    const inc = flatten(play.tasks).find((t) => t.kind === 'include_role' && t.role?.name === 'c');
    const inner = inc?.kind === 'include_role' ? inc.loaded?.[0] : undefined;
    expect(taskVars(rv, play, inner, 'n1', ['n1']).ansible_parent_role_names).to.deep.equal(['c', 'a']);
  });

  it('names the play roles, the dependencies, and both', () => {
    const v = at('a');
    expect(v.role_names).to.deep.equal(['a', 'c']);
    expect(v.ansible_play_role_names).to.deep.equal(['a', 'c']);
    expect(v.ansible_dependent_role_names).to.deep.equal(['b']);
    expect((v.ansible_role_names as string[]).sort()).to.deep.equal(['a', 'b', 'c']);
  });
});

describe('hostvars: made once, made again when what it is made of changes', () => {
  const dir = writeTree({
    'site/hosts.yml': 'all:\n  vars:\n    ca: "{{ base }}/ssl"\n    base: /etc/k\n  hosts:\n    n1: {}\n    n2: {}\n',
    'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=x\n    - debug: msg=y\n',
  });
  const inv = loadInventory([join(dir, 'site')], new Problems());
  const play = loadPlaybook(join(dir, 'site.yml')).plays[0]!;
  const hosts = ['n1', 'n2'];

  it('one host entry for every task and host that reads it; listing the names builds none', () => {
    const rv = newRunVars(inv, {}, dir, false);
    let builds = 0;
    const facts = rv.facts;
    rv.facts = new Proxy(facts, {
      // n2's facts read while tasks run on n1: only to make (or check) n2's entry
      get: (t, k) => (k === 'get' ? (h: string) => (h === 'n2' && builds++, t.get(h)) : Reflect.get(t, k).bind?.(t)),
    });
    const hv = (task: number, host: string) =>
      taskVars(rv, play, play.tasks[task], host, hosts).hostvars as Record<string, unknown>;
    expect(Object.keys(hv(0, 'n1'))).to.deep.equal(['n1', 'n2']);
    expect(builds, 'listing the hosts').to.equal(0);
    const first = hv(0, 'n1').n2;
    expect([hv(1, 'n1').n2, hv(0, 'n1').n2]).to.deep.equal([first, first]);
    expect((first as { ca: string }).ca).to.equal('/etc/k/ssl');
  });

  it('a set_fact, new facts or an inventory change make the entry again', () => {
    const rv = newRunVars(inv, {}, dir, false);
    const n2 = () =>
      (taskVars(rv, play, play.tasks[0], 'n1', hosts).hostvars as Record<string, Record<string, unknown>>).n2!;
    const before = n2();
    const f = rv.hostFacts.get('n2') ?? {};
    f.seen = 1; // set_fact changes the host's object in place, then sets it again
    rv.hostFacts.set('n2', f);
    expect(n2()).to.not.equal(before);
    expect(n2().seen).to.equal(1);
    const again = n2();
    rv.facts.set('n2', { ansible_os_family: 'Debian' });
    expect(n2()).to.not.equal(again);
    expect(n2().ansible_os_family).to.equal('Debian');
    const third = n2();
    joinGroup(inv, 'n2', 'late'); // group_by
    expect(n2()).to.not.equal(third);
    expect(n2().group_names).to.deep.equal(['late']);
  });

  it('groups and the magic variables are shared, and frozen', () => {
    const rv = newRunVars(inv, {}, dir, false);
    const v = taskVars(rv, play, play.tasks[0], 'n1', hosts);
    expect(() => (v.groups as Record<string, string[]>).all!.push('x')).to.throw(TypeError);
    expect(() => (v.group_names as string[]).push('x')).to.throw(TypeError);
    expect(taskVars(rv, play, play.tasks[1], 'n2', hosts).groups).to.equal(v.groups);
  });
});
