// Python's way of printing values: str() and repr() of JSON-like data (`True`, `None`, `['a', 1]`,
// `{'k': 'v'}`), as Jinja prints them in templates and `--graph --vars` prints inventory values. An encrypted
// `!vault` value cannot be printed: kplay has no vault secret (core/vault.ts).
import { VaultText, vaultError } from './vault.js';

/** Arrays that were Python tuples (printed `(1, 2)`, lists everywhere else). */
const tuples = new WeakSet<unknown[]>();
export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && tuples.has(v);
}
export function markTuple(v: unknown[]): void {
  tuples.add(v);
}

/** Python's str(): strings as they are, everything else as repr(). */
export function pyStr(v: unknown): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** Python's repr() of a JSON-like value. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return pyFloatOrInt(v);
  if (typeof v === 'string') return pyStrRepr(v);
  if (v instanceof VaultText) throw vaultError();
  if (Array.isArray(v)) {
    const items = v.map(pyRepr);
    if (isTuple(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

function pyFloatOrInt(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  return String(n).replace(/e([+-])(\d)$/, 'e$10$2');
}

function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += '\\' + q;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}

/** Python's json.dumps: `, ` and `: ` separators and non-ASCII escaped (its defaults); with `indent`, one item
 *  per line and `,` at line ends (to_nice_json's), keys sorted when asked. */
export function pyJson(v: unknown, opts: { indent?: number; sortKeys?: boolean } = {}, depth = 0): string {
  if (v === null || v === undefined) return 'null';
  const ind = opts.indent;
  const open = (items: string[], o: string, c: string): string => {
    if (!items.length) return o + c;
    if (ind === undefined) return o + items.join(', ') + c;
    const pad = ' '.repeat(ind * (depth + 1));
    return `${o}\n${pad}${items.join(`,\n${pad}`)}\n${' '.repeat(ind * depth)}${c}`;
  };
  if (Array.isArray(v))
    return open(
      v.map((x) => pyJson(x, opts, depth + 1)),
      '[',
      ']',
    );
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (opts.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return open(
      entries.map(([k, x]) => `${pyJson(k)}: ${pyJson(x, opts, depth + 1)}`),
      '{',
      '}',
    );
  }
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(v);
}
