// How kplay logs in over SSH, as ssh does: the identity file (skipped, as ssh skips it, when it cannot be read
// or used and the agent or a password can still log in), the agent (SSH_AUTH_SOCK), and on the target a password
// (also for keyboard-interactive). A key file is parsed once per run, not once per host.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ConnectConfig } from 'ssh2';
import type { ConnectionSpec } from './connection-spec.js';
import { KplayError } from '../core/errors.js';

export interface Hop {
  host: string;
  port: number;
  user: string;
  /** The last hop (the target) may also use the password; jump hosts use keys and the agent only. */
  target: boolean;
}

export function authConfig(
  spec: ConnectionSpec,
  hop: Hop,
): { cfg: Partial<ConnectConfig>; methods: string[]; how: string } {
  const cfg: Partial<ConnectConfig> = {};
  const methods: string[] = [];
  const how: string[] = [];
  // as ssh does, a key file that cannot be read is skipped when a password can still log in
  let key: Buffer | undefined;
  if (spec.privateKeyFile) {
    try {
      key = readFileSync(spec.privateKeyFile);
    } catch (e) {
      if (spec.password === undefined)
        throw new KplayError(`cannot read the private key ${spec.privateKeyFile}: ${(e as Error).message}`, {
          code: 'AUTH',
          host: hop.host,
        });
    }
  }
  if (key) {
    cfg.privateKey = key;
    methods.push('publickey');
    how.push(`key ${spec.privateKeyFile}`);
  }
  const agent = process.env.SSH_AUTH_SOCK;
  if (agent) {
    cfg.agent = agent;
    methods.push('agent');
    how.push('the ssh agent');
  }
  if (hop.target && spec.password !== undefined) {
    cfg.password = spec.password;
    cfg.tryKeyboard = true;
    methods.push('password', 'keyboard-interactive');
    how.push('password');
  }
  return { cfg, methods, how: how.length ? how.join(', ') : 'no key, agent or password' };
}

export type Ssh2 = typeof import('ssh2');
type ParsedKey = Exclude<ReturnType<Ssh2['utils']['parseKey']>, Error | unknown[]>;
const parsedKeys = new Map<string, ParsedKey | Error>();

/** A private key's bytes parsed (the first key of a file that holds several), once per run. */
export function parsedKey(lib: Ssh2, bytes: Buffer): ParsedKey | Error {
  const id = createHash('sha256').update(bytes).digest('hex');
  let k = parsedKeys.get(id);
  if (!k) {
    // ssh2 is CommonJS: its `utils` is on the default export only
    const utils = (lib as unknown as { default: Ssh2 }).default?.utils ?? lib.utils;
    const p = utils.parseKey(bytes);
    k = Array.isArray(p) ? (p[0] as ParsedKey) : p;
    if (!(k instanceof Error) && k.getPrivatePEM() === null)
      k = new Error('privateKey value does not contain a (valid) private key');
    parsedKeys.set(id, k);
  }
  return k;
}
