// tempfile: a new, uniquely named file (mode 0600) or folder (0700) under `path` (the host's TMPDIR, else /tmp),
// named prefix + 8 random characters + suffix; `path` in the result. The name is chosen when the task is planned
// and made with O_EXCL semantics (`set -C` for a file, `mkdir` for a folder), so an existing path is never
// reused: the task fails instead. Each run makes a new one, so it is always changed and, like a command, not
// planned again after it ran (check mode reports it changed and makes nothing: the name it shows is not made).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Plan } from './contract.js';
import { apath, astr, choice, defineTask } from './lib/schema.js';

const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_';

function randomName(): string {
  return [...randomBytes(8)].map((b) => CHARS[b % CHARS.length]).join('');
}

export const tempfile = defineTask({
  name: 'tempfile',
  description: 'Make a new temporary file or folder with a unique name; its path is in the result.',
  converges: false,
  args: {
    state: choice(['file', 'directory']).default('file'),
    path: apath(),
    prefix: astr().default('ansible.'),
    suffix: astr().default(''),
  },
  returns: { path: 'the path made' },
  example: '- tempfile: state=directory suffix=build\n  register: work',
  async plan(args, _host, facts): Promise<Plan> {
    const env = ((await facts.facts()).ansible_env ?? {}) as Record<string, unknown>;
    const dir = args.path ?? (typeof env.TMPDIR === 'string' && env.TMPDIR ? env.TMPDIR : '/tmp');
    const path = posix.join(dir, `${args.prefix}${randomName()}${args.suffix}`);
    const dirMode = args.state === 'directory';
    const make = dirMode
      ? ['mkdir', '-m', '0700', '--', path]
      : ['sh', '-c', 'umask 077 && set -C && : > "$1"', 'tempfile', path];
    return {
      changes: [
        {
          summary: `tempfile: make a ${dirMode ? 'folder' : 'file'} under ${dir}`,
          actions: [{ exec: make }],
          touches: [`file:${path}`],
          madeAnew: true,
        },
      ],
      result: { path, state: args.state },
    };
  },
});
