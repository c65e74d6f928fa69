// The lab's own life: up, down, failed ups, two labs side by side. These suites make their own small labs
// (prefixes kpa, kpb, kpc) and leave the shared one alone.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labStatus } from '../../src/lab/status.js';
import { labUp } from '../../src/lab/lab.js';
import { readState } from '../../src/lab/state.js';
import { requireLabOrSkip, startLab, stopLab } from './helpers.js';
import { NOTHING, traces } from './leftovers.js';

const A = { prefix: 'kpa', net: '10.79.1' };
const B = { prefix: 'kpb', net: '10.79.2' };
const C = { prefix: 'kpc', net: '10.79.3' };

async function rejects(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a failure');
}

describe('@lab lab lifecycle', function () {
  this.timeout(120_000);

  before(async function () {
    requireLabOrSkip(this);
    this.timeout(360_000); // the first lab of a run may build the base image
    for (const l of [A, B, C]) await stopLab(l.prefix);
    expect(await traces(A.prefix, A.net)).to.deep.equal(NOTHING);
  });
  after(async () => {
    for (const l of [A, B, C]) await stopLab(l.prefix);
  });

  it('up, status, down: down leaves nothing behind and is safe to run twice', async () => {
    const before = await traces(A.prefix, A.net);
    const lab = await startLab({ ...A, count: 2 });
    const during = await traces(A.prefix, A.net);
    expect(during.netns).to.have.length(2);
    expect(during.links).to.include.members(['kpa-br0', 'kpa-v1', 'kpa-v2']);
    expect(during.mounts.length).to.be.at.least(3); // the tmpfs and one overlay per host
    expect(during.cgroups.length).to.be.at.least(1);
    expect(during.processes.some((p) => p.includes('systemd-nspawn'))).to.equal(true);
    expect(during.processes.some((p) => p.includes('daemon-main'))).to.equal(true);
    const st = await labStatus({ prefix: A.prefix });
    expect(st[0]!.hosts.map((h) => h.state)).to.deep.equal(['running', 'running']);
    expect(existsSync(lab.hostsFile)).to.equal(true);

    const t0 = Date.now();
    await stopLab(A.prefix);
    console.log(`      (down took ${Date.now() - t0} ms)`);
    expect(await traces(A.prefix, A.net)).to.deep.equal(before);
    expect(existsSync(lab.inventory)).to.equal(false);
    await stopLab(A.prefix); // twice
    expect(await traces(A.prefix, A.net)).to.deep.equal(before);
  });

  for (const stage of ['net', 'proxy', 'seed', 'boot', 'inventory']) {
    it(`a failed up (injected at "${stage}") removes what it made`, async () => {
      process.env.KPLAY_LAB_FAIL_AT = stage;
      try {
        const e = await rejects(startLab({ ...A, count: 2 }));
        expect(e.message).to.match(/failure injected/);
      } finally {
        delete process.env.KPLAY_LAB_FAIL_AT;
      }
      expect(await traces(A.prefix, A.net)).to.deep.equal(NOTHING);
      expect(readState(A.prefix)).to.equal(undefined);
    });
  }

  it(
    'a host whose systemd-nspawn fails says why (its own words and exit status), ' + 'and removes what it made',
    async () => {
      process.env.KPLAY_LAB_FAIL_AT = 'nspawn';
      try {
        const e = await rejects(startLab({ ...A, count: 1 }));
        expect(e.message).to.match(
          /^kpa1: systemd-nspawn exited before its init started; the end of \/run\/kplay\/lab-kpa\/kpa1\.log:/,
        );
        expect(e.message).to.include('kplay-injected-failure'); // nspawn's own complaint about the option
        expect(e.message).to.match(/kplay lab: systemd-nspawn \(pid \d+\) ended: exit status 1$/);
      } finally {
        delete process.env.KPLAY_LAB_FAIL_AT;
      }
      expect(await traces(A.prefix, A.net)).to.deep.equal(NOTHING);
    },
  );

  it('refuses a subnet already in use, making nothing', async () => {
    const a = await startLab({ ...A, count: 1 });
    const e = await rejects(
      labUp({ prefix: C.prefix, net: A.net, count: 1, inventory: join(a.inventory, '..', 'kplay-test-lab-kpc') }),
    );
    expect(e.message).to.match(/already in use/);
    expect(await traces(C.prefix, C.net)).to.deep.equal(NOTHING);
    await stopLab(A.prefix);
  });

  it('keeps a healthy lab of the same size, and remakes one of another size', async () => {
    const first = await startLab({ ...A, count: 2 });
    const t0 = Date.now();
    const again = await labUp({ ...A, count: 2, inventory: first.inventory });
    expect(again.kept).to.equal(true);
    expect(Date.now() - t0).to.be.below(3000);
    expect(again.state.createdAt).to.equal(first.state.createdAt);
    const bigger = await startLab({ ...A, count: 3 });
    expect(bigger.hosts).to.have.length(3);
    expect(bigger.state.createdAt).to.not.equal(first.state.createdAt);
    await stopLab(A.prefix);
  });

  it('runs two labs side by side, each on its own subnet, and takes one down without the other', async () => {
    const [a, b] = await Promise.all([startLab({ ...A, count: 2 }), startLab({ ...B, count: 2 })]);
    expect(a.inventory).to.not.equal(b.inventory);
    expect((await a.exec('kpa1', ['hostname'])).stdout.trim()).to.equal('kpa1');
    expect((await b.exec('kpb1', ['hostname'])).stdout.trim()).to.equal('kpb1');
    // Inside a lab hosts reach each other; across labs they do not.
    expect((await a.exec('kpa1', ['ping', '-c1', '-W2', a.hosts[1]!.ip], { check: false })).code).to.equal(0);
    expect((await a.exec('kpa1', ['ping', '-c1', '-W1', b.hosts[0]!.ip], { check: false })).code).to.not.equal(0);
    await stopLab(A.prefix);
    expect(await traces(A.prefix, A.net)).to.deep.equal(NOTHING);
    expect((await b.exec('kpb2', ['systemctl', 'is-system-running'])).stdout.trim()).to.equal('running');
    await stopLab(B.prefix);
    expect(await traces(B.prefix, B.net)).to.deep.equal(NOTHING);
  });
});
