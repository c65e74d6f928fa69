// Secret values (from a site's .env, ansible_password, ansible_become_password, private keys ...) are
// registered here once and replaced by a mask in everything kplay prints, logs or records.
// A secret is masked in every encoding a sink uses: as it is, JSON-escaped (once or twice: JSON text inside a
// JSON string), HTML-escaped, shell-quoted, URL-encoded and base64. A value computed from a secret (`{{ X | int }}`,
// `{{ X | b64encode }}`, a helper's result) becomes a secret too: the evaluators call `noteRead` for every
// value they read, and `derived` registers what a template gave when it read a secret.
export const MASK = '********';

const secrets = new Set<string>();
/** Every encoded form of every secret, longest first (rebuilt after an add). */
let forms: string[] | undefined;
let reads = 0;

const htmlNumeric = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const htmlNamed = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);
/** Inside single quotes (transport/shell.ts quotes every word so), whether the word is quoted alone or within a script. */
const shellQuoted = (s: string) => s.replace(/'/g, `'\\''`);

/** The forms a secret takes in kplay's sinks. */
export function encodings(s: string): string[] {
  const json = jsonInner(s);
  const out = [s, json, jsonInner(json), htmlNumeric(s), htmlNamed(s), htmlNumeric(json), htmlNamed(json), shellQuoted(s), encodeURIComponent(s)];
  if (s.length >= 3) out.push(Buffer.from(s).toString('base64').replace(/=+$/, ''));
  return out;
}

/** Register a value as secret. Very short values are still masked when printed on their own. */
export function addSecret(value: unknown): void {
  const s = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (s === undefined || s.length === 0 || secrets.has(s)) return;
  secrets.add(s);
  forms = undefined;
}

export function isSecret(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && secrets.has(String(value));
}

/** The evaluators call this for each value they read; a secret read taints what is being rendered. */
export function noteRead(value: unknown): void {
  if (secrets.size > 0 && isSecret(value) && String(value).length >= 3) reads++; // as redact(), short values only alone
}

/** A counter of secret reads: compare before and after an evaluation to know whether it read a secret. */
export function secretReads(): number {
  return reads;
}

/** Registers a value computed from a secret (strings and numbers, also inside lists and mappings). */
export function derived(value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number') addSecret(value);
  else if (Array.isArray(value)) value.forEach(derived);
  else if (value && typeof value === 'object') Object.values(value).forEach(derived);
}

function allForms(): string[] {
  if (!forms) {
    const set = new Set<string>();
    for (const s of secrets) for (const f of encodings(s)) if (f.length > 0) set.add(f);
    forms = [...set].sort((a, b) => b.length - a.length);
  }
  return forms;
}

/** Mask every registered secret inside a string, in every encoding (longest first, so a secret containing
 * another is masked whole). */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  if (secrets.has(text)) return MASK;
  let out = text;
  for (const f of allForms()) {
    if (f.length < 3) continue; // too short to mask inside other text without mangling it
    if (out.includes(f)) out = out.split(f).join(MASK);
  }
  return out;
}

/** Deep copy of a value with every secret masked (strings, and numbers that are secrets). */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return String(value).length >= 3 && secrets.has(String(value)) ? MASK : value;
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v);
    return out;
  }
  return value;
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
  forms = undefined;
}
