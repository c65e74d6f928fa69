// lookup('csvfile', 'key', file='people.csv', delimiter=',', col=1): the column `col` of the first row whose first
// field is the key, as Ansible's csvfile lookup reads it. A term may also carry its options as `key=value` words
// (`'Smith file=people.csv delimiter=, col=1'`), the other words making the key (quotes in it kept, as in Ansible).
// `delimiter=TAB` (or `t`) is a tab; a key found nowhere gives `default` (none: nothing).
import { readFileSync } from 'node:fs';
import { FilterError, type KwArgs } from './filters-base.js';
import { parseKv } from '../core/kv.js';
import { toText } from '../core/value-utils.js';

export const CSVFILE_OPTIONS = ['file', 'delimiter', 'col', 'default', 'encoding'];

/** One line of CSV as Python's csv module reads it: `"` quotes a field, `""` in it is one quote. */
export function csvRow(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** The options of one term: the call's keyword arguments, then the term's own `key=value` words. */
function termOptions(term: string, kw: KwArgs): { key: string; o: KwArgs } {
  const { args, bare } = parseKv(term);
  if (!bare.length) throw new FilterError('Search key is required but was not found');
  const o: KwArgs = { file: 'ansible.csv', delimiter: 'TAB', col: '1', ...kw };
  for (const [k, v] of Object.entries(args)) {
    if (!CSVFILE_OPTIONS.includes(k)) throw new FilterError(`${k} is not a valid option`);
    o[k] = v;
  }
  return { key: bare.map((t) => t.text).join(' '), o };
}

/** Each term's value (terms found nowhere and without a default give nothing). */
export function csvfile(terms: unknown[], kw: KwArgs, find: (name: string) => string | undefined): unknown[] {
  const out: unknown[] = [];
  for (const term of terms) {
    const { key, o } = termOptions(toText(term), kw);
    let delimiter = toText(o.delimiter);
    if (delimiter === 'TAB' || delimiter === 't') delimiter = '\t';
    const name = toText(o.file);
    const path = find(name);
    if (path === undefined) throw new FilterError(`No such file or directory: '${name}'`);
    let value: unknown = o.default ?? null;
    for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
      const row = csvRow(line, delimiter);
      if (line === '' || row[0] !== key) continue;
      const col = Number(toText(o.col));
      if (!Number.isInteger(col)) throw new FilterError(`invalid literal for int() with base 10: '${toText(o.col)}'`);
      if (row[col] === undefined) throw new FilterError('list index out of range');
      value = row[col];
      break;
    }
    if (Array.isArray(value)) out.push(...value);
    else if (value !== null) out.push(value);
  }
  return out;
}
