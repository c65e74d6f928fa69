// Values written out as Python writes them (json.dumps, str of a bool): what copy's `content:` and uri's
// `body:` send when they are not strings.
import { pyJson } from '../../core/py-repr.js';

export { pyJson };

/** `content:` as bytes: strings as they are, lists and mappings as JSON, other scalars as Python prints them. */
export function contentBytes(v: unknown): Buffer {
  if (typeof v === 'string') return Buffer.from(v);
  if (typeof v === 'boolean') return Buffer.from(v ? 'True' : 'False');
  if (typeof v === 'number') return Buffer.from(String(v));
  return Buffer.from(pyJson(v));
}
