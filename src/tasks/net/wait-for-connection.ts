// wait_for_connection: wait until the host answers again (after a reboot, a network change): after `delay`
// seconds, run `true` on it over the run's connection (reconnecting when it was lost) every `sleep` seconds
// until it answers or `timeout` seconds passed. Result: `elapsed` (whole seconds, the delay included). Changes
// nothing. The connection's own timeout (ansible_ssh_timeout) bounds each attempt: `connect_timeout` is accepted
// for Ansible's playbooks and does not shorten it (docs/ansible-differences.md).
import type { Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { aint, defineTask } from '../lib/schema.js';

export const wait_for_connection = defineTask({
  name: 'wait_for_connection',
  description: 'Wait until the host can be reached again (after a reboot); nothing is changed.',
  args: {
    connect_timeout: aint().default(5),
    delay: aint().default(0),
    sleep: aint().default(1),
    timeout: aint().default(600),
  },
  returns: { elapsed: 'seconds waited, the delay included' },
  example: '- wait_for_connection: delay=10 timeout=300',
  async plan(args, _host, facts): Promise<Plan> {
    const start = Date.now();
    // seconds spent: the clock's, or at least the waits asked for (a reader that does not sleep)
    let waited = args.delay;
    const spent = () => Math.max((Date.now() - start) / 1000, waited);
    if (args.delay > 0) await facts.wait(args.delay);
    let last = '';
    for (;;) {
      try {
        const r = await facts.probe(['true'], { fresh: true });
        if (r.rc === 0) return { changes: [], result: { elapsed: Math.floor(spent()) } };
        last = `rc=${r.rc} ${r.stderr.trim()}`;
      } catch (e) {
        last = (e as Error).message;
      }
      if (spent() + args.sleep > args.timeout) throw taskFailed(`timed out waiting for ping module test: ${last}`);
      waited += args.sleep;
      await facts.wait(args.sleep);
    }
  },
});
