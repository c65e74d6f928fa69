// known_hosts lines: which lines name a host (plainly, in a comma list, or hashed as `|1|salt|hmac`), and the
// hashed form of a name. Patterns (`*`, `?`, `!`) are not matched: a line must name the host itself.
import { createHmac, randomBytes } from 'node:crypto';

export interface HostKeyLine {
  marker?: string | undefined;
  hosts: string;
  type: string;
  key: string;
}

/** A known_hosts entry (`[@marker] hosts keytype base64 [comment]`), or undefined for a comment or blank. */
export function parseHostKey(line: string): HostKeyLine | undefined {
  const t = line.trim();
  if (t === '' || t.startsWith('#')) return undefined;
  const f = t.split(/\s+/);
  const marker = f[0]!.startsWith('@') ? f.shift() : undefined;
  if (f.length < 3) return undefined;
  return { marker, hosts: f[0]!, type: f[1]!, key: f[2]! };
}

const hmac = (salt: Buffer, name: string) => createHmac('sha1', salt).update(name).digest('base64');

/** Does a host field (`a,b` or `|1|salt|hash`) name `name` (lower case, `[host]:port` for a port)? */
export function namesHost(field: string, name: string): boolean {
  return field.split(',').some((h) => {
    const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(h);
    if (!m) return h.toLowerCase() === name;
    return hmac(Buffer.from(m[1]!, 'base64'), name) === m[2];
  });
}

export const isHashed = (field: string) => field.startsWith('|1|');

/** `name` hashed with a new random salt, as `ssh-keygen -H` writes it. */
export function hashHost(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${hmac(salt, name)}`;
}
