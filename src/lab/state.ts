// What a lab is made of, where its state lives, and the names of everything it creates.
// Every name derives from the prefix, so `down` can find what a crashed `up` left even without a state file.
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { KplayError } from '../core/errors.js';

export const RUN_ROOT = '/run/kplay';
export const DEFAULT_PREFIX = 'kp';
export const DEFAULT_NET = '10.77.0';
export const PROXY_PORT = 3142;
/** Last octets: the bridge (the controller), the VIP kept free for keepalived, the first host. */
export const BRIDGE_OCTET = 1;
export const VIP_OCTET = 10;
export const FIRST_HOST_OCTET = 11;
/** A gateway address nobody has: hosts get a default route, but nothing leaves the bridge. */
export const DEAD_GATEWAY_OCTET = 254;
export const MAX_HOSTS = 200;

export interface HostState {
  name: string;
  ip: string;
  netns: string;
  veth: string; // controller end, on the bridge
  root: string; // merged overlay root
  upper: string;
  work: string;
  pid?: number | undefined; // systemd-nspawn at first boot (a reboot starts a new one)
  hostKey: string; // public host key line "ssh-ed25519 AAAA..."
}

export interface LabState {
  version: 1;
  prefix: string;
  net: string; // first three octets, e.g. 10.77.0
  bridge: string;
  bridgeIp: string;
  vip: string;
  dir: string; // /run/kplay/lab-<prefix> (a tmpfs)
  base: string; // the base root (read-only lower dir)
  cacheDir: string;
  inventoryDir: string;
  cgroups: string[]; // the lab's cgroup in every hierarchy
  /** The background process: apt proxy on the bridge, supervisor of the hosts. */
  daemon?: { pid: number; port: number; log: string } | undefined;
  hosts: HostState[];
  createdAt: string;
  ready?: boolean;
}

export function checkPrefix(prefix: string): string {
  if (!/^[a-z][a-z0-9]{0,5}$/.test(prefix)) {
    throw new KplayError(`bad lab prefix "${prefix}"`, {
      code: 'OPTIONS',
      hint: 'a lowercase letter then up to 5 lowercase letters or digits (it names hosts, links and namespaces)',
    });
  }
  return prefix;
}

export function checkNet(net: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\.0(?:\/24)?)?$/.exec(net);
  if (!m || m.slice(1, 4).some((o) => Number(o) > 255)) {
    throw new KplayError(`bad lab subnet "${net}"`, {
      code: 'OPTIONS',
      hint: 'give the first three octets of a /24, e.g. 10.77.0',
    });
  }
  return `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}`;
}

export interface Names {
  prefix: string;
  dir: string;
  bridge: string;
  lockFile: string;
  stateFile: string;
  cgroupName: string; // relative cgroup path below the creator's cgroup
  host(i: number): { name: string; netns: string; veth: string; peer: string };
}

export function names(prefix: string): Names {
  const dir = join(RUN_ROOT, `lab-${prefix}`);
  return {
    prefix,
    dir,
    bridge: `${prefix}-br0`,
    lockFile: join(RUN_ROOT, `lab-${prefix}.lock`),
    stateFile: join(RUN_ROOT, `lab-${prefix}.json`),
    cgroupName: `kplay-lab-${prefix}`,
    host(i: number) {
      // Interface names are at most 15 characters: prefix (6) + "-v" + 3 digits.
      return { name: `${prefix}${i}`, netns: `kplay-${prefix}-${i}`, veth: `${prefix}-v${i}`, peer: `${prefix}-p${i}` };
    },
  };
}

export function hostIp(net: string, i: number): string {
  return `${net}.${FIRST_HOST_OCTET + i - 1}`;
}

export function cacheDir(opt?: string): string {
  return resolve(opt || process.env.KPLAY_CACHE_DIR || join(homedir(), '.cache', 'kplay'));
}

// The state file sits beside the lab's tmpfs (not in it), so it survives an unmount half-way through `down`.
export function readState(prefix: string): LabState | undefined {
  const f = names(prefix).stateFile;
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function writeState(s: LabState): void {
  const f = names(s.prefix).stateFile;
  mkdirSync(RUN_ROOT, { recursive: true });
  writeFileSync(`${f}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${f}.tmp`, f);
}

/** Prefixes of every lab this machine knows about (a state file or a lab folder under /run/kplay). */
export function knownPrefixes(): string[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(RUN_ROOT);
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const e of entries) {
    const m = /^lab-([a-z][a-z0-9]{0,5})(?:\.json)?$/.exec(e);
    if (m) out.add(m[1]!);
  }
  return [...out].sort();
}
