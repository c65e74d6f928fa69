// `up` and `down`: putting the parts together. Everything `up` makes is named after the prefix
// and recorded in the state file before it is made, so `down` (also the one a failed `up` runs) finds it.
import { mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KplayError } from '../core/errors.js';
import { ensureBase } from './base.js';
import { childCgroups, createLabCgroups, destroyCgroups, findLabCgroups } from './cgroup.js';
import { daemonStartHost, detachDaemon, startDaemon, stopDaemonAndWait, DAEMON_MARK } from './daemon.js';
import { hostSpec, hostSystemState, mountOverlay, stopHost, waitRunning } from './host.js';
import { checkInventoryDir, removeInventory, writeInventory } from './inventory.js';
import {
  checkSubnetFree,
  createBridge,
  createHostNet,
  deleteLink,
  deleteNetns,
  linkExists,
  listLinks,
  listNetns,
} from './net.js';
import { makeKey, modulesBuiltin, seedHost } from './seed.js';
import {
  BRIDGE_OCTET,
  DEFAULT_NET,
  DEFAULT_PREFIX,
  MAX_HOSTS,
  PROXY_PORT,
  RUN_ROOT,
  VIP_OCTET,
  cacheDir,
  checkNet,
  checkPrefix,
  hostIp,
  knownPrefixes,
  names,
  readState,
  writeState,
  type LabState,
} from './state.js';
import { ensureTools, pidAlive, requireRootLinux, run, withLock } from './sys.js';

export interface UpOptions {
  count: number;
  prefix?: string;
  net?: string;
  cache?: string;
  inventory?: string;
  bootTimeoutMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface UpResult {
  state: LabState;
  kept: boolean;
  ms: number;
}

/** Test hook: KPLAY_LAB_FAIL_AT=<stage> makes `up` fail at that stage (net, proxy, seed, boot, inventory;
 * nspawn: the hosts' systemd-nspawn is given an option it refuses). */
function stage(name: string, signal?: AbortSignal): void {
  if (signal?.aborted) throw new KplayError('interrupted', { code: 'LAB_ABORTED' });
  if (process.env.KPLAY_LAB_FAIL_AT === name)
    throw new KplayError(`failure injected at "${name}" (KPLAY_LAB_FAIL_AT)`, { code: 'LAB_INJECTED' });
}

export async function labUp(o: UpOptions): Promise<UpResult> {
  const t0 = Date.now();
  const log = o.log ?? (() => {});
  requireRootLinux();
  const prefix = checkPrefix(o.prefix ?? DEFAULT_PREFIX);
  const net = checkNet(o.net ?? DEFAULT_NET);
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > MAX_HOSTS) {
    throw new KplayError(`a lab has 1 to ${MAX_HOSTS} hosts, not ${o.count}`, { code: 'OPTIONS' });
  }
  await ensureTools(log);
  const n = names(prefix);
  mkdirSync(RUN_ROOT, { recursive: true });
  return withLock(n.lockFile, `changing lab "${prefix}"`, async () => {
    const inventoryDir = resolve(o.inventory ?? 'inventories/lab');
    const old = readState(prefix);
    if (old?.ready && old.hosts.length === o.count && old.net === net && (await healthy(old))) {
      if (old.inventoryDir !== inventoryDir)
        throw new KplayError(`lab "${prefix}" is up with its site in ${old.inventoryDir}`, {
          code: 'OPTIONS',
          hint: 'use the same --inventory, or take it down first',
        });
      writeInventory(inventoryDir, inventoryInput(old));
      return { state: old, kept: true, ms: Date.now() - t0 };
    }
    if (old || (await leftovers(prefix))) {
      log(
        old
          ? `lab "${prefix}" differs or is not healthy: recreating it`
          : `removing what an earlier lab "${prefix}" left`,
      );
      await teardown(prefix, log);
    }
    await checkSubnetFree(net);
    checkInventoryDir(inventoryDir, prefix, (p) => readState(p)?.ready === true);
    const cache = cacheDir(o.cache);
    const base = await ensureBase(cache, log);
    stage('base', o.signal);
    const s: LabState = {
      version: 1,
      prefix,
      net,
      bridge: n.bridge,
      bridgeIp: `${net}.${BRIDGE_OCTET}`,
      vip: `${net}.${VIP_OCTET}`,
      dir: n.dir,
      base,
      cacheDir: cache,
      inventoryDir,
      cgroups: [],
      hosts: [],
      createdAt: new Date().toISOString(),
    };
    for (let i = 1; i <= o.count; i++) {
      const h = n.host(i);
      s.hosts.push({
        name: h.name,
        ip: hostIp(net, i),
        netns: h.netns,
        veth: h.veth,
        root: join(n.dir, 'root', h.name),
        upper: join(n.dir, 'upper', h.name),
        work: join(n.dir, 'work', h.name),
        hostKey: '',
      });
    }
    writeState(s);
    try {
      await build(s, o, log);
    } catch (e) {
      log(`up failed; removing what it made`);
      await teardown(prefix, log);
      throw e;
    }
    return { state: s, kept: false, ms: Date.now() - t0 };
  });
}

async function build(s: LabState, o: UpOptions, log: (l: string) => void): Promise<void> {
  const n = names(s.prefix);
  mkdirSync(s.dir, { recursive: true });
  await run(['mount', '-t', 'tmpfs', '-o', 'mode=0755', `kplay-lab-${s.prefix}`, s.dir]);
  s.cgroups = createLabCgroups(n.cgroupName);
  writeState(s);
  stage('net', o.signal);
  // Checked again under a machine-wide lock: two labs started at once must not both take one subnet.
  await withLock(join(RUN_ROOT, 'net.lock'), 'claiming a subnet', async () => {
    await checkSubnetFree(s.net);
    await createBridge(s.bridge, s.net);
  });
  await Promise.all(
    s.hosts.map((h, i) => createHostNet({ ...h, peer: n.host(i + 1).peer, bridge: s.bridge, net: s.net })),
  );
  stage('proxy', o.signal);
  const daemon = await startDaemon({
    host: s.bridgeIp,
    port: PROXY_PORT,
    cacheDir: join(s.cacheDir, 'apt'),
    log: join(s.dir, 'daemon.log'),
    cgroups: childCgroups(s.cgroups, 'daemon'),
  });
  s.daemon = { pid: daemon.pid, port: daemon.port, log: daemon.log };
  writeState(s);
  const keyFile = join(s.dir, 'id_ed25519');
  const pub = await makeKey(keyFile, `kplay-lab-${s.prefix}`);
  const builtin = modulesBuiltin();
  const proxyUrl = `http://${s.bridgeIp}:${PROXY_PORT}`;
  await Promise.all(
    s.hosts.map(async (h) => {
      await mountOverlay(h, s.base);
      h.hostKey = await seedHost({
        root: h.root,
        name: h.name,
        hosts: s.hosts,
        authorizedKey: pub,
        proxyUrl,
        modulesBuiltin: builtin,
      });
    }),
  );
  stage('seed', o.signal);
  try {
    for (const h of s.hosts) {
      const spec = hostSpec(h, s.cgroups, join(s.dir, `${h.name}.log`));
      // Test hook: an option nspawn refuses, so the boot fails the way a broken host does.
      if (process.env.KPLAY_LAB_FAIL_AT === 'nspawn') spec.argv.push('--kplay-injected-failure');
      h.pid = await daemonStartHost(daemon, spec);
    }
  } finally {
    detachDaemon(daemon);
  }
  writeState(s);
  log(`booting ${s.hosts.length} host${s.hosts.length > 1 ? 's' : ''}`);
  await Promise.all(
    s.hosts.map((h) => waitRunning(h, hostCgroups(s, h.name), o.bootTimeoutMs ?? 60_000, join(s.dir, `${h.name}.log`))),
  );
  stage('boot', o.signal);
  writeInventory(s.inventoryDir, inventoryInput(s));
  stage('inventory', o.signal);
  s.ready = true;
  writeState(s);
}

/** A host's cgroup folders (one per hierarchy). */
export function hostCgroups(s: LabState, host: string): string[] {
  return s.cgroups.map((c) => join(c, host));
}

function inventoryInput(s: LabState) {
  return { prefix: s.prefix, hosts: s.hosts, vip: s.vip, keyFile: join(s.dir, 'id_ed25519') };
}

async function healthy(s: LabState): Promise<boolean> {
  if (!s.daemon || !pidAlive(s.daemon.pid, DAEMON_MARK)) return false;
  const states = await Promise.all(s.hosts.map((h) => hostSystemState(hostCgroups(s, h.name))));
  return states.every((x) => x === 'running');
}

async function leftovers(prefix: string): Promise<boolean> {
  const n = names(prefix);
  return existsSync(n.dir) || (await linkExists(n.bridge)) || (await listNetns(`kplay-${prefix}-`)).length > 0;
}

/** Mount points at or below `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mp = line.split(' ')[4]?.replace(/\\040/g, ' ');
    if (mp && (mp === dir || mp.startsWith(`${dir}/`))) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length || b.localeCompare(a));
}

/** Removes everything lab `prefix` made, whether `up` finished or not. Safe to run twice. */
async function teardown(prefix: string, log: (l: string) => void, graceMs = 3000): Promise<void> {
  const n = names(prefix);
  const s = readState(prefix);
  // The daemon powers the hosts off; hosts it no longer watches get the same from here.
  if (s?.daemon) await stopDaemonAndWait(s.daemon.pid, graceMs + 1000);
  if (s) await Promise.all(s.hosts.map((h) => stopHost(hostCgroups(s, h.name), graceMs)));
  await destroyCgroups([...new Set([...(s?.cgroups ?? []), ...findLabCgroups(n.cgroupName)])]);
  for (const mp of mountsUnder(n.dir)) {
    const r = await run(['umount', mp], { check: false });
    if (r.code !== 0) await run(['umount', '--lazy', mp], { check: false });
  }
  const netns = new Set([...(s?.hosts ?? []).map((h) => h.netns), ...(await listNetns(`kplay-${prefix}-`))]);
  await Promise.all([...netns].map((ns) => deleteNetns(ns)));
  for (const link of await listLinks(`${prefix}-`)) await deleteLink(link);
  if (mountsUnder(n.dir).length === 0) rmSync(n.dir, { recursive: true, force: true });
  if (s) removeInventory(s.inventoryDir, prefix);
  rmSync(n.stateFile, { force: true });
  log(`lab "${prefix}" is down`);
}

export async function labDown(o: { prefix?: string; all?: boolean; log?: (l: string) => void }): Promise<string[]> {
  requireRootLinux();
  const prefixes = o.all ? knownPrefixes() : [checkPrefix(o.prefix ?? DEFAULT_PREFIX)];
  for (const p of prefixes) {
    const n = names(p);
    mkdirSync(RUN_ROOT, { recursive: true });
    await withLock(n.lockFile, `changing lab "${p}"`, () => teardown(p, o.log ?? (() => {})));
  }
  return prefixes;
}
