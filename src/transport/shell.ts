// Building POSIX shell command lines. `quoteArgv` is THE one place argv becomes a shell string: every
// transport (ssh, local) goes through it. `commandLine` adds the cwd/env prefix and the `sh -c` of the shell
// module; `becomeWrap` puts a line under sudo. With become, the inner shell first prints a marker line on
// stdout, so the caller can tell "sudo refused" (no marker) from "the command failed" (marker, then rc), and,
// with a password, sudo is given a prompt of our own: the password is written to stdin only when that prompt
// shows up on stderr (a NOPASSWD rule would otherwise hand the password to the command as its stdin).
import { randomBytes } from 'node:crypto';
import { KplayError } from '../core/errors.js';
import { quote, quoteArgv } from '../core/shell-quote.js';

export interface LineOptions {
  /** The argv is one shell script (the `shell` module): run it under `sh -c`. */
  shell?: boolean | undefined;
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  /** Also stop the command on the host (coreutils `timeout`, TERM then KILL 2 s later) after this many
   *  seconds: a backstop for when the transport cannot signal it (e.g. under sudo). */
  remoteTimeoutSec?: number | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The line that runs argv (or the shell script) in `cwd` with `env` exported. Never depends on the login shell
 *  beyond POSIX `sh` syntax. */
export function commandLine(argv: string[], o: LineOptions = {}): string {
  let line = o.shell ? `sh -c ${quote(argv.join(' '))}` : quoteArgv(argv);
  if (o.remoteTimeoutSec !== undefined && o.remoteTimeoutSec > 0)
    line = `timeout -k 2 ${Number(o.remoteTimeoutSec.toFixed(1))} ${line}`;
  const pre: string[] = [];
  // the physical folder, as a program started there sees it (`$PWD` has no symlink in it), as in Ansible
  if (o.cwd !== undefined && o.cwd !== '') pre.push(`cd -P ${quote(o.cwd)} || exit 1`);
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (!ENV_NAME.test(k)) throw new KplayError(`bad environment variable name "${k}"`, { code: 'BAD_ARGS' });
    pre.push(`export ${k}=${quote(v)}`);
  }
  if (pre.length > 0) line = `${pre.join('; ')}; ${line}`;
  return line;
}

export interface BecomeOptions {
  user: string;
  /** With a password: `sudo -S` and our own prompt; without: `sudo -n` (fails at once if sudo wants one). */
  password?: string | undefined;
  /** Printed on stdout by the inner shell before the command runs (default: this process's markers). */
  marker?: string | undefined;
  /** The prompt given to sudo with -p (only used with a password). */
  prompt?: string | undefined;
}

export interface BecomeMarkers {
  marker: string;
  prompt: string;
}

/** Fresh random marker and prompt. */
export function becomeMarkers(): BecomeMarkers {
  const id = randomBytes(8).toString('hex');
  return { marker: `KPLAY-BECOME-OK-${id}`, prompt: `[kplay-sudo-${id}] ` };
}

/** The markers used when becomeWrap is not given any. */
export const DEFAULT_MARKERS: BecomeMarkers = becomeMarkers();

/** `sudo -n -u USER -- sh -c 'echo MARKER; LINE'` or, with a password, `sudo -S -p 'PROMPT' -u USER -- sh -c …`. */
export function becomeWrap(line: string, o: BecomeOptions): string {
  const inner = `echo ${quote(o.marker ?? DEFAULT_MARKERS.marker)}; ${line}`;
  const head = o.password !== undefined ? ['sudo', '-S', '-p', o.prompt ?? DEFAULT_MARKERS.prompt] : ['sudo', '-n'];
  return `${quoteArgv([...head, '-u', o.user, '--', 'sh', '-c'])} ${quote(inner)}`;
}
