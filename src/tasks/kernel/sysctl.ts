// sysctl (Ansible's args and defaults: sysctl_file=/etc/sysctl.conf, reload=yes, sysctl_set=no):
// - The file's value (the last `name = value` line wins, comments and `;` lines ignored) is compared with
//   `value` after normalising (booleans → 1/0, whitespace runs → one space). A changed key is written as
//   `name=value` in place of its first line; duplicates of that key are dropped; other lines are left as
//   they are (Ansible rewrites every key line as `k=v`; kplay only touches the key it manages).
// - The live value (`sysctl -n name`) is compared when sysctl_set=yes, and set with `sysctl -w name=value`
//   when it differs. With reload=yes and the file changing, the live value is set the same way.
//   Difference: Ansible's reload runs `sysctl -p <file>` (every key in the file, so one read-only key fails
//   the task); kplay sets this key only. The live value is set before the file is written, so a failure
//   leaves the file untouched and the next run fails the same way.
// - A key whose /proc/sys file is not writable (containers: only net.* are) fails the plan with the key and
//   the reason. `ignoreerrors: yes` (Ansible: ignore unknown keys) makes such keys, and unknown keys, ok:
//   the file is still managed, the live value is left alone, `msg` says so, and the task does not fail.
// - state=absent removes the key's lines from the file; the live value is not reset (as in Ansible).
import { boolWord } from '../../core/value-utils.js';
import type { Action, Plan, Vars } from '../contract.js';
import { argFailed, taskFailed } from '../lib/fsattrs.js';
import { splitLines } from '../lib/py-regex.js';
import { abool, astr, choice, defineTask, apath } from '../lib/schema.js';
import { needDir, probeKey, readText } from './shared.js';

/** Ansible's value parsing: booleans (and yes/no words) as 1/0, strings stripped. */
export function sysctlValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v).trim();
  const b = s === '' ? undefined : boolWord(s);
  return b === undefined ? s : b ? '1' : '0';
}

export const sameSysctl = (a: string, b: string) =>
  a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');

/** `a/b/c` and `a.b.c` name the same key. */
const keyOf = (k: string) => k.trim().replace(/\//g, '.');

interface SysctlLine {
  idx: number;
  key: string;
  value: string;
}

export function sysctlLines(lines: string[]): SysctlLine[] {
  const out: SysctlLine[] = [];
  lines.forEach((l, idx) => {
    const t = l.trim();
    if (!t || t.startsWith('#') || t.startsWith(';') || !t.includes('=')) return;
    const eq = t.indexOf('=');
    out.push({ idx, key: keyOf(t.slice(0, eq).replace(/^-/, '')), value: t.slice(eq + 1).trim() });
  });
  return out;
}

export const sysctl = defineTask({
  name: 'sysctl',
  description: 'Set a kernel parameter in a sysctl file and (reload / sysctl_set) on the running kernel.',
  args: {
    name: astr(),
    value: astr(),
    state: choice(['present', 'absent']).default('present'),
    sysctl_file: apath().default('/etc/sysctl.conf'),
    reload: abool().default(true),
    sysctl_set: abool().default(false),
    ignoreerrors: abool().default(false),
  },
  argAliases: { key: 'name', val: 'value' },
  required: ['name'],
  requiredIf: [['state', 'present', ['value']]],
  returns: {
    name: 'the key',
    value: 'the value asked for',
    sysctl_file: 'the file',
    msg: 'why the live value was left alone (ignoreerrors)',
  },
  example: '- sysctl: name=net.ipv4.ip_forward value=1 sysctl_file=/etc/sysctl.d/95-k8s-sysctl.conf sysctl_set=yes',
  async plan(args, _host, facts): Promise<Plan> {
    const name = keyOf(args.name!);
    if (!name || /\s/.test(name)) throw taskFailed(`sysctl: bad key name "${args.name}"`);
    const value = sysctlValue(args.value);
    const file = args.sysctl_file;
    const result: Vars = { name, sysctl_file: file };
    if (args.state === 'present') result.value = value;
    const { exists, text } = await readText(facts, file);
    const lines = splitLines(text);
    const mine = sysctlLines(lines).filter((l) => l.key === name);
    const current = mine.at(-1)?.value;
    let after: string | undefined;
    if (args.state === 'absent') {
      if (mine.length) after = lines.filter((_, i) => !mine.some((m) => m.idx === i)).join('');
    } else if (current === undefined || !sameSysctl(current, value)) {
      const next = [...lines];
      const line = `${name}=${value}\n`;
      if (mine.length) {
        next[mine[0]!.idx] = line;
        for (const m of mine.slice(1).reverse()) next.splice(m.idx, 1);
      } else {
        if (next.length && !next.at(-1)!.endsWith('\n')) next[next.length - 1] += '\n';
        next.push(line);
      }
      after = next.join('');
    }
    const actions: Action[] = [];
    const parts: string[] = [];
    const liveArgv = ['sysctl', '-n', name];
    const touches = [`file:${file}`];
    if (args.state === 'present' && (args.sysctl_set || (args.reload && after !== undefined))) {
      const live = await facts.probe(liveArgv);
      const procPath = `/proc/sys/${name.replace(/\./g, '/')}`;
      const skip = (why: string) => {
        result.msg = `${name}: live value not set (ignoreerrors): ${why}`;
      };
      if (live.rc !== 0) {
        const why = (live.stderr.trim() || `no such key (${procPath})`).replace(/^sysctl: /, '');
        if (!args.ignoreerrors) throw argFailed('ignoreerrors', `sysctl: cannot read ${name} on this host: ${why}`);
        skip(why);
      } else if (!sameSysctl(live.stdout, value)) {
        const w = await facts.probe(['test', '-w', procPath]);
        if (w.rc !== 0) {
          const why =
            `${procPath} is not writable here (permission denied / read-only); ` +
            `the live value is ${live.stdout.trim() || '""'}`;
          if (!args.ignoreerrors)
            throw argFailed(
              'ignoreerrors',
              `sysctl: cannot set ${name}=${value} on the running kernel: ${why}. ` +
                `Use ignoreerrors: yes to manage only the file.`,
            );
          skip(why);
        } else {
          actions.push({ exec: ['sysctl', '-w', `${name}=${value}`] });
          parts.push(`live ${live.stdout.trim()} → ${value}`);
          touches.push(probeKey(liveArgv));
        }
      }
    }
    if (after !== undefined) {
      if (!exists) await needDir(facts, file);
      actions.push({ put: file, content: Buffer.from(after) });
      parts.push(args.state === 'absent' ? `remove from ${file}` : `${file}: ${current ?? '(unset)'} → ${value}`);
    }
    if (!actions.length) return { changes: [], result };
    return {
      changes: [
        {
          summary: `sysctl: ${name}: ${parts.join(', ')}`,
          diff: after === undefined ? undefined : { path: file, before: text, after },
          actions,
          touches,
        },
      ],
      result,
    };
  },
});
