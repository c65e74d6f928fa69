// Text filters (`regex_findall`, `regex_escape`, `hash`, `checksum`, `splitext`, `to_nice_yaml`, `comment`) and the
// comparison tests Jinja names for `select`/`selectattr` (`selectattr('role', 'equalto', 'master')`,
// `select('ge', 2)`, `selectattr('port', '==', 443)`), which also work after `is` where the name is a word.
import { createHash, getHashes } from 'node:crypto';
import { stringify as toYaml } from 'yaml';
import { FilterError, pyRegex, str, type Filter, type Test } from './filters-base.js';
import { deepEqual, isPlainObject, toText, typeName } from '../core/value-utils.js';

/** Python's re.findall: whole matches, or the group when there is one, or a list of the groups. */
const regexFindall: Filter = (v, [re, multiline, ignorecase]) => {
  const out: unknown[] = [];
  for (const m of str(v, 'regex_findall').matchAll(pyRegex(re, 'g', ignorecase, multiline))) {
    if (m.length === 1) out.push(m[0]);
    else if (m.length === 2) out.push(m[1] ?? '');
    else out.push(m.slice(1).map((g) => g ?? ''));
  }
  return out;
};

/** The characters Python's re.escape escapes (3.7 and later). */
const regexEscape: Filter = (v) => toText(v).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);

const hash: Filter = (v, [type]) => {
  const t = type === undefined ? 'sha1' : toText(type).toLowerCase();
  if (!getHashes().includes(t)) throw new FilterError(`unknown hash type '${t}' (md5, sha1, sha256, sha512, ...)`);
  return createHash(t).update(toText(v), 'utf8').digest('hex');
};

/** os.path.splitext: [root, extension]; the leading dots of a name (`.bashrc`) are not an extension. */
const splitext: Filter = (v) => {
  const p = toText(v);
  const dot = p.lastIndexOf('.');
  const slash = p.lastIndexOf('/');
  if (dot <= slash + 1) return [p, ''];
  if (/^\.+$/.test(p.slice(slash + 1, dot))) return [p, ''];
  return [p.slice(0, dot), p.slice(dot)];
};

/**
 * Block-style YAML as Ansible's to_nice_yaml writes it: keys sorted, 4-space indent. The same data as PyYAML's
 * output, not the same bytes: PyYAML puts `- ` at its parent key's column, here list items are indented by 2.
 */
const toNiceYaml: Filter = (v, [indent, width]) =>
  toYaml(v, {
    indent: indent === undefined ? 4 : Number(indent),
    indentSeq: false,
    lineWidth: width === undefined ? 80 : Number(width),
    sortMapEntries: true,
  });

/** Each style's decoration of a line, and the lines it opens and closes the comment with. */
const COMMENT_STYLES: Record<string, { decoration: string; beginning?: string; end?: string }> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/**
 * Text as a comment block (`{{ ansible_managed | comment }}`): the optional beginning line, the prefix line(s),
 * each line decorated (an empty one gets the decoration without its trailing blank), the postfix line(s), the
 * optional end line. The prefix and postfix default to the decoration without its trailing blanks.
 */
const comment: Filter = (v, [style], kw) => {
  const name = style === undefined ? 'plain' : toText(style);
  const st = COMMENT_STYLES[name];
  if (!st) throw new FilterError(`unknown comment style '${name}' (${Object.keys(COMMENT_STYLES).join(', ')})`);
  const opt = (k: string, d: string): string => (kw[k] === undefined ? d : toText(kw[k]));
  const count = (k: string): number => (kw[k] === undefined ? 1 : Number(kw[k]));
  const decoration = opt('decoration', st.decoration);
  const bare = decoration.trimEnd();
  const lines: string[] = [];
  const beginning = opt('beginning', st.beginning ?? '');
  if (beginning) lines.push(beginning);
  for (let i = 0; i < count('prefix_count'); i++) lines.push(opt('prefix', bare));
  for (const line of toText(v).split('\n')) lines.push(line ? decoration + line : bare);
  for (let i = 0; i < count('postfix_count'); i++) lines.push(opt('postfix', bare));
  const end = opt('end', st.end ?? '');
  if (end) lines.push(end);
  return lines.join(opt('newline', '\n'));
};

/** Jinja's indent: every line but the first (and the first too with `first`) after `width` spaces (or that text);
 *  blank lines stay blank unless `blank`. */
const indent: Filter = (v, [width, first, blank]) => {
  const pad = typeof width === 'string' ? width : ' '.repeat(width === undefined ? 4 : Number(width));
  const lines = `${toText(v)}\n`.split(/\r\n|\r|\n/);
  lines.pop();
  let out =
    blank === true ? lines.join(`\n${pad}`) : lines.map((l, i) => (i === 0 || l === '' ? l : pad + l)).join('\n');
  if (first === true) out = pad + out;
  return out;
};

export const TEXT_FILTERS: Record<string, Filter> = {
  comment,
  indent,
  regex_findall: regexFindall,
  regex_escape: regexEscape,
  hash,
  checksum: (v) => createHash('sha1').update(toText(v), 'utf8').digest('hex'),
  splitext,
  to_nice_yaml: toNiceYaml,
};

function order(a: unknown, b: unknown, name: string): number {
  const num = (x: unknown): boolean => typeof x === 'number' || typeof x === 'boolean';
  if (num(a) && num(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new FilterError(`test '${name}': cannot compare ${typeName(a)} and ${typeName(b)}`);
}

/** `x in container` as Python has it: an item of a list, a substring of a string, a key of a dict. */
export function isIn(item: unknown, container: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item);
  if (isPlainObject(container)) return Object.hasOwn(container, toText(item));
  throw new FilterError(`test 'in' needs a list, string or dict, got ${typeName(container)}`);
}

const eq: Test = (v, [x]) => deepEqual(v, x);
const ne: Test = (v, [x]) => !deepEqual(v, x);
const lt: Test = (v, [x]) => order(v, x, 'lt') < 0;
const le: Test = (v, [x]) => order(v, x, 'le') <= 0;
const gt: Test = (v, [x]) => order(v, x, 'gt') > 0;
const ge: Test = (v, [x]) => order(v, x, 'ge') >= 0;

export const COMPARE_TESTS: Record<string, Test> = {
  eq,
  equalto: eq,
  '==': eq,
  ne,
  '!=': ne,
  lt,
  lessthan: lt,
  '<': lt,
  le,
  '<=': le,
  gt,
  greaterthan: gt,
  '>': gt,
  ge,
  '>=': ge,
  sameas: (v, [x]) => v === x,
  in: (v, [l]) => isIn(v, l),
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
};

/** Tests that compare with their argument: a missing attribute is simply not equal (Jinja's undefined). */
export const EQUALITY_TESTS = new Set(['eq', 'equalto', '==', 'ne', '!=', 'sameas']);
