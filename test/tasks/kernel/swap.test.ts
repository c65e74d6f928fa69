// swap (kplay's own) against a fake host with live swap state.
import { expect } from 'chai';
import { converge, planOn } from '../../support/plan-harness.js';
import { SysHost } from '../system-fake.js';
import { swap } from '../../../src/tasks/kernel/swap.js';
import { FSTAB } from './table.js';

describe('swap (kplay)', () => {
  it('active swap and fstab swap lines: swapoff -a and the lines commented out; then ok', async () => {
    const h = new SysHost({
      '/etc/fstab': `${FSTAB}/swap.img none swap sw 0 0\n#/old none swap sw 0 0\nUUID=x none swap defaults 0 0\n`,
    });
    h.swaps = ['/swap.img'];
    const p = await converge(swap, { state: 'absent' }, h);
    expect(p.changes.map((c) => c.summary)).to.deep.equal([
      'swap: swapoff -a (/swap.img)',
      'swap: comment out 2 swap line(s) in /etc/fstab',
    ]);
    expect(h.swaps).to.deep.equal([]);
    expect(h.text('/etc/fstab')).to.equal(
      `${FSTAB}#/swap.img none swap sw 0 0\n#/old none swap sw 0 0\n#UUID=x none swap defaults 0 0\n`,
    );
    expect(p.result).to.deep.equal({
      swaps: ['/swap.img'],
      lines: ['/swap.img none swap sw 0 0', 'UUID=x none swap defaults 0 0'],
    });
  });

  it('no swap anywhere (the lab): ok', async () => {
    const p = await planOn(swap, {}, new SysHost({ '/etc/fstab': '# UNCONFIGURED FSTAB FOR BASE SYSTEM\n' }));
    expect(p.changes).to.deep.equal([]);
  });
});
