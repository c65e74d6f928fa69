// The names a text may read: words inside {{ }} and {% %}, every word of a bare expression, vars: keys defined.
import { expect } from 'chai';
import { emptyNames, namesInTemplate, walkYaml } from '../../../src/check/site-lint/names-in.js';

describe('site-lint: the names a text reads', () => {
  const cases: [string, string, string[]][] = [
    ['plain text reads nothing', 'SECURE_PORT is a word here', []],
    ['a Jinja expression', '{{ SERVICE_CIDR | cidr_host(1) }}', ['SERVICE_CIDR', 'cidr_host']],
    ['a name in a subscript string', "{{ hostvars[h]['LB_ROLE'] }}", ['hostvars', 'h', 'LB_ROLE']],
    ['an attribute filter', "{{ x | map(attribute='k8s_nodename') }}", ['x', 'map', 'attribute', 'k8s_nodename']],
    ['a Jinja statement, whitespace control', '{%- if ETCD_WAL_DIR -%}\n{{ a.b }}', ['if', 'ETCD_WAL_DIR', 'a', 'b']],
    [
      'a Handlebars helper and block',
      '{{#each groups.etcd}}{{lookup hostvars this}}{{/each}}',
      ['each', 'groups', 'etcd', 'lookup', 'hostvars', 'this'],
    ],
    ['a comment reads nothing', '{# MAX_PODS #}', []],
  ];
  for (const [what, text, want] of cases)
    it(what, () => {
      const into = new Set<string>();
      namesInTemplate(text, into);
      expect([...into]).to.deep.equal(want);
    });

  it('reads bare conditions whole, templates elsewhere, and the keys of vars: as defined', () => {
    const out = emptyNames();
    walkYaml(
      [
        { name: 'x NOT_READ', debug: { msg: 'hi {{ A }}' }, when: ['B is defined', 'C'], vars: { D: '{{ E }}' } },
        { assert: { that: 'F > 1' }, with_items: 'G', loop: 'H' },
      ],
      undefined,
      out,
    );
    expect([...out.read].sort()).to.deep.equal(['A', 'B', 'C', 'E', 'F', 'G', 'defined', 'is']);
    expect([...out.defined]).to.deep.equal(['D']);
  });
});
