// apt, dpkg_selections, apt_key, apt_repository, dnf/yum and package against a fake dpkg/apt (and a fake rpm/dnf
// with RHEL facts): one dpkg-query read, apt-cache policy for pins/latest/missing, cache_valid_time, convergence.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  apt, apt_key, apt_repository, armor, dearmor, dnf, dpkg_selections, fingerprints, pinMatches, parsePolicy, parseSpec, pkg, repoFilename, yum,
} from '../../src/tasks/packages.js';
import type { Action, ProbeResult, Vars } from '../../src/tasks/contract.js';
import { FakeHost } from '../support/fake-host.js';
import { converge, hostView, planError, planOn } from '../support/plan-harness.js';

interface Pkg {
  version: string;
  status: string;
  sel?: string;
}

/** A fake Debian (or RHEL) host: dpkg's database, apt's cache (versions per name, highest first), rpm. */
class FakeApt extends FakeHost {
  installed = new Map<string, Pkg>();
  available = new Map<string, string[]>();
  probes: string[] = [];
  updates = 0;
  pkgMgr = 'apt';
  lastStdin: string | undefined;

  constructor(installed: Record<string, string | Pkg> = {}, available: Record<string, string[]> = {}, files: Record<string, string> = {}) {
    super({ '/var/lib/apt/lists/lock': '', '/var/lib/dpkg/status': '', ...files });
    for (const [n, v] of Object.entries(installed)) this.installed.set(n, typeof v === 'string' ? { version: v, status: 'ii ' } : v);
    for (const [n, v] of Object.entries(available)) this.available.set(n, v);
    this.onExec = (argv) => this.run(argv);
  }

  override async facts(): Promise<Vars> {
    return { ...(await super.facts()), ansible_pkg_mgr: this.pkgMgr };
  }

  override async probe(argv: string[]): Promise<ProbeResult> {
    this.probes.push(argv.join(' '));
    const ok = (stdout: string, rc = 0, stderr = ''): ProbeResult => ({ rc, stdout, stderr });
    const [cmd, ...rest] = argv;
    if (cmd === 'dpkg-query') {
      const names = rest.slice(2);
      const known = names.filter((n) => this.installed.has(n));
      const out = known.map((n) => `${n}\t${this.installed.get(n)!.version}\t${this.installed.get(n)!.status}\n`).join('');
      return ok(out, known.length < names.length ? 1 : 0, names.filter((n) => !this.installed.has(n)).map((n) => `dpkg-query: no packages found matching ${n}\n`).join(''));
    }
    if (cmd === 'apt-cache' && rest[0] === 'policy') {
      return ok(rest.slice(1).filter((n) => this.available.has(n)).map((n) => {
        const vs = this.available.get(n)!;
        const inst = this.installed.get(n);
        const i = inst && /^.i/.test(inst.status) ? inst.version : '(none)';
        return `${n}:\n  Installed: ${i}\n  Candidate: ${vs[0] ?? '(none)'}\n  Version table:\n${vs.map((v) => ` ${v === i ? '***' : '   '} ${v} 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n`).join('')}`;
      }).join(''));
    }
    if (cmd === 'apt-get' && rest[0] === '-s') {
      if (rest.includes('install')) return ok('', 100, rest.filter((n) => !n.startsWith('-') && n !== 'install' && !this.available.has(n)).map((n) => `E: Unable to locate package ${n}\n`).join(''));
      if (rest.includes('autoremove')) return ok('Remv libold1 [1.0]\n');
      if (rest.includes('dist-upgrade')) return ok('Inst libc6 [2.36-9] (2.36-9+deb12u4 Debian:12.5/stable [amd64])\nConf libc6\n');
      if (rest.includes('upgrade')) return ok('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n');
    }
    if (cmd === 'dpkg-deb') return ok('Package: hello\nVersion: 2.10-3\n');
    if (cmd === 'dpkg' && rest[0] === '--get-selections') {
      const p = this.installed.get(rest[1]!);
      return p ? ok(`${rest[1]}\t\t\t\t\t${p.sel ?? 'install'}\n`) : ok('', 0, `dpkg: no packages found matching ${rest[1]}\n`);
    }
    if (cmd === 'rpm') {
      const names = rest.slice(3);
      return ok(names.map((n) => (this.installed.has(n) ? `${n}\t0:${this.installed.get(n)!.version}\n` : `package ${n} is not installed\n`)).join(''), names.filter((n) => !this.installed.has(n)).length);
    }
    if ((cmd === 'dnf' || cmd === 'yum') && rest.includes('check-update')) {
      const up = rest.filter((n) => this.available.has(n) && this.installed.get(n)?.version !== this.available.get(n)![0]);
      return ok(up.map((n) => `${n}.x86_64   ${this.available.get(n)![0]}   baseos\n`).join(''), up.length ? 100 : 0);
    }
    return super.probe(argv);
  }

  private run(argv: string[]): void {
    const [cmd, ...rest] = argv;
    const names = rest.filter((a, i) => !a.startsWith('-') && rest[i - 1] !== '-o' && rest[i - 1] !== '-t');
    if (cmd === 'apt-get') {
      const verb = names.shift();
      if (verb === 'update') return void this.updates++;
      if (verb === 'install') {
        for (const spec of names) {
          const [n, v] = spec.split('=') as [string, string | undefined];
          if (n.startsWith('/') || n.startsWith('./')) { this.installed.set('hello', { version: '2.10-3', status: 'ii ' }); continue; }
          const vs = this.available.get(n);
          if (!vs) throw new Error(`fake apt: E: Unable to locate package ${n}`);
          this.installed.set(n, { ...this.installed.get(n), version: v ?? vs[0]!, status: 'ii ' });
        }
        return;
      }
      if (verb === 'remove' || verb === 'purge') {
        for (const n of names) {
          if (verb === 'purge') this.installed.delete(n);
          else this.installed.set(n, { version: this.installed.get(n)!.version, status: 'rc ' });
        }
        return;
      }
      if (verb === 'dist-upgrade' || verb === 'autoremove') return;
    }
    if (cmd === 'dpkg' && rest[0] === '--set-selections') {
      const stdin = (this.ran[this.ran.length - 1] as Extract<Action, { exec: string[] }>).stdin!;
      const [n, sel] = stdin.trim().split(' ') as [string, string];
      this.installed.get(n)!.sel = sel;
      return;
    }
    if (cmd === 'dnf' || cmd === 'yum') {
      const verb = names.find((n) => ['install', 'remove', 'upgrade'].includes(n))!;
      for (const n of names.slice(names.indexOf(verb) + 1)) {
        if (verb === 'remove') this.installed.delete(n);
        else this.installed.set(n, { version: this.available.get(n)?.[0] ?? '1.0', status: 'ii ' });
      }
      return;
    }
    if (cmd === 'sh') return; // apt_key url download: not emulated
    throw new Error(`fake: unexpected exec ${argv.join(' ')}`);
  }
}

const summaries = (p: { changes: { summary: string }[] }) => p.changes.map((c) => c.summary);
const execs = (p: { changes: { actions: Action[] }[] }) => p.changes.flatMap((c) => c.actions.flatMap((a) => ('exec' in a ? [a.exec.join(' ')] : [])));
const AVAIL = { hello: ['2.10-3', '2.10-2'], tree: ['2.1.0-1'], haproxy: ['2.6.12-1+deb12u1', '2.6.12-1', '2.4.22-1'], keepalived: ['1:2.2.7-1+b2'] };

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
    const out = 'hello:\n  Installed: 2.10-2\n  Candidate: 2.10-3\n  Version table:\n     2.10-3 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n *** 2.10-2 100\n        100 /var/lib/dpkg/status\nvirt:\n  Installed: (none)\n  Candidate: (none)\n  Version table:\n';
    const m = parsePolicy(out);
    expect(m.get('hello')).to.deep.equal({ installed: '2.10-2', candidate: '2.10-3', versions: ['2.10-3', '2.10-2'] });
    expect(m.get('virt')).to.deep.equal({ installed: undefined, candidate: undefined, versions: [] });
  });
});

describe('apt', () => {
  const table: [string, Record<string, string | Pkg>, Vars, string[]][] = [
    ['installs what is missing, in one apt-get call', { tree: '2.1.0-1' }, { name: ['hello', 'tree', 'haproxy'] }, ['apt: install hello, haproxy']],
    ['a comma string is a list', {}, { name: 'hello,tree' }, ['apt: install hello, tree']],
    ['present leaves an older installed version alone', { hello: '2.10-2' }, { name: 'hello' }, []],
    ['latest upgrades to the candidate', { hello: '2.10-2' }, { name: 'hello', state: 'latest' }, ['apt: install/upgrade hello']],
    ['latest when at the candidate: nothing', { hello: '2.10-3' }, { name: 'hello', state: 'latest' }, []],
    ['a pin installs the highest matching version', {}, { name: 'haproxy=2.6.*' }, ['apt: install haproxy=2.6.12-1+deb12u1']],
    ['a pin matching the installed version: nothing', { haproxy: '2.6.12-1' }, { name: 'haproxy=2.6.*' }, []],
    ['a pin not matching the installed version changes it', { haproxy: '2.4.22-1' }, { name: 'haproxy=2.6.12-1' }, ['apt: install haproxy=2.6.12-1']],
    ['epochs in pins', {}, { name: 'keepalived=1:2.2.*' }, ['apt: install keepalived=1:2.2.7-1+b2']],
    ['a half-installed package is installed again', { hello: { version: '2.10-3', status: 'iU ' } }, { name: 'hello' }, ['apt: install hello']],
    ['absent removes installed ones only', { hello: '2.10-3' }, { name: ['hello', 'tree'], state: 'absent' }, ['apt: remove hello']],
    ['absent leaves config-files alone without purge', { hello: { version: '2.10-3', status: 'rc ' } }, { name: 'hello', state: 'absent' }, []],
    ['purge removes config-files too', { hello: { version: '2.10-3', status: 'rc ' } }, { name: 'hello', state: 'absent', purge: true }, ['apt: purge hello']],
    ['absent with a pin only removes a matching version', { hello: '2.10-3' }, { name: 'hello=2.9*', state: 'absent' }, []],
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
    const plan = await planOn(apt, { name: 'hello', install_recommends: false, autoremove: true }, new FakeApt({}, AVAIL));
    expect(plan.changes[0]!.actions).to.deep.equal([{
      exec: ['apt-get', '-y', '-q', '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', '-o', 'DPkg::Lock::Timeout=60', '--no-install-recommends', 'install', '--auto-remove', 'hello'],
      env: { DEBIAN_FRONTEND: 'noninteractive', APT_LISTCHANGES_FRONTEND: 'none' },
    }]);
    expect(plan.changes[0]!.touches).to.include.members(['package:hello', 'file:/var/lib/dpkg/info/hello.list', 'file:/lib/systemd/system/']);
  });

  it('a missing package fails at plan time with its name and apt\'s own message', async () => {
    const msg = await planError(apt, { name: ['hello', 'nosuchpkg'] }, new FakeApt({}, AVAIL));
    expect(msg).to.equal("No package matching 'nosuchpkg' is available\nE: Unable to locate package nosuchpkg");
    expect(await planError(apt, { name: 'haproxy=9.*' }, new FakeApt({}, AVAIL))).to.match(/No package matching 'haproxy=9\.\*'/);
  });

  it('update_cache without cache_valid_time: refreshed only before something changes', async () => {
    const host = new FakeApt({ hello: '2.10-3' }, AVAIL);
    expect(summaries(await planOn(apt, { name: 'hello', update_cache: true }, host))).to.deep.equal([]);
    const plan = await converge(apt, { name: 'tree', update_cache: true }, host);
    expect(summaries(plan)).to.deep.equal(['apt: update the apt cache', 'apt: install tree']);
    expect(execs(plan).slice(0, 3)).to.deep.equal(['apt-get update -q', 'mkdir -p /var/lib/apt/periodic', 'touch /var/lib/apt/periodic/update-success-stamp']);
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
    expect(summaries(await planOn(apt, { name: 'hello', update_cache: true, cache_valid_time: 3600 }, host))).to.deep.equal([]);
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
    expect(summaries(await planOn(apt, { autoremove: true }, new FakeApt({}, AVAIL)))).to.deep.equal(['apt: autoremove libold1']);
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
    expect(reads).to.include.members(['/var/lib/dpkg/info/hello.list', '/var/lib/dpkg/info/tree.list', '/var/lib/apt/lists']);
  });
});

describe('dpkg_selections', () => {
  it('hold, then install again; converges; reports before/after', async () => {
    const host = new FakeApt({ containerd: '1.6.20' });
    const plan = await converge(dpkg_selections, { name: 'containerd', selection: 'hold' }, host);
    expect(summaries(plan)).to.deep.equal(['dpkg_selections: containerd install -> hold']);
    expect(plan.changes[0]!.actions).to.deep.equal([{ exec: ['dpkg', '--set-selections'], stdin: 'containerd hold\n' }]);
    expect(plan.result).to.deep.equal({ before: 'install', after: 'hold' });
    expect(summaries(await converge(dpkg_selections, { name: 'containerd', selection: 'install' }, host))).to.deep.equal(['dpkg_selections: containerd hold -> install']);
  });
  it('a package dpkg does not know: hold fails, deinstall is nothing', async () => {
    expect(await planError(dpkg_selections, { name: 'nope', selection: 'hold' }, new FakeApt())).to.match(/not known to dpkg/);
    expect(summaries(await planOn(dpkg_selections, { name: 'nope', selection: 'deinstall' }, new FakeApt()))).to.deep.equal([]);
  });
});

describe('dnf / yum / package (fake RHEL facts)', () => {
  const rhel = () => {
    const h = new FakeApt({ bash: '5.1.8-6.el9' }, { bash: ['5.1.8-9.el9'], keepalived: ['2.2.8-3.el9'] });
    h.pkgMgr = 'dnf';
    return h;
  };
  const table: [string, Vars, string[]][] = [
    ['installs missing', { name: ['bash', 'keepalived'] }, ['dnf: install keepalived']],
    ['present when installed: nothing', { name: 'bash' }, []],
    ['latest upgrades from check-update', { name: 'bash', state: 'latest' }, ['dnf: upgrade bash']],
    ['absent removes', { name: ['bash', 'keepalived'], state: 'absent' }, ['dnf: remove bash']],
  ];
  for (const [what, args, want] of table) {
    it(`dnf: ${what}; converges`, async () => {
      const host = rhel();
      expect(summaries(await converge(dnf, args, host))).to.deep.equal(want);
      expect(host.probes.filter((p) => p.startsWith('rpm -q')).length).to.equal(2);
    });
  }
  it('yum plans with yum; update_cache adds --refresh', async () => {
    const plan = await planOn(yum, { name: 'keepalived', update_cache: true }, rhel());
    expect(execs(plan)).to.deep.equal(['yum -y -q --refresh install keepalived']);
  });
  it('package picks dnf or apt from ansible_pkg_mgr', async () => {
    expect(execs(await planOn(pkg, { name: 'keepalived' }, rhel()))).to.deep.equal(['dnf -y -q install keepalived']);
    expect(summaries(await converge(pkg, { name: 'hello', state: 'installed' }, new FakeApt({}, AVAIL)))).to.deep.equal(['package: install hello']);
    const other = new FakeApt();
    other.pkgMgr = 'zypper';
    expect(await planError(pkg, { name: 'x' }, other)).to.match(/'zypper' is not supported/);
  });
});

// A synthetic v4 public-key packet: the fingerprint (SHA-1 over 0x99, length, body) does not depend on the key material.
function keyPacket(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x99, body.length >> 8, body.length & 255]), body]); // old format, tag 6, 2-byte length
}
const KEY_BODY = Buffer.concat([Buffer.from([4, 0x65, 0x00, 0x00, 0x00, 22]), Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz')]);
const KEY = keyPacket(KEY_BODY);
const FPR = createHash('sha1').update(Buffer.from([0x99, KEY_BODY.length >> 8, KEY_BODY.length & 255])).update(KEY_BODY).digest('hex').toUpperCase();

describe('apt_key', () => {
  it('fingerprints of v4 keys; armor/dearmor round trip', () => {
    expect(fingerprints(KEY)).to.deep.equal([{ fpr: FPR, primary: true }]);
    const asc = armor(KEY);
    expect(asc.toString()).to.match(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n[\s\S]*\n=[A-Za-z0-9+/]{4}\n-----END PGP PUBLIC KEY BLOCK-----\n$/);
    expect(dearmor(asc).equals(KEY)).to.equal(true);
    expect(dearmor(Buffer.from(`-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: x\n\n${KEY.toString('base64')}\n-----END PGP PUBLIC KEY BLOCK-----\n`)).equals(KEY)).to.equal(true);
  });

  it('armored data into a .gpg keyring is written dearmored (no gpg needed); converges', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/keyrings/.keep': '' });
    const plan = await converge(apt_key, { data: armor(KEY).toString(), keyring: '/etc/apt/keyrings/k.gpg' }, host);
    expect(summaries(plan)).to.deep.equal([`apt_key: write /etc/apt/keyrings/k.gpg (${FPR.slice(-16)})`]);
    expect(host.nodeAt('/etc/apt/keyrings/k.gpg')!.content.equals(KEY)).to.equal(true);
    expect(plan.result).to.deep.include({ fp: FPR, short_id: FPR.slice(-8) });
  });

  it('without keyring: /etc/apt/trusted.gpg.d/<keyid>.gpg, trusted by every source as with apt-key', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/trusted.gpg.d/.keep': '' });
    const plan = await converge(apt_key, { data: armor(KEY).toString(), id: FPR.slice(-8) }, host);
    expect(summaries(plan)).to.deep.equal([`apt_key: write /etc/apt/trusted.gpg.d/${FPR.slice(-16)}.gpg (${FPR.slice(-16)})`]);
  });

  it('a key that does not match id fails; url downloads once (present when the keyring exists)', async () => {
    expect(await planError(apt_key, { data: armor(KEY).toString(), id: 'DEADBEEF' }, new FakeApt())).to.match(/does not match id/);
    const host = new FakeApt({}, {}, { '/etc/apt/keyrings/.keep': '' });
    const plan = await planOn(apt_key, { url: 'https://download.docker.com/linux/debian/gpg', keyring: '/etc/apt/keyrings/docker.gpg' }, host);
    expect(summaries(plan)).to.deep.equal(['apt_key: download https://download.docker.com/linux/debian/gpg to /etc/apt/keyrings/docker.gpg']);
    const there = new FakeApt({}, {}, { '/etc/apt/keyrings/docker.gpg': KEY.toString('latin1') });
    expect(summaries(await planOn(apt_key, { url: 'https://download.docker.com/linux/debian/gpg', keyring: '/etc/apt/keyrings/docker.gpg' }, there))).to.deep.equal([]);
  });

  it('absent removes the keyring file holding the id', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/keyrings/k.gpg': KEY.toString('latin1'), '/etc/apt/trusted.gpg.d/other.gpg': 'x' });
    host.nodeAt('/etc/apt/keyrings/k.gpg')!.content = KEY;
    const plan = await converge(apt_key, { id: FPR.slice(-16), state: 'absent' }, host);
    expect(summaries(plan)).to.deep.equal([`apt_key: remove /etc/apt/keyrings/k.gpg (key ${FPR.slice(-16)})`]);
  });
});

describe('apt_repository', () => {
  const REPO = 'deb [signed-by=/etc/apt/keyrings/docker.gpg  arch=amd64] https://download.docker.com/linux/debian bookworm stable';
  it("default file names as Ansible makes them", () => {
    expect(repoFilename(REPO)).to.equal('download_docker_com_linux_debian');
    expect(repoFilename('deb http://user:pw@deb.debian.org/debian bookworm-backports main')).to.equal('deb_debian_org_debian');
  });

  it('adds the line to sources.list.d/<filename>.list and refreshes the cache; converges', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n', '/etc/apt/sources.list.d/.keep': '' });
    const plan = await converge(apt_repository, { repo: REPO, filename: 'docker' }, host);
    expect(summaries(plan)).to.deep.equal(['apt_repository: add "deb [signed-by=/etc/apt/keyrings/docker.gpg arch=amd64] https://download.docker.com/linux/debian bookworm stable" to /etc/apt/sources.list.d/docker.list']);
    expect(host.text('/etc/apt/sources.list.d/docker.list')).to.equal('deb [signed-by=/etc/apt/keyrings/docker.gpg arch=amd64] https://download.docker.com/linux/debian bookworm stable\n');
    expect(execs(plan)[0]).to.equal('apt-get update -q');
    expect(plan.changes[0]!.touches).to.include('file:/var/lib/apt/lists/');
  });

  it('a line already in sources.list (other spacing) is nothing; update_cache=no runs no update', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/sources.list': 'deb  http://deb.debian.org/debian   bookworm main\n', '/etc/apt/sources.list.d/.keep': '' });
    expect(summaries(await planOn(apt_repository, { repo: 'deb http://deb.debian.org/debian bookworm main' }, host))).to.deep.equal([]);
    const plan = await planOn(apt_repository, { repo: 'deb http://x.org/d bookworm main', update_cache: false }, host);
    expect(execs(plan)).to.deep.equal([]);
  });

  it('absent removes the line, and the file when nothing is left', async () => {
    const host = new FakeApt({}, {}, { '/etc/apt/sources.list': '', '/etc/apt/sources.list.d/docker.list': `${REPO}\n` });
    const plan = await converge(apt_repository, { repo: REPO, state: 'absent' }, host);
    expect(plan.changes[0]!.actions[0]).to.deep.equal({ remove: '/etc/apt/sources.list.d/docker.list' });
    expect(host.nodeAt('/etc/apt/sources.list.d/docker.list')).to.equal(undefined);
  });

  it('ppa and bad lines fail clearly', async () => {
    expect(await planError(apt_repository, { repo: 'ppa:foo/bar' }, new FakeApt())).to.match(/Ubuntu only/);
    expect(await planError(apt_repository, { repo: 'http://x bookworm' }, new FakeApt())).to.match(/invalid repository line/);
  });
});
