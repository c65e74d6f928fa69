// Helpers shared by the file modules (copy, template, file, lineinfile): file modes (octal, numeric and
// symbolic, resolved against the current mode like chmod does), owner/group comparison, the chmod/chown
// actions that fix attributes, hashes, backup names, and the module failure error.
import { createHash } from 'node:crypto';
import { KplayError } from '../../core/errors.js';
import type { Action, StatInfo } from '../contract.js';
import { amode, astr } from './schema.js';

/** A module failure (Ansible's `failed: true, msg`, and the other fields its result has): the engine reports it on
 *  the task and host. */
export function taskFailed(msg: string, result?: Record<string, unknown>): KplayError {
  return new KplayError(msg, { code: 'TASK_FAILED', result });
}

/** A failure that the value of one argument decides (the executor names what sets that argument). */
export function argFailed(arg: string, msg: string, result?: Record<string, unknown>): KplayError {
  return new KplayError(msg, { code: 'TASK_FAILED', arg, result });
}

export type ModeArg = number | string | undefined;

/** Default modes of new files and directories (umask 022, as on a stock host). */
export const NEW_FILE_MODE = 0o644;
export const NEW_DIR_MODE = 0o755;

export function octal(n: number): string {
  return n.toString(8).padStart(4, '0');
}

export function parseOctal(s: string | undefined): number | undefined {
  return s === undefined ? undefined : parseInt(s, 8);
}

const CLASS_SHIFT: Record<string, number> = { u: 6, g: 3, o: 0 };
const SPECIAL: Record<string, number> = { u: 0o4000, g: 0o2000, o: 0o1000 };

/**
 * The mode bits a mode argument asks for, given the path's current mode (for symbolic modes).
 * Numbers are taken as they are (YAML 1.1 already read `0644` as 420; a bare `644` is decimal, as in
 * Ansible). Strings of digits are octal. Symbolic clauses (`u=rw,g+x,o-w`, `a+X`) apply in order; a clause
 * without who means `a` (Ansible ignores the umask there, unlike chmod). `preserve` gives undefined.
 */
export function resolveMode(mode: ModeArg, current: number, isDir: boolean): number | undefined {
  if (mode === undefined || mode === 'preserve') return undefined;
  if (typeof mode === 'number') return mode & 0o7777;
  if (/^[0-7]+$/.test(mode)) return parseInt(mode, 8) & 0o7777;
  let m = current & 0o7777;
  for (const clause of mode.split(',')) {
    if (!clause) continue;
    const c = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!c) throw taskFailed(`bad symbolic mode "${mode}"`);
    const who = (c[1] || 'a').replace('a', 'ugo');
    for (const op of c[2]!.match(/[-+=][rwxXstugo]*/g)!) {
      const before = m;
      let bits = 0;
      for (const w of new Set(who)) {
        const sh = CLASS_SHIFT[w]!;
        for (const p of op.slice(1)) {
          if (p === 'r') bits |= 4 << sh;
          else if (p === 'w') bits |= 2 << sh;
          else if (p === 'x') bits |= 1 << sh;
          else if (p === 'X') bits |= isDir || (before & 0o111) !== 0 ? 1 << sh : 0;
          else if (p === 's') bits |= w === 'o' ? 0 : SPECIAL[w]!;
          else if (p === 't') bits |= w === 'o' ? SPECIAL.o! : 0;
          else bits |= ((before >> CLASS_SHIFT[p]!) & 7) << sh; // u, g, o: copy that class's bits
        }
      }
      if (op[0] === '+') m |= bits;
      else if (op[0] === '-') m &= ~bits;
      else {
        let clear = 0;
        for (const w of new Set(who)) clear |= (7 << CLASS_SHIFT[w]!) | (w === 'o' ? 0 : SPECIAL[w]!);
        m = (m & ~clear) | bits;
      }
    }
  }
  return m;
}

/** A symbolic mode with every clause's `who` spelt out, so `chmod -R` does what Ansible does (no umask). */
export function chmodArg(mode: ModeArg): string {
  if (typeof mode === 'number') return octal(mode);
  if (mode === undefined || /^[0-7]+$/.test(mode)) return mode ?? '';
  return mode
    .split(',')
    .filter(Boolean)
    .map((c) => (/^[ugoa]/.test(c) ? c : `a${c}`))
    .join(',');
}

/** Does an owner (name or numeric uid) given by the user match what stat says? */
export function sameOwner(want: string, st: StatInfo): boolean {
  return /^\d+$/.test(want) ? Number(want) === st.uid : want === st.owner;
}

export function sameGroup(want: string, st: StatInfo): boolean {
  return /^\d+$/.test(want) ? Number(want) === st.gid : want === st.group;
}

export interface Attrs {
  mode?: ModeArg;
  owner?: string | undefined;
  group?: string | undefined;
}

export interface AttrFix {
  /** e.g. ['mode 0600 → 0644', 'owner root → etcd'] */
  parts: string[];
  actions: Action[];
}

/**
 * The chmod/chown actions that bring an existing path's attributes to what the args ask for. `noDeref` (a
 * symlink's own owner) adds `-h` to chown and leaves the mode alone (links have none on Linux).
 */
export function fixAttrs(path: string, st: StatInfo, want: Attrs, opts: { noDeref?: boolean } = {}): AttrFix {
  const parts: string[] = [];
  const actions: Action[] = [];
  const cur = parseOctal(st.mode) ?? 0;
  const mode = opts.noDeref ? undefined : resolveMode(want.mode, cur, st.isdir === true);
  if (mode !== undefined && mode !== cur) {
    parts.push(`mode ${st.mode} → ${octal(mode)}`);
    actions.push({ exec: ['chmod', octal(mode), '--', path] });
  }
  const owner = want.owner !== undefined && !sameOwner(want.owner, st) ? want.owner : undefined;
  const group = want.group !== undefined && !sameGroup(want.group, st) ? want.group : undefined;
  if (owner !== undefined) parts.push(`owner ${st.owner} → ${owner}`);
  if (group !== undefined) parts.push(`group ${st.group} → ${group}`);
  if (owner !== undefined || group !== undefined) {
    const who = owner !== undefined ? (group !== undefined ? `${owner}:${group}` : owner) : `:${group}`;
    actions.push({ exec: ['chown', ...(opts.noDeref ? ['-h'] : []), who, '--', path] });
  }
  return { parts, actions };
}

// Memoized per Buffer: the same controller file's Buffer is planned on every host, twice per real run.
const sums = { sha1: new WeakMap<Buffer, string>(), sha256: new WeakMap<Buffer, string>() };
function digest(kind: 'sha1' | 'sha256', b: Buffer): string {
  let h = sums[kind].get(b);
  if (h === undefined) sums[kind].set(b, (h = createHash(kind).update(b).digest('hex')));
  return h;
}

export function sha1(b: Buffer): string {
  return digest('sha1', b);
}

export function sha256(b: Buffer): string {
  return digest('sha256', b);
}

/** Ansible's backup name: `<path>.<YYYY-MM-DD@HH:MM:SS>~` (host-local time there; controller time here). */
export function backupName(path: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}` +
    `@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
  return `${path}.${stamp}~`;
}

/** The action that keeps a copy of a file before it is replaced (`backup: yes`). */
export function backupAction(path: string, to: string): Action {
  return { exec: ['cp', '-p', '--', path, to] };
}

/** Text for a diff: files are shown as UTF-8. */
export function text(b: Buffer | undefined): string {
  return b === undefined ? '' : b.toString('utf8');
}

/** Ansible's max_diff_size (104448 bytes): a larger file is not shown in a diff, nor one that holds a NUL byte. */
export const MAX_DIFF_SIZE = 104_448;

/** Why a file's diff is not shown (Ansible's words), or undefined: `dest` is the host's file, `src` the new one. */
export function diffSkipped(dest: { size: number; content?: Buffer }, src: Buffer): string | undefined {
  const binary = (b?: Buffer) => b?.subarray(0, 8192).includes(0) === true;
  if (dest.size > MAX_DIFF_SIZE) return `diff skipped: destination file size is greater than ${MAX_DIFF_SIZE}`;
  if (binary(dest.content)) return 'diff skipped: destination file appears to be binary';
  if (src.length > MAX_DIFF_SIZE) return `diff skipped: source file size is greater than ${MAX_DIFF_SIZE}`;
  if (binary(src)) return 'diff skipped: source file appears to be binary';
  return undefined;
}

/** The mode/owner/group arguments every file module takes. */
export const fileAttrArgs = { mode: amode(), owner: astr(), group: astr() };
