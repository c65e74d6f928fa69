// Secret values (from a site's .env, ansible_password, ansible_become_password ...) are registered here once
// and replaced by a mask in everything kplay prints, logs or records: in every form a sink may show them
// (JSON, HTML, shell words, base64 ...: secret-forms.ts), as numbers (`{{ env.PORT | int }}`), and in the
// values filters and helpers derive from them (`| upper`, `| b64encode` ...: noteDerived).
import { secretForms } from './secret-forms.js';

export const MASK = '********';

const secrets = new Set<string>();
/** Secrets of under 3 characters: masked only when they are the whole text (inside text they would mangle it). */
const short = new Set<string>();
/** The numbers secrets read as (`| int`, `| float`), of 3 digits or more (rc 0, a count of 2 stay visible). */
const numbers = new Set<number>();
// every form of every secret of 3+ characters, by its first 3 characters (as one number), longest first: a scan
// of a text looks up each 3 characters once (a regexp of a thousand alternatives, a key's lines in every form,
// tries each), and passes over a character no form starts with at the cost of a table read; no string is made
// per place (every event and report is scanned)
interface Matcher {
  byStart: Map<number, string[]>;
  first: Uint8Array;
}
let pattern: Matcher | null | undefined;

const key3 = (t: string, i: number) =>
  t.charCodeAt(i) * 0x100000000 + t.charCodeAt(i + 1) * 0x10000 + t.charCodeAt(i + 2);

function matcher(): Matcher | null {
  if (pattern !== undefined) return pattern;
  const forms = new Set<string>();
  for (const s of secrets) if (s.length >= 3) for (const f of secretForms(s)) if (f.length >= 3) forms.add(f);
  const byStart = new Map<number, string[]>();
  const first = new Uint8Array(0x10000);
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    first[f.charCodeAt(0)] = 1;
    const list = byStart.get(key3(f, 0));
    if (list) list.push(f);
    else byStart.set(key3(f, 0), [f]);
  }
  pattern = forms.size ? { byStart, first } : null;
  return pattern;
}

/** The longest form of a secret at each place in the text, left to right, as [start, end] pairs. */
function* hits(m: Matcher, text: string): Generator<[number, number]> {
  for (let i = 0; i + 3 <= text.length; ) {
    const form = m.first[text.charCodeAt(i)]
      ? m.byStart.get(key3(text, i))?.find((f) => text.startsWith(f, i))
      : undefined;
    if (form) {
      yield [i, i + form.length];
      i += form.length;
    } else i++;
  }
}

function noteNumber(n: number): void {
  if (Number.isFinite(n) && String(n).length >= 3) numbers.add(n);
}

/** Register a value as secret. Very short values are still masked when printed on their own. */
export function addSecret(value: unknown): void {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string' || value.length === 0 || secrets.has(value)) return;
  secrets.add(value);
  if (value.length < 3) short.add(value);
  pattern = undefined;
  const t = value.trim();
  if (t !== '' && Number.isFinite(Number(t))) {
    noteNumber(Number(t));
    noteNumber(Math.trunc(Number(t)));
  }
  // a multi-line secret (a key, a certificate) may be shown a line at a time (stdout_lines)
  if (/\r?\n/.test(value)) for (const line of value.split(/\r?\n/)) if (line.trim().length >= 6) addSecret(line.trim());
}

export function isSecret(value: unknown): boolean {
  return (typeof value === 'string' && secrets.has(value)) || (typeof value === 'number' && numbers.has(value));
}

/** Whether a text shows a secret in any form. */
export function holdsSecret(text: string): boolean {
  if (short.has(text) || secrets.has(text)) return true;
  const m = matcher();
  return m !== null && !hits(m, text).next().done;
}

/** Mask every registered secret, in every form, inside a string. */
export function redact(text: string): string {
  if (secrets.size === 0) return text;
  if (short.has(text)) return MASK;
  const m = matcher();
  if (!m) return text;
  let out = '';
  let last = 0;
  for (const [start, end] of hits(m, text)) {
    out += text.slice(last, start) + MASK;
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Deep copy of a value with every secret masked: strings (in any form), numbers that are secrets, and keys. */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'number') return numbers.has(value) ? MASK : value;
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactDeep(v);
    return out;
  }
  return value;
}

/** JSON of a value with every secret masked that stays valid JSON when the text is redacted again: a number
 *  that shows a secret (51234 with a secret "1234") becomes a masked string rather than digits to cut into. */
export function safeJson(value: unknown, space?: number): string {
  const numbersOut = (_k: string, v: unknown) =>
    typeof v === 'number' && secrets.size > 0 && holdsSecret(String(v)) ? redact(String(v)) : v;
  return JSON.stringify(redactDeep(value), numbersOut, space);
}

/**
 * A value a filter or helper computed from a secret is a secret too: `env.X | upper`, `| trim`, `| b64encode`,
 * `| hash`, `("user:" ~ env.X) | b64encode`. The input is a string that shows a secret (or a secret number);
 * a string result of 3+ characters is registered (its number too when it reads as one), and so are the parts
 * of a secret split into a list. Booleans and numbers that describe a secret (`length`, `==`) are not.
 */
export function noteDerived(input: unknown, output: unknown): void {
  if (secrets.size === 0 || output === input) return;
  const whole = isSecret(input);
  if (!whole && !(typeof input === 'string' && holdsSecret(input))) return;
  if (typeof output === 'string') {
    if (output.length >= 3) addSecret(output);
  } else if (Array.isArray(output) && whole) {
    for (const x of output) if (typeof x === 'string' && x.length >= 3) addSecret(x);
  }
}

/** Forget every secret: a run starts with none (check/prepare.ts), so a value secret in one run of the
 *  process is not masked in the next. */
export function clearSecrets(): void {
  secrets.clear();
  short.clear();
  numbers.clear();
  pattern = undefined;
}
