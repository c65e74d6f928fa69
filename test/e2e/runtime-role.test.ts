// The runtime role (containerd) on two lab hosts, with bin_src = kubeBinDir() (Debian 12's containerd 1.6,
// runc 1.1 and the crictl stand-in): containerd runs and answers `ctr version`; a second run changes nothing
// and restarts nothing (same MainPID); --check on converged hosts predicts nothing; a changed binary is the
// only one pushed again and restarts containerd; a config containerd cannot parse never lands; clean-up
// removes everything.
//
// What the lab cannot do: containerd runs in an nspawn host, but runc cannot start containers there (the
// cgroup v1 controller hierarchies, /sys/fs/cgroup/cpuset and the others, are mounted read-only in the
// hosts: "mkdir /sys/fs/cgroup/cpuset/system.slice: read-only file system"), so no container or pod is run
// here. containerd's own `oom_score = -999` also fails there (no CAP_SYS_RESOURCE; it only logs an error).
import { expect } from 'chai';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, symlinkSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { kubeBinDir } from '../support/kube-bin.js';
import { checkedRun, kplay, results, siteFor, totalChanged, type KplayRun } from './support.js';

const F = 'test/e2e/fixtures/runtime-role';
const BINARIES = ['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'crictl'];

describe('@lab role runtime: containerd on masters and workers', () => {
  let lab: LabHandle;
  let site: string;
  let bin: string;
  let hosts: string[];
  const scratch: string[] = [];

  const wipe =
    'systemctl disable --now containerd >/dev/null 2>&1; rm -rf /etc/systemd/system/containerd.service ' +
    '/etc/containerd /etc/crictl.yaml /var/lib/containerd /run/containerd; ' +
    `for b in ${BINARIES.join(' ')}; do rm -f /opt/kube/bin/$b; done; rmdir ` +
    '/opt/kube/bin /opt/kube 2>/dev/null; systemctl daemon-reload; true';

  before(async function () {
    this.timeout(600_000);
    lab = await useLab(this, { count: 3 });
    site = siteFor(lab);
    bin = await kubeBinDir();
    hosts = [lab.hosts[0]!.name, lab.hosts[1]!.name];
    for (const h of hosts) await lab.exec(h, wipe);
  });
  after(async function () {
    this.timeout(300_000);
    if (!lab) return;
    const r = await run(F + '/clean.yml', bin);
    for (const h of hosts) await lab.exec(h, wipe); // in case the clean-up itself failed
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
  });

  const run = (playbook: string, binSrc: string, extra: string[] = [], checked = false): Promise<KplayRun> =>
    (checked ? checkedRun : kplay)([
      'run',
      playbook,
      '-i',
      site,
      '--json',
      '--limit',
      hosts.join(','),
      '-e',
      `bin_src=${binSrc}`,
      ...extra,
    ]);
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-4000)).to.equal(0);
  const pid = async (h: string) => (await lab.exec(h, 'systemctl show -p MainPID --value containerd')).stdout.trim();
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t = Date.now();
    const v = await f();
    return [v, Date.now() - t];
  };
  /** The loop items of a task that changed on a host. */
  const changedItems = (r: KplayRun, host: string, task: string): string[] => {
    const e = r.events.find((x) => x.type === 'host_result' && x.host === host && x.task === task) as
      | { result?: { results?: { changed?: boolean; item?: unknown }[] } }
      | undefined;
    return (e?.result?.results ?? []).filter((x) => x.changed).map((x) => String(x.item));
  };

  it('installs containerd: active, enabled, `ctr version` reports the server; configs as asked', async function () {
    this.timeout(300_000);
    const [r, ms] = await timed(() => run(F + '/runtime.yml', bin, [], true));
    ok(r);
    console.log(`      (first run on 2 hosts: ${ms} ms, changed=${totalChanged(r)})`);
    for (const h of hosts) {
      expect(results(r)).to.include.members([
        `${h}|runtime : Push the container runtime binaries|changed`,
        `${h}|runtime : Restart containerd|changed`,
      ]);
      expect((await lab.exec(h, 'systemctl is-active containerd; systemctl is-enabled containerd')).stdout).to.equal(
        'active\nenabled\n',
      );
      const v = await lab.exec(h, '/opt/kube/bin/ctr version');
      expect(v.code, v.stderr).to.equal(0);
      expect(v.stdout).to.match(/Server:\n\s+Version:\s+1\.\d+/);
      expect((await lab.exec(h, 'stat -c %a /opt/kube/bin/runc /opt/kube/bin/crictl')).stdout).to.equal('755\n755\n');
      const toml = (await lab.exec(h, 'cat /etc/containerd/config.toml')).stdout;
      expect(toml)
        .to.match(/^version = 2$/m)
        .and.match(/SystemdCgroup = true/)
        .and.match(/sandbox_image = "registry\.k8s\.io\/pause:3\.9"/);
      expect(toml)
        .to.match(/bin_dir = "\/opt\/kube\/bin"/)
        .and.match(/conf_dir = "\/etc\/cni\/net\.d"/);
      expect((await lab.exec(h, 'cat /etc/crictl.yaml')).stdout).to.include(
        'runtime-endpoint: unix:///run/containerd/containerd.sock',
      );
      // the shim and runc are found through the unit's PATH; the CRI plugin is up (crictl is a stand-in, ctr is real)
      expect((await lab.exec(h, 'systemctl show -p Environment --value containerd')).stdout).to.match(
        /^PATH=\/opt\/kube\/bin:/,
      );
      expect(
        (await lab.exec(h, '/opt/kube/bin/ctr plugins ls | grep -c "io.containerd.grpc.v1.*cri.*ok"')).stdout.trim(),
      ).to.equal('1');
    }
    // the other hosts were left alone
    expect(
      (await lab.exec(lab.hosts[2]!.name, 'test -e /etc/containerd && echo there || echo none')).stdout.trim(),
    ).to.equal('none');
  });

  it('a second run changes nothing and restarts nothing; --check predicts nothing', async function () {
    this.timeout(300_000);
    const before = await Promise.all(hosts.map(pid));
    const [again, ms] = await timed(() => run(F + '/runtime.yml', bin));
    ok(again);
    expect(
      totalChanged(again),
      results(again)
        .filter((x) => !x.endsWith('|ok'))
        .join('\n'),
    ).to.equal(0);
    expect(results(again).some((x) => x.includes('Restart containerd'))).to.equal(false);
    expect(await Promise.all(hosts.map(pid))).to.deep.equal(before);
    const [check, cms] = await timed(() => run(F + '/runtime.yml', bin, ['--check']));
    ok(check);
    expect(totalChanged(check)).to.equal(0);
    expect(Object.values(check.recap).reduce((n, c) => n + (c.uncertain ?? 0), 0)).to.equal(0);
    console.log(`      (second run ${ms} ms, changed=0, MainPID kept; --check ${cms} ms, changed=0)`);
  });

  it('a changed binary is the only one pushed again, and containerd restarts and answers', async function () {
    this.timeout(300_000);
    // a copy of bin_src: links to the cached files, and a runc with a few bytes appended (still a working ELF)
    const copy = mkdtempSync(join(tmpdir(), 'kplay-runtime-bin-'));
    scratch.push(copy);
    for (const f of readdirSync(bin)) if (f !== 'runc') symlinkSync(join(bin, f), join(copy, f));
    copyFileSync(join(bin, 'runc'), join(copy, 'runc'));
    appendFileSync(join(copy, 'runc'), '\nkplay test\n');

    const check = await run(F + '/runtime.yml', copy, ['--check']);
    ok(check);
    for (const h of hosts)
      expect(changedItems(check, h, 'runtime : Push the container runtime binaries')).to.deep.equal(['runc']);
    const pushedSum = (await lab.exec(hosts[0]!, 'sha256sum < /opt/kube/bin/runc')).stdout;

    const before = await Promise.all(hosts.map(pid));
    const r = await run(F + '/runtime.yml', copy);
    ok(r);
    for (const h of hosts) {
      expect(changedItems(r, h, 'runtime : Push the container runtime binaries')).to.deep.equal(['runc']);
      expect(results(r)).to.include(`${h}|runtime : Restart containerd|changed`);
      expect((await lab.exec(h, '/opt/kube/bin/runc --version')).stdout).to.match(/^runc version 1\./);
      expect((await lab.exec(h, '/opt/kube/bin/ctr version')).code).to.equal(0);
    }
    expect(totalChanged(r)).to.equal(4); // per host: the push and the restart
    const after = await Promise.all(hosts.map(pid));
    after.forEach((p, i) => expect(p, hosts[i]).to.not.equal(before[i]).and.not.equal('0'));
    expect((await lab.exec(hosts[0]!, 'sha256sum < /opt/kube/bin/runc')).stdout).to.not.equal(pushedSum);

    // back to the original: pushed again, then converged
    ok(await run(F + '/runtime.yml', bin));
    expect(totalChanged(await run(F + '/runtime.yml', bin))).to.equal(0);
  });

  it('a config containerd cannot parse fails before it lands; containerd keeps running', async function () {
    this.timeout(300_000);
    const before = await pid(hosts[0]!);
    const r = await run(F + '/runtime.yml', bin, ['-e', 'containerd_snapshotter=over"lay']);
    expect(r.code).to.not.equal(0);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed') as
      | { task?: string; msg?: string }
      | undefined;
    expect(failed?.task).to.equal("runtime : Write containerd's config.toml");
    expect(String(failed?.msg)).to.match(
      new RegExp(
        'validation of \\/etc\\/containerd\\/config\\.toml failed: .*config ' +
          'dump: containerd: failed to load TOML: .*the file was not changed',
      ),
    );
    expect((await lab.exec(hosts[0]!, 'grep snapshotter /etc/containerd/config.toml')).stdout).to.include(
      '"overlayfs"',
    );
    expect(await pid(hosts[0]!)).to.equal(before);
  });

  it('clean.yml stops containerd and removes the unit, configs, binaries and data', async function () {
    this.timeout(300_000);
    const r = await run(F + '/clean.yml', bin);
    ok(r);
    for (const h of hosts) {
      const left = await lab.exec(
        h,
        'systemctl is-active containerd; ls -d /etc/systemd/system/containerd.service ' +
          '/etc/containerd /etc/crictl.yaml /var/lib/containerd /run/containerd ' +
          `${BINARIES.map((b) => '/opt/kube/bin/' + b).join(' ')} 2>/dev/null; true`,
      );
      expect(left.stdout.trim()).to.equal('inactive');
    }
    const again = await run(F + '/clean.yml', bin);
    ok(again);
    expect(totalChanged(again)).to.equal(0);
  });
});
