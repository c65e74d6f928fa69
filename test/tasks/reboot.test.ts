// reboot over a fake host that goes away and comes back: the plan is one detached shutdown marked with the boot
// id; the plan after it waits for another boot id and a working test_command, and fails after reboot_timeout.
import { expect } from 'chai';
import type { ProbeResult } from '../../src/tasks/contract.js';
import { reboot } from '../../src/tasks/reboot.js';
import { FakeHost } from '../support/fake-host.js';
import { hostView, planError, planOn } from '../support/plan-harness.js';

/** Answers the boot id `a`; after `shutdown`, fails `down` probes (unreachable), then answers `b`. */
class Rebooting extends FakeHost {
  probes = 0;
  constructor(
    private readonly down: number,
    private readonly after = 'b',
    private readonly testFails = 0,
  ) {
    super();
  }
  override async probe(argv: string[], opts: { fresh?: boolean } = {}): Promise<ProbeResult> {
    expect(opts.fresh, argv.join(' ')).to.equal(true);
    if (this.probes++ < this.down) throw new Error('the connection was lost');
    if (argv[0] === 'whoami')
      return { rc: this.probes <= this.down + 1 + this.testFails ? 1 : 0, stdout: 'root\n', stderr: '' };
    return { rc: 0, stdout: `${this.after}\n`, stderr: '' };
  }
}

describe('reboot', () => {
  it('plans one detached shutdown, marked with the boot id', async () => {
    const h = new Rebooting(0, 'a');
    const plan = await planOn(reboot, { pre_reboot_delay: 0, msg: 'kernel' }, h);
    expect(plan.changes).to.have.length(1);
    const [c] = plan.changes;
    expect(c!.mark).to.deep.equal({ key: 'reboot', value: 'a' });
    const exec = (c!.actions[0] as { exec: string[] }).exec;
    expect(exec.slice(0, 2)).to.deep.equal(['sh', '-c']);
    expect(exec[2]).to.match(/^nohup sh -c .*shutdown -r now "\$2".* &$/);
    expect(exec.slice(3)).to.deep.equal(['reboot', '1', 'kernel']);
    expect(plan.result).to.deep.equal({ rebooted: true });
  });

  const back: [string, Rebooting, Record<string, unknown>, number[]][] = [
    ['back at once', new Rebooting(0), {}, []],
    ['away for 3 tries', new Rebooting(3), {}, [1, 1, 1]],
    ['the test command fails twice', new Rebooting(0, 'b', 2), {}, [1, 1]],
    ['post_reboot_delay', new Rebooting(1), { post_reboot_delay: 5 }, [1, 5]],
  ];
  for (const [name, h, args, waited] of back)
    it(`the plan after it waits: ${name}`, async () => {
      const plan = await planOn(reboot, args, h, { ...hostView(), applied: new Map([['reboot', 'a']]) });
      expect(plan.changes).to.deep.equal([]);
      expect(plan.result).to.deep.equal({ rebooted: true, elapsed: waited.reduce((a, b) => a + b, 0) });
      expect(h.waited).to.deep.equal(waited);
    });

  it('the same boot id until reboot_timeout: fails', async () => {
    const h = new Rebooting(0, 'a');
    const msg = await planError(reboot, { reboot_timeout: 3 }, h, {
      ...hostView(),
      applied: new Map([['reboot', 'a']]),
    });
    expect(msg).to.equal('Timed out waiting for last boot time check (timeout=3)');
  });
});
