// The kernel modules' tests run against a fake host with live kernel state (SysHost): each case is planned
// (planning must change nothing, files or live state), applied, and planned again (converges).
import { expect } from 'chai';
import type { TaskModule } from '../../../src/tasks/contract.js';
import { converge, planOn } from '../../support/plan-harness.js';
import { SysHost } from '../system-fake.js';

export interface Case {
  name: string;
  setup: (h: SysHost) => void;
  args: Record<string, unknown>;
  /** Expected change summaries ([] = ok, nothing to do). */
  changes: RegExp[];
  check?: (h: SysHost, plan: Awaited<ReturnType<typeof planOn>>) => void;
}

export function table(mod: TaskModule, cases: Case[], files: Record<string, string> = {}) {
  for (const c of cases) {
    it(c.name, async () => {
      const h = new SysHost({
        '/etc/sysctl.d/README': '',
        '/etc/modules-load.d/.keep': '',
        '/etc/modprobe.d/.keep': '',
        ...files,
      });
      c.setup(h);
      const plan = await planOn(mod, c.args, h);
      expect(plan.changes.map((x) => x.summary)).to.have.length(
        c.changes.length,
        plan.changes.map((x) => x.summary).join('; '),
      );
      plan.changes.forEach((x, i) => expect(x.summary).to.match(c.changes[i]!));
      if (plan.changes.length) await converge(mod, c.args, h);
      c.check?.(h, plan);
    });
  }
}

export const FSTAB = '# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\n';
