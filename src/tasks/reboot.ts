// reboot: restart the host and wait until it is back, as Ansible's reboot does. The plan reads the boot id
// (`boot_time_command`) and plans one change: a detached `shutdown -r now` (after pre_reboot_delay, at least 1 s,
// so the command that starts it returns first), marked with that boot id. The engine applies it and plans again:
// the second plan sees the mark and waits, over the run's reconnecting transport, until the boot id differs and
// `test_command` succeeds, then post_reboot_delay; it fails after reboot_timeout. Result: `rebooted`, `elapsed`.
// In check mode the task is changed and nothing is run.
import type { FactReader, Plan } from './contract.js';
import { argFailed, taskFailed } from './lib/fsattrs.js';
import { aint, astr, defineTask } from './lib/schema.js';
import { splitCommand } from './lib/split-command.js';
import { Waiting } from './lib/waiting.js';

const SHUTDOWN =
  'nohup sh -c \'sleep "$1"; if command -v shutdown >/dev/null; then shutdown -r now "$2"; else reboot; fi\' ' +
  'reboot "$1" "$2" >/dev/null 2>&1 &';

const DETACHED = 'nohup sh -c "$1" >/dev/null 2>&1 &';

/** A command's output, or undefined while the host cannot answer (rebooting). */
async function tryProbe(facts: FactReader, argv: string[]): Promise<{ rc: number; out: string } | undefined> {
  try {
    const r = await facts.probe(argv, { fresh: true });
    return { rc: r.rc, out: r.stdout.trim() };
  } catch {
    return undefined;
  }
}

export const reboot = defineTask({
  name: 'reboot',
  description: 'Reboot the host and wait until it is back (a new boot id, test_command succeeds).',
  args: {
    pre_reboot_delay: aint().default(0),
    post_reboot_delay: aint().default(0),
    reboot_timeout: aint().default(600),
    connect_timeout: aint(),
    test_command: astr().default('whoami'),
    msg: astr().default('Reboot initiated by Ansible'),
    boot_time_command: astr().default('cat /proc/sys/kernel/random/boot_id'),
    search_paths: astr(),
    reboot_command: astr(),
  },
  returns: { rebooted: 'true once the host came back', elapsed: 'seconds from the reboot to the host answering' },
  example: '- reboot: reboot_timeout=600\n  when: kernel_updated is changed',
  async plan(args, host, facts): Promise<Plan> {
    const bootArgv = splitCommand(args.boot_time_command);
    const before = host.applied?.get('reboot');
    if (before !== undefined) return { changes: [], result: await waitBack(args, facts, bootArgv, before) };
    const boot = await facts.probe(bootArgv, { fresh: true });
    if (boot.rc !== 0) throw taskFailed(`Failed to get the boot time: ${boot.stderr.trim() || `rc ${boot.rc}`}`);
    const delay = String(Math.max(args.pre_reboot_delay, 1));
    // detached, so the command that starts it returns before sshd goes away
    const exec = args.reboot_command
      ? ['sh', '-c', DETACHED, 'reboot', `sleep ${delay}; ${args.reboot_command}`]
      : ['sh', '-c', SHUTDOWN, 'reboot', delay, args.msg];
    return {
      changes: [
        {
          summary: 'reboot: restart the host and wait for it',
          actions: [{ exec }],
          // a reboot restarts every service and empties /run and /tmp
          touches: ['service:*', 'file:/run/', 'file:/tmp/'],
          mark: { key: 'reboot', value: boot.stdout.trim() },
          repeats: true,
        },
      ],
      result: { rebooted: true },
    };
  },
});

async function waitBack(
  args: { reboot_timeout: number; post_reboot_delay: number; test_command: string },
  facts: FactReader,
  bootArgv: string[],
  before: string,
): Promise<{ rebooted: boolean; elapsed: number }> {
  const clock = new Waiting(facts);
  const until = (what: string, ok: () => Promise<boolean>) =>
    clock.until(ok, 1, args.reboot_timeout, () =>
      argFailed('reboot_timeout', `Timed out waiting for ${what} (timeout=${args.reboot_timeout})`),
    );
  await until('last boot time check', async () => {
    const r = await tryProbe(facts, bootArgv);
    return r !== undefined && r.rc === 0 && r.out !== '' && r.out !== before;
  });
  const test = splitCommand(args.test_command);
  await until('post-reboot test command', async () => (await tryProbe(facts, test))?.rc === 0);
  await clock.sleep(args.post_reboot_delay);
  return { rebooted: true, elapsed: Math.floor(clock.spent()) };
}
