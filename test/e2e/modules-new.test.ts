// The modules issue 14 added, on a real lab host over ssh2: pam_limits, package_facts, find, setup, ping, raw,
// tempfile and a vars_prompt answered by its default (no terminal). --check first (exact against the run), then
// the run, whose results are asserted through `assert` tasks and on the host; a second run changes nothing.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, kplay, results, siteFor, totalChanged } from './support.js';

const LIMITS = '/etc/security/limits.d/90-kplay-e2e.conf';
const FIND = '/opt/kplay-e2e-find';

const PLAYBOOK = `
- hosts: all
  gather_facts: yes
  vars_prompt:
    - name: nofile
      prompt: The nofile limit
      default: "65536"
      private: no
  tasks:
    - name: ping
      ping:
      register: p
    - assert: { that: ["p.ping == 'pong'"] }
    - name: setup again, filtered
      setup: { filter: "ansible_os_family" }
      register: s
    - assert: { that: ["s.ansible_facts.ansible_os_family == 'Debian'", "s.ansible_facts | length == 1"] }
    - name: soft nofile
      community.general.pam_limits: { dest: ${LIMITS}, domain: "*", limit_type: soft, limit_item: nofile,
        value: "{{ nofile }}" }
    - name: hard nofile, kept at the larger
      pam_limits: { dest: ${LIMITS}, domain: "*", limit_type: hard, limit_item: nofile, value: 1024, use_max: yes }
    - name: packages
      package_facts:
      register: pf
    - assert:
        that:
          - "'openssh-server' in pf.ansible_facts.packages"
          - "pf.ansible_facts.packages['openssh-server'][0].source == 'apt'"
          - "'openssh-server' in packages"
    - name: find
      find: { paths: ${FIND}, patterns: "*.conf", recurse: yes }
      register: f
    - assert:
        that:
          - "f.matched == 2"
          - "f.files | map(attribute='path') | sort | list == ['${FIND}/a.conf', '${FIND}/sub/b.conf']"
    - name: raw
      raw: "cat /etc/hostname"
      register: r
      changed_when: false
    - assert: { that: ["r.stdout | trim == inventory_hostname", "r.rc == 0"] }
    - name: tempfile
      tempfile: { state: directory, suffix: .e2e }
      register: t
      changed_when: false
    - name: the temporary folder
      stat: { path: "{{ t.path }}" }
      register: ts
      when: not ansible_check_mode
    - assert: { that: ["ts.stat.isdir", "ts.stat.mode == '0700'"] }
      when: not ansible_check_mode
`;

describe('@lab issue 14 modules on a real host (pam_limits, package_facts, find, setup, raw ...)', function () {
  this.timeout(300_000);
  let lab: LabHandle;
  let host: string;
  let site: string;
  let dir: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    host = lab.hosts[1]!.name;
    site = siteFor(lab);
    dir = mkdtempSync(join(tmpdir(), 'kplay-e2e-new-'));
    writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
    const r = await lab.exec(
      host,
      `rm -rf ${FIND} ${LIMITS} /tmp/ansible.*.e2e; mkdir -p ${FIND}/sub; ` +
        `printf '* hard nofile 4096\\n' > ${LIMITS}; ` +
        `touch ${FIND}/a.conf ${FIND}/sub/b.conf ${FIND}/c.txt ${FIND}/.d.conf`,
    );
    expect(r.code, r.stderr).to.equal(0);
  });
  after(async () => {
    await lab?.exec(host, `rm -rf ${FIND} ${LIMITS} /tmp/ansible.*.e2e`);
  });

  it('--check predicts the run exactly, the run does it, a second run changes nothing', async () => {
    const args = ['run', join(dir, 'site.yml'), '-i', site, '--json', '--limit', host];
    const real = await checkedRun(args);
    expect(real.code, real.stdout.slice(-3000)).to.equal(0);
    expect(results(real)).to.include.members([
      `${host}|soft nofile|changed`,
      `${host}|hard nofile, kept at the larger|ok`,
      `${host}|packages|ok`,
      `${host}|find|ok`,
    ]);
    expect((await lab.exec(host, `cat ${LIMITS}`)).stdout).to.equal('* hard nofile 4096\n*\tsoft\tnofile\t65536\n');
    const again = await kplay(args);
    expect(totalChanged(again), JSON.stringify(results(again))).to.equal(0);
    const withE = await kplay([...args, '-e', 'nofile=1000']);
    expect(results(withE)).to.include(`${host}|soft nofile|changed`);
    expect((await lab.exec(host, `grep soft ${LIMITS}`)).stdout).to.equal('*\tsoft\tnofile\t1000\n');
  });
});
