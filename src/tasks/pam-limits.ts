// pam_limits: one limit (domain, type, item, value) in a limits.conf file (default /etc/security/limits.conf).
// Every line naming the same domain, type and item whose value differs is rewritten as
// `domain<TAB>type<TAB>item<TAB>value[<TAB>#comment]`; when none names them, that line is appended. Values are
// compared as written (`-1` and `unlimited` differ), except with use_max/use_min, where the larger (smaller)
// of the file's and the task's is kept, unlimited (-1, infinity) being the largest. A missing file is made
// (mode 0644); a missing folder fails. A rewritten line keeps its own comment unless `comment` is given.
// Deliberate differences from Ansible (docs/ansible-differences.md): a rewritten line that had a comment is not
// followed by an extra blank line, a line's comment is not carried to another matching line, and a file not
// ending in a newline gets one before the appended line (Ansible glues the two lines together).
import { posix } from 'node:path';
import type { Action, Plan } from './contract.js';
import { backupAction, backupName, taskFailed } from './lib/fsattrs.js';
import { splitLines } from './lib/py-regex.js';
import { abool, apath, astr, choice, defineTask } from './lib/schema.js';

// biome-ignore format: a table
const ITEMS = [
  'core', 'data', 'fsize', 'memlock', 'nofile', 'rss', 'stack', 'cpu', 'nproc', 'as', 'maxlogins', 'maxsyslogins',
  'priority', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'chroot',
] as const;

const UNLIMITED = new Set(['unlimited', 'infinity', '-1']);

/** Ansible's check of a value for its item; the message when it is refused. */
function badValue(item: string, value: string): string | undefined {
  const tail = 'Refer to the limits.conf(5) manual pages for more details.';
  if (item === 'nice' || item === 'priority') {
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (n >= -20 && n <= 19) return undefined;
    return (
      `Value of '${value}' for item '${item}' is invalid. ` +
      `Value must be a number in the range -20 to 19 inclusive. ${tail}`
    );
  }
  if (UNLIMITED.has(value) || /^\d+$/.test(value)) return undefined;
  return (
    `Value of '${value}' for item '${item}' is invalid. Value must either be 'unlimited', 'infinity' or -1, all of ` +
    `which indicate no limit, or a limit of 0 or larger. ${tail}`
  );
}

const rank = (v: string) => (UNLIMITED.has(v) ? Number.POSITIVE_INFINITY : Number(v));

/** The value to write over `cur` (the file's): the task's, or with use_max / use_min the larger / smaller. */
function pick(cur: string, want: string, useMax: boolean, useMin: boolean): string {
  if (useMax) return rank(want) > rank(cur) ? want : cur;
  if (useMin) return rank(want) < rank(cur) ? want : cur;
  return want;
}

interface Limit {
  domain: string;
  type: string;
  item: string;
  value: string;
  comment?: string | undefined;
}

const LINE_RE = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(?:#(.*))?$/;

function parse(line: string): Limit | undefined {
  const bare = line.replace(/[\r\n]+$/, '');
  if (/^\s*(#|$)/.test(bare)) return undefined;
  const m = LINE_RE.exec(bare);
  return m ? { domain: m[1]!, type: m[2]!, item: m[3]!, value: m[4]!, comment: m[5] } : undefined;
}

const format = (l: Limit) => `${l.domain}\t${l.type}\t${l.item}\t${l.value}${l.comment ? `\t#${l.comment}` : ''}\n`;

export const pam_limits = defineTask({
  name: 'pam_limits',
  description: 'Set one PAM limit (domain, type, item, value) in limits.conf.',
  args: {
    domain: astr(),
    limit_type: choice(['hard', 'soft', '-']),
    limit_item: choice(ITEMS as unknown as [string, ...string[]]),
    value: astr(),
    use_max: abool().default(false),
    use_min: abool().default(false),
    backup: abool().default(false),
    dest: apath().default('/etc/security/limits.conf'),
    comment: astr().default(''),
  },
  required: ['domain', 'limit_type', 'limit_item', 'value'],
  returns: { msg: 'the line as written (or as found, when nothing changed)', backup_file: 'backup path, backup=yes' },
  example: '- pam_limits: domain="*" limit_type=soft limit_item=nofile value=65536',
  async plan(args, _host, facts): Promise<Plan> {
    const [item, value, dest] = [args.limit_item!, args.value!.trim(), args.dest];
    const bad = badValue(item, value);
    if (bad) throw taskFailed(bad);
    if (args.use_max && args.use_min) throw taskFailed('Cannot use use_min and use_max at the same time.');
    const st = await facts.stat(dest, { follow: true });
    if (st.isdir) throw taskFailed(`${dest} is a directory`);
    if (!st.exists && !(await facts.stat(posix.dirname(dest), { follow: true })).isdir)
      throw taskFailed(`directory ${posix.dirname(dest)} is not writable (check presence, access rights, use sudo)`);
    const before = st.exists ? ((await facts.read(dest)) ?? Buffer.alloc(0)).toString('utf8') : '';
    const lines = splitLines(before);
    const want = { domain: args.domain!, type: args.limit_type!, item };
    let found = false;
    let msg = '';
    const out = lines.map((line) => {
      const l = parse(line);
      if (!l || l.domain !== want.domain || l.type !== want.type || l.item !== want.item) return line;
      found = true;
      const v = pick(l.value, value, args.use_max, args.use_min);
      const next = v === l.value ? line : format({ ...l, value: v, comment: args.comment || l.comment });
      msg = next.endsWith('\n') ? next : `${next}\n`;
      return next;
    });
    if (!found) {
      if (out.length && !out.at(-1)!.endsWith('\n')) out[out.length - 1] += '\n';
      msg = format({ ...want, value, comment: args.comment || undefined });
      out.push(msg);
    }
    const after = out.join('');
    if (after === before) return { changes: [], result: { msg } };
    const actions: Action[] = [];
    const result: Record<string, unknown> = { msg };
    if (args.backup && st.exists) {
      result.backup_file = backupName(dest);
      actions.push(backupAction(dest, result.backup_file as string));
    }
    actions.push({ put: dest, content: Buffer.from(after), mode: st.exists ? undefined : '0644' });
    return {
      changes: [
        {
          summary: `pam_limits: ${dest}: ${found ? 'set' : 'add'} ${msg.trim().replace(/\t/g, ' ')}`,
          diff: { path: dest, before, after },
          actions,
          touches: [`file:${dest}`],
        },
      ],
      result,
    };
  },
});
