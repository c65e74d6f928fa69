// What the PKI modules share: reading a key or certificate file, its folder, putting one with its mode, keys.
import { addSecret } from '../../core/secrets.js';
import type { Change, FactReader, StatInfo } from '../contract.js';
import { parseOctal, taskFailed } from '../lib/fsattrs.js';
import { newKey, parseKey, type Key } from './x509.js';
import { aint, choice } from '../lib/schema.js';

export const HIDDEN = '(private key, not shown)\n';
export const RENEW_BEFORE_MS = 30 * 86_400_000;

export const days = () =>
  aint()
    .refine((n) => n > 0, 'days must be a positive number of days')
    .default(36500);
export const keyType = (d: 'ec' | 'rsa') => choice(['ec', 'rsa']).default(d);

interface Read {
  path: string;
  st: StatInfo;
  content: Buffer | undefined;
}

/** A file's stat and content (undefined when missing); anything but a regular file is an error. */
export async function readFile(facts: FactReader, path: string, dirMissing = false): Promise<Read> {
  if (dirMissing) return { path, st: { exists: false, path }, content: undefined };
  const st = await facts.stat(path, { follow: true });
  if (st.exists && !st.isreg) throw taskFailed(`${path} exists and is not a regular file`);
  return { path, st, content: st.exists ? await facts.read(path) : undefined };
}

/** The change that makes a missing folder (with `mode`), or undefined when it is there. */
export async function folder(
  facts: FactReader,
  dir: string,
  mode: string | undefined,
  module: string,
): Promise<Change | undefined> {
  const st = await facts.stat(dir, { follow: true });
  if (st.exists) {
    if (!st.isdir) throw taskFailed(`${dir} exists and is not a directory`);
    return undefined;
  }
  const actions: Change['actions'] = [{ exec: ['mkdir', '-p', '--', dir] }];
  if (mode) actions.push({ exec: ['chmod', mode, '--', dir] });
  return { summary: `${module}: create directory ${dir}`, actions, touches: [`file:${dir}`] };
}

export function put(
  module: string,
  f: Read,
  content: string,
  mode: string,
  diff: { before: string; after: string },
  why?: string,
  /** Made from a key this plan makes (each plan makes another): its bytes are known in shape only. */
  anew = false,
): Change {
  return {
    summary: `${module}: ${f.st.exists ? 'replace' : 'create'} ${f.path}${why ? ` (${why})` : ''}`,
    diff: { path: f.path, ...diff },
    actions: [{ put: f.path, content: Buffer.from(content), mode }],
    touches: [`file:${f.path}`],
    // force makes it again on every run, by design: the convergence check after apply ignores it
    ...(why === 'forced' ? { repeats: true } : {}),
    ...(anew ? { madeAnew: true } : {}),
  };
}

/** A chmod when an existing file's mode is not `mode`. */
export function modeFix(module: string, f: Read, mode: string): Change[] {
  if (!f.st.exists || parseOctal(f.st.mode) === parseInt(mode, 8)) return [];
  return [
    {
      summary: `${module}: ${f.path}: mode ${f.st.mode} → ${mode}`,
      actions: [{ exec: ['chmod', mode, '--', f.path] }],
      touches: [`file:${f.path}`],
    },
  ];
}

export function keyDiff(old: Read): { before: string; after: string } {
  return { before: old.st.exists ? HIDDEN : '', after: `(new) ${HIDDEN}` };
}

export function secretKey(content: Buffer | undefined): Key | undefined {
  const k = parseKey(content);
  if (k) addSecret(k.pem);
  return k;
}

export async function newSecretKey(type: 'ec' | 'rsa'): Promise<Key> {
  const k = await newKey(type);
  addSecret(k.pem);
  return k;
}

export const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
