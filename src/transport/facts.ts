// Facts in one round trip: a POSIX sh script (fed to `sh -s` on stdin) prints simple `key=value` lines, and
// parseFacts() turns them into Ansible's fact names: OS and distribution, kernel, architecture, machine id,
// host names, init system, package manager, interfaces and IPv4 addresses, CPUs, memory, SELinux.
import { KplayError } from '../core/errors.js';
import type { Transport } from './types.js';

export const FACTS_SCRIPT = (
  String.raw`LC_ALL=C; export LC_ALL
p() { printf '%s=%s\n' "$1" "$2"; }
if [ -r /etc/os-release ]; then while IFS= read -r l || [ -n "$l" ]; do printf 'osr.%s\n' "$l"; ` +
  String.raw`done < /etc/os-release; fi
[ -r /etc/debian_version ] && p debian_version "$(cat /etc/debian_version)"
p system "$(uname -s)"
p kernel "$(uname -r)"
p kernel_version "$(uname -v)"
p machine "$(uname -m)"
p nodename "$(uname -n)"
p fqdn "$(hostname -f 2>/dev/null || uname -n)"
p machine_id "$(cat /etc/machine-id 2>/dev/null)"
p user_id "$(id -un 2>/dev/null)"
p init "$(cat /proc/1/comm 2>/dev/null)"
[ -x /sbin/openrc ] && p openrc 1
for m in apt-get dnf yum zypper apk pacman; do if command -v $m >/dev/null 2>&1; then p pkg $m; break; fi; done
p vcpus "$(getconf _NPROCESSORS_ONLN 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
while read -r k v _; do case $k in MemTotal:|MemFree:|SwapTotal:|SwapFree:) p "mem.$k" "$v";; esac; done < /proc/meminfo
if [ -r /sys/fs/selinux/enforce ]; then p selinux "$(cat /sys/fs/selinux/enforce)"; fi
for i in /sys/class/net/*; do [ -e "$i" ] && p if "\${i##*/} $(cat "$i/address" 2>/dev/null) ` +
  String.raw`$(cat "$i/mtu" 2>/dev/null) $(cat "$i/flags" 2>/dev/null)"; done
if command -v ip >/dev/null 2>&1; then
  ip -o -4 addr show | while read -r _ dev _ addr rest; do
    case $rest in *" brd "*) brd=\${rest#*brd }; brd=\${brd%% *};; ` +
  String.raw`brd\ *) brd=\${rest#brd }; brd=\${brd%% *};; *) brd=;; esac
    p addr "$dev $addr $brd"
  done
  r=$(ip -4 route get 1.0.0.1 2>/dev/null | head -n 1); [ -n "$r" ] && p route "$r"
  r=$(ip -4 route show default 2>/dev/null | head -n 1); [ -n "$r" ] && p defroute "$r"
fi
p end 1
`
).replace(/\\\$/g, '$');

function unquote(v: string): string {
  const m = /^"(.*)"$/.exec(v) ?? /^'(.*)'$/.exec(v);
  return m ? m[1]!.replace(/\\(["$`\\])/g, '$1') : v;
}

const FAMILY: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  raspbian: 'Debian',
  linuxmint: 'Debian',
  pop: 'Debian',
  kali: 'Debian',
  devuan: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  ol: 'RedHat',
  amzn: 'RedHat',
  sles: 'Suse',
  opensuse: 'Suse',
  'opensuse-leap': 'Suse',
  'opensuse-tumbleweed': 'Suse',
  arch: 'Archlinux',
  manjaro: 'Archlinux',
  alpine: 'Alpine',
  gentoo: 'Gentoo',
};
const DISTRO: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  rhel: 'RedHat',
  centos: 'CentOS',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  ol: 'OracleLinux',
  amzn: 'Amazon',
  sles: 'SLES',
  'opensuse-leap': 'openSUSE Leap',
  'opensuse-tumbleweed': 'openSUSE Tumbleweed',
  arch: 'Archlinux',
  alpine: 'Alpine',
  raspbian: 'Debian',
  linuxmint: 'Linux Mint',
  kali: 'Kali',
};

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

/** The script's output → Ansible facts (names with the `ansible_` prefix). */
export function parseFacts(out: string): Record<string, unknown> {
  const osr: Record<string, string> = {};
  const kv: Record<string, string> = {};
  const ifs: { name: string; mac: string; mtu: number; up: boolean }[] = [];
  const addrs: { dev: string; ip: Ipv4 }[] = [];
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const k = line.slice(0, eq);
    const v = line.slice(eq + 1);
    if (k.startsWith('osr.')) osr[k.slice(4)] = unquote(v);
    else if (k === 'if') {
      const [name, mac, mtu, flags] = v.split(' ');
      if (name) ifs.push({ name, mac: mac ?? '', mtu: Number(mtu) || 0, up: (Number(flags) & 1) === 1 });
    } else if (k === 'addr') {
      const [dev, cidr, brd] = v.split(' ');
      const [address, pfx] = (cidr ?? '').split('/');
      if (!dev || !address) continue;
      const prefix = Number(pfx ?? 32);
      const ip: Ipv4 = { address, netmask: netmask(prefix), network: network(address, prefix), prefix: String(prefix) };
      if (brd) ip.broadcast = brd;
      addrs.push({ dev: dev.replace(/@.*$/, ''), ip });
    } else kv[k] = v;
  }
  if (kv.end !== '1')
    throw new KplayError('fact gathering was cut short (the script did not finish)', { code: 'INTERNAL' });
  const f: Record<string, unknown> = {};
  const id = (osr.ID ?? kv.system ?? 'linux').toLowerCase();
  const like = (osr.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  f.ansible_os_family = FAMILY[id] ?? like.map((l) => FAMILY[l]).find(Boolean) ?? osr.NAME ?? kv.system ?? 'Linux';
  f.ansible_distribution = DISTRO[id] ?? (osr.NAME ? osr.NAME.split(' ')[0] : kv.system);
  let version = osr.VERSION_ID ?? '';
  if (id === 'debian' && kv.debian_version && /^\d+(\.\d+)*$/.test(kv.debian_version)) version = kv.debian_version;
  f.ansible_distribution_version = version;
  f.ansible_distribution_major_version = version.split('.')[0] ?? '';
  f.ansible_distribution_release =
    osr.VERSION_CODENAME ?? /\(([^)]+)\)/.exec(osr.VERSION ?? '')?.[1]?.toLowerCase() ?? '';
  f.ansible_system = kv.system ?? 'Linux';
  f.ansible_kernel = kv.kernel ?? '';
  f.ansible_kernel_version = kv.kernel_version ?? '';
  f.ansible_architecture = kv.machine ?? '';
  f.ansible_machine = kv.machine ?? '';
  f.ansible_machine_id = kv.machine_id ?? '';
  f.ansible_nodename = kv.nodename ?? '';
  f.ansible_hostname = (kv.nodename ?? '').split('.')[0];
  f.ansible_fqdn = kv.fqdn || kv.nodename || '';
  f.ansible_domain =
    f.ansible_fqdn && String(f.ansible_fqdn).includes('.') ? String(f.ansible_fqdn).split('.').slice(1).join('.') : '';
  if (kv.user_id) f.ansible_user_id = kv.user_id;
  const init = kv.init ?? '';
  f.ansible_service_mgr =
    init === 'systemd' ? 'systemd' : kv.openrc ? 'openrc' : init === 'init' ? 'sysvinit' : init || 'service';
  f.ansible_pkg_mgr = kv.pkg === 'apt-get' ? 'apt' : (kv.pkg ?? 'unknown');
  f.ansible_processor_vcpus = Number(kv.vcpus) || 1;
  const mb = (k: string) => Math.floor((Number(kv[`mem.${k}:`]) || 0) / 1024);
  f.ansible_memtotal_mb = mb('MemTotal');
  f.ansible_memfree_mb = mb('MemFree');
  f.ansible_swaptotal_mb = mb('SwapTotal');
  f.ansible_swapfree_mb = mb('SwapFree');
  f.ansible_selinux =
    kv.selinux === undefined
      ? { status: 'disabled' }
      : { status: 'enabled', mode: kv.selinux === '1' ? 'enforcing' : 'permissive' };
  f.ansible_interfaces = ifs.map((i) => i.name).sort();
  for (const i of ifs) {
    const mine = addrs.filter((a) => a.dev === i.name).map((a) => a.ip);
    const fact: Record<string, unknown> = { device: i.name, active: i.up, macaddress: i.mac, mtu: i.mtu };
    if (mine[0]) fact.ipv4 = mine[0];
    if (mine.length > 1) fact.ipv4_secondaries = mine.slice(1);
    f[factName(i.name)] = fact;
  }
  f.ansible_all_ipv4_addresses = addrs.filter((a) => !a.ip.address.startsWith('127.')).map((a) => a.ip.address);
  const route = kv.route ?? '';
  const def = kv.defroute ?? '';
  const dev = /\bdev (\S+)/.exec(route)?.[1] ?? /\bdev (\S+)/.exec(def)?.[1];
  if (dev) {
    const iface = ifs.find((i) => i.name === dev);
    const src = /\bsrc (\S+)/.exec(route)?.[1];
    const ip =
      addrs.find((a) => a.dev === dev && (src === undefined || a.ip.address === src))?.ip ??
      addrs.find((a) => a.dev === dev)?.ip;
    f.ansible_default_ipv4 = {
      interface: dev,
      address: src ?? ip?.address ?? '',
      gateway: /\bvia (\S+)/.exec(route)?.[1] ?? /\bvia (\S+)/.exec(def)?.[1] ?? '',
      ...(ip ? { netmask: ip.netmask, network: ip.network, prefix: ip.prefix } : {}),
      ...(iface ? { macaddress: iface.mac, mtu: iface.mtu } : {}),
    };
  } else f.ansible_default_ipv4 = {};
  return f;
}

/** Gathers the facts of the host behind `t` in one round trip. */
export async function gatherFacts(t: Transport): Promise<Record<string, unknown>> {
  const r = await t.exec(['sh', '-s'], { stdin: FACTS_SCRIPT, become: false });
  if (r.rc !== 0) {
    throw new KplayError(
      `fact gathering failed on ${t.host} (rc=${r.rc}): ${r.stderr.trim().split('\n').slice(-3).join('\n')}`,
      { code: 'TASK_FAILED', host: t.host },
    );
  }
  return parseFacts(r.stdout);
}
