// apt against a fake dpkg/apt: one dpkg-query read, apt-cache policy for pins/latest/missing, cache_valid_time,
// convergence.
import { expect } from 'chai';
import type { Vars } from '../../../src/tasks/contract.js';
import { converge, hostView, planError, planOn } from '../../support/plan-harness.js';
import { apt, parseSpec, pinMatches } from '../../../src/tasks/packages/apt.js';
import { parsePolicy } from '../../../src/tasks/packages/apt-cache.js';
import { type Pkg, FakeApt, summaries, execs, AVAIL } from './fake-apt.js';

describe('apt: parsing', () => {
  it('package specs: names, pins, arch', () => {
    expect(parseSpec('hello')).to.deep.equal({ spec: 'hello', name: 'hello', version: undefined });
    expect(parseSpec(' haproxy=2.6.* ')).to.deep.equal({ spec: 'haproxy=2.6.*', name: 'haproxy', version: '2.6.*' });
    expect(parseSpec('libc6:amd64=2.36-9')).to.deep.include({ name: 'libc6', version: '2.36-9' });
    expect(() => parseSpec('foo>=1.0')).to.throw(/only '='/);
    expect(() => parseSpec('python3-*')).to.throw(/wildcards/);
    expect(() => parseSpec('foo=')).to.throw(/not a package name/);
  });
  it('fnmatch as Ansible matches versions', () => {
    expect(pinMatches('2.6.*', '2.6.12-1')).to.equal(true);
    expect(pinMatches('2.6.*', '2.4.22-1')).to.equal(false);
    expect(pinMatches('1:2.2.?-1+b2', '1:2.2.7-1+b2')).to.equal(true);
    expect(pinMatches('2.[45].*', '2.4.1')).to.equal(true);
  });
  it('apt-cache policy output, several packages, installed marked ***', () => {
    const out =
      'hello:\n  Installed: 2.10-2\n  Candidate: 2.10-3\n  Version table:\n     2.10-3 500\n' +
      '        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n *** 2.10-2 100\n' +
      '        100 /var/lib/dpkg/status\nvirt:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n';
    const m = parsePolicy(out);
    expect(m.get('hello')).to.deep.equal({ installed: '2.10-2', candidate: '2.10-3', versions: ['2.10-3', '2.10-2'] });
    expect(m.get('virt')).to.deep.equal({ installed: undefined, candidate: undefined, versions: [] });
  });
});

describe('apt', () => {
  const table: [string, Record<string, string | Pkg>, Vars, string[]][] = [
    [
      'installs what is missing, in one apt-get call',
      { tree: '2.1.0-1' },
      { name: ['hello', 'tree', 'haproxy'] },
      ['apt: install hello, haproxy'],
    ],
    ['a comma string is a list', {}, { name: 'hello,tree' }, ['apt: install hello, tree']],
    ['present leaves an older installed version alone', { hello: '2.10-2' }, { name: 'hello' }, []],
    [
      'latest upgrades to the candidate',
      { hello: '2.10-2' },
      { name: 'hello', state: 'latest' },
      ['apt: install/upgrade hello'],
    ],
    ['latest when at the candidate: nothing', { hello: '2.10-3' }, { name: 'hello', state: 'latest' }, []],
    [
      'a pin installs the highest matching version',
      {},
      { name: 'haproxy=2.6.*' },
      ['apt: install haproxy=2.6.12-1+deb12u1'],
    ],
    ['a pin matching the installed version: nothing', { haproxy: '2.6.12-1' }, { name: 'haproxy=2.6.*' }, []],
    [
      'a pin not matching the installed version changes it',
      { haproxy: '2.4.22-1' },
      { name: 'haproxy=2.6.12-1' },
      ['apt: install haproxy=2.6.12-1'],
    ],
    ['epochs in pins', {}, { name: 'keepalived=1:2.2.*' }, ['apt: install keepalived=1:2.2.7-1+b2']],
    [
      'a half-installed package is installed again',
      { hello: { version: '2.10-3', status: 'iU ' } },
      { name: 'hello' },
      ['apt: install hello'],
    ],
    [
      'absent removes installed ones only',
      { hello: '2.10-3' },
      { name: ['hello', 'tree'], state: 'absent' },
      ['apt: remove hello'],
    ],
    [
      'absent leaves config-files alone without purge',
      { hello: { version: '2.10-3', status: 'rc ' } },
      { name: 'hello', state: 'absent' },
      [],
    ],
    [
      'purge removes config-files too',
      { hello: { version: '2.10-3', status: 'rc ' } },
      { name: 'hello', state: 'absent', purge: true },
      ['apt: purge hello'],
    ],
    [
      'absent with a pin only removes a matching version',
      { hello: '2.10-3' },
      { name: 'hello=2.9*', state: 'absent' },
      [],
    ],
  ];
  for (const [what, installed, args, want] of table) {
    it(`${what}; converges; one dpkg-query per plan`, async () => {
      const host = new FakeApt(installed, AVAIL);
      const plan = await converge(apt, args, host);
      expect(summaries(plan)).to.deep.equal(want);
      expect(host.probes.filter((p) => p.startsWith('dpkg-query')).length).to.equal(2);
    });
  }

  it('the apt-get call: noninteractive, confdef/confold, lock timeout, recommends', async () => {
    const plan = await planOn(
      apt,
      { name: 'hello', install_recommends: false, autoremove: true },
      new FakeApt({}, AVAIL),
    );
    expect(plan.changes[0]!.actions).to.deep.equal([
      {
        exec: [
          'apt-get',
          '-y',
          '-q',
          '-o',
          'Dpkg::Options::=--force-confdef',
          '-o',
          'Dpkg::Options::=--force-confold',
          '-o',
          'DPkg::Lock::Timeout=60',
          '--no-install-recommends',
          'install',
          '--auto-remove',
          'hello',
        ],
        env: { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' },
      },
    ]);
    expect(plan.changes[0]!.touches).to.include.members([
      'package:hello',
      'file:/var/lib/dpkg/info/hello.list',
      'file:/lib/systemd/system/',
    ]);
  });

  it("a missing package fails at plan time with its name and apt's own message", async () => {
    const msg = await planError(apt, { name: ['hello', 'nosuchpkg'] }, new FakeApt({}, AVAIL));
    expect(msg).to.equal("No package matching 'nosuchpkg' is available\nE: Unable to locate package nosuchpkg");
    expect(await planError(apt, { name: 'haproxy=9.*' }, new FakeApt({}, AVAIL))).to.match(
      /No package matching 'haproxy=9\.\*'/,
    );
  });

  it('update_cache without cache_valid_time: refreshed only before something changes', async () => {
    const host = new FakeApt({ hello: '2.10-3' }, AVAIL);
    expect(summaries(await planOn(apt, { name: 'hello', update_cache: true }, host))).to.deep.equal([]);
    const plan = await converge(apt, { name: 'tree', update_cache: true }, host);
    expect(summaries(plan)).to.deep.equal(['apt: update the apt cache', 'apt: install tree']);
    expect(execs(plan).slice(0, 3)).to.deep.equal([
      'apt-get update -q',
      'mkdir -p /var/lib/apt/periodic',
      'touch /var/lib/apt/periodic/update-success-stamp',
    ]);
    expect(plan.result).to.deep.equal({ cache_updated: true });
  });

  it('update_cache with a package not in the current cache: refresh, then let apt decide', async () => {
    const plan = await planOn(apt, { name: 'newpkg', update_cache: true }, new FakeApt({}, AVAIL));
    expect(summaries(plan)).to.deep.equal(['apt: update the apt cache', 'apt: install newpkg']);
  });

  it('cache_valid_time: refresh when the stamp (else /var/lib/apt/lists) is older; not after', async () => {
    const host = new FakeApt({ hello: '2.10-3' }, AVAIL, { '/var/lib/apt/periodic/update-success-stamp': '' });
    const stamp = host.nodeAt('/var/lib/apt/periodic/update-success-stamp')!;
    stamp.mtime = Math.floor(Date.now() / 1000) - 7200;
    const plan = await planOn(apt, { name: 'hello', update_cache: true, cache_valid_time: 3600 }, host);
    expect(summaries(plan)).to.deep.equal(['apt: update the apt cache']);
    host.apply(plan.changes);
    stamp.mtime = Math.floor(Date.now() / 1000); // what `touch` did on a real host
    host.nodeAt('/var/lib/apt/periodic/update-success-stamp')!.mtime = Math.floor(Date.now() / 1000);
    expect(
      summaries(await planOn(apt, { name: 'hello', update_cache: true, cache_valid_time: 3600 }, host)),
    ).to.deep.equal([]);
    const lists = new FakeApt({}, AVAIL);
    lists.nodeAt('/var/lib/apt/lists')!.mtime = Math.floor(Date.now() / 1000) - 60;
    expect(summaries(await planOn(apt, { update_cache: true, cache_valid_time: 3600 }, lists))).to.deep.equal([]);
  });

  it('update_cache alone always refreshes (changed, as in Ansible), and converges within the task', async () => {
    const host = new FakeApt({}, AVAIL);
    const plan = await converge(apt, { update_cache: true }, host);
    expect(summaries(plan)).to.deep.equal(['apt: update the apt cache']);
    expect(host.updates).to.equal(1);
  });

  it('upgrade=dist and autoremove are planned from a simulation (no change when apt would do nothing)', async () => {
    const plan = await planOn(apt, { upgrade: 'dist' }, new FakeApt({}, AVAIL));
    expect(summaries(plan)).to.deep.equal(['apt: dist-upgrade (1 packages)']);
    expect(summaries(await planOn(apt, { upgrade: true }, new FakeApt({}, AVAIL)))).to.deep.equal([]);
    expect(summaries(await planOn(apt, { autoremove: true }, new FakeApt({}, AVAIL)))).to.deep.equal([
      'apt: autoremove libold1',
    ]);
  });

  it('deb: installs a .deb file when its version is not the installed one', async () => {
    const host = new FakeApt({}, AVAIL, { '/tmp/hello.deb': 'x' });
    const plan = await converge(apt, { deb: '/tmp/hello.deb' }, host);
    expect(summaries(plan)).to.deep.equal(['apt: install hello 2.10-3 from /tmp/hello.deb']);
    expect(await planError(apt, { deb: 'https://example.com/x.deb' }, host)).to.match(/URL/);
    expect(await planError(apt, { deb: '/tmp/nope.deb' }, host)).to.match(/does not exist/);
  });

  it('check mode: reads one marker path per package, matching what an install touches', async () => {
    const host = new FakeApt({}, AVAIL);
    const reads: string[] = [];
    const stat = host.stat.bind(host);
    host.stat = async (p, o) => (reads.push(p), stat(p, o));
    await planOn(apt, { name: ['hello', 'tree'] }, host, hostView({}, { check: true }));
    expect(reads).to.include.members(['/var/lib/dpkg/info/hello.list', '/var/lib/dpkg/info/tree.list']);
  });

  // the apt lists an earlier task would refresh are read (so check mode is uncertain) only when they decide
  const listsCases: [string, Vars, boolean][] = [
    ['every package has a candidate, any version', { name: ['hello', 'tree'] }, false],
    ['a package has no candidate yet', { name: ['hello', 'nosuch'] }, true],
    ['state=latest', { name: ['hello'], state: 'latest' }, true],
    ['a version is asked for', { name: ['hello=2.10-3'] }, true],
  ];
  for (const [what, args, reads] of listsCases)
    it(`check mode: the apt lists are ${reads ? '' : 'not '}read when ${what}`, async () => {
      const host = new FakeApt({}, AVAIL);
      const seen: string[] = [];
      const stat = host.stat.bind(host);
      host.stat = async (p, o) => (seen.push(p), stat(p, o));
      await planOn(apt, args, host, hostView({}, { check: true })).catch(() => undefined);
      expect(seen.includes('/var/lib/apt/lists')).to.equal(reads);
    });
});
