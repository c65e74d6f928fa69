// Values written out as Python writes them (json.dumps, str of a bool): what copy's `content:` and uri's
// `body:` send when they are not strings.
import type { Vars } from '../contract.js';

/** Python's json.dumps with its defaults: `, ` and `: ` separators, non-ASCII escaped. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  if (typeof v === 'object')
    return `{${Object.entries(v as Vars)
      .map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`)
      .join(', ')}}`;
  if (typeof v === 'string')
    return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(v);
}

/** `content:` as bytes: strings as they are, lists and mappings as JSON, other scalars as Python prints them. */
export function contentBytes(v: unknown): Buffer {
  if (typeof v === 'string') return Buffer.from(v);
  if (typeof v === 'boolean') return Buffer.from(v ? 'True' : 'False');
  if (typeof v === 'number') return Buffer.from(String(v));
  return Buffer.from(pyJson(v));
}
