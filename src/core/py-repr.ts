// Python's way of printing values: str() and repr() of JSON-like data (`True`, `None`, `['a', 1]`,
// `{'k': 'v'}`), as Jinja prints them in templates and `--graph --vars` prints inventory values.

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
