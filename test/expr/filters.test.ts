// The filters and tests kubeasz/kubespray-style playbooks use on inventory data: keyword arguments, map/select and
// friends calling other filters and tests by name, dict and list reshaping, text helpers, ansible.builtin. names.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { KplayError, type Loc } from '../../src/core/errors.js';
import { compileExpr, evalExpr, exprVariables } from '../../src/expr/expr.js';

const scope: Record<string, unknown> = {
  inventory_hostname: 'm1',
  groups: { kube_master: ['m1', 'm2'], kube_node: ['n1', 'm2'], etcd: ['m1', 'e1'], ex_lb: [] },
  hostvars: {
    m1: { ansible_host: '10.0.0.1', LB_ROLE: 'master', net: { ip: '10.0.0.1', ifaces: ['eth0'] } },
    m2: { ansible_host: '10.0.0.2', net: { ip: '10.0.0.2', ifaces: ['eth1'] } },
    e1: { ansible_host: '10.0.0.3', LB_ROLE: 'backup', net: { ip: '10.0.0.3', ifaces: [] } },
  },
  users: [
    { name: 'kube', state: 'present', uid: 1001, groups: ['docker'] },
    { name: 'old', state: 'absent' },
    { name: 'etcd', state: 'present', uid: 1002, groups: [] },
  ],
  defaults: { kubelet: { maxPods: 110, flags: ['--a'] }, proxy: 'ipvs' },
  overrides: { kubelet: { flags: ['--b'] }, dns: 'coredns' },
  ports: [22, 443, 6443, 10250],
  names: ['a', 'b', 'c'],
  ips: ['10.0.0.1', '10.0.0.2'],
  nested: [1, [2, [3, [4]]], null],
  pairs: [
    { key: 'k1', value: 1 },
    { key: 'k2', value: 2 },
  ],
  hosts_cfg: [
    { host: 'm1', port: 6443 },
    { host: 'm2', port: 6443 },
  ],
  csv: 'x',
  // hosts of a Kubespray inventory: both addresses, ip only, ansible_host only, none (an empty ip is unset)
  ks: {
    a: { ansible_host: '10.0.0.1', ip: '10.1.0.1', access_ip: '10.2.0.1' },
    b: { ansible_host: '10.0.0.2', ip: '10.1.0.2' },
    c: { ansible_host: '10.0.0.3', ip: '' },
    d: {},
  },
};

const W: Loc = { file: 'roles/kube-lb/tasks/main.yml', line: 7, col: 11 };
const ev = (src: string): unknown => evalExpr(compileExpr(src, W), scope);

describe('expr filters: map, select, reject, selectattr, rejectattr', () => {
  const table: Array<[string, unknown]> = [
    ["groups['kube_master'] | map('extract', hostvars, 'ansible_host') | list", ['10.0.0.1', '10.0.0.2']],
    ["groups['kube_master'] | map('extract', hostvars, ['net', 'ip']) | join(',')", '10.0.0.1,10.0.0.2'],
    ["hostvars | dict2items | selectattr('value.LB_ROLE', 'defined') | map(attribute='key') | list", ['m1', 'e1']],
    ["hostvars | dict2items | selectattr('value.LB_ROLE', 'undefined') | map(attribute='key') | list", ['m2']],
    ["hostvars | dict2items | selectattr('value.LB_ROLE', 'equalto', 'master') | map(attribute='key') | first", 'm1'],
    ["hostvars | dict2items | rejectattr('value.LB_ROLE', 'eq', 'master') | map(attribute='key') | list", ['m2', 'e1']],
    ["hostvars | dict2items | map(attribute='value.net.ifaces.0', default='lo') | list", ['eth0', 'eth1', 'lo']],
    ["users | selectattr('state', '==', 'present') | map(attribute='name') | list", ['kube', 'etcd']],
    ["users | rejectattr('state', 'equalto', 'absent') | map(attribute='uid') | max", 1002],
    ["users | selectattr('uid', 'defined') | selectattr('uid', 'ge', 1002) | map(attribute='name') | list", ['etcd']],
    ["users | selectattr('groups') | map(attribute='name') | list", ['kube']],
    ["users | selectattr('uid', 'none') | list", []],
    ["users | selectattr('name', 'in', ['kube', 'old']) | map(attribute='name') | list", ['kube', 'old']],
    ["users | selectattr('name', 'match', 'e') | map(attribute='name') | list", ['etcd']],
    ["users | map(attribute='groups', default=[]) | flatten | list", ['docker']],
    ["names | map('upper') | list", ['A', 'B', 'C']],
    ["['etcd', 'calico_rr', 'ex_lb'] | select('in', groups) | map('extract', groups) | flatten | list", ['m1', 'e1']],
    ["[17.2 / 24, 2.5, -1.5] | map('round', 0, 'ceil') | list", [1, 3, -1]],
    ["17.29 | round(1, 'floor')", 17.2],
    ["names | map('regex_replace', '^', 'node-') | list", ['node-a', 'node-b', 'node-c']],
    ["names | map('regex_replace', pattern='^', replacement='k-') | list", ['k-a', 'k-b', 'k-c']],
    ["[none, 'x'] | map('default', 'd') | list", [null, 'x']],
    ["names | map('ansible.builtin.upper') | list", ['A', 'B', 'C']],
    ["ports | select('gt', 1024) | list", [6443, 10250]],
    ["ports | reject('in', [22]) | list", [443, 6443, 10250]],
    ["[0, 1, '', 'a', none, [], [2]] | select | list", [1, 'a', [2]]],
    ["[0, 1, '', 'a', none] | reject | list", [0, '', null]],
    ["groups.kube_node | select('match', 'm') | list", ['m2']],
    ["groups.kube_node | select('search', 'M', ignorecase=true) | list", ['m2']],
    ["['a', 1, none] | select('string') | list", ['a']],
    ["['a', 1, none] | reject('none') | list", ['a', 1]],
    ["inventory_hostname in (groups.kube_master | select('ne', 'm2') | list)", true],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));

  it('map returns a list, so indexing and | length work without | list', () => {
    expect(ev("(groups.kube_master | map('extract', hostvars, 'ansible_host'))[1]")).to.equal('10.0.0.2');
    expect(ev("users | map(attribute='name') | length")).to.equal(3);
  });
  it('map over a dict goes over its keys, as Jinja does', () => {
    expect(ev("hostvars | map('upper') | list")).to.deep.equal(['M1', 'M2', 'E1']);
  });
  it('variables inside keyword arguments are found', () => {
    expect(exprVariables(compileExpr("xs | map(attribute=a, default=b) | select('in', c)"))).to.have.members([
      'xs',
      'a',
      'b',
      'c',
    ]);
  });
});

describe('expr filters: dicts and lists', () => {
  const table: Array<[string, unknown]> = [
    // kplay's own: ansible_host, else the inventory name
    ["['solo', 'm2'] | host_address(dict(solo=dict(), m2=dict(ansible_host='10.0.0.2')))", ['solo', '10.0.0.2']],
    ["'m1' | host_address(hostvars)", '10.0.0.1'],
    // Kubespray's host vars: access_ip (how others reach the host), else ip (where it listens), then ansible_host
    ["['a', 'b', 'c'] | host_address(ks)", ['10.2.0.1', '10.1.0.2', '10.0.0.3']],
    ["['a', 'b', 'c'] | host_address(ks, 'bind')", ['10.1.0.1', '10.1.0.2', '10.0.0.3']],
    ["'d' | host_address(ks, use='access')", 'd'],
    ["'m2' | extract(hostvars) | dict2items | map(attribute='key') | list", ['ansible_host', 'net']],
    ['defaults | combine(overrides)', { kubelet: { flags: ['--b'] }, proxy: 'ipvs', dns: 'coredns' }],
    [
      'defaults | combine(overrides, recursive=true)',
      { kubelet: { maxPods: 110, flags: ['--b'] }, proxy: 'ipvs', dns: 'coredns' },
    ],
    [
      "defaults | combine(overrides, recursive=true, list_merge='append')",
      { kubelet: { maxPods: 110, flags: ['--a', '--b'] }, proxy: 'ipvs', dns: 'coredns' },
    ],
    [
      "defaults | combine(overrides, recursive=true, list_merge='prepend')",
      { kubelet: { maxPods: 110, flags: ['--b', '--a'] }, proxy: 'ipvs', dns: 'coredns' },
    ],
    [
      "defaults | combine(overrides, recursive=true, list_merge='keep')",
      { kubelet: { maxPods: 110, flags: ['--a'] }, proxy: 'ipvs', dns: 'coredns' },
    ],
    ["{'a': [1, 2]} | combine({'a': [2, 3]}, list_merge='append_rp')", { a: [1, 2, 3] }],
    ['dict(a=[1, 2]) | combine(dict(a=[2, 3]), list_merge="append_rp")', { a: [1, 2, 3] }],
    ['dict(a=[1, 2]) | combine(dict(a=[2, 3]), list_merge="prepend_rp")', { a: [2, 3, 1] }],
    ['[dict(a=1), dict(b=2), dict(a=3)] | combine', { a: 3, b: 2 }],
    ['dict(a=1) | combine([dict(b=2), dict(c=3)], dict(a=0))', { a: 0, b: 2, c: 3 }],
    ["namespace({'a': 1}, b=2)", { a: 1, b: 2 }],
    ['nested | flatten', [1, 2, 3, 4]],
    ['nested | flatten(1)', [1, 2, [3, [4]]]],
    ['nested | flatten(levels=2, skip_nulls=false)', [1, 2, 3, [4], null]],
    ['groups.kube_master | union(groups.kube_node)', ['m1', 'm2', 'n1']],
    ['groups.kube_master | union(groups.etcd) | union(groups.ex_lb)', ['m1', 'm2', 'e1']],
    ['[3, 1, 3, 2] | union([2, 4])', [3, 1, 2, 4]],
    ['groups.kube_node | intersect(groups.kube_master)', ['m2']],
    ['groups.kube_node | difference(groups.kube_master)', ['n1']],
    ['[5, 3, 1, 3] | difference([1])', [5, 3]],
    ['groups.kube_master | symmetric_difference(groups.kube_node)', ['m1', 'n1']],
    [
      'names | zip(ips)',
      [
        ['a', '10.0.0.1'],
        ['b', '10.0.0.2'],
      ],
    ],
    [
      'names | zip(ips, [1, 2, 3])',
      [
        ['a', '10.0.0.1', 1],
        ['b', '10.0.0.2', 2],
      ],
    ],
    [
      "names | zip_longest(ips, fillvalue='-')",
      [
        ['a', '10.0.0.1'],
        ['b', '10.0.0.2'],
        ['c', '-'],
      ],
    ],
    ['names | zip(ips) | dict', { a: '10.0.0.1', b: '10.0.0.2' }],
    ['dict(names | zip(ips))', { a: '10.0.0.1', b: '10.0.0.2' }],
    ["dict(role='master', port=6443)", { role: 'master', port: 6443 }],
    ['pairs | items2dict', { k1: 1, k2: 2 }],
    ["hosts_cfg | items2dict(key_name='host', value_name='port')", { m1: 6443, m2: 6443 }],
    ['defaults | dict2items | items2dict == defaults', true],
    ["users | sort(attribute='name') | map(attribute='name') | list", ['etcd', 'kube', 'old']],
    ["users | selectattr('uid', 'defined') | sort(attribute='uid', reverse=true) | map(attribute='uid') | first", 1002],
    ['range(3) | list', [0, 1, 2]],
    ['range(1, 10, 4)', [1, 5, 9]],
  ];
  for (const [src, want] of table) {
    it(`${src} → ${JSON.stringify(want)}`, () => {
      expect(ev(src)).to.deep.equal(want);
    });
  }
  it('combine does not change its inputs', () => {
    ev("defaults | combine(overrides, recursive=true, list_merge='append')");
    expect(scope.defaults).to.deep.equal({ kubelet: { maxPods: 110, flags: ['--a'] }, proxy: 'ipvs' });
  });
  it('a key named __proto__ stays a plain key', () => {
    const d = ev("dict([['__proto__', 1]])") as Record<string, unknown>;
    expect(Object.getPrototypeOf(d)).to.equal(Object.prototype);
    expect(Object.keys(d)).to.deep.equal(['__proto__']);
  });
});

describe('expr filters: text', () => {
  const sha = (alg: string, s: string): string => createHash(alg).update(s).digest('hex');
  const table: Array<[string, unknown]> = [
    ["'kube-apiserver v1.29.3, etcd v3.5.12' | regex_findall('v[0-9.]+')", ['v1.29.3', 'v3.5.12']],
    [
      "'kube-apiserver v1.29.3, etcd v3.5.12' | regex_findall('v(\\\\d+)\\\\.(\\\\d+)')",
      [
        ['1', '29'],
        ['3', '5'],
      ],
    ],
    ["'Name: A\\nname: b' | regex_findall('^name: (\\\\w)', multiline=true, ignorecase=true)", ['A', 'b']],
    ["'10.0.0.1' | regex_escape", '10\\.0\\.0\\.1'],
    ["'a+b (c)' | regex_escape", 'a\\+b\\ \\(c\\)'],
    ["'https://' ~ ('k8s.io/x' | regex_escape)", 'https://k8s\\.io/x'],
    ["'secret' | hash('sha1')", sha('sha1', 'secret')],
    ["'secret' | hash('sha256')", sha('sha256', 'secret')],
    ["'secret' | hash(hashtype='md5')", sha('md5', 'secret')],
    ["'secret' | hash", sha('sha1', 'secret')],
    ["'secret' | checksum", sha('sha1', 'secret')],
    ["'/etc/kubernetes/admin.conf' | splitext", ['/etc/kubernetes/admin', '.conf']],
    ["'etcd-v3.5.tar.gz' | splitext | first", 'etcd-v3.5.tar'],
    ["'/root/.kube' | splitext", ['/root/.kube', '']],
    ["'/a.b/c' | splitext", ['/a.b/c', '']],
    ['dict(b=1, a=dict(x=[1, 2])) | to_nice_yaml', 'a:\n    x:\n      - 1\n      - 2\nb: 1\n'],
    ['dict(a=dict(x=1)) | to_nice_yaml(indent=2)', 'a:\n  x: 1\n'],
    ["'v1.2' | regex_replace('V(\\\\d)', 'x\\\\1', ignorecase=true)", 'x1.2'],
    ["'kube' | mandatory", 'kube'],
    ["csv | ansible.builtin.mandatory(msg='set csv')", 'x'],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));
});

describe('expr keyword arguments and ansible.builtin. names', () => {
  const table: Array<[string, unknown]> = [
    ["missing | default('x', true)", 'x'],
    ["'' | default('x', boolean=true)", 'x'],
    ["'' | default(default_value='x')", ''],
    ["missing | ansible.builtin.default('y')", 'y'],
    ['groups.kube_master | ansible.builtin.length', 2],
    ["names | ansible.builtin.join(d='-')", 'a-b-c'],
    ["(1 > 2) | ternary(true_val='y', false_val='n')", 'n'],
    ["'1.30.1' is version('1.29', operator='>=')", true],
    ["'1.30.1' is ansible.builtin.version('1.29', 'ge')", true],
    ['missing is ansible.builtin.undefined', true],
    ['missing is not ansible.builtin.defined', true],
    ["'ABC' is match('abc', ignorecase=true)", true],
    ['5 is eq(5)', true],
    ['5 is ge(6)', false],
    ["['ab', 'x'] | select('in', ['ab']) | list", ['ab']],
    ["['b', 'z'] | select('in', 'abc') | list", ['b']],
    ["'a' is lower", true],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));
});

describe('expr filter errors say what is wrong, at the line and column', () => {
  /** The EXPR error `run` raises must read `message` and point at line 7, column `col`. */
  function expectError(run: () => unknown, message: string, col: number): void {
    let err: unknown;
    try {
      run();
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(KplayError);
    const k = err as KplayError;
    expect([k.code, k.message, k.loc?.line, k.loc?.col]).to.deep.equal(['EXPR', message, 7, col]);
  }
  const cases: Array<[string, string, number]> = [
    // [expression (a `when:` at line 7 column 11), message after "bad expression '...': " or the run-time message,
    // column]
    ["users | map('uper') | list", "unknown filter 'uper' (did you mean 'upper'?)", 23],
    ["users | selectattr('state', 'equalot', 'x')", "unknown test 'equalot' (did you mean 'equalto'?)", 39],
    ["ports | select('gtt', 1)", "unknown test 'gtt' (did you mean 'gt'?)", 26],
    [
      'x | ansible.builtin.unoin(y)',
      "unknown filter 'ansible.builtin.unoin' (did you mean 'ansible.builtin.union'?)",
      15,
    ],
    [
      'x | community.general.json_query(q)',
      "unknown filter 'community.general.json_query' (of the collections, kplay knows ansible.builtin.*, and " +
        'ansible.utils.* or ansible.netcommon.* for ipaddr, ipv4, ipv6, ipmath and nthhost)',
      15,
    ],
    [
      'a | combine(b, recursiv=true)',
      "filter 'combine' has no keyword argument 'recursiv' (did you mean 'recursive'?)",
      26,
    ],
    ["users | map(atribute='name')", "filter 'map' has no keyword argument 'atribute' (did you mean 'attribute'?)", 23],
    ["x | upper(case='x')", "filter 'upper' has no keyword argument 'case' (it takes none)", 21],
    ["x | default(boolean=true, 'a')", 'a positional argument cannot follow a keyword argument', 37],
    ['x | combine(b, recursive=true, recursive=false)', "keyword argument 'recursive' is given twice", 42],
    ['x = 1', "unexpected '=': use '==' to compare ('x=value' is only for filter and test arguments)", 13],
    ['x | map(attribute=)', "expected a value after 'attribute='", 29],
    [
      "names | map('regex_replace', patern='a')",
      "filter 'regex_replace' has no keyword argument 'patern' (did you mean 'pattern'?)",
      40,
    ],
    ['range(3, stop=4)', "range() has no keyword argument 'stop' (it takes none)", 20],
  ];
  for (const [src, message, col] of cases) {
    it(`${src}: ${message}`, () => expectError(() => compileExpr(src, W), `bad expression '${src}': ${message}`, col));
  }
  const runtime: Array<[string, string, number]> = [
    [
      "users | map(attribute='uid') | list",
      "filter 'map': item 1 has no attribute 'uid' (give a default: map(attribute='uid', default=''))",
      19,
    ],
    [
      "users | selectattr('uid', 'gt', 1) | list",
      `filter 'selectattr': item 1 (${JSON.stringify({ name: 'old', state: 'absent' })}): no attribute 'uid'`,
      19,
    ],
    [
      "hostvars | dict2items | selectattr('value.LB_ROLE', 'match', 'm') | list",
      "filter 'selectattr': item 1: no attribute 'value.LB_ROLE'",
      35,
    ],
    ['names | map(f) | list', "filter 'map': unknown filter 'uper' (did you mean 'upper'?)", 19],
    ["['m9'] | map('extract', hostvars) | list", `filter 'map': item 0 ("m9"): the container has no key "m9"`, 20],
    ["'x' | hash('sha3000')", "filter 'hash': unknown hash type 'sha3000' (md5, sha1, sha256, sha512, ...)", 17],
    [
      "a | combine(a, list_merge='merge')",
      "filter 'combine': list_merge must be one of replace, keep, append, prepend, append_rp, prepend_rp, got 'merge'",
      15,
    ],
    ['kube_version | mandatory', "mandatory variable 'kube_version' is not defined", 11],
    ["kube_version | mandatory('set kube_version in config.yml')", 'set kube_version in config.yml', 11],
    ['ports | union', "filter 'union': needs a second list", 19],
  ];
  const runScope = { ...scope, f: 'uper', a: {} };
  for (const [src, message, col] of runtime) {
    it(`${src}: ${message}`, () =>
      expectError(() => evalExpr(compileExpr(src, W), runScope), `${message} in '${src}'`, col));
  }
});

describe("expr: Ansible's core tests on results and text (ansible-playbook 2.14's answers)", () => {
  const table: Array<[string, unknown]> = [
    ["{'results': [{'changed': true}, {'changed': false}]} is changed", true],
    ["{'results': [{'changed': false}]} is changed", false],
    ["{'changed': false, 'results': [{'changed': true}]} is changed", false],
    ['{} is changed', false],
    ["'undefined variable nope' is contains('nope')", true],
    ["'abc' is contains('x')", false],
    ["{'k': 1} is contains('k')", true],
    ['[1, 2] is contains(2)', true],
    ['[true, false] is any', true],
    ['[false] is any', false],
    ['[true, false] is all', false],
    ["'on' is truthy(convert_bool=True)", true],
    ["'off' is truthy(convert_bool=True)", false],
    ["'fred' is truthy(convert_bool=True)", true],
    ["'off' is falsy(convert_bool=True)", true],
    ['{} is falsy', true],
    ["'1.2.3' is version('2.0.0', 'lt', version_type='semver')", true],
    ["'2.14.0rc1' is version('2.14.0', 'lt', version_type='pep440')", true],
    ["'2.14.0rc1' is version('2.14.0rc2', '<', version_type='pep440')", true],
    ["'1.0' is version('2.0', '<', true)", true],
  ];
  for (const [src, want] of table) it(`${src} → ${JSON.stringify(want)}`, () => expect(ev(src)).to.deep.equal(want));

  const bad: Array<[string, string]> = [
    ["'1.0' is version('1.0', 'equals')", "Invalid operator type (equals). Must be one of '<', 'lt'"],
    ["'1.0' is version('1.0', strict=False, version_type='loose')", "Cannot specify both 'strict' and 'version_type'"],
    ["'1.0' is version('1.0', version_type='boom')", "Invalid version type (boom). Must be one of 'loose', 'strict'"],
    ["'' is version('1.0', '>')", 'Input version value cannot be empty'],
    ["'1.0' is version('', '>')", 'Version parameter to compare against cannot be empty'],
    ["'1.0' is version('nope', '==', true)", "Version comparison failed: invalid version number 'nope'"],
    [
      "'1.0.0' is version('1.x', '<', version_type='strict')",
      "Version comparison failed: invalid version number '1.x'",
    ],
    ["'nope' is version('1.0.0', version_type='semver')", "Version comparison failed: invalid semantic version 'nope'"],
  ];
  for (const [src, msg] of bad) it(`${src} fails: ${msg}`, () => expect(() => ev(src)).to.throw(msg));

  it("host_address names the addresses it gives: 'access' or 'bind'", () => {
    expect(() => ev("'a' | host_address(ks, 'public')")).to.throw(
      `the address to give is 'access' or 'bind', not "public"`,
    );
    expect(() => ev("'x' | host_address(ks)")).to.throw('no host "x" in the hostvars given');
  });

  it('a result test on something else than a dict says so', () =>
    expect(() => ev("'nope' is changed")).to.throw("The 'changed' test expects a dictionary, got string"));
});
