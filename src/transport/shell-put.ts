// The atomic write of a small text file as ONE call in a host's long-lived shell (issue 18): the bytes travel in
// the call's line, the shell's own printf writes them to the temp file, and only `mv` (and chmod, chown, a stat
// when they are needed) runs as a process: no exec channel, no SFTP round trips. The rest is atomic.ts's write:
// temp file beside the target, mode and owner (an existing target's kept when not given), rename, any failure
// removes the temp file.
//
// Only bytes a shell word can hold (UTF-8 text without NUL, up to INLINE_MAX) and no validate command; the bytes
// are in the shell's stdin, never in a process's argv. A line cut short by a dropped connection never runs: an
// unclosed quote is a syntax error, and a call missing its last word (`end`) returns 64 before it writes.
import { isUtf8 } from 'node:buffer';
import { functionCall, shellFunction, STAT_FIELDS } from '../core/shell-functions.js';
import { putError } from './atomic.js';
import type { ShellPool } from './shell-pool.js';
import type { PutDone, PutOptions } from './types.js';

export const INLINE_MAX = 128 * 1024;

const fail = '{ kp_rc=$?; rm -f -- "$kp_t"; exit $kp_rc; }';

/** Called as: tmp target umask mode owner group bytes end. An empty umask: the temp is made private (077) and
 *  gets its mode by chmod; an empty mode with an existing target: that target's mode and owner are kept. */
const SCRIPT = shellFunction(
  [
    '[ "$#" -eq 8 ] && [ "$8" = end ] || exit 64',
    'kp_t=$1; kp_f=$2; kp_m=$4; kp_e=',
    'if [ -d "$kp_f" ]; then echo "kplay: $kp_f is a directory" >&2; exit 1; fi',
    '[ ! -e "$kp_f" ] || kp_e=1',
    '[ -n "$kp_um" ] || kp_um=$(umask)',
    'if [ -n "$3" ]; then umask "$3"; elif [ -n "$kp_m$kp_e" ]; then umask 077; fi',
    // noclobber: the temp file is made anew (O_EXCL), never written through a link or a file already there
    `set -C; printf '%s' "$7" > "$kp_t"; kp_rc=$?; set +C; umask "$kp_um"`,
    '[ "$kp_rc" -eq 0 ] || { rm -f -- "$kp_t"; exit $kp_rc; }',
    // an existing target's mode (no mode given) and owner (none given) are kept: one stat reads both files
    'if [ -n "$kp_e" ] && { [ -z "$3$kp_m" ] || [ -z "$5$6" ]; }; then',
    `  kp_s=$(stat -L -c '%a %u:%g' -- "$kp_f" "$kp_t") || ${fail}`,
    '  kp_a=${kp_s%%"\n"*}; kp_b=${kp_s#*"\n"}',
    '  if [ -z "$3$kp_m" ] && [ "${kp_a% *}" != "${kp_b% *}" ]; then',
    `    chmod -- "\${kp_a% *}" "$kp_t" || ${fail}; fi`,
    '  [ -n "$5$6" ] || [ "${kp_a#* }" = "${kp_b#* }" ] || chown -- "${kp_a#* }" "$kp_t" 2>/dev/null',
    'fi',
    `[ -z "$kp_m" ] || chmod -- "$kp_m" "$kp_t" || ${fail}`,
    `if [ -n "$5" ] && [ -n "$6" ]; then chown -- "$5:$6" "$kp_t" || ${fail}`,
    `elif [ -n "$5" ]; then chown -- "$5" "$kp_t" || ${fail}`,
    `elif [ -n "$6" ]; then chgrp -- "$6" "$kp_t" || ${fail}`,
    'fi',
    `mv -f -- "$kp_t" "$kp_f" || ${fail}`,
    // temp files of this target left by an earlier run that was cut off (a glob that matches nothing: no rm)
    'for kp_x in "${kp_f%/*}/.${kp_f##*/}".kplay-*; do [ ! -e "$kp_x" ] || rm -f -- "$kp_x"; done',
    // the file as written, for the plan made again after this change (a failure here is not the write's)
    `stat -c '${STAT_FIELDS}' -- "$kp_f" 2>/dev/null`,
    'exit 0',
  ].join('\n'),
);

/** The umask that makes a new file `mode` exactly (an octal mode with no bit outside rw-rw-rw-), else ''. */
export function umaskFor(mode: string | undefined): string {
  if (mode === undefined || !/^0?[0-7]{3}$/.test(mode)) return '';
  const m = Number.parseInt(mode, 8);
  return m & ~0o666 ? '' : (0o777 & ~m).toString(8).padStart(3, '0');
}

/** The argv (`sh -c SCRIPT ...`, a registered function's call) that writes `content` to `target` through `tmp`,
 *  or undefined when the bytes or the options need the SFTP or stdin write. Never run this argv as a process:
 *  its bytes would be in that process's argv; only a long-lived shell's function call may carry them. */
export function inlinePutArgv(tmp: string, target: string, content: Buffer, o: PutOptions): string[] | undefined {
  if (content.length > INLINE_MAX || o.validate !== undefined || content.includes(0) || !isUtf8(content))
    return undefined;
  const um = umaskFor(o.mode);
  const args = [tmp, target, um, um ? '' : (o.mode ?? ''), o.owner ?? '', o.group ?? '', content.toString(), 'end'];
  return ['sh', '-c', SCRIPT, 'sh', ...args];
}

/** Writes through a free shell of `pool`: what it wrote (with the file's stat line) when written, false when it
 *  cannot (the bytes, the options, every shell busy: the caller writes its own way); a failed write throws
 *  putError's error (the call removed the temp file); `lost` when the shell went away mid-call: the temp file may
 *  be there, so it joins `temps`, the files the transport removes when it connects again. */
export async function putInShell(
  pool: ShellPool,
  host: string,
  w: { tmp: string; target: string; content: Buffer; opts: PutOptions },
  temps: Map<string, boolean>,
): Promise<PutDone | false | 'lost'> {
  const argv = inlinePutArgv(w.tmp, w.target, w.content, w.opts);
  const call = argv && functionCall(argv);
  if (!call) return false;
  const r = await pool.run(call.line, call);
  if (!r) return false;
  if (r.lost) {
    temps.set(w.tmp, false);
    return 'lost';
  }
  if (r.rc !== 0) throw putError(host, w.target, w.opts, r.rc, r.stderr.toString('utf8'));
  const line = r.stdout.toString('utf8').trim();
  return { stat: line.split('|').length === 9 ? line : undefined };
}
