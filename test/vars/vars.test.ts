import { expect } from 'chai';
import { mergeVars, parseExtraVars, varSource } from '../../src/vars/vars.js';
import { KplayError } from '../../src/core/errors.js';
import { writeTree } from '../support/tree.js';
import { join } from 'node:path';

describe('variable precedence', () => {
  const layers = {
    roleDefaults: { a: 'default', b: 'default', c: 'default', d: 'default', e: 'default', f: 'default' },
    inventory: { b: 'inventory', c: 'inventory', d: 'inventory', e: 'inventory', f: 'inventory' },
    play: { c: 'play', d: 'play', e: 'play', f: 'play' },
    roleVars: { d: 'role', e: 'role', f: 'role' },
    task: { e: 'task', f: 'task' },
    extra: { f: 'extra' },
  };
  it('a higher layer wins, key by key', () => {
    expect(mergeVars(layers)).to.deep.equal({
      a: 'default',
      b: 'inventory',
      c: 'play',
      d: 'role',
      e: 'task',
      f: 'extra',
    });
  });
  it('tells where a value came from', () => {
    expect(varSource('c', layers)).to.equal('play');
    expect(varSource('f', layers)).to.equal('extra');
    expect(varSource('zzz', layers)).to.equal(undefined);
  });
  it('set_fact beats task vars, -e beats set_fact', () => {
    expect(mergeVars({ task: { x: 1 }, hostFacts: { x: 2 } }).x).to.equal(2);
    expect(mergeVars({ hostFacts: { x: 2 }, extra: { x: 3 } }).x).to.equal(3);
  });
  it('dicts are replaced whole, not merged (hash_behaviour=replace)', () => {
    expect(mergeVars({ inventory: { d: { a: 1, b: 2 } }, play: { d: { a: 9 } } }).d).to.deep.equal({ a: 9 });
  });
});

describe('-e extra vars', () => {
  it('k=v pairs are strings', () => {
    expect(parseExtraVars(['a=1 b="two words"'])).to.deep.equal({ a: '1', b: 'two words' });
  });
  it('JSON keeps types', () => {
    expect(parseExtraVars(['{"n": 1, "l": [1, 2], "b": true}'])).to.deep.equal({ n: 1, l: [1, 2], b: true });
  });
  it('@file reads YAML, later -e wins', () => {
    const dir = writeTree({ 'x.yml': 'a: 1\nb: [x]\n' });
    expect(parseExtraVars([`@${join(dir, 'x.yml')}`, 'a=2'])).to.deep.equal({ a: '2', b: ['x'] });
  });
  it('a missing @file is a bad option (exit 5)', () => {
    try {
      parseExtraVars(['@/nonexistent/x.yml']);
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(KplayError);
      expect((e as KplayError).exitCode).to.equal(5);
      expect((e as KplayError).message).to.match(/extra vars file not found: \/nonexistent\/x.yml/);
    }
  });
  it('a word without = is a bad option', () => {
    expect(() => parseExtraVars(['foo'])).to.throw(/'foo' is not key=value/);
  });
});
