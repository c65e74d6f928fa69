// OpenSSH known_hosts files: lookup of a host's keys (plain names, comma lists, `[host]:port`, wildcards,
// negations, hashed `|1|salt|hash` entries), SHA256 fingerprints as ssh-keygen prints them, the decision for
// StrictHostKeyChecking (yes / accept-new / no) and appending a newly accepted key.
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface KnownKey {
  type: string;
  /** base64 of the key blob, as in the file. */
  key: string;
  line: number;
  revoked: boolean;
}

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** The name a host is recorded under: `host`, or `[host]:port` when the port is not 22. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:...` (base64 without padding) of a key blob. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside a key blob (its first SSH string). */
export function blobType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** An OpenSSH host pattern (`*`, `?`, any case): not fnmatch, which has classes and is case-sensitive. */
function globToRegExp(pat: string): RegExp {
  const re = pat
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i');
}

function hashedMatch(entry: string, token: string): boolean {
  const parts = entry.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const want = createHmac('sha1', salt).update(token).digest('base64');
  return want === parts[3];
}

/** Does the host field of a line (comma list, maybe negated patterns, or one hashed entry) name this host? */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const token = hostToken(host, port);
  if (field.startsWith('|')) return hashedMatch(field, token);
  let matched = false;
  for (const raw of field.split(',')) {
    const neg = raw.startsWith('!');
    const pat = neg ? raw.slice(1) : raw;
    let ok: boolean;
    if (pat.startsWith('[')) {
      const m = /^\[(.*)\]:(\d+)$/.exec(pat);
      ok = !!m && Number(m[2]) === port && globToRegExp(m[1]!).test(host);
    } else ok = port === 22 && globToRegExp(pat).test(host);
    if (ok && neg) return false;
    if (ok) matched = true;
  }
  return matched;
}

/** Every key the text records for host:port (@cert-authority lines are skipped). */
export function findKeys(text: string, host: string, port: number): KnownKey[] {
  const keys: KnownKey[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    let revoked = false;
    if (words[0]!.startsWith('@')) {
      const marker = words.shift()!;
      if (marker === '@cert-authority') return;
      revoked = marker === '@revoked';
    }
    const [field, type, key] = words;
    if (!field || !type || !key) return;
    if (hostFieldMatches(field, host, port)) keys.push({ type, key, line: i + 1, revoked });
  });
  return keys;
}

export type HostKeyPolicy = 'yes' | 'no' | 'accept-new' | 'ask';

export type HostKeyVerdict =
  | { ok: true; added?: boolean }
  | { ok: false; reason: 'unknown' | 'changed' | 'revoked'; presented: string; known: string[] };

/** Checks a presented key blob against the file; with accept-new, an unknown host's key is appended. */
export function checkHostKey(
  file: string,
  host: string,
  port: number,
  blob: Buffer,
  policy: HostKeyPolicy,
): HostKeyVerdict {
  if (policy === 'no') return { ok: true };
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const keys = findKeys(text, host, port);
  const b64 = blob.toString('base64');
  const presented = fingerprint(blob);
  const fps = (list: KnownKey[]) => list.map((k) => fingerprint(Buffer.from(k.key, 'base64')));
  if (keys.some((k) => k.revoked && k.key === b64)) return { ok: false, reason: 'revoked', presented, known: [] };
  const valid = keys.filter((k) => !k.revoked);
  if (valid.some((k) => k.key === b64)) return { ok: true };
  if (valid.length > 0) return { ok: false, reason: 'changed', presented, known: fps(valid) };
  if (policy === 'accept-new') {
    appendKey(file, host, port, blob, text);
    return { ok: true, added: true };
  }
  return { ok: false, reason: 'unknown', presented, known: [] };
}

export function appendKey(file: string, host: string, port: number, blob: Buffer, current?: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const text = current ?? (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  appendFileSync(file, `${sep}${hostToken(host, port)} ${blobType(blob)} ${blob.toString('base64')}\n`, {
    mode: 0o600,
  });
}

/** Host key algorithms to prefer, so the server presents a key type the file already has for this host. */
export function preferredAlgorithms(file: string, host: string, port: number): string[] {
  if (!existsSync(file)) return [];
  const types = new Set(
    findKeys(readFileSync(file, 'utf8'), host, port)
      .filter((k) => !k.revoked)
      .map((k) => k.type),
  );
  const out: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else out.push(t);
  }
  return out;
}
