// Bad inventories: every problem is reported at once, with its message, line and column.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems, type KplayError } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { selectHosts } from '../../src/inventory/patterns.js';
import { writeTree } from '../support/tree.js';

interface Seen {
  msg: string;
  line: number | undefined;
  col: number | undefined;
  code: string;
  hint: string | undefined;
}

function problemsOf(files: Record<string, string>, sources = [Object.keys(files)[0]!]): Seen[] {
  const dir = writeTree(files);
  const problems = new Problems();
  loadInventory(
    sources.map((s) => join(dir, s)),
    problems,
  );
  return problems.list.map((e: KplayError) => ({
    msg: e.message,
    line: e.loc?.line,
    col: e.loc?.col,
    code: e.code,
    hint: e.hint,
  }));
}

function one(files: Record<string, string>): Seen {
  const list = problemsOf(files);
  expect(list, JSON.stringify(list, null, 1)).to.have.length(1);
  return list[0]!;
}

describe('inventory errors', () => {
  it('bad YAML syntax', () => {
    const p = one({ 'hosts.yml': 'all:\n  hosts:\n    a: [1\n' });
    expect(p.code).to.equal('YAML_SYNTAX');
    expect(p.msg).to.match(/^YAML syntax error: /);
    expect([p.line, p.col]).to.deep.equal([3, 8]); // where the unclosed [ opens (it was 4:1, past the end of the file)
  });
  it('hosts given as a list', () => {
    const p = one({ 'hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        - h1\n' });
    expect(p.msg).to.equal(
      '"hosts" of group "web" must be a mapping, got a list (write "host1:" on its own line, not "- host1")',
    );
    expect([p.line, p.col, p.code]).to.deep.equal([5, 9, 'INVENTORY']);
  });
  it('a name that is both a host and a group', () => {
    const p = one({
      'hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        db:\n    db:\n      hosts:\n        h1:\n',
    });
    expect(p.msg).to.equal('"db" is both a host and a group; patterns and group_vars/host_vars would be ambiguous');
    expect([p.line, p.col]).to.deep.equal([5, 9]);
  });
  it('an unknown key in a group, with did you mean', () => {
    const p = one({ 'hosts.yml': 'all:\n  chidren:\n    web:\n' });
    expect(p.msg).to.equal('unknown key "chidren" in group "all": a group has only hosts, children and vars');
    expect(p.hint).to.equal('did you mean "children"?');
    expect([p.line, p.col]).to.deep.equal([2, 3]);
  });
  it('a group given as a list', () => {
    const p = one({ 'hosts.yml': 'all:\n  children:\n    web: [a, b]\n' });
    expect(p.msg).to.equal('group "web" must be a mapping with hosts, children or vars, got a list');
    expect([p.line, p.col]).to.deep.equal([3, 10]);
  });
  it('an empty range node[3:1] (Ansible silently makes no host)', () => {
    const p = one({ hosts: '[kube_node]\nnode[3:1]\n' });
    expect(p.msg).to.equal('host range [3:1] is empty: 3 is greater than 1');
    expect([p.line, p.col]).to.deep.equal([2, 5]);
  });
  it('a range that is not a number: node[01:x]', () => {
    const p = one({ 'hosts.yml': 'all:\n  hosts:\n    node[01:x]:\n' });
    expect(p.msg).to.equal('host range [01:x]: begin and end must have the same width (01, x)');
    expect([p.line, p.col]).to.deep.equal([3, 9]);
    const q = one({ hosts: '[g]\n  web-[1:x].lan a=1\n' });
    expect(q.msg).to.equal('host range [1:x]: "x" is not a number or a single letter');
    expect([q.line, q.col]).to.deep.equal([2, 7]);
  });
  it('an INI host line with a word that is not k=v, and one with no name before "="', () => {
    const list = problemsOf({ hosts: '[etcd]\n192.168.56.11 ETCD_NAME=etcd1 oops =bad\n' });
    expect(list.map((p) => [p.msg, p.line, p.col])).to.deep.equal([
      ['expected key=value after the host name, got "oops"', 2, 31],
      ['missing variable name before "=" in "=bad"', 2, 36],
    ]);
  });
  it('an INI section of unknown type', () => {
    const p = one({ hosts: '[etcd]\nh1\n[etcd:bogus]\nx=1\n' });
    expect(p.msg).to.equal(
      'section [etcd:bogus] has an unknown type "bogus": use [etcd], [etcd:vars] or [etcd:children]',
    );
    expect([p.line, p.col]).to.deep.equal([3, 7]);
  });
  it(':children naming a group never declared (an error in Ansible too)', () => {
    const p = one({ hosts: '[etcd]\nh1\n[k8s:children]\netcd\nkube_nodes\n' });
    expect(p.msg).to.equal('section [k8s:children] names a group that is never declared: kube_nodes');
    expect([p.line, p.col]).to.deep.equal([5, 1]);
  });
  it(':vars for a group never declared', () => {
    const p = one({ hosts: '[etcd]\nh1\n[kube_node:vars]\nx=1\n' });
    expect(p.msg).to.equal(
      'section [kube_node:vars] is for a group that is never declared: add [kube_node] or [kube_node:children]',
    );
    expect([p.line, p.col]).to.deep.equal([3, 2]);
  });
  it('a loop in children', () => {
    const p = one({ hosts: '[a:children]\nb\n[b:children]\nc\n[c:children]\na\n' });
    expect(p.msg).to.equal('adding group "a" as a child of "c" makes a loop: "c" is already inside "a"');
    expect([p.line, p.col]).to.deep.equal([6, 1]);
  });
  it('a :vars line without "="', () => {
    const p = one({ hosts: '[all:vars]\nSECURE_PORT="6443"\n  CONTAINER_RUNTIME\n' });
    expect(p.msg).to.equal('expected key=value in [all:vars], got "CONTAINER_RUNTIME"');
    expect([p.line, p.col]).to.deep.equal([3, 3]);
  });
  it('an unclosed quote in a host line', () => {
    const p = one({ hosts: "[kube_master]\n192.168.56.11 k8s_nodename='master-01\n" });
    expect(p.msg).to.equal('cannot split the host line: no closing quotation');
    expect([p.line, p.col]).to.deep.equal([2, 28]);
  });
  it('a section with spaces', () => {
    const p = one({ hosts: '[kube master]\nh1\n' });
    expect(p.msg).to.equal(
      'invalid section "[kube master]": a section is [name], [name:vars] or [name:children], with no spaces',
    );
    expect([p.line, p.col]).to.deep.equal([1, 1]);
  });
  it('host vars that are not a mapping', () => {
    const p = one({ 'hosts.yml': 'all:\n  hosts:\n    h1: just-a-string\n' });
    expect(p.msg).to.equal('variables of host "h1" must be a mapping, got a string ("just-a-string")');
    expect([p.line, p.col]).to.deep.equal([3, 9]);
  });
  it('a bad ansible_group_priority', () => {
    const p = one({ 'hosts.yml': 'all:\n  children:\n    web:\n      vars:\n        ansible_group_priority: high\n' });
    expect(p.msg).to.equal('ansible_group_priority of group "web" must be a whole number, got "high"');
    expect([p.line, p.col]).to.deep.equal([5, 9]);
  });
  it('a group_vars file that is not a mapping', () => {
    const p = one({ hosts: '[etcd]\nh1\n', 'group_vars/etcd.yml': '- a\n- b\n' });
    expect(p.msg).to.equal('a vars file must hold a mapping of variables, got a list');
    expect([p.line, p.col]).to.deep.equal([1, 1]);
  });
  it('a plugin configuration file', () => {
    const p = one({ 'hosts.yml': 'plugin: aws_ec2\nregions: [x]\n' });
    expect(p.msg).to.match(/^inventory plugin configuration files \("plugin:"\) are not supported/);
    expect([p.line, p.col]).to.deep.equal([1, 1]);
  });
  it('a missing inventory path: NOT_FOUND', () => {
    const problems = new Problems();
    loadInventory(['/no/such/inventory'], problems);
    expect(problems.list.map((e) => [e.code, e.message, e.exitCode])).to.deep.equal([
      ['NOT_FOUND', 'inventory not found: /no/such/inventory', 1],
    ]);
  });
  it('reports every problem of a file at once, in order', () => {
    const list = problemsOf({
      hosts: '[etcd]\nnode[5:2]\n[etcd:wrong]\n[kube_node]\nh1 x\n[kube_master:children]\nnope\n',
    });
    expect(list.map((p) => [p.line, p.col])).to.deep.equal([
      [2, 5],
      [3, 7],
      [5, 4],
      [7, 1],
    ]);
  });
  it('reports problems of several files (YAML and INI) together', () => {
    const list = problemsOf({ 'a/hosts': '[g]\nh1 bad\n', 'b/hosts.yml': 'all:\n  hosts: [x]\n' }, [
      'a/hosts',
      'b/hosts.yml',
    ]);
    expect(list.map((p) => [p.msg.slice(0, 20), p.line, p.col])).to.deep.equal([
      ['expected key=value a', 2, 4],
      ['"hosts" of group "al', 2, 10],
    ]);
  });
});

describe('pattern errors', () => {
  const dir = writeTree({ hosts: '[g]\nh[1:3]\n' });
  const problems = new Problems();
  const inv = loadInventory([join(dir, 'hosts')], problems);
  const loc = { file: 'site.yml', line: 2, col: 10 };
  it('a bad regular expression', () => {
    expect(() => selectHosts(inv, '~[', { loc }))
      .to.throw(/invalid regular expression in host pattern "~\["/)
      .with.property('code', 'PATTERN');
    try {
      selectHosts(inv, '~[', { loc });
    } catch (e) {
      expect((e as KplayError).loc).to.deep.equal(loc);
    }
  });
  it('a bad subscript on a group', () => {
    expect(() => selectHosts(inv, 'g[x]', { loc }))
      .to.throw('bad subscript [x] on group "g"')
      .with.property('hint', 'use g[0], g[-1] or g[1:3] (first and last included)');
    expect(() => selectHosts(inv, 'g[-2:]')).to.throw('bad subscript [-2:] on group "g"');
  });
  it('a missing limit file', () => {
    expect(() => selectHosts(inv, 'all', { limit: '@/no/such/file' }))
      .to.throw(/cannot read limit file/)
      .with.property('code', 'NOT_FOUND');
  });
});
