// script: a controller file (found like copy's src: the role's files/, the playbook's files/ ...) is put to
// a temp path on the host (0700), run through /bin/sh (or `executable`) with its arguments, then
// removed. creates/removes skip it; like command it is not idempotent otherwise.
import type { Action, Plan } from '../contract.js';
import { splitCommand } from '../lib/split-command.js';
import { taskFailed } from '../lib/fsattrs.js';
import { abool, astr, defineTask, apath } from '../lib/schema.js';
import { quote } from '../../core/shell-quote.js';
import { findControllerFile, hostTemp } from './shared.js';

export const script = defineTask({
  name: 'script',
  description: 'Send a script from the controller to the host and run it there (removed afterwards).',
  freeForm: true,
  // the options its line may carry, as in Ansible (other words with a `=` are the script's arguments)
  freeFormKeys: ['chdir', 'creates', 'removes', 'executable'],
  converges: false,
  args: {
    _raw_params: astr(),
    cmd: astr(),
    creates: apath(),
    removes: apath(),
    chdir: apath(),
    executable: apath(),
    decrypt: abool().default(true),
  },
  requiredOneOf: [['_raw_params', 'cmd']],
  mutuallyExclusive: [['_raw_params', 'cmd']],
  returns: {
    rc: 'exit code',
    stdout: 'standard output',
    stderr: 'standard error',
    stdout_lines: 'stdout split in lines',
  },
  example: '- script: files/prepare.sh --force\n  args:\n    creates: /etc/prepared',
  async plan(args, host, facts): Promise<Plan> {
    const line = (args._raw_params ?? args.cmd ?? '').trim();
    const m = /^("[^"]*"|'[^']*'|\S+)\s*([\s\S]*)$/.exec(line);
    if (!m) throw taskFailed('script: no script given');
    const file = splitCommand(m[1]!)[0]!;
    const rest = m[2]!;
    // skipped, as Ansible's script action skips (the engine reports a plan whose result says so as skipped)
    const skipped = (msg: string): Plan => ({ changes: [], result: { skipped: true, changed: false, msg } });
    if (args.creates !== undefined && (await facts.stat(args.creates, { follow: false })).exists)
      return skipped(`${args.creates} exists, matching creates option`);
    if (args.removes !== undefined && !(await facts.stat(args.removes, { follow: false })).exists)
      return skipped(`${args.removes} does not exist, matching removes option`);
    const { content } = await findControllerFile(facts, host, file);
    const tmp = hostTemp('script', file);
    const run = `${args.executable ? `${args.executable} ` : ''}${quote(tmp)}${rest ? ` ${rest}` : ''}`;
    const actions: Action[] = [
      { put: tmp, content, mode: '0700' },
      { exec: ['/bin/sh', '-c', run], cwd: args.chdir },
      { remove: tmp },
    ];
    const touches = [args.creates, args.removes].filter((p): p is string => p !== undefined).map((p) => `file:${p}`);
    // check mode: Ansible skips a script, but reports it changed when creates/removes would let it run
    const checkResult = touches.length
      ? { changed: true }
      : { skipped: true, changed: false, msg: 'Check mode is not supported for this task.' };
    return { changes: [{ summary: `script: ${line}`, actions, touches }], result: {}, checkResult };
  },
});
