// file's `attributes` (alias `attr`): the Linux file flags lsattr shows and chattr sets. `+A` adds flags, `-A`
// removes them, `A` or `=A` asks for exactly those. Flags chattr cannot change (e, E, h, I, N, V, Z: kept by
// the filesystem) are left out of the comparison, so a second run is `ok` (Ansible compares the whole lsattr
// text and reports `changed` again for `+A` on an ext4 file, whose `e` flag is always there).
import type { Action, FactReader, StatInfo } from '../contract.js';
import { taskFailed } from './fsattrs.js';

const FIXED = new Set(['e', 'E', 'h', 'I', 'N', 'V', 'Z']);

/** The flags lsattr -d prints for the path (`----i---------e----- /p` → `ie`). */
export function parseLsattr(out: string): Set<string> {
  const word = out.trim().split(/\s+/)[0] ?? '';
  return new Set([...word].filter((c) => c !== '-'));
}

/** chattr's arguments to go from `current` to what `spec` asks, or [] when nothing changes. */
export function chattrArgs(spec: string, current: Set<string>): string[] {
  const op = spec.startsWith('+') || spec.startsWith('-') || spec.startsWith('=') ? spec[0]! : '=';
  const want = new Set([...(op === spec[0] ? spec.slice(1) : spec)].filter((c) => !/\s/.test(c)));
  for (const c of want)
    if (!/^[a-zA-Z]$/.test(c)) throw taskFailed(`attributes: '${c}' is not a file flag (lsattr's letters)`);
  const changeable = (c: string) => !FIXED.has(c);
  const add = op === '-' ? [] : [...want].filter((c) => changeable(c) && !current.has(c));
  const drop = op === '+' ? [] : [...current].filter((c) => changeable(c) && (op === '-' ? want.has(c) : !want.has(c)));
  return [...(add.length ? [`+${add.join('')}`] : []), ...(drop.length ? [`-${drop.join('')}`] : [])];
}

/** The chattr command for a path, or undefined when its flags are already as asked. */
export async function planFlags(facts: FactReader, path: string, spec: string): Promise<string[] | undefined> {
  const r = await facts.probe(['lsattr', '-d', '--', path]);
  if (r.rc !== 0)
    throw taskFailed(`attributes: cannot read the flags of ${path}: ${r.stderr.trim() || r.stdout.trim()}`);
  const args = chattrArgs(spec, parseLsattr(r.stdout));
  return args.length ? ['chattr', ...args, '--', path] : undefined;
}

/** Adds the chattr that gives an existing path the flags asked (none asked, or already right: nothing). */
export async function addFlags(
  facts: FactReader,
  path: string,
  st: StatInfo,
  spec: string | undefined,
  fix: { parts: string[]; actions: Action[] },
): Promise<void> {
  const argv = spec === undefined || !st.exists ? undefined : await planFlags(facts, path, spec);
  if (!argv) return;
  fix.parts.push(`attributes ${argv.slice(1, -2).join(' ')}`);
  fix.actions.push({ exec: argv });
}
