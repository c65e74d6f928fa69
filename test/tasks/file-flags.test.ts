// file's attributes: the chattr that takes lsattr's flags to what `+A`, `-A` or `=A` asks, and nothing when they
// are right already (the flags the filesystem keeps, such as ext4's `e`, never count).
import { expect } from 'chai';
import { chattrArgs, parseLsattr } from '../../src/tasks/lib/file-flags.js';

describe('file attributes (chattr from lsattr)', () => {
  const cases: [string, string, string[]][] = [
    ['A', '--------------e------- /f', ['+A']],
    ['+A', '-------A------e------- /f', []],
    ['A', '-------A------e------- /f', []],
    ['=A', '----i--A------e------- /f', ['-i']],
    ['-A', '-------A------e------- /f', ['-A']],
    ['-A', '--------------e------- /f', []],
    ['', '-------A------e------- /f', ['-A']],
    ['', '--------------e------- /f', []],
    ['+iA', '-------A------e------- /f', ['+i']],
    ['ai', '-------A------e------- /f', ['+ai', '-A']],
  ];
  for (const [spec, lsattr, want] of cases)
    it(`${JSON.stringify(spec)} on ${lsattr.split(' ')[0]}: ${JSON.stringify(want)}`, () =>
      expect(chattrArgs(spec, parseLsattr(lsattr))).to.deep.equal(want));

  it('refuses what is not a flag letter', () =>
    expect(() => chattrArgs('+1', new Set())).to.throw("attributes: '1' is not a file flag"));
});
