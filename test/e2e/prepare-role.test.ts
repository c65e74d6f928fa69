// The prepare role (kubeasz's 01.prepare) on the 5 lab hosts: --check predicts the first run exactly, it
// converges (a second run and --check report no change), the /etc/hosts block is the same on every host and
// with --limit, sysctl and modules-load files, swap off, the node name from k8s_nodename, and chrony as
// kubeasz: kpt1 (the `chrony` group's first host) serves the cluster, every other host (kpt2, the group's
// second, too) syncs from it. With no `chrony` group, no chrony at all: the HA cluster suite (kubeasz's example
// has an empty one).
//
// The lab's hosts are systemd-nspawn containers, and the role sees it in their facts (host_is_container): it
// says so once per host, writes vm.* and fs.* sysctls to the file only (the kernel is the machine's), sets
// net.* live, and runs chronyd with -x (no CAP_SYS_TIME; Debian's chrony.service has
// ConditionCapability=CAP_SYS_TIME, which the role's drop-in clears). No switch is passed for that.
//
// Lab limit, overridden with -e: PROXY_MODE=iptables: the ipvs modules (ip_vs, ip_vs_rr, ...) are loadable
// modules, which the lab's kernel does not have (overlay, br_netfilter and nf_conntrack are built in).
// The balancers' packages, which prepare installs with the base ones (nginx on every node, keepalived and
// haproxy on ex_lb hosts), are left out with -e: the HA cluster suite installs them on fresh hosts and purges
// them (99.clean.yml) just before this suite, and apt's work would be the same again.
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import { useLab, type LabHandle } from '../lab/helpers.js';
import { checkedRun, kplay, results, siteFor, totalChanged, type KplayRun } from './support.js';

const F = 'test/e2e/fixtures/prepare-role';
const LAB_E = ['-e', 'PROXY_MODE=iptables', '-e', '{"kube_lb_packages": [], "ex_lb_packages": []}'];
const BASE = ['conntrack', 'ipset', 'ipvsadm', 'socat', 'openssl', 'curl', 'jq', 'ca-certificates', 'iptables'];
const SYSCTL_FILE = '/etc/sysctl.d/95-k8s-sysctl.conf';
const FSTAB_SWAP = '/kplay-e2e-prepare.swap none swap sw 0 0';
// the keys outside net.* (the kernel the container shares with the machine): written to the file, not set live
const SHARED_KEYS = [
  'vm.swappiness',
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'fs.inotify.max_user_watches',
  'fs.inotify.max_user_instances',
  'fs.file-max',
  'fs.nr_open',
];
const NOTE = 'Say what this host gets as a container';
const note = (h: string, chrony: boolean) =>
  `${h} is a systemd-nspawn container: 7 kernel settings outside net.* written to ${SYSCTL_FILE} only ` +
  `(not set live)${chrony ? ', chronyd runs without clock control (-x)' : ''}; ` +
  'set prepare_sysctl_ignoreerrors / chrony_no_clock_control to change this';
/** The result of `task` on `host`, or undefined. */
const resultOf = (r: KplayRun, host: string, task: string) =>
  r.events.find((e) => e.type === 'host_result' && e.host === host && e.task === task) as
    | { status: string; result: Record<string, unknown> }
    | undefined;

describe('@lab role prepare (01.prepare) on 5 hosts', () => {
  let lab: LabHandle;
  let site: string;
  let sharedLive: string; // the worker's live values of SHARED_KEYS before any run
  let firstRun: KplayRun | undefined; // the first run of prepare.yml
  let names: string[];
  let worker: string; // a kube_node host, run alone with --limit
  let renamed: string; // the host with k8s_nodename set
  const newPkgs = new Map<string, string[]>(); // base packages each host did not have before

  before(async function () {
    lab = await useLab(this, { count: 5 });
    names = lab.hosts.map((h) => h.name);
    worker = names[3]!;
    renamed = names[4]!;
    // kubeasz's optional `chrony` group: kpt1 (its first host) serves time, kpt2 is a client like the rest;
    // the last host gets a node name of its own
    const named = (text: string) => {
      const doc = parseDocument(text);
      for (const h of names.slice(0, 2)) doc.setIn(['all', 'children', 'chrony', 'hosts', h], {});
      doc.setIn(['all', 'hosts', renamed, 'k8s_nodename'], 'Worker-Five');
      return doc.toString();
    };
    site = siteFor(lab, named);
    sharedLive = (await lab.exec(worker, `sysctl -n ${SHARED_KEYS.join(' ')}`)).stdout;
    for (const h of names) {
      const r = await lab.exec(
        h,
        `for p in ${BASE.join(' ')}; do dpkg-query -W -f='\${db:Status-Abbrev}' ` +
          `$p 2>/dev/null | grep -q '^ii' || echo $p; done`,
      );
      newPkgs.set(h, r.stdout.split('\n').filter(Boolean));
    }
    // an fstab swap line (no swap is active in the lab) that the role must comment out
    await lab.exec(renamed, `sed -i '/kplay-e2e-prepare/d' /etc/fstab; echo '${FSTAB_SWAP}' >> /etc/fstab`);
  });

  after(async function () {
    this.timeout(300_000);
    if (!lab) return;
    const r = await kplay(['run', `${F}/clean.yml`, '-i', site, '--json', ...LAB_E]);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    for (const h of names) {
      const pkgs = newPkgs.get(h) ?? [];
      await lab.exec(
        h,
        [
          `hostname ${h}; echo ${h} > /etc/hostname`,
          "sed -i '/kplay-e2e-prepare/d' /etc/fstab",
          `apt-get purge -y -q chrony ${pkgs.join(' ')} >/dev/null ` +
            '2>&1; apt-get autoremove --purge -y -q >/dev/null 2>&1; true',
        ].join('; '),
      );
    }
  });

  const run = (playbook: string, extra: string[] = []): Promise<KplayRun> =>
    kplay(['run', `${F}/${playbook}`, '-i', site, '--json', ...LAB_E, ...extra]);
  const ok = (r: KplayRun) => expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
  const sh = async (h: string, cmd: string) => (await lab.exec(h, cmd)).stdout;
  const hostsBlock = (h: string) =>
    sh(h, "sed -n '/^# BEGIN kplay cluster hosts$/,/^# END kplay cluster hosts$/p' /etc/hosts");
  const T = (task: string) => `prepare : ${task}`; // a role task's name in results
  const uncertain = (r: KplayRun) => Object.values(r.recap).reduce((n, c) => n + (c.uncertain ?? 0), 0);
  const expectedBlock = () =>
    [
      '# BEGIN kplay cluster hosts',
      // kubeasz's rule: k8s_nodename when set, else k8s-<inventory name>
      ...lab.hosts.map((h) => `${h.ip} ${h.name === renamed ? 'worker-five' : `k8s-${h.name}`}`),
      '# END kplay cluster hosts',
      '',
    ].join('\n');

  it('applies to every host; a second run changes nothing; --check then predicts no change', async function () {
    this.timeout(600_000);
    let t = Date.now();
    const first = await checkedRun(['run', `${F}/prepare.yml`, '-i', site, '--json', ...LAB_E]);
    ok(first);
    firstRun = first;
    console.log(`      first run: ${Date.now() - t} ms, changed=${totalChanged(first)}`);
    expect(Object.keys(first.recap).sort()).to.deep.equal([...names].sort());
    expect(results(first)).to.include.members(
      names.map((h) => `${h}|${T('List every cluster host in /etc/hosts')}|changed`),
    );
    expect(results(first)).to.include.members(names.map((h) => `${h}|${T('restart chrony')}|changed`));
    // each host is seen to be a container, and says what that changes
    for (const h of names) expect(resultOf(first, h, T(NOTE))?.result.msg, h).to.equal(note(h, true));
    t = Date.now();
    const again = await run('prepare.yml');
    ok(again);
    console.log(`      second run: ${Date.now() - t} ms, changed=${totalChanged(again)}`);
    expect(
      totalChanged(again),
      results(again)
        .filter((x) => x.endsWith('|changed'))
        .join('\n'),
    ).to.equal(0);
    expect(
      results(again).filter((x) => x.includes(`|${T('restart chrony')}|`)),
      'no restart without a change',
    ).to.deep.equal([]);
    const check = await run('prepare.yml', ['--check']);
    ok(check);
    expect(totalChanged(check)).to.equal(0);
    expect(uncertain(check)).to.equal(0);
  });

  it(
    '/etc/hosts: the same block on every host, ' + 'with the node names; a run with --limit writes the same',
    async function () {
      this.timeout(300_000);
      for (const h of names) expect(await hostsBlock(h), h).to.equal(expectedBlock());
      // drop the block on one worker, then let a --limit run put it back
      await lab.exec(worker, "sed -i '/^# BEGIN kplay cluster hosts$/,/^# END kplay cluster hosts$/d' /etc/hosts");
      const r = await run('prepare.yml', ['--limit', worker]);
      ok(r);
      expect(Object.keys(r.recap)).to.deep.equal([worker]);
      expect(results(r)).to.include(`${worker}|${T('List every cluster host in /etc/hosts')}|changed`);
      expect(await hostsBlock(worker)).to.equal(expectedBlock());
      expect(totalChanged(await run('prepare.yml', ['--limit', worker]))).to.equal(0);
    },
  );

  it("node name: k8s_nodename, lower-cased, is the host name; without it kubeasz's k8s-<name>", async () => {
    expect((await sh(renamed, 'hostname; cat /etc/hostname')).split('\n')).to.deep.equal([
      'worker-five',
      'worker-five',
      '',
    ]);
    expect((await sh(names[0]!, 'hostname')).trim()).to.equal(`k8s-${names[0]}`);
  });

  it('sysctl: one file with every key, net.* set live, vm/fs left alone live; modules-load; swap off', async () => {
    const h = worker;
    // vm.* and fs.* were never tried live (no "live value not set" message); their live values are as before
    expect(await sh(h, `sysctl -n ${SHARED_KEYS.join(' ')}`)).to.equal(sharedLive);
    const items = (resultOf(firstRun!, h, T('Set the kernel parameters, in one sysctl file and live'))?.result
      .results ?? []) as { item: { key: string }; msg?: string }[];
    expect(items.map((i) => i.item.key))
      .to.have.length(18)
      .and.include.members(SHARED_KEYS);
    // a net.* key may be refused too and is left alone (ignoreerrors): recent kernels make
    // net.netfilter.nf_conntrack_max read-only outside the first network namespace
    const tried = items.filter((i) => i.msg !== undefined).map((i) => i.item.key);
    expect(tried.filter((k) => !k.startsWith('net.'))).to.deep.equal([]);
    const file = await sh(h, `cat ${SYSCTL_FILE}`);
    expect(file.split('\n').filter(Boolean)).to.deep.equal([
      'net.ipv4.ip_forward=1',
      'net.bridge.bridge-nf-call-iptables=1',
      'net.bridge.bridge-nf-call-ip6tables=1',
      'net.bridge.bridge-nf-call-arptables=1',
      'net.ipv4.tcp_tw_reuse=0',
      'net.ipv4.tcp_keepalive_time=600',
      'net.ipv4.tcp_keepalive_intvl=30',
      'net.ipv4.tcp_keepalive_probes=10',
      'net.ipv4.tcp_max_syn_backlog=8096',
      'net.core.somaxconn=32768',
      'net.netfilter.nf_conntrack_max=1048576',
      'vm.swappiness=0',
      'vm.overcommit_memory=1',
      'vm.panic_on_oom=0',
      'fs.inotify.max_user_watches=524288',
      'fs.inotify.max_user_instances=8192',
      'fs.file-max=52706963',
      'fs.nr_open=52706963',
    ]);
    expect(await sh(h, 'sysctl -n net.ipv4.ip_forward net.ipv4.tcp_keepalive_time net.core.somaxconn')).to.equal(
      '1\n600\n32768\n',
    );
    // modules: a file each under /etc/modules-load.d/, no ipvs ones with PROXY_MODE=iptables
    expect(
      await sh(
        h,
        'cd /etc/modules-load.d && for f in overlay br_netfilter ' +
          'nf_conntrack; do cat $f.conf; done; ls | grep -c ip_vs; true',
      ),
    ).to.equal('overlay\nbr_netfilter\nnf_conntrack\n0\n');
    // swap: none active, and the fstab line is commented out
    expect((await sh(renamed, 'tail -n +2 /proc/swaps | wc -l')).trim()).to.equal('0');
    expect(await sh(renamed, 'grep kplay-e2e-prepare /etc/fstab')).to.equal(`#${FSTAB_SWAP}\n`);
  });

  it("chrony: the chrony group's first host (kpt1) serves; the other hosts sync from it", async function () {
    this.timeout(120_000);
    const server = lab.hosts[0]!;
    const conf = (h: string) => sh(h, "grep -Ev '^(#|$)' /etc/chrony/chrony.conf");
    const sconf = await conf(server.name);
    expect(sconf)
      .to.include(`allow ${server.ip.replace(/\.\d+$/, '.0')}/24\n`)
      .and.include('local stratum 10\n')
      .and.include('pool 0.pool.ntp.org iburst\n');
    // kpt2 is in the group too, but only the first host serves (kubeasz's rule)
    for (const h of names.slice(1)) {
      const c = await conf(h);
      expect(c, h).to.match(new RegExp(`^server ${server.ip.replace(/\./g, '\\.')} iburst$`, 'm'));
      expect(c, h).to.not.match(/^(pool|allow|local) /m);
    }
    for (const h of names) {
      expect(
        (await sh(h, 'systemctl is-active chrony; systemctl is-enabled chrony')).split('\n').slice(0, 2),
        h,
      ).to.deep.equal(['active', 'enabled']);
      expect(await sh(h, 'systemctl show -p DropInPaths --value chrony')).to.include('kplay-no-clock-control.conf');
    }
    // a client really follows the server: selected source (^*) at the server's address
    let sources = '';
    for (let i = 0; i < 30 && !/^\^\* /m.test(sources); i++) {
      if (i) await new Promise((r) => setTimeout(r, 1000));
      sources = await sh(worker, 'chronyc -n sources');
    }
    expect(sources).to.match(new RegExp(`^\\^\\* ${server.ip.replace(/\./g, '\\.')} +10 `, 'm'));
  });
});
