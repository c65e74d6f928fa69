// Roles found as Ansible finds them: nested names (kubernetes/node) under each folder of the search, the roles
// path from ANSIBLE_ROLES_PATH or ansible.cfg, a dependency beside the role that names it; the role keeps the
// name it was given; "not found" says where it looked.
import { expect } from 'chai';
import { join } from 'node:path';
import { loadPlaybook } from '../../src/playbook/playbook.js';
import { listTasks } from '../../src/playbook/listing.js';
import type { Include, Play } from '../../src/core/types.js';
import { writeTree } from '../support/tree.js';
import { one, problems } from '../support/problems.js';

const names = (files: Record<string, string>) => {
  const pb = loadPlaybook(join(writeTree(files), 'site.yml'));
  return listTasks(pb, { filter: { only: [], skip: [] }, cwd: '/' })
    .split('\n')
    .filter((l) => l.startsWith('      '))
    .map((l) => l.trim().split('\t')[0]);
};

/** Run `fn` with environment variables set, then put them back. */
function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('roles as Ansible finds them', () => {
  it('nested names in roles:, meta dependencies, import_role; each keeps the name it was given', () => {
    expect(
      names({
        'site.yml':
          '- hosts: all\n  roles:\n    - kubernetes/node\n    - role: kubernetes/preinstall\n' +
          '  tasks:\n    - import_role: {name: kubernetes/preinstall, tasks_from: other}\n',
        'roles/kubernetes/node/meta/main.yml': 'dependencies:\n  - role: kubernetes/common\n  - sibling\n',
        'roles/kubernetes/node/tasks/main.yml': '- name: node\n  debug: msg=n\n',
        'roles/kubernetes/common/tasks/main.yml': '- name: common\n  debug: msg=c\n',
        // found beside the role that depends on it (roles/kubernetes/), as Ansible's role basedir
        'roles/kubernetes/sibling/tasks/main.yml': '- name: sibling\n  debug: msg=s\n',
        'roles/kubernetes/preinstall/tasks/main.yml': '- name: pre\n  debug: msg=p\n',
        'roles/kubernetes/preinstall/tasks/other.yml': '- name: other\n  debug: msg=o\n',
      }),
    ).to.deep.equal([
      'kubernetes/common : common',
      'sibling : sibling',
      'kubernetes/node : node',
      'kubernetes/preinstall : pre',
      'kubernetes/preinstall : other',
    ]);
  });

  it('include_role with a nested name is loaded when the playbook is read', () => {
    const pb = loadPlaybook(
      join(
        writeTree({
          'site.yml': '- hosts: all\n  tasks:\n    - include_role:\n        name: k8s/etcd\n',
          'roles/k8s/etcd/tasks/main.yml': '- name: e\n  debug: msg=e\n',
        }),
        'site.yml',
      ),
    );
    const inc = (pb.plays[0] as Play).tasks[0] as Include;
    expect(inc.loaded?.map((t) => `${t.role?.name} : ${t.name}`)).to.deep.equal(['k8s/etcd : e']);
  });

  it('a role on ANSIBLE_ROLES_PATH (relative to the current folder) and on ansible.cfg roles_path', () => {
    const d = writeTree({
      'pb/site.yml': '- hosts: all\n  roles: [a/one, two]\n',
      'shared/a/one/tasks/main.yml': '- name: one\n  debug: msg=1\n',
      'cfg/ansible.cfg': '[defaults]\nroles_path = ../more\n',
      'more/two/tasks/main.yml': '- name: two\n  debug: msg=2\n',
    });
    const run = () =>
      listTasks(loadPlaybook(join(d, 'pb/site.yml')), { filter: { only: [], skip: [] }, cwd: '/' })
        .split('\n')
        .filter((l) => l.startsWith('      '))
        .map((l) => l.trim().split('\t')[0]);
    const cwd = process.cwd();
    process.chdir(d);
    try {
      // ANSIBLE_ROLES_PATH replaces ansible.cfg's roles_path, as in Ansible: 'two' is then not found
      const e = withEnv({ ANSIBLE_ROLES_PATH: 'shared', ANSIBLE_CONFIG: join(d, 'cfg/ansible.cfg') }, () =>
        problems({ 'site.yml': '- hosts: all\n  roles: [a/one, two]\n' }),
      );
      expect(e.map((p) => p.msg)).to.deep.equal(["role 'two' not found"]);
      expect(e[0]!.text).to.include(`searched: `).and.include(join(d, 'shared'));
      expect(withEnv({ ANSIBLE_ROLES_PATH: `shared:${join(d, 'more')}` }, run)).to.deep.equal([
        'a/one : one',
        'two : two',
      ]);
      expect(withEnv({ ANSIBLE_CONFIG: join(d, 'cfg/ansible.cfg'), KPLAY_ROLES_PATH: 'shared' }, run)).to.deep.equal([
        'a/one : one',
        'two : two',
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a role named by its path: absolute keeps the path as its name; from the current folder, its last part', () => {
    const d = writeTree({
      'pb/site.yml': '',
      'elsewhere/x/tasks/main.yml': '- name: x\n  debug: msg=x\n',
      'elsewhere/y/tasks/main.yml': '- name: y\n  debug: msg=y\n',
    });
    const cwd = process.cwd();
    process.chdir(d);
    try {
      expect(
        names({ 'site.yml': `- hosts: all\n  roles: ['${join(d, 'elsewhere/x')}', elsewhere/y]\n` }),
      ).to.deep.equal([`${join(d, 'elsewhere/x')} : x`, 'y : y']);
    } finally {
      process.chdir(cwd);
    }
  });

  it('"not found" names each folder searched, in order, and suggests a nested role', () => {
    const e = withEnv({ ANSIBLE_ROLES_PATH: '/nonexistent/r1:/nonexistent/r2' }, () =>
      one({
        'site.yml': '- hosts: all\n  roles:\n    - kubernetes/nod\n',
        'roles/kubernetes/node/tasks/main.yml': '- debug: msg=x\n',
      }),
    );
    expect(e).to.include({
      msg: "role 'kubernetes/nod' not found (did you mean 'kubernetes/node'?)",
      line: 3,
      col: 7,
    });
    const searched = e.text
      .replace(/^[\s\S]*searched: /, '')
      .split('\n')[0]!
      .split(', ');
    expect(searched[0]).to.match(/\/roles$/);
    expect(searched.slice(1, 3)).to.deep.equal(['/nonexistent/r1', '/nonexistent/r2']);
    expect(searched.at(-1)).to.equal(searched[0]!.replace(/\/roles$/, ''));
  });

  it('a role may import itself with another tasks_from; the same file again is a cycle', () => {
    expect(
      names({
        'site.yml': '- hosts: all\n  roles: [r]\n',
        'roles/r/tasks/main.yml': '- name: m\n  debug: msg=m\n- import_role: { name: r, tasks_from: other }\n',
        'roles/r/tasks/other.yml': '- name: o\n  debug: msg=o\n',
      }),
    ).to.deep.equal(['r : m', 'r : o']);
    const e = one({
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- import_role: { name: r, tasks_from: other }\n',
      'roles/r/tasks/other.yml': '- import_role: { name: r, tasks_from: other.yml }\n',
    });
    expect(e).to.include({ file: 'roles/r/tasks/other.yml', line: 1, col: 16 });
    expect(e.msg).to.match(
      /^role dependency cycle: .*\/r -> .*\/r \(tasks_from other\) -> .*\/r \(tasks_from other\)$/,
    );
  });
});
