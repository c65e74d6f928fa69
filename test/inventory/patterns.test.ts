// Host patterns: expected hosts and warnings are what `ansible -i INV PATTERN --list-hosts` printed
// (ansible-core 2.14).
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { selectHosts, splitPatterns } from '../../src/inventory/patterns.js';
import { writeTree } from '../support/tree.js';

describe('host patterns', () => {
  const dir = writeTree({ hosts: 'u1\n[g]\nh[1:6]\n[k]\nh2\nh9\n[k:children]\ng\n', limit: 'h3\n\nh4\n' });
  const inv = loadInventory([join(dir, 'hosts')], new Problems());
  const cases: [string, string[], string[]?][] = [
    ['g[0]', ['h1']],
    ['g[-1]', ['h6']],
    ['g[1:3]', ['h2', 'h3', 'h4']],
    ['g[4:]', ['h5', 'h6']],
    ['g[1:]', ['h2', 'h3', 'h4', 'h5', 'h6']],
    ['g[3:1]', []],
    ['g[10]', [], ["No hosts matched the subscripted pattern 'g[10]'"]],
    ['k', ['h2', 'h9', 'h1', 'h3', 'h4', 'h5', 'h6']],
    ['k[0]', ['h2']],
    ['g:!k', []],
    ['k:!g', ['h9']],
    ['!g:k', ['h9']],
    ['g:&k', ['h1', 'h2', 'h3', 'h4', 'h5', 'h6']],
    ['k:&g[1:3]', ['h2', 'h3', 'h4']],
    ['all:!g[0]', ['u1', 'h2', 'h9', 'h3', 'h4', 'h5', 'h6']],
    ['h2,u1', ['h2', 'u1']],
    ['~h[12]', ['h1', 'h2']],
    ['h*', ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h9']],
    ['all', ['u1', 'h2', 'h9', 'h1', 'h3', 'h4', 'h5', 'h6']],
    ['*', ['u1', 'h2', 'h9', 'h1', 'h3', 'h4', 'h5', 'h6']],
    ['nope:g', ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], ['Could not match supplied host pattern, ignoring: nope']],
    ['g,nope2', ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], ['Could not match supplied host pattern, ignoring: nope2']],
    ['H2', [], ['Could not match supplied host pattern, ignoring: H2']],
    ['h[1:2]', [], ['Could not match supplied host pattern, ignoring: h']],
    ['g[1-3]', ['h2', 'h3', 'h4'], ['Use [x:y] inclusive subscripts instead of [x-y] which has been removed']],
    ['localhost', ['localhost']],
  ];
  for (const [pattern, hosts, warnings] of cases) {
    it(`${pattern} -> ${hosts.join(',') || '(none)'}`, () => {
      expect(selectHosts(inv, pattern)).to.deep.equal({ hosts, warnings: warnings ?? [] });
    });
  }
  it('--limit narrows, and @file reads one pattern a line', () => {
    expect(selectHosts(inv, 'k', { limit: 'g[0:1]' }).hosts).to.deep.equal(['h2', 'h1']);
    expect(selectHosts(inv, 'all', { limit: '@limit', baseDir: dir }).hosts).to.deep.equal(['h3', 'h4']);
    expect(selectHosts(inv, 'all', { limit: `@${join(dir, 'limit')},u1` }).hosts).to.deep.equal(['u1', 'h3', 'h4']);
  });
  it('splits on commas, or on colons outside brackets; IPv6 stays whole', () => {
    expect(splitPatterns('a:b[1:2]:&c:!d')).to.deep.equal(['a', 'b[1:2]', '&c', '!d']);
    expect(splitPatterns(' a , b:c ')).to.deep.equal(['a', 'b:c']);
    expect(splitPatterns('fe80::1')).to.deep.equal(['fe80::1']);
    expect(splitPatterns('192.168.*:!192.168.56.1')).to.deep.equal(['192.168.*', '!192.168.56.1']);
  });
  it('globs on addresses', () => {
    const i2 = loadInventory(['inventories/example'], new Problems());
    expect(selectHosts(i2, '192.168.56.1[!0-3]').hosts).to.deep.equal(['192.168.56.14', '192.168.56.15']);
    expect(selectHosts(i2, 'kube_master:&192.168.*:!chrony').hosts).to.deep.equal(['192.168.56.12', '192.168.56.13']);
  });
});
