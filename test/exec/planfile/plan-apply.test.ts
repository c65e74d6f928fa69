// --check --plan-out, then apply, over hosts kept in memory: the plan holds shapes and fingerprints (no bytes,
// no secrets), apply makes exactly the planned changes, refuses a host that drifted (naming the fact) and
// leaves it untouched, and fails a host whose task would now do something else, before doing it.
import { expect } from 'chai';
import { PlanExpect } from '../../../src/exec/planfile/expect.js';
import type { PlanFile } from '../../../src/exec/planfile/format.js';
import { PlanRecorder } from '../../../src/exec/planfile/record.js';
import { MemoryHost } from '../../../src/transport/memory.js';
import { run } from '../../support/play-harness.js';

const INV = 'all:\n  hosts:\n    a: {}\n    b: {}\n';
const PB = `- hosts: all
  gather_facts: no
  tasks:
    - name: config
      copy: { dest: /etc/app.conf, content: "port=1\\n", mode: "0640" }
    - name: data dir
      file: { path: /srv/data, state: directory }
    - name: a line
      lineinfile: { path: /etc/other.conf, line: "x=1", create: yes }
`;
const ARGS: PlanFile['args'] = {
  playbook: 'site.yml',
  inventory: [],
  extraVars: [],
  tags: [],
  skipTags: [],
  diff: false,
};

async function planned(hosts: MemoryHost[], pb = PB): Promise<PlanFile> {
  const rec = new PlanRecorder();
  const r = await run(pb, { inv: INV, memory: hosts, check: true, planOut: rec });
  expect(r.code).to.equal(0);
  return JSON.parse(JSON.stringify(rec.file(ARGS, {}))) as PlanFile;
}

const hostsAB = () => {
  const a = new MemoryHost('a');
  const b = new MemoryHost('b');
  for (const h of [a, b]) h.seed('/etc/other.conf', 'y=2\n');
  return [a, b];
};

describe('plan files: --check --plan-out, then apply', () => {
  it('records per host and task the planned changes, with digests of the bytes, never the bytes', async () => {
    const plan = await planned(hostsAB());
    const a = plan.entries.filter((e) => e.host === 'a');
    expect(a.map((e) => `${e.task}:${e.status}`)).to.deep.equal([
      'config:changed',
      'data dir:changed',
      'a line:changed',
    ]);
    const put = a[0]!.changes[0]!.actions[0]!;
    expect(put).to.include({ put: '/etc/app.conf', mode: '0640' });
    expect(put.content).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(plan)).to.not.include('port=1');
    // what the plans read on the host: the stat of each path, the bytes of the file lineinfile edits
    expect(plan.fingerprints.map((f) => `${f.target}:${f.op}:${f.path}`)).to.include.members([
      'a:stat:/etc/app.conf',
      'a:read:/etc/other.conf',
    ]);
  });

  it('apply makes the planned changes on every host, and a second plan finds nothing to do', async () => {
    const hosts = hostsAB();
    const plan = await planned(hosts);
    const r = await run(PB, { inv: INV, memory: hosts, planIn: new PlanExpect(plan) });
    expect(r.code).to.equal(0);
    expect(r.lines.filter((l) => l.endsWith('|changed'))).to.have.length(6);
    expect(hosts[1]!.files.get('/etc/other.conf')?.content.toString()).to.equal('y=2\nx=1\n');
    const again = await planned(hosts);
    expect(again.entries.every((e) => e.status === 'ok')).to.equal(true);
  });

  it('a file edited on a host after the plan: apply refuses that host, names the file, leaves it alone', async () => {
    const [a, b] = hostsAB();
    const plan = await planned([a!, b!]);
    b!.seed('/etc/other.conf', 'y=3\n');
    const writes = b!.writes.length;
    const r = await run(PB, { inv: INV, memory: [a!, b!], planIn: new PlanExpect(plan) });
    expect(r.code).to.equal(2);
    const refused = r.results.find((x) => x.host === 'b' && x.status === 'failed')!;
    expect(refused.task).to.equal('Checking the plan');
    expect(refused.msg).to.match(
      /^b refused: \/etc\/other\.conf changed since the plan \(read by 'a line' at site\.yml:8:7\)/,
    );
    expect(b!.writes.length, 'nothing done on b').to.equal(writes);
    expect(b!.files.has('/etc/app.conf')).to.equal(false);
    expect(r.lines).to.include.members(['config|a|changed', 'data dir|a|changed', 'a line|a|changed']);
  });

  it('a task that would now do something else fails its host there, before doing it', async () => {
    const [a] = hostsAB();
    const plan = await planned([a!], PB.replace('hosts: all', 'hosts: a'));
    const other = PB.replace('hosts: all', 'hosts: a').replace('port=1', 'port=2');
    const r = await run(other, { inv: INV, memory: [a!], planIn: new PlanExpect(plan) });
    const failed = r.results.find((x) => x.status === 'failed')!;
    expect(failed.task).to.equal('config');
    expect(failed.msg).to.match(/the bytes of \/etc\/app\.conf differ \(since the plan\)/);
    expect(a!.files.has('/etc/app.conf')).to.equal(false);
  });

  it('bytes made from bytes each plan makes anew (a new CA bundle, its copy) are kept in shape', async () => {
    const a = new MemoryHost('a');
    const pb = `- hosts: a
  gather_facts: no
  tasks:
    - { name: ca, pki_ca: { path: /pki } }
    - { name: bundle, pki_trust: { path: /pki } }
    - { name: push, copy: { src: /pki/ca-trust.pem, remote_src: yes, dest: /etc/ca.pem } }
`;
    const plan = await planned([a], pb);
    const shapes = plan.entries.map((e) => `${e.task}:${e.changes.map((c) => c.actions[0]!.content).join(',')}`);
    expect(shapes).to.deep.equal(['ca:,anew,anew', 'bundle:anew', 'push:anew']);
    const r = await run(pb, { inv: INV, memory: [a], planIn: new PlanExpect(plan) });
    expect(r.code).to.equal(0);
    expect(a.files.get('/etc/ca.pem')?.content.toString()).to.equal(a.files.get('/pki/ca.pem')?.content.toString());
  });

  it('bytes that hold a secret are kept as "secret", and the plan text never holds the secret', async () => {
    const [a] = hostsAB();
    const pb = PB.replace('hosts: all', 'hosts: a').replace('port=1', 'token={{ env.TOKEN }}');
    const rec = new PlanRecorder();
    const files = { 'inv/.env': 'TOKEN=s3cr3t-Value-42\n' };
    expect((await run(pb, { inv: INV, memory: [a!], check: true, planOut: rec, files })).code).to.equal(0);
    const text = JSON.stringify(rec.file(ARGS, {}));
    expect(text).to.not.include('s3cr3t-Value-42');
    expect(rec.entries[0]!.changes[0]!.actions[0]!.content).to.equal('secret');
  });
});
