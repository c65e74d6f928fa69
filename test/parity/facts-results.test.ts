// Facts and registered results compared with Debian's ansible-playbook on twin lab hosts: one playbook, run by
// kplay on host A and by Ansible on host B, gathers facts and registers file, copy (with diff), stat, command and
// shell results, then writes them as JSON on the host. The facts that do not depend on which twin answers
// (distribution, release file, user, Python, CPUs, memory, resolver, virtualization ...) must be equal, the
// others (addresses, names, times) present with the same keys; each registered result must have Ansible's keys
// (kplay's extra ones are listed in docs/ansible-differences.md) and the same values for what both describe.
// Also measures one fact gathering (one round trip) on the lab host.
import { expect } from 'chai';
import { useLab } from '../lab/helpers.js';
import { kplay, siteFor } from '../e2e/support.js';
import { writeTree } from '../support/tree.js';
import { ansibleTasks } from './ansible.js';

const D = '/opt/parity-facts';

const FACTS = [
  'distribution',
  'distribution_major_version',
  'distribution_minor_version',
  'distribution_release',
  'distribution_file_variety',
  'distribution_file_path',
  'os_family',
  'system',
  'kernel',
  'architecture',
  'machine',
  'userspace_architecture',
  'pkg_mgr',
  'service_mgr',
  'user_id',
  'user_uid',
  'user_gid',
  'user_dir',
  'user_shell',
  'python_version',
  'lsb',
  'dns',
  'processor',
  'processor_count',
  'processor_cores',
  'processor_vcpus',
  'processor_nproc',
  'processor_threads_per_core',
  'memtotal_mb',
  'swaptotal_mb',
  'virtualization_role',
  'selinux',
  'apparmor',
  'fips',
];
// present on both with the same keys (the twins differ in values)
const SHAPES = ['date_time', 'default_ipv4', 'env', 'python', 'memory_mb', 'eth0', 'lo'];

const SITE = `- hosts: all
  gather_facts: true
  tasks:
    - file: { path: ${D}, state: absent }
    - file: { path: ${D}, state: directory, mode: "0750" }
      register: dir
    - copy: { dest: ${D}/c.conf, content: "a=1\\n", mode: "0640" }
      register: copied
      diff: true
    - copy: { dest: ${D}/c.conf, content: "a=1\\n", mode: "0640" }
      register: same
    - stat: { path: ${D}/c.conf }
      register: st
    - command: echo hi
      register: cmd
    - shell: echo hi | cat
      register: sh
    - service_facts:
    - copy: { dest: ${D}/out.json, content: "{{ out | to_json }}" }
      vars:
        out:
          facts: "{{ ansible_facts }}"
          env: "{{ ansible_env }}"
          dt: "{{ ansible_date_time }}"
          services: "{{ ansible_facts.services }}"
          r: { dir: "{{ dir }}", copied: "{{ copied }}", same: "{{ same }}", st: "{{ st.stat }}", cmd: "{{ cmd }}",
            sh: "{{ sh }}" }
`;

// biome-ignore lint/suspicious/noExplicitAny: JSON printed by both tools, read field by field
type J = Record<string, any>;

describe('@lab @parity facts and registered results as in Ansible', () => {
  it('the same facts and result fields from kplay and ansible-playbook on twin hosts', async function () {
    const lab = await useLab(this, { count: 3 });
    this.timeout(600_000);
    const [A, B] = [lab.hosts[1]!.name, lab.hosts[2]!.name];
    // both twins alike: Ansible needs a Python on B, so A has one too (kplay reads its version, needs none);
    // lsb_release, which other suites may have installed on one twin, on both (it changes ansible_lsb)
    for (const h of [A, B]) {
      const py = await lab.exec(
        h,
        '{ command -v python3 && command -v lsb_release; } >/dev/null || ' +
          '{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 lsb-release; }',
      );
      expect(py.code, py.stderr).to.equal(0);
    }
    const dir = writeTree({ 'site.yml': SITE });
    const site = siteFor(lab);
    const k = await kplay(['run', 'site.yml', '-i', site, '--limit', A, '--json'], { cwd: dir });
    expect(k.code, k.stderr + k.stdout.slice(-2000)).to.equal(0);
    const a = await ansibleTasks(lab.hostsFile, B, dir);
    expect(a.filter((t) => t.hosts[B]?.failed)).to.deep.equal([]);
    const [ka, an] = await Promise.all(
      [A, B].map(async (h) => JSON.parse((await lab.exec(h, `cat ${D}/out.json`)).stdout) as J),
    );
    const bad: string[] = [];
    const same = (what: string, k: unknown, an: unknown) => {
      if (JSON.stringify(k) !== JSON.stringify(an))
        bad.push(`${what}: kplay ${JSON.stringify(k)}, Ansible ${JSON.stringify(an)}`);
    };
    const kf = ka!.facts as J;
    const af = an!.facts as J;
    for (const f of FACTS) same(`ansible_facts.${f}`, kf[f], af[f]);
    same('ansible_facts.interfaces (sorted)', kf.interfaces, [...af.interfaces].sort());
    // Ansible's ssh asks for a tty (SSH_TTY, TERM) and its modules run with LANG set: not the host's own
    for (const v of ['SSH_TTY', 'TERM', 'LANG']) delete af.env[v];
    // `_`: the last command bash ran before Ansible's Python (docs/ansible-differences.md); kplay has none
    expect(kf.env).to.not.have.property('_');
    delete af.env._;
    // Ansible reads /etc/debian_version's point release only with python3-distro installed (the lab has not)
    expect([kf.distribution_version, kf.distribution_version.split('.')[0]]).to.include(af.distribution_version);
    for (const f of SHAPES)
      same(
        `keys missing from ${f}`,
        Object.keys(af[f] ?? {}).filter((x) => !IGNORED_KEYS.has(`${f}.${x}`) && !(x in (kf[f] ?? {}))),
        [],
      );
    expect(ka!.dt).to.deep.equal(kf.date_time);
    expect(Object.keys(ka!.dt).sort()).to.deep.equal(Object.keys(an!.dt).sort());
    expect(ka!.env.HOME).to.equal(an!.env.HOME);
    // results: Ansible's keys are all there, and what both describe is the same
    const kr = ka!.r as J;
    const ar = an!.r as J;
    for (const [name, ignored] of Object.entries(RESULT_KEYS_NOT_KEPT)) {
      const missing = Object.keys(ar[name]).filter((x) => !ignored.includes(x) && !(x in kr[name]));
      same(`keys missing from ${name}`, missing, []);
    }
    // kplay's changed copy also names its path (docs/ansible-differences.md)
    for (const name of ['dir', 'copied', 'same'])
      for (const f of ['path', 'dest', 'state', 'mode', 'uid', 'gid', 'owner', 'group', 'size', 'checksum', 'md5sum'])
        if (!(name === 'copied' && f === 'path')) same(`${name}.${f}`, kr[name][f], ar[name][f]);
    expect(kr.copied.diff[0]).to.include({ before: ar.copied.diff[0].before, after: ar.copied.diff[0].after });
    for (const f of [
      'exists',
      'mode',
      'isreg',
      'nlink',
      'isblk',
      'ischr',
      'isfifo',
      'issock',
      'size',
      'checksum',
      'wusr',
    ])
      same(`stat.${f}`, kr.st[f], ar.st[f]);
    for (const f of ['atime', 'ctime', 'mtime', 'dev', 'inode']) expect(kr.st[f], `stat.${f}`).to.be.a('number');
    expect([kr.cmd.cmd, kr.sh.cmd]).to.deep.equal([ar.cmd.cmd, ar.sh.cmd]);
    for (const f of ['start', 'end', 'delta']) expect(kr.cmd[f]).to.match(new RegExp(`^${shapeOf(ar.cmd[f])}$`));
    // service_facts: every service both twins have is described alike (SysV scripts and systemd units)
    const common = Object.keys(ka!.services).filter((n) => n in an!.services);
    for (const n of common) same(`services[${n}]`, ka!.services[n], an!.services[n]);
    expect(common).to.include.members(['ssh.service', 'ssh', 'systemd-journald.service']);
    expect(bad, bad.join('\n')).to.deep.equal([]);
    // one round trip: the gathering's time on the lab host, for the record
    const g = k.events.find((e) => e.type === 'host_result' && e.taskId === 'gather_facts');
    console.log(`      (fact gathering on ${A}: ${g?.ms} ms)`);
  });
});

// keys Ansible has that kplay leaves out on purpose (docs/ansible-differences.md, "Facts and results")
const IGNORED_KEYS = new Set([
  'eth0.pciid',
  'eth0.speed',
  'eth0.features',
  'eth0.timestamping',
  'eth0.hw_timestamp_filters',
  'eth0.module',
  'lo.features',
  'lo.timestamping',
  'lo.hw_timestamp_filters',
  'default_ipv4.alias',
  'default_ipv4.broadcast',
]);
const RESULT_KEYS_NOT_KEPT: Record<string, string[]> = {
  dir: ['diff'],
  copied: ['src'],
  same: ['diff'],
  st: ['attr_flags', 'attributes', 'charset', 'mimetype', 'version'],
  cmd: [],
  sh: [],
};

/** A regexp of a value's shape: digits as \d. */
const shapeOf = (s: string) => s.replace(/\d/g, '\\d').replace(/\./g, '\\.');
