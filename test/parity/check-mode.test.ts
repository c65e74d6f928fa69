// Check mode, kplay against Ansible (docs/ansible-differences.md, "Check mode"): on a fresh host, a play that
// makes a folder, a file in it, then stats the file and asserts it is there. Ansible's --check reads the
// unchanged host: the stat finds no file and the assert fails the host. kplay's reads the host as the tasks
// before would leave it: the stat finds the file, the assert holds. The real run of each agrees with kplay.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kplay, siteFor } from '../e2e/support.js';
import { ansiblePlaybook } from './ansible.js';

const D = '/opt/parity-check';
const PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - name: a folder
      file: { path: ${D}/conf.d, state: directory }
    - name: a file in it
      copy: { dest: ${D}/conf.d/app.conf, content: "x=1\\n" }
    - name: read it back
      stat: { path: ${D}/conf.d/app.conf }
      register: st
    - name: it is there
      assert: { that: [st.stat.exists] }
`;

type Statuses = Record<string, string>;

async function ansible(lab: LabHandle, dir: string, host: string, check: boolean): Promise<Statuses> {
  const args = ['-i', lab.hostsFile, '--limit', host, '-e', 'ansible_python_interpreter=/usr/bin/python3'];
  const r = await ansiblePlaybook([...args, ...(check ? ['--check'] : []), 'site.yml'], dir);
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
    plays: { tasks: { task: { name: string }; hosts: Record<string, { changed?: boolean; failed?: boolean }> }[] }[];
  };
  const s: Statuses = {};
  for (const t of out.plays.flatMap((p) => p.tasks)) {
    const h = t.hosts[host];
    if (h) s[t.task.name] = h.failed ? 'failed' : h.changed ? 'changed' : 'ok';
  }
  return s;
}

async function kplayRun(site: string, dir: string, host: string, check: boolean): Promise<Statuses> {
  const r = await kplay([
    'run',
    join(dir, 'site.yml'),
    '-i',
    site,
    '--json',
    '--limit',
    host,
    ...(check ? ['--check'] : []),
  ]);
  const s: Statuses = {};
  for (const e of r.events) if (e.type === 'host_result') s[String(e.task)] = String(e.status);
  return s;
}

describe('@lab parity: check mode on a fresh host (a folder, then a file in it)', () => {
  let lab: LabHandle;
  let dir: string;
  let site: string;
  let A: string;
  let B: string;
  before(async function () {
    lab = await useLab(this, { count: 3 });
    this.timeout(600_000);
    [A, B] = [lab.hosts[1]!.name, lab.hosts[2]!.name];
    site = siteFor(lab);
    dir = mkdtempSync(join(tmpdir(), 'kplay-parity-check-'));
    writeFileSync(join(dir, 'site.yml'), PLAY);
    const py = await lab.exec(
      B,
      'command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3; }',
    );
    if (py.code !== 0) throw new Error(`cannot install python3 on ${B}: ${py.stderr}`);
    await Promise.all([A, B].map((h) => lab.exec(h, `rm -rf ${D}`)));
  });
  after(async () => {
    if (lab) await Promise.all([A, B].map((h) => lab.exec(h, `rm -rf ${D}`)));
  });

  it('Ansible --check fails the assert; kplay --check predicts the file and its readers', async function () {
    this.timeout(300_000);
    // what the real runs do, and kplay's --check predicts; Ansible's --check fails the assert instead
    const want = { 'a folder': 'changed', 'a file in it': 'changed', 'read it back': 'ok', 'it is there': 'ok' };
    expect(await ansible(lab, dir, B, true)).to.deep.equal({ ...want, 'it is there': 'failed' });
    expect(await kplayRun(site, dir, A, true)).to.deep.equal(want);
    expect(await ansible(lab, dir, B, false)).to.deep.equal(want);
    expect(await kplayRun(site, dir, A, false)).to.deep.equal(want);
  });
});
