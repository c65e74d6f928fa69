// INI values typed as Ansible types them (Python's ast.literal_eval), and Python's repr.
import { expect } from 'chai';
import { isTuple, parsePyValue, pyRepr } from '../../src/inventory/pyliteral.js';
import { expandRanges, splitPort } from '../../src/inventory/ranges.js';
import { shellSplit } from '../../src/core/shlex.js';

describe('INI values as Python literals', () => {
  const cases: [string, unknown][] = [
    ['1', 1],
    ['"6443"', '6443'],
    ["''", ''],
    ['True', true],
    ['true', 'true'],
    ['None', null],
    ['0644', '0644'],
    ['0x1F', 31],
    ['1_000', 1000],
    ['1e3', 1000],
    ['-5', -5],
    ['1.5e-3', 0.0015],
    ['[1, "a"]', [1, 'a']],
    ["{'a': [1, (2, 3)]}", { a: [1, [2, 3]] }],
    ['foo # c', 'foo # c'],
    ['1 # c', 1],
    ['/usr/bin/python3', '/usr/bin/python3'],
    ['"a" \'b\'', 'ab'],
    ['"tab\\there"', 'tab\there'],
    ['(1)', 1],
    ['{a:1}', '{a:1}'],
  ];
  for (const [text, value] of cases)
    it(`${text} -> ${JSON.stringify(value)}`, () => expect(parsePyValue(text)).to.deep.equal(value));
  it('keeps tuples apart for --graph --vars', () => {
    const t = parsePyValue('(1, 2)');
    expect(isTuple(t)).to.equal(true);
    expect(pyRepr(t)).to.equal('(1, 2)');
    expect(pyRepr({ a: [true, null, "it's"], b: 1.5 })).to.equal(`{'a': [True, None, "it's"], 'b': 1.5}`);
  });
});

describe('host ranges and ports', () => {
  it('expands ranges as Ansible', () => {
    expect(expandRanges('web[01:03]')).to.deep.equal(['web01', 'web02', 'web03']);
    expect(expandRanges('s[0:20:5]')).to.deep.equal(['s0', 's5', 's10', 's15', 's20']);
    expect(expandRanges('db-[a:b]-[1:2]')).to.deep.equal(['db-a-1', 'db-a-2', 'db-b-1', 'db-b-2']);
    expect(expandRanges('y[y:B]')).to.deep.equal(['yy', 'yz', 'yA', 'yB']);
    expect(expandRanges('lb[:2]')).to.deep.equal(['lb0', 'lb1', 'lb2']);
  });
  it('splits a port off', () => {
    expect(splitPort('host[001:003]:2200')).to.deep.equal({ name: 'host[001:003]', port: 2200 });
    expect(splitPort('fe80::1')).to.deep.equal({ name: 'fe80::1', port: undefined });
    expect(splitPort('[fe80::1]:22')).to.deep.equal({ name: 'fe80::1', port: 22 });
  });
  it('splits host lines as a POSIX shell with comments', () => {
    expect(shellSplit(`h1 a='x y' b="q\\"r" c=d#e f=g`).tokens.map((t) => t.text)).to.deep.equal([
      'h1',
      'a=x y',
      'b=q"r',
      'c=d',
    ]);
    expect(shellSplit(`h1 k8s_nodename=''`).tokens.map((t) => t.text)).to.deep.equal(['h1', 'k8s_nodename=']);
  });
});
