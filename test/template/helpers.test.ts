// Template helpers and subnet math, called through templates as users write them.
import { expect } from 'chai';
import {
  cidrContains,
  cidrHost,
  cidrNetmask,
  cidrNetwork,
  cidrPrefix,
  cidrSize,
  formatIp,
  parseIp,
} from '../../src/expr/ip-math.js';
import { renderString } from '../../src/template/template.js';

const vars: Record<string, unknown> = {
  xs: ['a', 'b', 'c'],
  n: 3,
  s: ' Mixed Case ',
  obj: { k: 'v', nested: { x: [1, 2] } },
  text: 'line1\nline2\n\nline4',
  svc: '10.68.0.0/16',
  pod: 'fd00:10:244::/56',
  yes: 'yes',
  proto: 'constructor',
};
const r = (src: string): unknown => renderString(src, { vars });

describe('template helpers', () => {
  const table: Array<[string, unknown]> = [
    ['{{ eq n 3 }}', true],
    ['{{ mirrored "nginx:1" "reg.local:5000" }}', 'reg.local:5000/docker.io/library/nginx:1'],
    ['{{ mirrored "registry.k8s.io/pause:3.9" "reg.local:5000" }}', 'reg.local:5000/registry.k8s.io/pause:3.9'],
    ['{{ mirrored "reg.local:5000/docker.io/x:1" "reg.local:5000" }}', 'reg.local:5000/docker.io/x:1'],
    ['{{ mirrored "nginx:1" "" }}', 'nginx:1'],
    ['{{ eq xs (list "a" "b" "c") }}', true],
    ['{{ ne n 3 }}', false],
    ['{{ lt n 4 }}', true],
    ['{{ gt n 4 }}', false],
    ['{{ le n 3 }}', true],
    ['{{ ge n 4 }}', false],
    ['{{ lt "a" "b" }}', true],
    ['{{ and true n "x" }}', true],
    ['{{ and true "" }}', false],
    ['{{ or false 0 "x" }}', true],
    ['{{ or false 0 }}', false],
    ['{{ not false }}', true],
    ['{{ bool yes }}', true],
    ['{{ join xs ", " }}', 'a, b, c'],
    ['{{ join xs }}', 'a,b,c'],
    ['{{ default missing "fb" }}', 'fb'],
    ['{{ default n "fb" }}', 3],
    ['{{ defined missing }}', false],
    ['{{ defined n }}', true],
    ['{{ indent text 2 }}', 'line1\n  line2\n\n  line4'],
    ['{{ indent text 2 first=true }}', '  line1\n  line2\n\n  line4'],
    ['{{ nindent "a\nb" 2 }}', '\n  a\n  b'],
    ['{{ json obj }}', '{"k":"v","nested":{"x":[1,2]}}'],
    ['{{ json xs 2 }}', '[\n  "a",\n  "b",\n  "c"\n]'],
    ['{{ yaml obj }}', 'k: v\nnested:\n  x:\n    - 1\n    - 2'],
    ['{{ b64enc "hi there" }}', 'aGkgdGhlcmU='],
    ['{{ b64dec "aGkgdGhlcmU=" }}', 'hi there'],
    ['{{ first xs }}', 'a'],
    ['{{ last xs }}', 'c'],
    ['{{ length xs }}', 3],
    ['{{ length obj }}', 2],
    ['{{ length "abcd" }}', 4],
    ['{{ get obj "k" }}', 'v'],
    ['{{ get xs 1 }}', 'b'],
    ['{{ get obj "zz" "fallback" }}', 'fallback'],
    ['{{ get obj proto "safe" }}', 'safe'], // a key computed at run time ("constructor" written out is refused)
    ['{{ upper s }}', ' MIXED CASE '],
    ['{{ lower s }}', ' mixed case '],
    ['{{ trim s }}', 'Mixed Case'],
    ['{{ replace "a-b-c" "-" "_" }}', 'a_b_c'],
    ['{{ split "a,b" }}', ['a', 'b']],
    ['{{ split "a b" " " }}', ['a', 'b']],
    ['{{ concat "a" n "b" }}', 'a3b'],
    ['{{ concat xs (list "d") }}', ['a', 'b', 'c', 'd']],
    ['{{ list 1 "two" true }}', [1, 'two', true]],
    ['{{ contains xs "b" }}', true],
    ['{{ quote "it\'s" }}', `'it'"'"'s'`],
    ['{{ cidr_host svc 1 }}', '10.68.0.1'],
    ['{{ cidr_host svc 10 }}', '10.68.0.10'],
    ['{{ cidr_host svc -1 }}', '10.68.255.255'],
    ['{{ cidr_host "192.168.1.0/24" 0 }}', '192.168.1.0'],
    ['{{ cidr_host pod 10 }}', 'fd00:10:244::a'],
    ['{{ cidr_contains svc "10.68.3.4" }}', true],
    ['{{ cidr_contains svc "10.69.0.1" }}', false],
    ['{{ cidr_contains svc "10.68.1.0/24" }}', true],
    ['{{ cidr_contains svc "fd00::1" }}', false],
    ['{{ cidr_prefix svc }}', 16],
    ['{{ cidr_netmask svc }}', '255.255.0.0'],
    ['{{ cidr_netmask "10.0.0.0/22" }}', '255.255.252.0'],
    ['{{ cidr_network "10.68.3.4/16" }}', '10.68.0.0/16'],
    ['{{ cidr_size "10.0.0.0/30" }}', 4],
  ];
  for (const [src, want] of table) {
    it(`${src.replace(/\n/g, '\\n')} → ${JSON.stringify(want)}`, () => expect(r(src)).to.deep.equal(want));
  }
  it('helper failures name the helper and the place', () => {
    expect(() => r('{{ cidr_host svc 70000 }}')).to.throw('address 70000 is outside 10.68.0.0/16 (65536 addresses)');
    expect(() => r('{{ cidr_host "10.0.0.300/8" 1 }}')).to.throw("not an IP address: '10.0.0.300'");
    expect(() => r('{{ join n }}')).to.throw("'join' needs a list, got number");
    expect(() => r('{{ eq n }}')).to.throw("'eq' takes 2 arguments, got 1");
    expect(() => r('{{ get obj "zz" }}')).to.throw("'get': dict has no key 'zz'");
    expect(() => r('{{ lt n "a" }}')).to.throw("'lt' cannot compare number and string");
  });
});

describe('ip math', () => {
  const fmt: Array<[string, string]> = [
    ['10.0.0.1', '10.0.0.1'],
    ['::1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['fe80::', 'fe80::'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ];
  for (const [a, want] of fmt) it(`formats ${a}`, () => expect(formatIp(parseIp(a))).to.equal(want));
  it('rejects bad addresses', () => {
    for (const bad of ['10.0.0', '1.2.3.256', '1::2::3', 'x', '1:2:3:4:5:6:7:8:9'])
      expect(() => parseIp(bad), bad).to.throw(/not an IP address/);
  });
  it('subnets', () => {
    expect(cidrHost('10.233.0.0/18', 3)).to.equal('10.233.0.3');
    expect(cidrHost('10.0.0.5', 0)).to.equal('10.0.0.5');
    expect(cidrContains('0.0.0.0/0', '1.2.3.4')).to.equal(true);
    expect(cidrContains('10.0.0.0/24', '10.0.0.0/16')).to.equal(false);
    expect(cidrPrefix('fd00::/64')).to.equal(64);
    expect(cidrNetmask('fd00::/64')).to.equal('ffff:ffff:ffff:ffff::');
    expect(cidrNetwork('fd00::1234/64')).to.equal('fd00::/64');
    expect(cidrSize('10.0.0.0/24')).to.equal(256);
    expect(() => cidrPrefix('10.0.0.0/33')).to.throw('bad prefix length');
  });
});
