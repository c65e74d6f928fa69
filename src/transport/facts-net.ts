// Network facts from the fact script's lines (facts-script.ts): the interfaces (ansible_<name>, with their
// IPv4 and IPv6 addresses, type and promiscuous flag), every address, the default IPv4 and IPv6 routes.
type Lines = Map<string, string[]>;
type Facts = Record<string, unknown>;

function netmask(prefix: number): string {
  const n = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function network(addr: string, prefix: number): string {
  const a = addr.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const n = (a & (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export function factName(iface: string): string {
  return `ansible_${iface.replace(/[-:.]/g, '_')}`;
}

interface Ipv4 {
  address: string;
  netmask: string;
  network: string;
  prefix: string;
  broadcast?: string;
}
interface Ipv6 {
  address: string;
  prefix: string;
  scope: string;
}
interface Iface {
  name: string;
  mac: string;
  mtu: number;
  up: boolean;
  promisc?: boolean;
  type?: string;
}

// /sys/class/net/<if>/type → Ansible's interface type
const TYPES: Record<string, string> = {
  '1': 'ether',
  '32': 'infiniband',
  '512': 'ppp',
  '772': 'loopback',
  '65534': 'tunnel',
};

function interfaces(all: Lines): Iface[] {
  return (all.get('if') ?? []).flatMap((v) => {
    const [name, mac, mtu, flags, type, kind] = v.split(' ');
    if (!name) return [];
    const i: Iface = { name, mac: mac ?? '', mtu: Number(mtu) || 0, up: (Number(flags) & 1) === 1 };
    // the script's older lines (4 fields) knew no type
    if (type !== undefined) {
      i.promisc = (Number(flags) & 0x100) !== 0;
      i.type = kind || TYPES[type] || 'unknown';
    }
    return [i];
  });
}

function ipv4s(all: Lines): { dev: string; ip: Ipv4 }[] {
  return (all.get('addr') ?? []).flatMap((v) => {
    const [dev, cidr, brd] = v.split(' ');
    const [address, pfx] = (cidr ?? '').split('/');
    if (!dev || !address) return [];
    const prefix = Number(pfx ?? 32);
    const ip: Ipv4 = { address, netmask: netmask(prefix), network: network(address, prefix), prefix: String(prefix) };
    if (brd) ip.broadcast = brd;
    return [{ dev: dev.replace(/@.*$/, ''), ip }];
  });
}

function ipv6s(all: Lines): { dev: string; ip: Ipv6 }[] {
  return (all.get('addr6') ?? []).flatMap((v) => {
    const [dev, cidr, scope] = v.split(' ');
    const [address, prefix] = (cidr ?? '').split('/');
    if (!dev || !address) return [];
    return [{ dev: dev.replace(/@.*$/, ''), ip: { address, prefix: prefix ?? '128', scope: scope ?? 'global' } }];
  });
}

/** ansible_interfaces, ansible_<if>, ansible_all_ipv{4,6}_addresses, ansible_default_ipv{4,6}. */
export function netFacts(all: Lines): Facts {
  const f: Facts = {};
  const ifs = interfaces(all);
  const addrs = ipv4s(all);
  const addrs6 = ipv6s(all);
  f.ansible_interfaces = ifs.map((i) => i.name).sort();
  for (const i of ifs) {
    const mine = addrs.filter((a) => a.dev === i.name).map((a) => a.ip);
    const mine6 = addrs6.filter((a) => a.dev === i.name).map((a) => a.ip);
    const fact: Facts = { device: i.name, active: i.up, mtu: i.mtu };
    if (i.mac && (i.type === undefined || i.mac !== '00:00:00:00:00:00')) fact.macaddress = i.mac;
    if (i.type !== undefined) Object.assign(fact, { type: i.type, promisc: i.promisc });
    if (mine[0]) fact.ipv4 = mine[0];
    if (mine.length > 1) fact.ipv4_secondaries = mine.slice(1);
    if (mine6.length > 0) fact.ipv6 = mine6;
    f[factName(i.name)] = fact;
  }
  f.ansible_all_ipv4_addresses = addrs.filter((a) => !a.ip.address.startsWith('127.')).map((a) => a.ip.address);
  f.ansible_all_ipv6_addresses = addrs6.filter((a) => a.ip.address !== '::1').map((a) => a.ip.address);
  const word = (re: RegExp, ...lines: string[]) => lines.map((l) => re.exec(l)?.[1]).find(Boolean);
  const route = all.get('route')?.[0] ?? '';
  const def = all.get('defroute')?.[0] ?? '';
  const dev = word(/\bdev (\S+)/, route, def);
  const link = (name: string) => {
    const i = ifs.find((x) => x.name === name);
    return i ? { macaddress: i.mac, mtu: i.mtu, ...(i.type ? { type: i.type } : {}) } : {};
  };
  if (dev) {
    const src = word(/\bsrc (\S+)/, route);
    const ip =
      addrs.find((a) => a.dev === dev && (src === undefined || a.ip.address === src))?.ip ??
      addrs.find((a) => a.dev === dev)?.ip;
    f.ansible_default_ipv4 = {
      interface: dev,
      address: src ?? ip?.address ?? '',
      gateway: word(/\bvia (\S+)/, route, def) ?? '',
      ...(ip ? { netmask: ip.netmask, network: ip.network, prefix: ip.prefix } : {}),
      ...link(dev),
    };
  } else f.ansible_default_ipv4 = {};
  const def6 = all.get('defroute6')?.[0] ?? '';
  const dev6 = word(/\bdev (\S+)/, def6);
  if (dev6) {
    const ip = addrs6.find((a) => a.dev === dev6 && a.ip.scope === 'global')?.ip;
    f.ansible_default_ipv6 = {
      interface: dev6,
      gateway: word(/\bvia (\S+)/, def6) ?? '',
      ...(ip ? { address: ip.address, prefix: ip.prefix, scope: ip.scope } : {}),
      ...link(dev6),
    };
  } else f.ansible_default_ipv6 = {};
  return f;
}
