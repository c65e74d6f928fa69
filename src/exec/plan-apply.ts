// kplay apply's first step: each host the plan was made for has what its plans read read again; a host where a
// fact differs is refused before anything is done on it (reported as a failed "Checking the plan" result,
// naming the fact); the others go on. Each host is checked once, in the first play it is in.
import type { EventBus } from '../events/bus.js';
import type { Recap } from '../events/recap.js';
import type { PlanExpect } from './planfile/expect.js';
import type { Conn, HostState } from './run-state.js';

export const CHECKING = 'Checking the plan';

export async function refuseDrifted(
  plan: PlanExpect,
  playHosts: string[],
  hosts: Map<string, HostState>,
  conn: (host: string) => Promise<Conn>,
  bus: EventBus,
  recap: Recap,
): Promise<void> {
  const mine = plan.unchecked(playHosts);
  if (mine.length === 0) return;
  bus.emit({ type: 'task_start', task: CHECKING, taskId: 'plan_check', hosts: mine, handler: false });
  await Promise.all(
    mine.map(async (h) => {
      const start = Date.now();
      let why: string | undefined;
      try {
        why = await plan.drift(h, async (target) => (await conn(target)).reader);
      } catch (e) {
        why = `what the plan read cannot be read again: ${(e as Error).message}`;
      }
      const ms = Date.now() - start;
      const base = { type: 'host_result', host: h, task: CHECKING, taskId: 'plan_check', ms } as const;
      if (!why) {
        recap.count(h, 'ok', ms);
        bus.emit({ ...base, status: 'ok' });
        return;
      }
      hosts.get(h)!.failed = true;
      recap.count(h, 'failed', ms);
      const msg = `${h} refused: ${why}; nothing was done on ${h} (make a new plan)`;
      bus.emit({ ...base, status: 'failed', msg, result: { failed: true, changed: false, msg } });
    }),
  );
}
