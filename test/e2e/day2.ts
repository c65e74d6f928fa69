// Day 2 on the HA suite's converged cluster (test/e2e/ha-cluster.test.ts calls these in order): etcd backup to
// the controller (94.backup.yml) and restore from it (95.restore.yml), with real etcd 3.4 on three members; the
// cluster stopped and started again (92.stop.yml, 91.start.yml).
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHandle } from '../lab/helpers.js';
import type { ClusterLayout } from './cluster-site.js';
import { quote } from '../../src/core/shell-quote.js';
import { exactness, type KplayRun, tasksWith, totalChanged } from './support.js';

export interface Day2Ctx {
  lab: LabHandle;
  g: ClusterLayout;
  site: string;
  play: (pb: string, extra?: string[]) => Promise<KplayRun>;
  ok: (r: KplayRun) => void;
  hostOf: (ip: string) => string;
}

const KEY = '/kplay-test/restore';
const TLS =
  '--cacert=/etc/kubernetes/ssl/ca.pem --cert=/etc/kubernetes/ssl/etcd.pem --key=/etc/kubernetes/ssl/etcd-key.pem';
export const etcdctl = (ip: string, args: string) =>
  `/opt/kube/bin/etcdctl --endpoints=https://${ip}:2379 ${TLS} ${args}`;
/** A linearizable read (it needs the quorum) asked of each etcd member in turn until one answers. */
export function quorumRead(c: Day2Ctx): string {
  const each = etcdctl(c.g.etcd[0]!, '--command-timeout=4s get /kplay-test/poll');
  const eps = c.g.etcd.map((ip) => `https://${ip}:2379`).join(' ');
  return `( for ep in ${eps}; do ${each.replace(/--endpoints=\S+/, '--endpoints=$ep')} && exit 0; done; exit 1 )`;
}

/** The snapshots in <site>/backup (copies of the PKI, 96.update-certs.yml's, are there too). */
const snapshots = (site: string) =>
  readdirSync(join(site, 'backup'))
    .filter((f) => f.startsWith('snapshot'))
    .sort();

/** Each member's view: its health and the test key's value (empty when absent). */
async function members(c: Day2Ctx): Promise<{ ip: string; healthy: boolean; value: string }[]> {
  const out = [];
  for (const ip of c.g.etcd) {
    const h = await c.lab.exec(c.hostOf(ip), etcdctl(ip, 'endpoint health'));
    const v = await c.lab.exec(c.hostOf(ip), etcdctl(ip, `get ${KEY} --print-value-only`));
    out.push({ ip, healthy: /is healthy/.test(h.stdout + h.stderr), value: v.stdout.trim() });
  }
  return out;
}

/** `cmd` run on `ip` every second (a line `ok` or `fail` each time in `file`.log) until stop() (then a line
 *  `stopped`), or 10 minutes. */
export function startPoller(c: Day2Ctx, ip: string, cmd: string, file: string): { stop: () => Promise<string[]> } {
  const host = c.hostOf(ip);
  const loop =
    `i=0; while [ ! -e ${file}.stop ] && [ $i -lt 600 ]; do ` +
    `if ${cmd} >/dev/null 2>&1; then echo ok; else echo fail; fi; i=$((i+1)); sleep 1; done; ` +
    `if [ -e ${file}.stop ]; then echo stopped; fi`;
  const started = c.lab.exec(host, `rm -f ${file}.stop; setsid sh -c ${quote(loop)} >${file}.log 2>&1 </dev/null &`);
  return {
    stop: async () => {
      await started;
      // the loop ends its last read (a command may take a few seconds), then says it stopped
      const wait =
        `i=0; until tail -n 1 ${file}.log | grep -qx stopped || [ $i -ge 100 ]; ` + 'do sleep 0.1; i=$((i+1)); done';
      await c.lab.exec(host, `touch ${file}.stop; ${wait}`);
      return (await c.lab.exec(host, `cat ${file}.log`)).stdout.split('\n').filter(Boolean);
    },
  };
}

/** Stops a poller, then checks that every read answered (`what` says which) and that it ran the whole time:
 *  its loop was still going when told to stop (a run quicker than planned makes fewer reads, not a failure). */
export async function allAnswered(poller: { stop: () => Promise<string[]> }, what: string): Promise<void> {
  const lines = await poller.stop();
  expect(lines.at(-1), 'the poller ran until it was stopped').to.equal('stopped');
  const reads = lines.slice(0, -1);
  expect(
    reads.filter((r) => r !== 'ok'),
    what,
  ).to.deep.equal([]);
  expect(reads.length, 'the poller read throughout').to.be.at.least(3);
}

/** A group's host lines in the site's INI hosts file. */
export function groupLines(site: string, group: string): string[] {
  const text = readFileSync(join(site, 'hosts'), 'utf8');
  const from = text.indexOf(`[${group}]\n`) + `[${group}]\n`.length;
  return text.slice(from, text.indexOf('\n[', from)).trim().split('\n').filter(Boolean);
}

/** --check called changed exactly what the real run changed (uncertain may go either way). */
export function predicted(check: KplayRun, real: KplayRun): void {
  const x = exactness(check, real);
  expect(x.missed, 'changed in the real run but predicted ok').to.deep.equal([]);
  expect(x.wrong, 'predicted changed but did not change').to.deep.equal([]);
}

export async function backupThenRestore(c: Day2Ctx): Promise<void> {
  const first = c.hostOf(c.g.etcd[0]!);
  await c.lab.exec(first, etcdctl(c.g.etcd[0]!, `put ${KEY} kept-by-the-backup`));
  const b1 = await c.play('94.backup.yml');
  c.ok(b1);
  await new Promise((r) => setTimeout(r, 1100)); // the snapshots' names are to the second
  const before = snapshots(c.site);
  const check = await c.play('94.backup.yml', ['-e', 'backup_keep=1', '--check']);
  c.ok(check);
  expect(snapshots(c.site), '--check took no snapshot').to.deep.equal(before);
  const b2 = await c.play('94.backup.yml', ['-e', 'backup_keep=1']);
  c.ok(b2);
  predicted(check, b2);
  const files = snapshots(c.site);
  expect(files, 'snapshot.db and the newest timestamped snapshot only').to.have.length(2);
  expect(files[0]).to.equal('snapshot.db');
  expect(files[1]).to.match(/^snapshot_\d{14}\.db$/);

  await c.lab.exec(first, etcdctl(c.g.etcd[0]!, `del ${KEY}`));
  // a missing snapshot stops the run before anything stops
  const bad = await c.play('95.restore.yml', ['-e', 'etcd_snapshot=no-such.db']);
  expect(bad.code).to.not.equal(0);
  expect(bad.stdout).to.include('no snapshot at');
  expect(tasksWith(bad, ['changed']).size, 'nothing changed').to.equal(0);
  const rcheck = await c.play('95.restore.yml', ['--check']);
  c.ok(rcheck);
  expect(
    (await members(c)).map((m) => m.value),
    '--check restored nothing',
  ).to.deep.equal(['', '', '']);
  const real = await c.play('95.restore.yml');
  c.ok(real);
  predicted(rcheck, real);
  expect(await members(c)).to.deep.equal(c.g.etcd.map((ip) => ({ ip, healthy: true, value: 'kept-by-the-backup' })));
  for (const ip of c.g.etcd) {
    const kept = await c.lab.exec(
      c.hostOf(ip),
      'ls -d /var/lib/etcd.before-restore /var/tmp/kplay-etcd-restore.db 2>/dev/null; true',
    );
    expect(kept.stdout.trim(), `${ip}: the old data kept, the copy removed`).to.equal('/var/lib/etcd.before-restore');
  }
}

/** Each host's cluster units, as the roles install them. */
function unitsOf(g: ClusterLayout, ip: string): string[] {
  const u: string[] = [];
  if (g.etcd.includes(ip)) u.push('etcd');
  if (g.master.includes(ip)) u.push('kube-apiserver', 'kube-controller-manager', 'kube-scheduler');
  if (g.master.includes(ip) || g.node.includes(ip)) u.push('kube-lb', 'containerd', 'kubelet', 'kube-proxy');
  if (g.lb.includes(ip)) u.push('keepalived', 'haproxy');
  return u;
}

/** Every cluster unit of every host: `<ip> <unit> <active state> <enabled state>`, one per line. */
async function unitStates(c: Day2Ctx): Promise<string[]> {
  const hosts = [...new Set([...c.g.etcd, ...c.g.master, ...c.g.node, ...c.g.lb])];
  const out: string[] = [];
  for (const ip of hosts) {
    const units = unitsOf(c.g, ip);
    const r = await c.lab.exec(
      c.hostOf(ip),
      `for u in ${units.join(' ')}; do echo "$u $(systemctl is-active $u) $(systemctl is-enabled $u)"; done`,
    );
    out.push(
      ...r.stdout
        .trim()
        .split('\n')
        .map((l) => `${ip} ${l}`),
    );
  }
  return out;
}

export async function stopThenStart(c: Day2Ctx, vipAnswers: () => Promise<boolean>): Promise<void> {
  const running = await unitStates(c);
  expect(running.filter((l) => !l.endsWith(' active enabled'))).to.deep.equal([]);
  const check = await c.play('92.stop.yml', ['--check']);
  c.ok(check);
  expect(await unitStates(c), '--check stopped nothing').to.deep.equal(running);
  const stop = await c.play('92.stop.yml');
  c.ok(stop);
  predicted(check, stop);
  expect((await unitStates(c)).filter((l) => !l.endsWith(' inactive disabled'))).to.deep.equal([]);
  expect(await vipAnswers(), 'nothing answers on the VIP').to.equal(false);
  const again = await c.play('92.stop.yml');
  c.ok(again);
  expect(totalChanged(again)).to.equal(0);

  const startCheck = await c.play('91.start.yml', ['--check']);
  c.ok(startCheck);
  const start = await c.play('91.start.yml');
  c.ok(start);
  predicted(startCheck, start);
  expect(await unitStates(c)).to.deep.equal(running);
  expect((await members(c)).every((m) => m.healthy)).to.equal(true);
  expect(await vipAnswers(), 'the apiserver answers on the VIP again').to.equal(true);
  const twice = await c.play('91.start.yml');
  c.ok(twice);
  expect(totalChanged(twice)).to.equal(0);
}
