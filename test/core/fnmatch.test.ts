// One fnmatch, Python's, for host patterns, --start-at-task, apt version pins and tar excludes.
import { expect } from 'chai';
import { fnmatch } from '../../src/core/fnmatch.js';

describe('fnmatch', () => {
  const cases: [string, string, boolean][] = [
    ['*.txt', 'a/b.txt', true],
    ['web?', 'web1', true],
    ['web?', 'web10', false],
    ['1.2.*', '1.2.3-1', true],
    ['1.2.*', '1.23', false],
    ['node[1-3]', 'node2', true],
    ['node[!1-3]', 'node2', false],
    ['node[!1-3]', 'node4', true],
    ['[]]', ']', true],
    ['[!]]', ']', false],
    ['[!]]', 'a', true],
    ['[^a]', '^', true],
    ['a[', 'a[', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['Install*', 'Install etcd', true],
    ['install*', 'Install etcd', false],
  ];
  for (const [pat, s, want] of cases) {
    it(`${pat} ${want ? 'matches' : 'does not match'} ${s}`, () => {
      expect(fnmatch(pat).test(s)).to.equal(want);
    });
  }
});
