// Keyword arguments (`default('x', boolean=true)`, `combine(b, recursive=true)`, `map(attribute='name')`): which
// names each filter and test accepts, as their Ansible/Jinja documentation names them. `pos` names a parameter that
// may also be given by position: its keyword value fills that position. `kw` names keyword-only parameters, given
// to the filter as an object; 'any' takes every name (map, select, ...: they pass them on to another filter or test).
// A name not listed is a compile-time error with a did-you-mean.
import { FilterError } from './filters-base.js';

export interface Signature {
  pos?: string[];
  kw?: string[] | 'any';
}

export const FILTER_SIGNATURES: Record<string, Signature> = {
  default: { pos: ['default_value', 'boolean'] },
  int: { pos: ['default'] },
  float: { pos: ['default'] },
  join: { pos: ['d'] },
  sort: { pos: ['reverse', 'case_sensitive', 'attribute'] },
  round: { pos: ['precision', 'method'] },
  replace: { pos: ['old', 'new'] },
  split: { pos: ['sep'] },
  regex_replace: { pos: ['pattern', 'replacement', 'ignorecase', 'multiline'] },
  regex_search: { pos: ['regex'], kw: ['ignorecase', 'multiline'] },
  to_json: { kw: ['sort_keys', 'indent'] },
  regex_findall: { pos: ['regex', 'multiline', 'ignorecase'] },
  ternary: { pos: ['true_val', 'false_val', 'none_val'] },
  to_nice_yaml: { pos: ['indent', 'width'] },
  to_nice_json: { pos: ['indent'], kw: ['sort_keys'] },
  comment: {
    pos: ['style'],
    kw: ['decoration', 'beginning', 'end', 'prefix', 'prefix_count', 'postfix', 'postfix_count', 'newline'],
  },
  hash: { pos: ['hashtype'] },
  password_hash: { pos: ['hashtype', 'salt', 'salt_size', 'rounds'] },
  mandatory: { pos: ['msg'] },
  indent: { pos: ['width', 'first', 'blank'] },
  extract: { pos: ['container', 'morekeys'] },
  host_address: { pos: ['hostvars', 'use'] },
  flatten: { pos: ['levels', 'skip_nulls'] },
  items2dict: { pos: ['key_name', 'value_name'] },
  urlsplit: { pos: ['query'] },
  groupby: { pos: ['attribute', 'default', 'case_sensitive'] },
  unique: { kw: ['case_sensitive', 'attribute'] },
  rekey_on_member: { pos: ['key', 'duplicates'] },
  combine: { kw: ['recursive', 'list_merge'] },
  zip_longest: { kw: ['fillvalue'] },
  random: { pos: ['start', 'step', 'seed'] },
  strftime: { pos: ['second', 'utc'] },
  expanduser: { pos: [] },
  realpath: { pos: [] },
  type_debug: { pos: [] },
  ipaddr: { pos: ['query', 'version', 'alias'] },
  ipv4: { pos: ['query'] },
  ipv6: { pos: ['query'] },
  nthhost: { pos: ['query'] },
  ipmath: { pos: ['amount'] },
  log: { pos: ['base'] },
  pow: { pos: ['y'] },
  root: { pos: ['base'] },
  permutations: { pos: ['r'] },
  combinations: { pos: ['r'] },
  human_to_bytes: { pos: ['default_unit', 'isbits'] },
  human_readable: { pos: ['isbits', 'unit'] },
  map: { kw: 'any' },
  select: { kw: 'any' },
  reject: { kw: 'any' },
  selectattr: { kw: 'any' },
  rejectattr: { kw: 'any' },
};
FILTER_SIGNATURES.d = FILTER_SIGNATURES.default!;

const PATTERN: Signature = { pos: ['pattern', 'ignorecase', 'multiline'] };
const VERSION: Signature = { pos: ['version', 'operator', 'strict', 'version_type'] };

export const TEST_SIGNATURES: Record<string, Signature> = {
  version: VERSION,
  version_compare: VERSION,
  match: PATTERN,
  search: PATTERN,
  regex: PATTERN,
  divisibleby: { pos: ['num'] },
  truthy: { pos: ['convert_bool'] },
  falsy: { pos: ['convert_bool'] },
  in: { pos: ['seq'] },
  contains: { pos: ['value'] },
  subset: { pos: ['b'] },
  superset: { pos: ['b'] },
  issubset: { pos: ['b'] },
  issuperset: { pos: ['b'] },
  same_file: { pos: ['b'] },
  is_same_file: { pos: ['b'] },
};
for (const t of [
  'eq',
  'equalto',
  '==',
  'ne',
  '!=',
  'lt',
  'lessthan',
  '<',
  'le',
  '<=',
  'gt',
  'greaterthan',
  '>',
  'ge',
  '>=',
  'sameas',
]) {
  TEST_SIGNATURES[t] = { pos: ['other'] };
}

/**
 * Positional arguments with the keyword ones folded in where the signature places them, and the keyword-only ones
 * (`rest`). A name the signature does not know, or one given twice, is an error (compile time catches it first).
 */
export function foldKwargs(
  sig: Signature | undefined,
  args: unknown[],
  kw: Record<string, unknown>,
): { args: unknown[]; rest: Record<string, unknown> } {
  const out = [...args];
  const rest: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of Object.keys(kw)) {
    const i = sig?.pos?.indexOf(name) ?? -1;
    if (i >= 0) {
      if (i < args.length) throw new FilterError(`argument '${name}' is given twice (by position and by name)`);
      out[i] = kw[name];
    } else if (sig?.kw === 'any' || sig?.kw?.includes(name)) rest[name] = kw[name];
    else throw new FilterError(`unexpected keyword argument '${name}'`);
  }
  return { args: out, rest };
}

/** Every keyword name a signature accepts (for did-you-mean), or undefined when it takes any. */
export function keywordNames(sig: Signature | undefined): string[] | undefined {
  if (sig?.kw === 'any') return undefined;
  return [...(sig?.pos ?? []), ...(sig?.kw ?? [])];
}
