// wait_for_connection: wait until the host answers again (after a reboot, a network change): after `delay`
// seconds, run `true` on it over the run's connection (reconnecting when it was lost) every `sleep` seconds
// until it answers or `timeout` seconds passed. Result: `elapsed` (whole seconds, the delay included). Changes
// nothing. The connection's own timeout (ansible_ssh_timeout) bounds each attempt: `connect_timeout` is accepted
// for Ansible's playbooks and does not shorten it (docs/ansible-differences.md).
import type { Plan } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';
import { aint, defineTask } from '../lib/schema.js';
import { Waiting } from '../lib/waiting.js';

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
    const clock = new Waiting(facts);
    await clock.sleep(args.delay);
    let last = '';
    await clock.until(
      async () => {
        try {
          const r = await facts.probe(['true'], { fresh: true });
          last = `rc=${r.rc} ${r.stderr.trim()}`;
          return r.rc === 0;
        } catch (e) {
          last = (e as Error).message;
          return false;
        }
      },
      args.sleep,
      args.timeout,
      () => taskFailed(`timed out waiting for ping module test: ${last}`),
    );
    return { changes: [], result: { elapsed: Math.floor(clock.spent()) } };
  },
});
