// iptables: one rule in a chain (present: appended, or inserted at rule_num; absent: deleted), a chain's policy,
// a flushed chain or table, a chain made or deleted (chain_management), as Ansible's iptables module does it. The
// rule is built from the arguments in Ansible's order (iptables-rule.ts); whether it is there is asked with
// `iptables -C` (read-only). Rules are not saved: persisting them is the site's (iptables-persistent).
// Differences (docs/ansible-differences.md): `flush` is reported changed only when the chain or table held rules
// (Ansible: always); `state: absent` without a rule and without chain_management changes nothing (Ansible reports
// changed and does nothing).
import type { Change, FactReader, Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, alist, astr, choice, defineTask } from '../lib/schema.js';
import { z } from 'zod';
import { buildRule } from './iptables-rule.js';

const BIN = { ipv4: 'iptables', ipv6: 'ip6tables' } as const;
const LOG_LEVELS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  'emerg',
  'alert',
  'crit',
  'error',
  'warning',
  'notice',
  'info',
  'debug',
] as const;

const strs = () => alist(astr()).default([]);

async function ask(facts: FactReader, argv: string[], table: string) {
  const r = await facts.probe(argv, { reads: [`iptables:${table}`] });
  if (r.rc === 127) throw taskFailed(`Failed to find required executable "${argv[0]}" in paths`);
  return r;
}

export const iptables = defineTask({
  name: 'iptables',
  description: "One iptables rule, a chain's policy, a flush, or a chain (chain_management), as Ansible does it.",
  args: {
    table: choice(['filter', 'nat', 'mangle', 'raw', 'security']).default('filter'),
    state: choice(['absent', 'present']).default('present'),
    action: choice(['append', 'insert']).default('append'),
    ip_version: choice(['ipv4', 'ipv6']).default('ipv4'),
    chain: astr(),
    rule_num: astr(),
    protocol: astr(),
    wait: astr(),
    source: astr(),
    to_source: astr(),
    destination: astr(),
    to_destination: astr(),
    match: strs(),
    tcp_flags: z.object({ flags: alist(astr()).optional(), flags_set: alist(astr()).optional() }).strict(),
    jump: astr(),
    gateway: astr(),
    log_prefix: astr(),
    log_level: choice(LOG_LEVELS),
    goto: astr(),
    in_interface: astr(),
    out_interface: astr(),
    fragment: astr(),
    set_counters: astr(),
    source_port: astr(),
    destination_port: astr(),
    destination_ports: strs(),
    to_ports: astr(),
    set_dscp_mark: astr(),
    set_dscp_mark_class: astr(),
    comment: astr(),
    ctstate: strs(),
    src_range: astr(),
    dst_range: astr(),
    match_set: astr(),
    match_set_flags: choice(['src', 'dst', 'src,dst', 'dst,src']),
    limit: astr(),
    limit_burst: astr(),
    uid_owner: astr(),
    gid_owner: astr(),
    reject_with: astr(),
    icmp_type: astr(),
    syn: choice(['ignore', 'match', 'negate']).default('ignore'),
    flush: abool().default(false),
    policy: choice(['ACCEPT', 'DROP', 'QUEUE', 'RETURN']),
    chain_management: abool().default(false),
  },
  mutuallyExclusive: [
    ['set_dscp_mark', 'set_dscp_mark_class'],
    ['flush', 'policy'],
  ],
  requiredIf: [
    ['jump', 'TEE', ['gateway']],
    ['jump', 'tee', ['gateway']],
  ],
  returns: { rule: 'the rule as iptables options', table: 'the table', chain: 'the chain' },
  example: '- iptables: chain=INPUT protocol=tcp destination_port=6443 jump=ACCEPT comment="apiserver"',
  async plan(a, _host, facts): Promise<Plan> {
    const p = { ...a };
    if (!p.flush && p.chain === undefined) throw taskFailed('Either chain or flush parameter must be specified.');
    if (p.log_prefix !== undefined || p.log_level !== undefined) {
      if (p.jump === undefined) p.jump = 'LOG';
      else if (p.jump !== 'LOG') throw taskFailed('Logging options can only be used with the LOG jump target.');
    }
    const rule = buildRule(p);
    const bin = BIN[p.ip_version];
    const base = [bin, '-t', p.table];
    const chain = p.chain === undefined ? [] : [p.chain];
    const result = {
      ip_version: p.ip_version,
      table: p.table,
      chain: p.chain,
      flush: p.flush,
      rule: rule.join(' '),
      state: p.state,
      chain_management: p.chain_management,
    };
    const touches = [`iptables:${p.table}`];
    const change = (summary: string, argv: string[][], predicts: Change['predicts'] = undefined): Plan => ({
      changes: [{ summary: `iptables: ${summary}`, actions: argv.map((exec) => ({ exec })), touches, predicts }],
      result,
    });
    if (p.flush) {
      const listed = await ask(facts, [...base, '-S', ...chain], p.table);
      if (listed.rc !== 0) throw taskFailed(listed.stderr.trim() || `${bin} -S failed (rc=${listed.rc})`);
      const rules = listed.stdout.split('\n').filter((l) => l.startsWith('-A '));
      if (!rules.length) return { changes: [], result };
      return change(`flush ${p.table}${chain.length ? ` ${p.chain}` : ''}`, [[...base, '-F', ...chain]]);
    }
    const listArgv = [...base, '-L', p.chain!];
    if (p.policy !== undefined) {
      const listed = await ask(facts, listArgv, p.table);
      const cur = /\(policy ([A-Z]+)\)/.exec(listed.stdout.split('\n')[0] ?? '')?.[1];
      if (listed.rc !== 0 || !cur) throw taskFailed("Can't detect current policy");
      if (cur === p.policy) return { changes: [], result };
      const after = listed.stdout.replace(`(policy ${cur})`, `(policy ${p.policy})`);
      return change(
        `${p.table} ${p.chain} policy ${p.policy}`,
        [[...base, '-P', p.chain!, p.policy]],
        [{ probe: listArgv, result: { rc: 0, stdout: after, stderr: '' } }],
      );
    }
    const chainThere = async () => (await ask(facts, listArgv, p.table)).rc === 0;
    if (p.state === 'absent' && rule.length === 0) {
      if (!p.chain_management || !(await chainThere())) return { changes: [], result };
      return change(`delete chain ${p.table} ${p.chain}`, [[...base, '-X', p.chain!]]);
    }
    const checkArgv = [...base, '-C', p.chain!, ...rule];
    const check = await ask(facts, checkArgv, p.table);
    if (check.rc !== 0 && check.rc !== 1) throw taskFailed(check.stderr.trim() || `${bin} -C failed (rc=${check.rc})`);
    const present = check.rc === 0;
    if (present === (p.state === 'present')) return { changes: [], result };
    const predicts = [{ probe: checkArgv, result: { rc: present ? 1 : 0, stdout: '', stderr: '' } }];
    if (!present) {
      const steps: string[][] = [];
      if (p.chain_management && !(await chainThere())) steps.push([...base, '-N', p.chain!]);
      const at = p.action === 'insert' ? ['-I', p.chain!, ...(p.rule_num ? [p.rule_num] : [])] : ['-A', p.chain!];
      steps.push([...base, ...at, ...rule]);
      return change(`${p.action} to ${p.table} ${p.chain}: ${rule.join(' ')}`, steps, predicts);
    }
    return change(
      `delete from ${p.table} ${p.chain}: ${rule.join(' ')}`,
      [[...base, '-D', p.chain!, ...rule]],
      predicts,
    );
  },
});
