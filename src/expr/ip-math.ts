// IPv4/IPv6 address and subnet arithmetic for templates and expressions: the nth address of a subnet
// (the first service IP 10.68.0.1 of 10.68.0.0/16), containment, prefix length and netmask.

export interface Ip {
  v: 4 | 6;
  n: bigint;
}
export interface Cidr extends Ip {
  prefix: number;
}

const bitsOf = (v: 4 | 6): number => (v === 4 ? 32 : 128);

export class IpError extends Error {}

export function parseIp(s: string): Ip {
  const t = String(s).trim();
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((p) => p > 255)) throw new IpError(`not an IP address: '${t}'`);
    return { v: 4, n: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (t.includes(':') && /^[0-9a-fA-F:.]+$/.test(t)) {
    let head = t;
    let tail4: bigint[] = [];
    const m = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(t); // ::ffff:1.2.3.4
    if (m) {
      const v4 = parseIp(m[2]!).n;
      tail4 = [v4 >> 16n, v4 & 0xffffn];
      head = m[1]!.endsWith('::') ? m[1]! : m[1]!.slice(0, -1);
    }
    const halves = head.split('::');
    if (halves.length > 2) throw new IpError(`not an IP address: '${t}'`);
    const groups = (h: string): bigint[] => (h === '' ? [] : h.split(':').map((g) => parseGroup(g, t)));
    const left = groups(halves[0]!);
    const right = [...(halves.length === 2 ? groups(halves[1]!) : []), ...tail4];
    const fill = 8 - left.length - right.length;
    if ((halves.length === 2 && fill < 1) || (halves.length === 1 && fill !== 0))
      throw new IpError(`not an IP address: '${t}'`);
    const all = [...left, ...Array<bigint>(halves.length === 2 ? fill : 0).fill(0n), ...right];
    return { v: 6, n: all.reduce((acc, g) => (acc << 16n) | g, 0n) };
  }
  throw new IpError(`not an IP address: '${t}'`);
}

function parseGroup(g: string, whole: string): bigint {
  if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new IpError(`not an IP address: '${whole}'`);
  return BigInt('0x' + g);
}

export function formatIp(ip: Ip): string {
  if (ip.v === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.n >> s) & 255n)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((ip.n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** `10.68.0.0/16` (or a bare address, as a single-address subnet). The host bits are kept in n. */
export function parseCidr(s: string): Cidr {
  const [addr, pre, extra] = String(s).trim().split('/');
  if (extra !== undefined) throw new IpError(`not a subnet: '${s}'`);
  const ip = parseIp(addr!);
  const bits = bitsOf(ip.v);
  const prefix = pre === undefined ? bits : /^\d+$/.test(pre) ? Number(pre) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) throw new IpError(`bad prefix length in '${s}'`);
  return { ...ip, prefix };
}

function maskOf(v: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(v));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

function network(c: Cidr): bigint {
  return c.n & maskOf(c.v, c.prefix);
}

function size(c: Cidr): bigint {
  return 1n << BigInt(bitsOf(c.v) - c.prefix);
}

/** The nth address of a subnet: 0 is the network address, 1 the first host, -1 the last address. */
export function cidrHost(cidr: string, n: number | string): string {
  const c = parseCidr(cidr);
  const i = BigInt(Math.trunc(Number(n)));
  if (!Number.isFinite(Number(n))) throw new IpError(`not a number: '${n}'`);
  const sz = size(c);
  const off = i < 0n ? sz + i : i;
  if (off < 0n || off >= sz) throw new IpError(`address ${n} is outside ${cidr} (${sz} addresses)`);
  return formatIp({ v: c.v, n: network(c) + off });
}

/** Whether an address (or a whole subnet) lies inside a subnet. */
export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const x = parseCidr(ip);
  if (x.v !== c.v || x.prefix < c.prefix) return false;
  return (x.n & maskOf(c.v, c.prefix)) === network(c);
}

export function cidrPrefix(cidr: string): number {
  return parseCidr(cidr).prefix;
}

export function cidrNetmask(cidr: string): string {
  const c = parseCidr(cidr);
  return formatIp({ v: c.v, n: maskOf(c.v, c.prefix) });
}

/** The network address with the prefix: `10.68.3.4/16` → `10.68.0.0/16`. */
export function cidrNetwork(cidr: string): string {
  const c = parseCidr(cidr);
  return `${formatIp({ v: c.v, n: network(c) })}/${c.prefix}`;
}

export function cidrSize(cidr: string): number {
  return Number(size(parseCidr(cidr)));
}

export function isIp(s: unknown): boolean {
  try {
    parseIp(String(s));
    return true;
  } catch {
    return false;
  }
}
