// Ansible content loaded as Ansible loads it, compared with Debian's ansible-playbook on twin lab hosts: one
// playbook tree, run by both from the same folder, uses ansible.cfg's roles_path (relative to the file, with an
// inline comment), nested role names (`infra/web`) in roles:, import_role and meta dependencies (one found
// beside the role that names it), modules and actions named by their FQCN (ansible.builtin., ansible.legacy.,
// ansible.posix.), and a shell command continued on a tab-indented line inside a double-quoted string. The task
// titles (with the role's name as each tool shows it), the status of every task on a first and a second run,
// and the files made must be the same.
import { expect } from 'chai';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, siteFor } from '../e2e/support.js';
import { writeTree } from '../support/tree.js';
import { ansibleTasks } from './ansible.js';

const D = '/opt/parity-load';

const TREE: Record<string, string> = {
  'ansible.cfg': '[defaults]\nroles_path = lib/roles:/nonexistent ;where our roles are\n',
  'site.yml':
    '- hosts: all\n  gather_facts: false\n  roles:\n    - role: infra/web\n  tasks:\n' +
    '    - name: extra\n      ansible.builtin.import_role:\n        name: infra/extra\n',
  // 'base' is found beside infra/web (Ansible's role basedir), and keeps the name it is given
  'lib/roles/infra/web/meta/main.yml': 'dependencies:\n  - base\n',
  'lib/roles/infra/base/tasks/main.yml':
    '- name: the folder\n' + `  ansible.builtin.file: path=${D} state=directory mode=0755\n`,
  'lib/roles/infra/web/tasks/main.yml':
    `- name: web conf\n  ansible.builtin.copy:\n    dest: ${D}/web.conf\n    content: "a=1\\n"\n    mode: "0644"\n` +
    `- name: continued on a tab\n  ansible.builtin.shell: "echo one \\\n\t two > ${D}/cont"\n` +
    `  args:\n    creates: ${D}/cont\n`,
  'lib/roles/infra/extra/tasks/main.yml':
    `- name: a line\n  ansible.legacy.lineinfile: path=${D}/extra.conf line=b=2 create=true\n` +
    `- name: a key\n  ansible.posix.sysctl:\n    name: vm.swappiness\n    value: "10"\n` +
    `    sysctl_file: ${D}/99-parity.conf\n    reload: false\n`,
};

type Titles = [string, string][];

async function runAnsible(lab: LabHandle, dir: string, host: string): Promise<Titles> {
  return (await ansibleTasks(lab.hostsFile, host, dir))
    .filter((t) => t.hosts[host])
    .map((t) => {
      const h = t.hosts[host]!;
      return [t.task.name, h.failed ? 'failed' : h.changed ? 'changed' : 'ok'];
    });
}

async function runKplay(site: string, dir: string, host: string): Promise<Titles> {
  const r = await kplay(['run', 'site.yml', '-i', site, '--json', '--limit', host], { cwd: dir });
  const titles: Titles = r.events
    .filter((e) => e.type === 'host_result' && e.host === host)
    .map((e) => [String(e.task), String(e.status)]);
  if (titles.length === 0) throw new Error(`kplay reported no results (rc=${r.code}): ${r.stderr}\n${r.stdout}`);
  return titles;
}

describe('@lab @parity Ansible content loads in kplay as in Ansible', () => {
  it('ansible.cfg roles_path, nested roles, FQCNs, a tab-continued string: same results', async function () {
    const lab = await useLab(this, { count: 3 });
    this.timeout(600_000);
    const [A, B] = [lab.hosts[1]!.name, lab.hosts[2]!.name];
    const dir = writeTree(TREE);
    const site = siteFor(lab);
    const py = await lab.exec(
      B,
      'command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3; }',
    );
    expect(py.code, py.stderr).to.equal(0);
    await Promise.all([A, B].map((h) => lab.exec(h, `rm -rf ${D}`)));
    try {
      const rounds: [Titles, Titles][] = [];
      for (let i = 0; i < 2; i++) rounds.push(await Promise.all([runKplay(site, dir, A), runAnsible(lab, dir, B)]));
      const files = ['web.conf', 'extra.conf', 'cont', '99-parity.conf'].map((f) => `${D}/${f}`).join(' ');
      const state = `find ${D} -printf '%P %M\\n' | sort; cat ${files}`;
      const [sa, sb] = await Promise.all([A, B].map((h) => lab.exec(h, state)));
      expect(rounds[0]![0]).to.deep.equal([
        ['base : the folder', 'changed'],
        ['infra/web : web conf', 'changed'],
        ['infra/web : continued on a tab', 'changed'],
        ['infra/extra : a line', 'changed'],
        ['infra/extra : a key', 'changed'],
      ]);
      expect(rounds[0]![0], 'first run').to.deep.equal(rounds[0]![1]);
      expect(rounds[1]![0], 'second run').to.deep.equal(rounds[1]![1]);
      expect(rounds[1]![0].map(([, s]) => s)).to.deep.equal(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(sa!.stdout).to.include('one two\n');
      expect(sa!.stdout).to.equal(sb!.stdout);
    } finally {
      await Promise.all([A, B].map((h) => lab.exec(h, `rm -rf ${D}`)));
    }
  });
});
