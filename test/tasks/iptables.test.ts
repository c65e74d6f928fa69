// iptables over a fake host that keeps chains and rules as iptables would (-C/-A/-I/-D/-S/-L/-P/-F/-N/-X): the
// rule built in Ansible's order, idempotent adds and deletes, policy, flush and chain management, and Ansible's
// messages for bad combinations.
import { expect } from 'chai';
import type { Change, ProbeResult } from '../../src/tasks/contract.js';
import { buildRule } from '../../src/tasks/net/iptables-rule.js';
import { iptables } from '../../src/tasks/net/iptables.js';
import { FakeHost } from '../support/fake-host.js';
import { converge, planError, planOn } from '../support/plan-harness.js';

type Chain = { policy?: string; rules: string[] };

class IptablesHost extends FakeHost {
  chains = new Map<string, Chain>([
    ['filter/INPUT', { policy: 'ACCEPT', rules: [] }],
    ['filter/FORWARD', { policy: 'ACCEPT', rules: [] }],
  ]);
  /** Runs one iptables argv on the fake tables. */
  ipt(argv: string[]): ProbeResult {
    const [, , table, op, chain, ...rest] = argv as [string, string, string, string, string, ...string[]];
    const c = this.chains.get(`${table}/${chain}`);
    const rule = rest.join(' ');
    const res = (rc: number, stdout = '') => ({ rc, stdout, stderr: rc ? 'iptables: error' : '' });
    if (op === '-N') return c ? res(1) : (this.chains.set(`${table}/${chain}`, { rules: [] }), res(0));
    if (op === '-S') {
      const all = [...this.chains].filter(([k]) => k.startsWith(`${table}/`) && (!chain || k === `${table}/${chain}`));
      return res(0, all.flatMap(([k, v]) => v.rules.map((r) => `-A ${k.split('/')[1]} ${r}\n`)).join(''));
    }
    if (!c) return res(1); // iptables: No chain/target/match by that name.
    switch (op) {
      case '-C':
        return res(c.rules.includes(rule) ? 0 : 1);
      case '-A':
        c.rules.push(rule);
        return res(0);
      case '-I':
        c.rules.splice(/^\d+$/.test(rest[0]!) ? Number(rest.shift()) - 1 : 0, 0, rest.join(' '));
        return res(0);
      case '-D':
        c.rules.splice(c.rules.indexOf(rule), 1);
        return res(0);
      case '-L':
        return res(0, `Chain ${chain} (policy ${c.policy ?? '-'})\n`);
      case '-P':
        c.policy = rest[0];
        return res(0);
      case '-F':
        c.rules = [];
        return res(0);
      case '-X':
        this.chains.delete(`${table}/${chain}`);
        return res(0);
    }
    throw new Error(`fake iptables: ${argv.join(' ')}`);
  }
  override async probe(argv: string[], opts: { fresh?: boolean } = {}): Promise<ProbeResult> {
    return argv[0] === 'iptables' ? this.ipt(argv) : super.probe(argv, opts);
  }
  override apply(changes: Change[]): void {
    for (const c of changes)
      for (const a of c.actions) {
        if (!('exec' in a) || a.exec[0] !== 'iptables') throw new Error('only iptables runs');
        expect(this.ipt(a.exec).rc, a.exec.join(' ')).to.equal(0);
      }
  }
}

const API = { chain: 'INPUT', protocol: 'tcp', destination_port: '6443', jump: 'ACCEPT', comment: 'apiserver' };

describe('iptables', () => {
  const RULES: [Record<string, unknown>, string][] = [
    [API, '-p tcp -j ACCEPT --destination-port 6443 -m comment --comment apiserver'],
    [{ source: '!10.0.0.0/8', jump: 'DROP' }, '! -s 10.0.0.0/8 -j DROP'],
    [{ ctstate: 'ESTABLISHED,RELATED', jump: 'ACCEPT' }, '-j ACCEPT -m conntrack --ctstate ESTABLISHED,RELATED'],
    [{ match: ['state'], ctstate: ['NEW'] }, '-m state --state NEW'],
    [{ destination_ports: ['80', '443:445'], protocol: 'tcp' }, '-p tcp -m multiport --dports 80,443:445'],
    [{ reject_with: 'tcp-reset' }, '-j REJECT --reject-with tcp-reset'],
    [{ limit: '5/min', jump: 'LOG', log_prefix: 'x: ' }, '-j LOG --log-prefix x:  -m limit --limit 5/min'],
    [{ icmp_type: 'echo-request', ip_version: 'ipv6' }, '--icmpv6-type echo-request'],
    [{ syn: 'negate', wait: '5' }, '-w 5 ! --syn'],
  ];
  for (const [args, rule] of RULES)
    it(`rule: ${rule}`, () => {
      const p: Record<string, unknown> = { match: [], destination_ports: [], ctstate: [], ...args };
      if (typeof p.ctstate === 'string') p.ctstate = p.ctstate.split(',');
      expect(buildRule(p as Parameters<typeof buildRule>[0]).join(' ')).to.equal(rule);
    });

  it('a rule is appended once, then deleted once', async () => {
    const h = new IptablesHost();
    const plan = await converge(iptables, API, h);
    expect(plan.changes[0]!.actions).to.deep.equal([
      {
        exec: [
          'iptables',
          '-t',
          'filter',
          '-A',
          'INPUT',
          ...buildRule({ ...API, match: [], destination_ports: [], ctstate: [] }),
        ],
      },
    ]);
    expect(h.chains.get('filter/INPUT')!.rules).to.have.length(1);
    expect((await planOn(iptables, API, h)).changes).to.deep.equal([]);
    await converge(iptables, { ...API, state: 'absent' }, h);
    expect(h.chains.get('filter/INPUT')!.rules).to.deep.equal([]);
  });

  it('insert at rule_num', async () => {
    const h = new IptablesHost();
    h.chains.get('filter/INPUT')!.rules.push('-j DROP');
    await converge(iptables, { chain: 'INPUT', jump: 'ACCEPT', action: 'insert', rule_num: '1' }, h);
    expect(h.chains.get('filter/INPUT')!.rules).to.deep.equal(['-j ACCEPT', '-j DROP']);
  });

  it('policy: set once; check mode predicts what -L answers after', async () => {
    const h = new IptablesHost();
    const plan = await converge(iptables, { chain: 'FORWARD', policy: 'DROP' }, h);
    expect(plan.changes[0]!.predicts![0]!.result.stdout).to.equal('Chain FORWARD (policy DROP)\n');
    expect(h.chains.get('filter/FORWARD')!.policy).to.equal('DROP');
  });

  it('flush: changed only when there were rules', async () => {
    const h = new IptablesHost();
    h.chains.get('filter/INPUT')!.rules.push('-j DROP');
    expect((await converge(iptables, { flush: true, chain: 'INPUT' }, h)).changes).to.have.length(1);
    expect((await planOn(iptables, { flush: true, chain: 'INPUT' }, h)).changes).to.deep.equal([]);
  });

  it('chain_management makes a missing chain, and deletes it with state=absent and no rule', async () => {
    const h = new IptablesHost();
    await converge(iptables, { chain: 'KPLAY', jump: 'RETURN', chain_management: true }, h);
    expect(h.chains.get('filter/KPLAY')!.rules).to.deep.equal(['-j RETURN']);
    await converge(iptables, { chain: 'KPLAY', flush: true }, h);
    await converge(iptables, { chain: 'KPLAY', state: 'absent', chain_management: true }, h);
    expect(h.chains.has('filter/KPLAY')).to.equal(false);
  });

  const BAD: [string, Record<string, unknown>, string][] = [
    ['no chain', { jump: 'ACCEPT' }, 'Either chain or flush parameter must be specified.'],
    [
      'log options with another jump',
      { chain: 'INPUT', jump: 'DROP', log_prefix: 'x' },
      'Logging options can only be used with the LOG jump target.',
    ],
  ];
  for (const [name, args, msg] of BAD)
    it(`refused: ${name}`, async () => expect(await planError(iptables, args, new IptablesHost())).to.equal(msg));
});
