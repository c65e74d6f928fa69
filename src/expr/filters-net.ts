// The ansible.utils address filters as playbooks use them (also named ansible.utils.X, ansible.netcommon.X):
// `ip | ipaddr` (the value when it is an address or a subnet, else false; a list keeps its valid items),
// `ipaddr('address' | 'network' | 'netmask' | 'prefix' | 'size' | 'host' | 'net' | 'subnet' | 'broadcast' ...)`,
// `'10.68.0.0/16' | ipaddr(1)` (the nth address, with the prefix), `ipv4`/`ipv6` (the same, one family only),
// `nthhost(n)` and `ipmath(n)`. What a query does not apply to is none, as in Ansible (an address query on a
// network address, `net` on a host address). Arithmetic is ip-math.ts's.
import { FilterError, type Filter } from './filters-base.js';
import { formatIp, IpError, parseIp, type Ip } from './ip-math.js';
import { toText } from '../core/value-utils.js';

interface Addr extends Ip {
  prefix: number;
  /** The value was written with a prefix (or a netmask). */
  slash: boolean;
}

const bits = (v: 4 | 6): number => (v === 4 ? 32 : 128);
const mask = (a: Addr): bigint => {
  const b = BigInt(bits(a.v));
  return ((1n << b) - 1n) ^ ((1n << (b - BigInt(a.prefix))) - 1n);
};
const netOf = (a: Addr): bigint => a.n & mask(a);
const sizeOf = (a: Addr): bigint => 1n << BigInt(bits(a.v) - a.prefix);
const text = (a: Ip): string => formatIp(a);
const withPrefix = (a: Addr, n = a.n): string => `${text({ v: a.v, n })}/${a.prefix}`;

/** An address or subnet (`10.0.0.1`, `10.0.0.0/8`, `10.0.0.1/255.0.0.0`, an integer), or undefined. */
function parse(value: unknown): Addr | undefined {
  try {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
      const v = value < 2 ** 32 ? 4 : 6;
      return { v, n: BigInt(value), prefix: bits(v), slash: false };
    }
    if (typeof value !== 'string') return undefined;
    const [addr, pre, extra] = value.trim().split('/');
    if (extra !== undefined) return undefined;
    const ip = parseIp(addr!);
    if (pre === undefined) return { ...ip, prefix: bits(ip.v), slash: false };
    let prefix: number;
    if (/^\d+$/.test(pre)) prefix = Number(pre);
    else {
      const m = parseIp(pre);
      if (m.v !== ip.v) return undefined;
      const s = m.n.toString(2).padStart(bits(ip.v), '0');
      if (!/^1*0*$/.test(s)) return undefined;
      prefix = s.indexOf('0') < 0 ? bits(ip.v) : s.indexOf('0');
    }
    if (prefix > bits(ip.v)) return undefined;
    return { ...ip, prefix, slash: true };
  } catch (e) {
    if (e instanceof IpError) return undefined;
    throw e;
  }
}

const inNet = (a: Addr, net: string): boolean => {
  const c = parse(net)!;
  return c.v === a.v && (a.n & mask(c)) === netOf(c);
};
const PRIVATE = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '239.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fec0::/10',
  'fe80::/10',
];
const NOT_PUBLIC = [
  ...PRIVATE,
  '127.0.0.0/8',
  '::1/128',
  '0.0.0.0/8',
  '224.0.0.0/4',
  '240.0.0.0/4',
  'ff00::/8',
  '::/128',
];

/** A network's own address is not a host address unless the network has no broadcast address (/31, /32). */
const isHostAddress = (a: Addr): boolean => a.n !== netOf(a) || sizeOf(a) <= 2n;
const num = (b: bigint): number => Number(b);

const QUERIES: Record<string, (a: Addr, raw: string) => unknown> = {
  '': (a) => (a.slash ? withPrefix(a) : text(a)),
  address: (a) => (isHostAddress(a) ? text(a) : null),
  host: (a) => (isHostAddress(a) ? withPrefix(a) : null),
  'host/prefix': (a) => (sizeOf(a) > 1n && isHostAddress(a) ? withPrefix(a) : false),
  net: (a) => (sizeOf(a) > 1n && a.n === netOf(a) ? withPrefix(a) : null),
  network: (a) => text({ v: a.v, n: netOf(a) }),
  subnet: (a) => withPrefix(a, netOf(a)),
  cidr: (a) => withPrefix(a, netOf(a)),
  'network/prefix': (a) => withPrefix(a, netOf(a)),
  netmask: (a) => text({ v: a.v, n: mask(a) }),
  hostmask: (a) => text({ v: a.v, n: (1n << BigInt(bits(a.v))) - 1n - mask(a) }),
  prefix: (a) => a.prefix,
  size: (a) => num(sizeOf(a)),
  broadcast: (a) => (sizeOf(a) > 2n ? text({ v: a.v, n: netOf(a) + sizeOf(a) - 1n }) : null),
  version: (a) => a.v,
  private: (a, raw) => (PRIVATE.some((p) => inNet(a, p)) ? raw : null),
  public: (a, raw) => (NOT_PUBLIC.some((p) => inNet(a, p)) ? null : raw),
  loopback: (a, raw) => (inNet(a, '127.0.0.0/8') || inNet(a, '::1/128') ? raw : null),
};

function one(value: unknown, query: unknown, family: 4 | 6 | undefined): unknown {
  const a = parse(value);
  if (!a || (family && a.v !== family)) return false;
  const raw = a.slash ? withPrefix(a) : text(a);
  if (typeof query === 'number' || (typeof query === 'string' && /^-?\d+$/.test(query))) {
    const i = BigInt(query);
    const size = sizeOf(a);
    const off = i < 0n ? size + i : i;
    if (off < 0n || off >= size) return false;
    return withPrefix(a, netOf(a) + off);
  }
  const q = query === undefined || query === null ? '' : toText(query);
  if (!Object.hasOwn(QUERIES, q))
    throw new FilterError(
      `unknown query '${q}' (it takes ${Object.keys(QUERIES).filter(Boolean).join(', ')} or a number)`,
    );
  return QUERIES[q]!(a, raw);
}

function family(f: 4 | 6 | undefined): Filter {
  return (v, [query]) => {
    if (Array.isArray(v)) {
      return v.map((x) => one(x, query, f)).filter((r) => r !== false && r !== null && r !== undefined && r !== '');
    }
    return one(v, query, f);
  };
}

/** The nth address of a network (no prefix), from the end when n is negative; false outside it. */
const nthhost: Filter = (v, [n]) => {
  const a = parse(v);
  if (!a) return false;
  if (!Number.isInteger(Number(n))) throw new FilterError(`needs an integer, got ${toText(n)}`);
  const i = BigInt(Number(n));
  const off = i < 0n ? sizeOf(a) + i : i;
  if (off < 0n || off >= sizeOf(a)) return false;
  return text({ v: a.v, n: netOf(a) + off });
};

/** An address moved by n (the prefix, if any, is dropped). */
const ipmath: Filter = (v, [n]) => {
  const a = parse(v);
  if (!a) throw new FilterError(`not an IP address: ${JSON.stringify(v)}`);
  if (!Number.isInteger(n)) throw new FilterError(`needs an integer, got ${toText(n)}`);
  const out = a.n + BigInt(n as number);
  if (out < 0n || out >= 1n << BigInt(bits(a.v)))
    throw new FilterError(`${text(a)} + ${n} is not an IPv${a.v} address`);
  return text({ v: a.v, n: out });
};

export const NET_FILTERS: Record<string, Filter> = {
  ipaddr: family(undefined),
  ipv4: family(4),
  ipv6: family(6),
  nthhost,
  ipmath,
};

/** Collections whose names are accepted for these filters (`ansible.utils.ipaddr`). */
export const NET_COLLECTIONS = ['ansible.utils.', 'ansible.netcommon.'];
