// authorized_keys lines as Ansible's authorized_key reads and writes them: `[options] type base64 [comment]`,
// keyed by the base64 part; a line that is not a key (a comment, a blank line) is kept as it is. Written back,
// each key is `options type base64 comment` (a space before an empty comment, as Ansible writes it).

// biome-ignore format: a table
const TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'webauthn-sk-ecdsa-sha2-nistp256@openssh.com', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com',
  'ssh-xmss-cert-v01@openssh.com', 'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com', 'ssh-dss-cert-v01@openssh.com',
]);

export interface AuthKey {
  /** The base64 key, or the whole line for a line that is not a key. */
  id: string;
  type: string | undefined;
  /** Options in order, name -> value (undefined for a flag such as no-pty). */
  options: Map<string, string | undefined>;
  comment: string;
  raw?: string;
}

/** `a,b="x,y",c=1` as an ordered map (commas inside quotes do not split). */
export function parseOptions(s: string | undefined): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const part of (s ?? '').match(/(?:[^,"']|"[^"]*"|'[^']*')+/g) ?? []) {
    const eq = part.indexOf('=');
    if (eq >= 0) out.set(part.slice(0, eq), part.slice(eq + 1));
    else out.set(part, undefined);
  }
  return out;
}

/** One line: a key, or undefined when it is not one (a `#` comment is reported as such by `keyLines`). */
export function parseAuthKey(line: string): AuthKey | undefined {
  const parts = line
    .replace(/\\#/g, '#')
    .trim()
    .split(/\s+/)
    .filter((p) => p !== '');
  const at = parts.findIndex((p) => TYPES.has(p));
  if (at < 0 || parts[0] === '#' || at + 1 >= parts.length) return undefined;
  return {
    id: parts[at + 1]!,
    type: parts[at]!,
    options: parseOptions(at > 0 ? parts.slice(0, at).join(' ') : undefined),
    comment: parts.slice(at + 2).join(' '),
  };
}

/** A file's lines as keys, in order; a key found twice stands where it was found last. */
export function keyLines(text: string): AuthKey[] {
  const byId = new Map<string, { k: AuthKey; rank: number }>();
  (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).forEach((line, rank) => {
    const k = parseAuthKey(line) ?? { id: line, type: undefined, options: new Map(), comment: '', raw: line };
    byId.set(k.id, { k, rank });
  });
  return [...byId.values()].sort((a, b) => a.rank - b.rank).map((e) => e.k);
}

export function sameKey(a: AuthKey, b: AuthKey): boolean {
  return a.type === b.type && a.comment === b.comment && [...a.options].join('\n') === [...b.options].join('\n');
}

export function formatKey(k: AuthKey): string {
  if (k.raw !== undefined) return k.raw;
  const opts = [...k.options].map(([n, v]) => (v === undefined ? n : `${n}=${v}`)).join(',');
  return `${opts ? `${opts} ` : ''}${k.type} ${k.id} ${k.comment}\n`;
}
