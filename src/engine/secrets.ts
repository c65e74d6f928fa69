// Secret values (from a site's .env, ansible_password, ansible_become_password ...) are registered here once
// and replaced by a mask in everything kplay prints, logs or records.
export const MASK = '********';

const secrets = new Set<string>();

/** Register a value as secret. Very short values are still masked when printed on their own. */
export function addSecret(value: unknown): void {
  if (typeof value === 'string' && value.length > 0) secrets.add(value);
  else if (typeof value === 'number') secrets.add(String(value));
}

export function isSecret(value: unknown): boolean {
  return typeof value === 'string' && secrets.has(value);
}

/** Mask every registered secret inside a string (longest first, so a secret containing another is masked whole). */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length < 3 && out !== s) continue; // too short to mask inside other text without mangling it
    out = out.split(s).join(MASK);
  }
  return out;
}

/** Deep copy of a value with every secret string masked. */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out;
  }
  return value;
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
}
