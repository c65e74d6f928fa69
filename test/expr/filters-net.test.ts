// The ansible.utils address filters: ipaddr and its queries, ipv4/ipv6, nthhost, ipmath, under their collection
// names too. Each `want` is what Debian's ansible (ansible.utils with python3-netaddr, ansible-core 2.14.18) gave
// for the same expression; none is what Ansible prints as an empty text.
import { expect } from 'chai';
import { KplayError } from '../../src/core/errors.js';
import { compileExpr, evalExpr } from '../../src/expr/expr.js';

const scope = { net: '192.168.1.10/24' };
const ev = (src: string): unknown => evalExpr(compileExpr(src), scope);

describe('expr address filters (ansible.utils.ipaddr and friends)', () => {
  const table: Array<[string, unknown]> = [
    ['net | ansible.utils.ipaddr', '192.168.1.10/24'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr", '192.168.1.0/24'],
    ["'nonsense' | ansible.utils.ipaddr", false],
    ["'' | ansible.utils.ipaddr", false],
    ["['10.0.0.1', 'x', '::1', '10.0.0.0/8'] | ansible.utils.ipaddr", ['10.0.0.1', '::1', '10.0.0.0/8']],
    ["net | ansible.utils.ipaddr('address')", '192.168.1.10'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr('address')", null],
    ["'192.168.1.5' | ansible.utils.ipaddr('address')", '192.168.1.5'],
    ["net | ansible.utils.ipaddr('network')", '192.168.1.0'],
    ["net | ansible.utils.ipaddr('netmask')", '255.255.255.0'],
    ["net | ansible.utils.ipaddr('prefix')", 24],
    ["net | ansible.utils.ipaddr('size')", 256],
    ["net | ansible.utils.ipaddr('host')", '192.168.1.10/24'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr('host')", null],
    ["'192.168.1.5' | ansible.utils.ipaddr('host')", '192.168.1.5/32'],
    ["net | ansible.utils.ipaddr('net')", null],
    ["'192.168.1.0/24' | ansible.utils.ipaddr('net')", '192.168.1.0/24'],
    ["net | ansible.utils.ipaddr('subnet')", '192.168.1.0/24'],
    ["net | ansible.utils.ipaddr('broadcast')", '192.168.1.255'],
    ["net | ansible.utils.ipaddr('network/prefix')", '192.168.1.0/24'],
    ["net | ansible.utils.ipaddr('host/prefix')", '192.168.1.10/24'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr('host/prefix')", false],
    ["net | ansible.utils.ipaddr('private')", '192.168.1.10/24'],
    ["net | ansible.utils.ipaddr('public')", null],
    ["'8.8.8.8' | ansible.utils.ipaddr('public')", '8.8.8.8'],
    ["net | ansible.utils.ipaddr('version')", 4],
    ["'192.168.1.0/24' | ansible.utils.ipaddr(5)", '192.168.1.5/24'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr(-1)", '192.168.1.255/24'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr(300)", false],
    ["'192.168.1.0/24' | ansible.utils.ipaddr('5')", '192.168.1.5/24'],
    ["'10.0.0.0/8' | ansible.utils.nthhost(305)", '10.0.1.49'],
    ["'10.0.0.0/8' | ansible.utils.nthhost(-1)", '10.255.255.255'],
    ["'192.168.1.0/30' | ansible.utils.nthhost(9)", false],
    ["'192.168.1.5' | ansible.utils.ipmath(5)", '192.168.1.10'],
    ["'192.168.1.5/24' | ansible.utils.ipmath(3)", '192.168.1.8'],
    ["'192.168.1.5' | ansible.utils.ipmath(-10)", '192.168.0.251'],
    ["'::1' | ansible.utils.ipmath(16)", '::11'],
    ["'2001:db8::/32' | ansible.utils.ipaddr('network')", '2001:db8::'],
    ["'2001:db8::5/64' | ansible.utils.ipaddr('address')", '2001:db8::5'],
    ["'2001:db8::/64' | ansible.utils.ipaddr(1)", '2001:db8::1/64'],
    ['net | ansible.utils.ipv4', '192.168.1.10/24'],
    ['net | ansible.utils.ipv6', false],
    ["'::1' | ansible.utils.ipv6", '::1'],
    ["'::1' | ansible.utils.ipv4", false],
    ["net | ansible.utils.ipv4('address')", '192.168.1.10'],
    ["['10.0.0.1', '::1'] | ansible.utils.ipv4", ['10.0.0.1']],
    ["'192.168.1.10' | ansible.utils.ipaddr('netmask')", '255.255.255.255'],
    ["'192.168.1.10' | ansible.utils.ipaddr('size')", 1],
    ["'192.168.1.10' | ansible.utils.ipaddr('network')", '192.168.1.10'],
    ["'192.168.1.10' | ansible.utils.ipaddr('net')", null],
    ['5 | ansible.utils.ipaddr', '0.0.0.5'],
    ["net | ansible.netcommon.ipaddr('address')", '192.168.1.10'],
    ["net | ipaddr('address')", '192.168.1.10'],
    ["'192.168.1.10/255.255.255.0' | ansible.utils.ipaddr", '192.168.1.10/24'],
    ["'10.0.0.1/32' | ansible.utils.ipaddr('host')", '10.0.0.1/32'],
    ["'10.0.0.1/31' | ansible.utils.ipaddr('address')", '10.0.0.1'],
    ["'10.0.0.0/31' | ansible.utils.ipaddr('address')", '10.0.0.0'],
    ["'192.168.1.255/24' | ansible.utils.ipaddr('address')", '192.168.1.255'],
    ["'10.0.0.0/24' | ansible.utils.ipaddr('1')", '10.0.0.1/24'],
    ["['10.0.0.0/24', '10.1.0.0/16'] | map('ansible.utils.ipaddr', 'network') | list", ['10.0.0.0', '10.1.0.0']],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));

  it('errors name the problem at its line and column', () => {
    const W = { file: 'p.yml', line: 7, col: 11 };
    const cases: Array<[string, string, number]> = [
      [
        "net | ansible.utils.ipaddr('bogus')",
        "filter 'ansible.utils.ipaddr': unknown query 'bogus' (it takes address, host, host/prefix, net, network, " +
          'subnet, cidr, network/prefix, netmask, hostmask, prefix, size, broadcast, version, private, public, ' +
          'loopback or a number)',
        17,
      ],
      [
        "'255.255.255.255' | ansible.utils.ipmath(1)",
        "filter 'ansible.utils.ipmath': 255.255.255.255 + 1 is not an IPv4 address",
        31,
      ],
    ];
    for (const [src, message, col] of cases) {
      let err: unknown;
      try {
        evalExpr(compileExpr(src, W), scope);
      } catch (e) {
        err = e;
      }
      expect(err, src).to.be.instanceOf(KplayError);
      const k = err as KplayError;
      expect([k.message, k.loc?.line, k.loc?.col], src).to.deep.equal([`${message} in '${src}'`, 7, col]);
    }
    let c: unknown;
    try {
      compileExpr('net | ansible.utils.to_json', W);
    } catch (e) {
      c = e;
    }
    expect((c as KplayError).message).to.match(/unknown filter 'ansible.utils.to_json' \(of the collections/);
    expect((c as KplayError).loc?.col).to.equal(17);
  });
});
