// What makes each host itself, written into its overlay before it boots: hostname, /etc/hosts, host key,
// root's authorized_keys, machine-id, the apt proxy and the list of the kernel's built-in modules.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { run } from './sys.js';

export interface SeedInput {
  root: string; // merged root of the host
  name: string;
  hosts: { name: string; ip: string }[];
  authorizedKey: string;
  proxyUrl: string;
  modulesBuiltin: string;
}

/** Makes an ed25519 key pair at `file` / `file.pub`; returns the public line ("ssh-ed25519 AAAA... comment"). */
export async function makeKey(file: string, comment: string): Promise<string> {
  mkdirSync(dirname(file), { recursive: true });
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

function put(root: string, path: string, text: string, mode = 0o644): void {
  const f = join(root, path);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(f, text, { mode });
  chmodSync(f, mode);
}

export function hostsFile(hosts: { name: string; ip: string }[]): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    '',
    '# kplay lab hosts',
    ...hosts.map((h) => `${h.ip}\t${h.name}`),
    '',
  ].join('\n');
}

/** Seeds the host; returns its public host key line. */
export async function seedHost(s: SeedInput): Promise<string> {
  put(s.root, 'etc/hostname', `${s.name}\n`);
  put(s.root, 'etc/hosts', hostsFile(s.hosts));
  put(s.root, 'etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  put(
    s.root,
    'etc/apt/apt.conf.d/01kplay-proxy',
    `Acquire::http::Proxy "${s.proxyUrl}";\nAcquire::https::Proxy "DIRECT";\n`,
  );
  mkdirSync(join(s.root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  chmodSync(join(s.root, 'root/.ssh'), 0o700);
  put(s.root, 'root/.ssh/authorized_keys', `${s.authorizedKey}\n`, 0o600);
  put(s.root, `usr/lib/modules/${release()}/modules.builtin`, s.modulesBuiltin);
  const key = join(s.root, 'etc/ssh/ssh_host_ed25519_key');
  const pub = await makeKey(key, `root@${s.name}`);
  chmodSync(key, 0o600);
  return pub.split(' ').slice(0, 2).join(' ');
}

// Module names for kernel options, for the ones Kubernetes hosts ask modprobe for. Options named by a
// pattern (netfilter matches and targets) are mapped by rule below.
const MODULE_OF: Record<string, string> = {
  OVERLAY_FS: 'overlay',
  BRIDGE: 'bridge',
  BRIDGE_NETFILTER: 'br_netfilter',
  NF_CONNTRACK: 'nf_conntrack',
  NF_CONNTRACK_NETLINK: 'nf_conntrack_netlink',
  NF_NAT: 'nf_nat',
  NF_TABLES: 'nf_tables',
  NF_DEFRAG_IPV4: 'nf_defrag_ipv4',
  NF_DEFRAG_IPV6: 'nf_defrag_ipv6',
  NF_REJECT_IPV4: 'nf_reject_ipv4',
  NF_REJECT_IPV6: 'nf_reject_ipv6',
  NETFILTER_NETLINK: 'nfnetlink',
  NETFILTER_XTABLES: 'x_tables',
  NETFILTER_XT_MARK: 'xt_mark',
  NETFILTER_XT_CONNMARK: 'xt_connmark',
  NETFILTER_XT_SET: 'xt_set',
  NETFILTER_XT_NAT: 'xt_nat',
  IP_NF_IPTABLES: 'ip_tables',
  IP6_NF_IPTABLES: 'ip6_tables',
  IP_NF_FILTER: 'iptable_filter',
  IP_NF_NAT: 'iptable_nat',
  IP_NF_MANGLE: 'iptable_mangle',
  IP_NF_RAW: 'iptable_raw',
  IP_NF_SECURITY: 'iptable_security',
  IP6_NF_FILTER: 'ip6table_filter',
  IP6_NF_NAT: 'ip6table_nat',
  IP6_NF_MANGLE: 'ip6table_mangle',
  IP6_NF_RAW: 'ip6table_raw',
  IP_SET: 'ip_set',
  IP_VS: 'ip_vs',
  VXLAN: 'vxlan',
  VETH: 'veth',
  TUN: 'tun',
  DUMMY: 'dummy',
  MACVLAN: 'macvlan',
  IPVLAN: 'ipvlan',
  NET_IPIP: 'ipip',
  BONDING: 'bonding',
  VLAN_8021Q: '8021q',
  WIREGUARD: 'wireguard',
};

function moduleFor(opt: string): string | undefined {
  if (MODULE_OF[opt]) return MODULE_OF[opt];
  let m: RegExpExecArray | null;
  if ((m = /^NETFILTER_XT_MATCH_(\w+)$/.exec(opt))) return `xt_${m[1]!.toLowerCase()}`;
  if ((m = /^NETFILTER_XT_TARGET_(\w+)$/.exec(opt))) return `xt_${m[1]}`;
  if ((m = /^NFT_(\w+)$/.exec(opt))) return `nft_${m[1]!.toLowerCase()}`;
  if ((m = /^IP_NF_MATCH_(\w+)$/.exec(opt))) return `ipt_${m[1]!.toLowerCase()}`;
  if ((m = /^IP_NF_TARGET_(\w+)$/.exec(opt))) return `ipt_${m[1]}`;
  if ((m = /^IP6_NF_MATCH_(\w+)$/.exec(opt))) return `ip6t_${m[1]!.toLowerCase()}`;
  if ((m = /^IP6_NF_TARGET_(\w+)$/.exec(opt))) return `ip6t_${m[1]}`;
  return undefined;
}

/** modules.builtin for this kernel: modules named in /sys/module plus those its config builds in. */
export function modulesBuiltin(): string {
  const names = new Set<string>();
  try {
    for (const m of readdirSync('/sys/module')) if (!existsSync(`/sys/module/${m}/initstate`)) names.add(m);
  } catch {
    /* no sysfs */
  }
  try {
    const config = gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
    for (const line of config.split('\n')) {
      const m = /^CONFIG_(\w+)=y$/.exec(line);
      const mod = m && moduleFor(m[1]!);
      if (mod) names.add(mod);
    }
  } catch {
    /* no config.gz: /sys/module alone */
  }
  return (
    [...names]
      .sort()
      .map((n) => `kernel/builtin/${n}.ko`)
      .join('\n') + '\n'
  );
}
