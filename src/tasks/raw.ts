// raw: a command line run as it is, through /bin/sh (or `executable`), with nothing else around it: no
// creates/removes/chdir, no arguments of its own. Like shell it is not expected to converge: it is reported
// changed, and a non-zero exit fails it. Differences (docs/ansible-differences.md): stderr is kept apart from
// stdout (Ansible's raw runs with a terminal over ssh, which mixes them), and check mode reports it as it
// reports every command (changed, not run) where Ansible skips it.
import type { Plan } from './contract.js';
import { taskFailed } from './lib/fsattrs.js';
import { apath, astr, defineTask } from './lib/schema.js';

export const raw = defineTask({
  name: 'raw',
  description: 'Run a command line as it is, through /bin/sh (no Python needed on the host, none used anyway).',
  freeForm: 'script',
  freeFormKeys: ['executable'],
  converges: false,
  args: { _raw_params: astr(), executable: apath() },
  required: ['_raw_params'],
  returns: { rc: 'exit status', stdout: 'standard output', stderr: 'standard error', stdout_lines: 'stdout, by line' },
  example: '- raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3)',
  async plan(args): Promise<Plan> {
    const line = args._raw_params ?? '';
    if (line.trim() === '') throw taskFailed('no command given');
    return {
      changes: [
        { summary: `raw: ${line}`, actions: [{ exec: [args.executable ?? '/bin/sh', '-c', line] }], touches: [] },
      ],
      result: {},
    };
  },
});
