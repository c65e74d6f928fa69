// The atomic file write every transport uses: the content goes to a temp file beside the target
// (`.<name>.kplay-<random>`), whose size is checked (a dropped connection gives `cat` an early EOF), then
// mode, owner and group are applied (an existing target's mode and owner are kept when not given), the
// validate command runs on it, and only then is it renamed over the target. Any failure removes the temp file.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { KplayError } from '../core/errors.js';
import type { PutOptions } from './types.js';
import { quote } from '../core/shell-quote.js';

/** Exit codes the script uses for its own failures. */
export const RC_SHORT = 70;
export const RC_VALIDATE = 71;
/** The upload before it failed (or the connection dropped): nothing was written. */
export const RC_ABORTED = 75;

export function tempPathFor(target: string): string {
  return posix.join(posix.dirname(target), `.${posix.basename(target)}.kplay-${randomBytes(6).toString('hex')}`);
}

export interface PutScriptInput {
  tmp: string;
  target: string;
  size: number;
  /** Write stdin to the temp file first (otherwise it is uploaded by SFTP while the script waits). */
  fromStdin: boolean;
  /** SFTP uploads: the script starts before the upload and waits for a `go` line on stdin; anything else,
   * or the end of stdin (the connection dropped mid-upload), removes the temp file on the host at once. */
  waitGo?: boolean;
  opts: PutOptions;
}

export function checkPutOptions(target: string, o: PutOptions): void {
  const bad = (m: string) => new KplayError(m, { code: 'BAD_ARGS' });
  if (!target.startsWith('/')) throw bad(`the destination must be an absolute path, got "${target}"`);
  if (
    o.mode !== undefined &&
    !/^0?[0-7]{3,4}$/.test(o.mode) &&
    !/^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(o.mode)
  ) {
    throw bad(`mode "${o.mode}" is not an octal mode like 0644 or a symbolic one like u=rw,go=r`);
  }
  if (o.validate !== undefined && !o.validate.includes('%s'))
    throw bad(`validate must contain %s (the file to check): "${o.validate}"`);
}

/** The sh script (one round trip) that finishes an atomic write. */
export function putScript(i: PutScriptInput): string {
  const o = i.opts;
  const s: string[] = [
    // a dropped connection closes our pipes: writing a message must not kill the script before it cleans up
    "trap '' HUP PIPE",
    `t=${quote(i.tmp)}; f=${quote(i.target)}; um=$(umask)`,
    'bail() { rc=$1; rm -f -- "$t"; exit "$rc"; }',
  ];
  if (i.waitGo) s.push(`IFS= read -r go || go=; [ "$go" = go ] || bail ${RC_ABORTED}`);
  s.push('if [ -d "$f" ]; then echo "kplay: $f is a directory" >&2; bail 1; fi');
  if (i.fromStdin) s.push('umask 077; cat > "$t" || bail $?');
  s.push(
    `n=$(wc -c < "$t") || bail $?; if [ "$n" -ne ${i.size} ]; then ` +
      `echo "kplay: incomplete upload of $f ($n of ${i.size} bytes)" >&2; bail ${RC_SHORT}; fi`,
  );
  if (o.mode !== undefined) s.push(`chmod ${quote(o.mode)} "$t" || bail $?`);
  else
    s.push(
      'if [ -e "$f" ]; then m=$(stat -L -c %a -- "$f"); else m=$(printf %o $(( 0666 & ~0$um ))); fi; ' +
        'chmod "$m" "$t" || bail $?',
    );
  if (o.owner === undefined && o.group === undefined)
    s.push('if [ -e "$f" ]; then chown "$(stat -L -c %u:%g -- "$f")" "$t" 2>/dev/null; fi');
  if (o.owner !== undefined) s.push(`chown -- ${quote(o.owner)} "$t" || bail $?`);
  if (o.group !== undefined) s.push(`chgrp -- ${quote(o.group)} "$t" || bail $?`);
  if (o.validate !== undefined) {
    const cmd = o.validate.split('%s').join('"$t"');
    s.push(`${cmd} || { rc=$?; echo "kplay: validate exited $rc" >&2; bail ${RC_VALIDATE}; }`);
  }
  s.push('mv -f -- "$t" "$f" || bail $?');
  // temp files of this target left by an earlier run that was cut off before it could remove them
  s.push('rm -f -- "${f%/*}/.${f##*/}".kplay-* 2>/dev/null; :');
  return s.join('\n');
}

/** The error for a failed put script. */
export function putError(host: string, target: string, o: PutOptions, rc: number, stderr: string): KplayError {
  const why = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('kplay: validate exited'))
    .join('\n')
    .trim();
  if (rc === RC_VALIDATE) {
    return new KplayError(
      `validation of ${target} failed: ${o.validate}${why ? `: ${why}` : ''}; the file was not changed`,
      { code: 'TASK_FAILED', host },
    );
  }
  return new KplayError(`cannot write ${target} (rc=${rc})${why ? `: ${why}` : ''}; the file was not changed`, {
    code: 'TASK_FAILED',
    host,
  });
}
