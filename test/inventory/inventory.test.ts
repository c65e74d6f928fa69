// Parity with Ansible: every fixture under test/fixtures/inventories/ (and every site in inventories/) read by kplay
// must print what `ansible-inventory` printed for it (expected.*, produced by regen.sh with ansible-core 2.14).
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { groupsMap, hostVars, loadInventory, magicVars, type Inventory } from '../../src/inventory/inventory.js';
import { inventoryGraph, inventoryHost, inventoryList, pythonJson } from '../../src/inventory/output.js';
import { MASK } from '../../src/core/secrets.js';
import { runInventory } from '../../src/cli/inventory.js';
import { writeTree } from '../support/tree.js';

const FIXTURES = 'test/fixtures/inventories';

function sourcesOf(dir: string): string[] {
  return readFileSync(join(dir, 'sources.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((s) => (s.startsWith('@root/') ? s.slice('@root/'.length) : join(dir, s)));
}

function load(paths: string[]): Inventory {
  const problems = new Problems();
  const inv = loadInventory(paths, problems);
  expect(problems.list.map((e) => e.format())).to.deep.equal([]);
  return inv;
}

describe('inventory: parity with ansible-inventory', () => {
  const fixtures = readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'sources.txt')));
  it('has the fixtures the brief asks for, and one for every site in inventories/', () => {
    for (const name of ['kubeasz', 'yaml', 'mixed', 'ranges', 'multi']) expect(fixtures).to.include(name);
    for (const site of readdirSync('inventories').filter((d) => d !== 'lab')) {
      expect(fixtures, `test/fixtures/inventories/${site}/ for inventories/${site}`).to.include(site);
    }
  });
  for (const name of fixtures) {
    const dir = join(FIXTURES, name);
    describe(name, () => {
      it('--list gives the same JSON', () => {
        const inv = load(sourcesOf(dir));
        const expected = JSON.parse(readFileSync(join(dir, 'expected.list.json'), 'utf8'));
        const got = JSON.parse(pythonJson(inventoryList(inv, { showSecrets: true })));
        expect(got).to.deep.equal(expected);
      });
      it('--graph gives the same text', () => {
        const inv = load(sourcesOf(dir));
        expect(inventoryGraph(inv) + '\n').to.equal(readFileSync(join(dir, 'expected.graph.txt'), 'utf8'));
      });
      it('--graph --vars gives the same text', () => {
        const inv = load(sourcesOf(dir));
        expect(inventoryGraph(inv, 'all', { vars: true, showSecrets: true }) + '\n').to.equal(
          readFileSync(join(dir, 'expected.graph-vars.txt'), 'utf8'),
        );
      });
    });
  }
});

describe('inventory: variables', () => {
  const inv = () => load(['test/fixtures/inventories/kubeasz/hosts']);
  it('types INI values as Ansible does', () => {
    const v = hostVars(inv(), '192.168.56.15');
    expect(v.SECURE_PORT).to.equal('6443');
    expect(v.plain_int).to.equal(5);
    expect(v.plain_word).to.equal('yes');
    expect(v.ansible_port).to.equal(2222);
    expect(v.gpu).to.equal(false);
    expect(v.labels).to.deep.equal(['a', 'b']);
    expect(v.ratio).to.equal(1.5);
  });
  it('gives group_vars/all precedence over inventory-file group vars, as Ansible does', () => {
    const i = inv();
    expect(hostVars(i, '192.168.56.11').node_label).to.equal('from-group_vars-all');
    expect(hostVars(i, '192.168.56.14').node_label).to.equal('from-group_vars-kube_node');
  });
  it('exposes .env as `env` (lowest precedence), masked in output', () => {
    const i = inv();
    expect(hostVars(i, '192.168.56.11').env).to.deep.equal({ SSH_PASS: 's3cret-pass' });
    expect(i.env.SSH_PASS).to.equal('s3cret-pass');
    expect(inventoryHost(i, '192.168.56.11')).to.not.have.property('env');
    const g = inventoryGraph(i, 'all', { vars: true });
    expect(g).to.not.include('s3cret-pass');
  });
  it('magic variables and groups', () => {
    const i = inv();
    expect(magicVars(i, '192.168.56.11')).to.include({
      inventory_hostname: '192.168.56.11',
      inventory_hostname_short: '192',
    });
    expect(magicVars(i, '192.168.56.11').group_names).to.deep.equal(['chrony', 'etcd', 'k8s_cluster', 'kube_master']);
    const g = groupsMap(i);
    expect(g.k8s_cluster).to.deep.equal([
      '192.168.56.11',
      '192.168.56.12',
      '192.168.56.13',
      '192.168.56.14',
      '192.168.56.15',
      'node01',
      'node02',
      'node03',
    ]);
    expect(g.all![0]).to.equal('192.168.56.11');
    expect(g.ungrouped).to.deep.equal([]);
    expect(Object.keys(g).slice(0, 2)).to.deep.equal(['all', 'ungrouped']);
  });
  it('an ungrouped host has group_names [ungrouped], as Ansible', () => {
    const i = load(['test/fixtures/inventories/yaml/hosts.yml']);
    expect(magicVars(i, 'stray').group_names).to.deep.equal(['ungrouped']);
  });
  it('loads and resolves a 100-host inventory in a few ms', () => {
    const lines = [
      '[kube_node]',
      'node[001:100] k8s_nodename=n',
      '[kube_master]',
      'node[001:003]',
      '[all:vars]',
      'x="1"',
    ];
    const dir = writeTree({ hosts: lines.join('\n') });
    const t0 = performance.now();
    const i = load([join(dir, 'hosts')]);
    for (const h of i.hosts.keys()) hostVars(i, h);
    groupsMap(i);
    expect(performance.now() - t0).to.be.below(100);
    expect(i.hosts.size).to.equal(100);
  });
});

describe('kplay inventory (command)', () => {
  it('--host prints one host, secrets masked unless --show-secrets', () => {
    const dir = 'test/fixtures/inventories/kubeasz';
    const r = runInventory({ inventory: [join(dir, 'hosts')], host: '192.168.56.11' });
    expect(r.code).to.equal(0);
    expect(JSON.parse(r.stdout).k8s_nodename).to.equal('master-01-from-host_vars');
    const r2 = runInventory({ inventory: [join(dir, 'hosts')], host: 'nope' });
    expect(r2.code).to.equal(5);
    expect(r2.stderr).to.include('no host "nope"');
  });
  it('--list --limit keeps only the limited hosts', () => {
    const r = runInventory({ inventory: ['inventories/example'], list: true, limit: 'kube_node' });
    const d = JSON.parse(r.stdout);
    expect(Object.keys(d._meta.hostvars)).to.deep.equal(['192.168.56.14', '192.168.56.15']);
    expect(d.etcd).to.equal(undefined);
  });
  it('masks passwords', () => {
    const r = runInventory({ inventory: ['test/fixtures/inventories/secrets/hosts.yml'], host: 'h1' });
    expect(JSON.parse(r.stdout).ansible_password).to.equal(MASK);
    expect(JSON.parse(r.stdout).ansible_become_password).to.equal('{{ env.SSH_PASS }}'); // a template is not a secret
    const r2 = runInventory({
      inventory: ['test/fixtures/inventories/secrets/hosts.yml'],
      host: 'h1',
      showSecrets: true,
    });
    expect(JSON.parse(r2.stdout).ansible_password).to.equal('pw-in-inventory');
  });
  it('reports option errors with exit code 5 and inventory errors with 4', () => {
    expect(runInventory({ inventory: ['inventories/example'] }).code).to.equal(5);
    expect(runInventory({ inventory: ['inventories/example'], graph: true, group: 'nope' }).code).to.equal(5);
    expect(runInventory({ inventory: ['test/fixtures/inventories-bad/cycle'], list: true }).code).to.equal(4);
    expect(runInventory({ inventory: ['no/such/path'], list: true }).code).to.equal(1);
  });
});

describe('inventory: a site folder', () => {
  it('reads its inventory files and leaves keys, known_hosts and other files alone', () => {
    const dir = writeTree({
      'hosts.yml': 'all:\n  hosts:\n    a: {}\n',
      extra: '[web]\nb\n',
      known_hosts: '10.0.0.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL5CBYwkAzHV0B4FSI9aNLtOduQsAKI0lTlPTMgC5VnA\n',
      id_ed25519: '-----BEGIN OPENSSH PRIVATE KEY-----\nxxxx\n-----END OPENSSH PRIVATE KEY-----\n',
      'id_ed25519.pub': 'ssh-ed25519 AAAA kplay\n',
      'ca.pem': '-----BEGIN CERTIFICATE-----\n',
      notes: 'just some words here\n',
    });
    const p = new Problems();
    const inv = loadInventory([dir], p);
    expect(p.list.map((e) => e.message)).to.deep.equal([]);
    expect([...inv.hosts.keys()].sort()).to.deep.equal(['a', 'b']);
  });

  it('a binary (a NUL in its head) is never an inventory; a file is sniffed by its first lines only', () => {
    const dir = writeTree({
      hosts: '[web]\nb\n',
      // a binary whose head reads like INI: skipped for its NUL, not read as hosts
      'bin/tool': '[x]\nnot-a-host\0\x7fELF',
      // text that starts like prose: never parsed, however it goes on
      'bin/README': `words first\n${'[late]\nc\n'.repeat(5000)}`,
    });
    const p = new Problems();
    const inv = loadInventory([dir], p);
    expect(p.list.map((e) => e.message)).to.deep.equal([]);
    expect([...inv.hosts.keys()].sort()).to.deep.equal(['b']);
  });
});
