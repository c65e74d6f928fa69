// The inventory and site-settings schemas of `kplay schema` (schema.ts, site-schema.ts), validated by ajv: the
// YAML inventory shapes kplay reads pass, the ones it refuses fail at the path of what is wrong; the settings'
// names and descriptions come from kplay-defaults.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { KPLAY_ROOT } from '../../src/core/package-root.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { inventorySchema } from '../../src/inventory/schema.js';
import { siteVarsSchema } from '../../src/inventory/site-schema.js';
import { compileSchemas, describeErrors, yamlErrors } from '../support/schemas.js';
import { writeTree } from '../support/tree.js';

const DEFAULTS = join(KPLAY_ROOT, 'playbooks/roles/kplay-defaults/defaults/main.yml');
const v = compileSchemas({ inventory: inventorySchema(), site: siteVarsSchema(DEFAULTS) });

const GOOD = [
  'all:\n  hosts:\n    a:\n    b: {ansible_host: 10.0.0.2}\n  vars: {x: 1}\n',
  'all:\n  children:\n    etcd:\n      hosts: node1\n    kube_node:\n      children:\n        workers:\n' +
    '          hosts:\n            node[01:03]:2222:\n    empty:\n',
  'kube_master:\n  hosts: {m1: {k8s_nodename: master-01}}\n',
  '',
];

const BAD = [
  { name: 'hosts given as a list', text: 'all:\n  hosts: [a, b]\n', path: '/all/hosts', keyword: 'type' },
  { name: 'a host given a list', text: 'all:\n  hosts:\n    a: [x]\n', path: '/all/hosts/a', keyword: 'type' },
  { name: 'a misspelt section', text: 'all:\n  host: {a: }\n', path: '/all', keyword: 'additionalProperties' },
  { name: 'a group given a list', text: 'all:\n  children:\n    g: [a]\n', path: '/all/children/g', keyword: 'type' },
  { name: 'a group given a string', text: 'web: a\n', path: '/web', keyword: 'type' },
  { name: 'vars given a list', text: 'all:\n  vars: [a]\n', path: '/all/vars', keyword: 'type' },
  { name: 'an inventory plugin file', text: 'plugin: aws_ec2\n', path: '', keyword: 'not' },
];

/** What kplay's own reader reports for an inventory text. */
function readerProblems(text: string): string[] {
  const problems = new Problems();
  loadInventory([join(writeTree({ 'hosts.yml': text }), 'hosts.yml')], problems);
  return problems.list.map((e) => e.message);
}

describe('inventory JSON Schema', () => {
  for (const text of GOOD)
    it(`accepts ${JSON.stringify(text.slice(0, 40))}`, () => {
      const errors = yamlErrors(v.inventory!, text);
      expect(errors, describeErrors(errors)).to.equal(undefined);
    });
  for (const c of BAD)
    it(`refuses ${c.name} at ${c.path || '/'}`, () => {
      const errors = yamlErrors(v.inventory!, c.text);
      const hit = errors?.find((e) => e.instancePath === c.path && e.keyword === c.keyword);
      expect(hit, describeErrors(errors) || 'no error').to.not.equal(undefined);
    });
  // the schema agrees with kplay's reader both ways
  for (const text of GOOD)
    it(`kplay reads ${JSON.stringify(text.slice(0, 40))} too`, () => expect(readerProblems(text)).to.deep.equal([]));
  for (const c of BAD) it(`kplay refuses ${c.name} too`, () => expect(readerProblems(c.text)).to.not.deep.equal([]));
});

describe('site settings JSON Schema', () => {
  const schema = siteVarsSchema(DEFAULTS) as {
    properties: Record<string, { description?: string; default?: unknown }>;
  };

  it("describes kplay-defaults' variables by their comments, with their defaults", () => {
    const p = schema.properties;
    expect(p.SECURE_PORT?.description).to.match(/apiservers' port/);
    expect(p.SECURE_PORT?.default).to.equal('6443');
    expect(p.drain_timeout?.description).to.match(/kubectl drain/);
    expect(p.SERVICE_CIDR?.description, 'a variable without a comment: its section').to.match(/kubeasz's main/);
    expect(Object.keys(p).length).to.be.greaterThan(50);
  });

  const cases: { text: string; path?: string }[] = [
    { text: 'CLUSTER_NETWORK: calico\nENABLE_SETTING_HOSTNAME: no\nmy_own_setting: [1, 2]\n' },
    { text: 'ENABLE_SETTING_HOSTNAME: "{{ x }}"\napt_cache_valid_time: "7200"\n' },
    { text: 'ENABLE_SETTING_HOSTNAME: [yes]\n', path: '/ENABLE_SETTING_HOSTNAME' },
    { text: 'apt_cache_valid_time: an hour\n', path: '/apt_cache_valid_time' },
  ];
  for (const c of cases)
    it(`${c.path ? 'refuses' : 'accepts'} ${JSON.stringify(c.text)}`, () => {
      const errors = yamlErrors(v.site!, c.text);
      if (!c.path) expect(errors, describeErrors(errors)).to.equal(undefined);
      else expect(errors?.map((e) => e.instancePath)).to.include(c.path);
    });
});
