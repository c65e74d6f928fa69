// An iptables rule from the iptables module's arguments, as Ansible builds it: the same options in the same order
// (so `rule` in the result reads as Ansible's), `!value` negating an option.
import type { Vars } from '../contract.js';

type P = Vars & { match: string[]; destination_ports: string[]; ctstate: string[] };

const ICMP = { ipv4: '--icmp-type', ipv6: '--icmpv6-type' } as const;

export function buildRule(p: P): string[] {
  const r: string[] = [];
  const opt = (v: unknown, flag: string) => {
    if (v === undefined || v === null) return;
    const s = String(v);
    if (s.startsWith('!')) r.push('!', flag, s.slice(1));
    else r.push(flag, s);
  };
  const match = (on: unknown, name: string) => {
    if (on !== undefined && on !== null && on !== '' && !(Array.isArray(on) && on.length === 0)) r.push('-m', name);
  };
  const csv = (v: string[], flag: string) => {
    if (v.length) r.push(flag, v.join(','));
  };
  const flag = (v: unknown, f: string) => {
    if (v === 'match') r.push(f);
    else if (v === 'negate') r.push('!', f);
  };
  if (p.wait) r.push('-w', String(p.wait));
  opt(p.protocol, '-p');
  opt(p.source, '-s');
  opt(p.destination, '-d');
  for (const m of p.match) opt(m, '-m');
  const tcp = p.tcp_flags as { flags?: string[]; flags_set?: string[] } | undefined;
  if (tcp?.flags && tcp.flags_set) r.push('--tcp-flags', tcp.flags.join(','), tcp.flags_set.join(','));
  opt(p.jump, '-j');
  if (String(p.jump ?? '').toLowerCase() === 'tee') opt(p.gateway, '--gateway');
  opt(p.log_prefix, '--log-prefix');
  opt(p.log_level, '--log-level');
  opt(p.to_destination, '--to-destination');
  match(p.destination_ports, 'multiport');
  csv(p.destination_ports, '--dports');
  opt(p.to_source, '--to-source');
  opt(p.goto, '-g');
  opt(p.in_interface, '-i');
  opt(p.out_interface, '-o');
  opt(p.fragment, '-f');
  opt(p.set_counters, '-c');
  opt(p.source_port, '--source-port');
  opt(p.destination_port, '--destination-port');
  opt(p.to_ports, '--to-ports');
  opt(p.set_dscp_mark, '--set-dscp');
  opt(p.set_dscp_mark_class, '--set-dscp-class');
  flag(p.syn, '--syn');
  if (p.match.includes('conntrack')) csv(p.ctstate, '--ctstate');
  else if (p.match.includes('state')) csv(p.ctstate, '--state');
  else if (p.ctstate.length) {
    r.push('-m', 'conntrack');
    csv(p.ctstate, '--ctstate');
  }
  if (!p.match.includes('iprange')) match(p.src_range ?? p.dst_range, 'iprange');
  opt(p.src_range, '--src-range');
  opt(p.dst_range, '--dst-range');
  if (p.match_set !== undefined) {
    if (!p.match.includes('set')) r.push('-m', 'set');
    opt(p.match_set, '--match-set');
    if (p.match_set_flags) r.push(String(p.match_set_flags));
  }
  match(p.limit ?? p.limit_burst, 'limit');
  opt(p.limit, '--limit');
  opt(p.limit_burst, '--limit-burst');
  for (const key of ['uid_owner', 'gid_owner'] as const) {
    match(p[key], 'owner');
    opt(p[key], `--${key.replace('_', '-')}`);
  }
  if (p.jump === undefined && p.reject_with !== undefined) r.push('-j', 'REJECT');
  opt(p.reject_with, '--reject-with');
  opt(p.icmp_type, ICMP[(p.ip_version as 'ipv4' | 'ipv6') ?? 'ipv4']);
  match(p.comment, 'comment');
  opt(p.comment, '--comment');
  return r;
}
