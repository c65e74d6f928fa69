// Become (sudo) for a transport: whether a call needs it (not when the login user already is the target
// user), the wrapping of its command line, and the BECOME error when sudo refused. Only `sudo` is supported.
import type { ConnectionSpec } from './connection-spec.js';
import { KplayError } from '../core/errors.js';
import { redact } from '../core/secrets.js';
import { becomeWrap, type BecomeMarkers } from './shell.js';

export interface Become {
  user: string;
  password?: string | undefined;
  wrap(line: string): string;
  /** What session.ts's drive() needs. */
  io: { marker: string; prompt: string; password?: string | undefined };
}

/** The become settings of one call (opts.become, else the host's ansible_become), or undefined when none is needed. */
export function becomeFor(
  spec: ConnectionSpec,
  loginUser: string,
  o: { become?: boolean | undefined; becomeUser?: string | undefined; becomeMethod?: 'sudo' | 'su' | undefined },
  m: BecomeMarkers,
): Become | undefined {
  if (!(o.become ?? spec.become)) return undefined;
  const user = o.becomeUser ?? spec.becomeUser ?? 'root';
  if (user === loginUser) return undefined;
  const method = o.becomeMethod ?? spec.becomeMethod;
  if (method !== 'sudo') {
    throw new KplayError(`become_method ${method} is not supported by kplay's transports (to become ${user})`, {
      code: 'BECOME',
      hint: 'use become_method: sudo',
    });
  }
  const password = spec.becomePassword;
  return {
    user,
    password,
    wrap: (line) => becomeWrap(line, { user, password, marker: m.marker, prompt: m.prompt }),
    io: { marker: m.marker, prompt: m.prompt, password },
  };
}

/** Why sudo did not run the command, as a BECOME error (never containing the password). */
export function becomeError(
  name: string,
  address: string,
  b: Become,
  r: { rc: number; stderr: Buffer; passwordRefused: boolean; timedOut?: boolean },
): KplayError {
  const err = r.stderr.toString('utf8').trim();
  const last = err
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^Sorry, try again\.?$/.test(l.trim()))
    .slice(-3)
    .join('\n');
  let msg: string;
  let hint: string | undefined;
  if (r.passwordRefused || /incorrect password/i.test(err)) {
    msg = `sudo on ${address} refused the become password (to become ${b.user})`;
    hint = 'check ansible_become_password for this host';
  } else if (/a password is required|a terminal is required/i.test(err)) {
    msg = `sudo on ${address} needs a password to become ${b.user}, and none was given`;
    hint = 'set ansible_become_password (e.g. from .env), or give the login user NOPASSWD in sudoers';
  } else if (r.rc === 127 || /sudo: (command )?not found/i.test(err)) {
    msg = `sudo is not installed on ${address} (needed to become ${b.user})`;
    hint = 'install sudo, or log in as the user you need';
  } else if (/not in the sudoers|not allowed to (execute|run)/i.test(err)) {
    msg = `the login user may not become ${b.user} with sudo on ${address}: ${last}`;
  } else {
    msg = `become ${b.user} with sudo failed on ${address} (rc=${r.rc})${last ? `: ${last}` : ''}`;
  }
  return new KplayError(redact(msg), { code: 'BECOME', host: name, hint });
}
