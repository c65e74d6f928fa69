// The lab's network: one bridge on the controller, one network namespace per host joined by a veth pair.
import { existsSync, writeFileSync } from 'node:fs';
import { KplayError } from '../core/errors.js';
import { run } from './sys.js';
import { BRIDGE_OCTET, DEAD_GATEWAY_OCTET } from './state.js';

interface IpAddr {
  ifname: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}
interface IpRoute {
  dst: string;
  dev?: string;
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function overlaps(aNet: string, aLen: number, bNet: string, bLen: number): boolean {
  const len = Math.min(aLen, bLen);
  if (len === 0) return true;
  const mask = len === 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0;
  return (ipToInt(aNet) & mask) >>> 0 === (ipToInt(bNet) & mask) >>> 0;
}

/** Refuses a subnet that any address or route on this machine already uses (other than `ownBridge`). */
export async function checkSubnetFree(net: string, ownBridge?: string): Promise<void> {
  const lab = `${net}.0`;
  const addrs = JSON.parse((await run(['ip', '-4', '-j', 'addr', 'show'])).stdout || '[]') as IpAddr[];
  for (const a of addrs) {
    if (a.ifname === ownBridge) continue;
    for (const i of a.addr_info ?? []) {
      if (i.family === 'inet' && overlaps(i.local, i.prefixlen, lab, 24)) {
        throw new KplayError(`subnet ${lab}/24 is already in use: ${i.local}/${i.prefixlen} on ${a.ifname}`, {
          code: 'LAB_NET',
          hint: 'pick another with --net, e.g. --net 10.78.0',
        });
      }
    }
  }
  const routes = JSON.parse(
    (await run(['ip', '-4', '-j', 'route', 'show', 'table', 'all'])).stdout || '[]',
  ) as IpRoute[];
  for (const r of routes) {
    if (r.dev === ownBridge || r.dst === 'default' || !/^\d/.test(r.dst)) continue;
    const [dst, len] = r.dst.split('/');
    if (overlaps(dst!, len === undefined ? 32 : Number(len), lab, 24)) {
      throw new KplayError(`subnet ${lab}/24 overlaps route ${r.dst}${r.dev ? ` on ${r.dev}` : ''}`, {
        code: 'LAB_NET',
        hint: 'pick another with --net, e.g. --net 10.78.0',
      });
    }
  }
}

export async function linkExists(name: string): Promise<boolean> {
  return (await run(['ip', 'link', 'show', 'dev', name], { check: false })).code === 0;
}

export async function createBridge(bridge: string, net: string): Promise<void> {
  await run(['ip', 'link', 'add', bridge, 'type', 'bridge']);
  // No STP, no forwarding delay: a new port forwards at once.
  await run(['ip', 'link', 'set', bridge, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
  // Never route for the lab, even if this machine forwards: a host that points its default route at the
  // bridge address still reaches only the bridge (and the proxy on it). No IPv6 on the bridge either.
  writeFileSync(`/proc/sys/net/ipv4/conf/${bridge}/forwarding`, '0');
  if (existsSync(`/proc/sys/net/ipv6/conf/${bridge}`))
    writeFileSync(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`, '1');
  await run(['ip', 'addr', 'add', `${net}.${BRIDGE_OCTET}/24`, 'dev', bridge]);
  await run(['ip', 'link', 'set', bridge, 'up']);
}

/** A namespace with `eth0` (the peer of `veth`, on the bridge), its address, lo, and a default route to nowhere. */
export async function createHostNet(o: {
  netns: string;
  veth: string;
  peer: string;
  bridge: string;
  ip: string;
  net: string;
}): Promise<void> {
  await run(['ip', 'netns', 'add', o.netns]);
  await run(['ip', 'link', 'add', o.veth, 'type', 'veth', 'peer', 'name', o.peer]);
  await run(['ip', 'link', 'set', o.veth, 'master', o.bridge, 'up']);
  await run(['ip', 'link', 'set', o.peer, 'netns', o.netns]);
  const inNs = (...argv: string[]) => run(['ip', '-n', o.netns, ...argv]);
  await inNs('link', 'set', o.peer, 'name', 'eth0');
  await inNs('addr', 'add', `${o.ip}/24`, 'dev', 'eth0');
  await inNs('link', 'set', 'lo', 'up');
  await inNs('link', 'set', 'eth0', 'up');
  await inNs('route', 'add', 'default', 'via', `${o.net}.${DEAD_GATEWAY_OCTET}`, 'dev', 'eth0', 'onlink');
}

export async function deleteLink(name: string): Promise<void> {
  await run(['ip', 'link', 'del', 'dev', name], { check: false });
}

export async function deleteNetns(netns: string): Promise<void> {
  if (existsSync(`/run/netns/${netns}`)) await run(['ip', 'netns', 'del', netns], { check: false });
}

/** Names of network namespaces (ip netns list) starting with `start`. */
export async function listNetns(start: string): Promise<string[]> {
  const out = (await run(['ip', 'netns', 'list'], { check: false })).stdout;
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(start));
}

/** Names of links on the controller starting with `start`. */
export async function listLinks(start: string): Promise<string[]> {
  const links = JSON.parse((await run(['ip', '-j', 'link', 'show'])).stdout || '[]') as { ifname: string }[];
  return links.map((l) => l.ifname).filter((n) => n.startsWith(start));
}
