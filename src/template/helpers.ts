// Handlebars helpers for configuration templates: comparisons and logic (eq ne lt gt le ge and or not),
// lists and text (join first last length concat list split replace upper lower trim indent nindent), an image
// under a registry mirror (mirrored),
// data formats (json yaml b64enc b64dec), `default`, `defined`, `get` (index access) and subnet math
// (cidr_host cidr_contains cidr_prefix cidr_netmask cidr_network cidr_size).
// Each helper takes its positional arguments and the hash (`key=value` arguments); a helper error is a
// HelperError, which the template layer reports with the helper's position.
import { stringify as toYaml } from 'yaml';
import { cidrContains, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix, cidrSize } from '../expr/ip-math.js';
import { mirroredImage } from '../core/image-names.js';
import { noteDerived } from '../core/secrets.js';
import { deepEqual, isPlainObject, ownProp, toBool, toText, truthy, typeName } from '../core/value-utils.js';

export class HelperError extends Error {}

export type Helper = (args: unknown[], hash: Record<string, unknown>) => unknown;

function order(name: string, a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new HelperError(`'${name}' cannot compare ${typeName(a)} and ${typeName(b)}`);
}

function str(name: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new HelperError(`'${name}' needs a string, got ${typeName(v)}`);
}

function arr(name: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new HelperError(`'${name}' needs a list, got ${typeName(v)}`);
}

function argc(name: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new HelperError(`'${name}' takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

const cmp =
  (name: string, f: (c: number) => boolean): Helper =>
  (a) => (argc(name, a, 2), f(order(name, a[0], a[1])));

/** Jinja's indent: every line but the first gets n spaces (also the first with first=true); blank lines stay empty. */
function indentText(text: string, n: number, first: boolean): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((line, i) => ((i > 0 || first) && line.trim() !== '' ? pad + line : line))
    .join('\n');
}

const ip =
  (name: string, f: (...s: string[]) => unknown, n: number): Helper =>
  (a) => {
    argc(name, a, n);
    return f(...a.map((x) => str(name, x)));
  };

export const HELPERS: Record<string, Helper> = {
  eq: (a) => (argc('eq', a, 2), deepEqual(a[0], a[1])),
  ne: (a) => (argc('ne', a, 2), !deepEqual(a[0], a[1])),
  lt: cmp('lt', (c) => c < 0),
  gt: cmp('gt', (c) => c > 0),
  le: cmp('le', (c) => c <= 0),
  ge: cmp('ge', (c) => c >= 0),
  and: (a) => a.every(truthy),
  or: (a) => a.some(truthy),
  not: (a) => (argc('not', a, 1), !truthy(a[0])),
  bool: (a) => (argc('bool', a, 1), toBool(a[0])),
  default: (a) => (argc('default', a, 2), a[0] === undefined || a[0] === null ? a[1] : a[0]),
  defined: (a) => (argc('defined', a, 1), a[0] !== undefined),
  join: (a) => (
    argc('join', a, 1, 2),
    arr('join', a[0])
      .map(toText)
      .join(a[1] === undefined ? ',' : str('join', a[1]))
  ),
  first: (a) => (argc('first', a, 1), typeof a[0] === 'string' ? a[0][0] : arr('first', a[0])[0]),
  last: (a) => (argc('last', a, 1), typeof a[0] === 'string' ? a[0].at(-1) : arr('last', a[0]).at(-1)),
  length: (a) => {
    argc('length', a, 1);
    if (typeof a[0] === 'string' || Array.isArray(a[0])) return a[0].length;
    if (isPlainObject(a[0])) return Object.keys(a[0]).length;
    throw new HelperError(`'length' needs a list, string or dict, got ${typeName(a[0])}`);
  },
  contains: (a) => {
    argc('contains', a, 2);
    if (typeof a[0] === 'string') return a[0].includes(str('contains', a[1]));
    if (isPlainObject(a[0])) return Object.hasOwn(a[0], String(a[1]));
    return arr('contains', a[0]).some((x) => deepEqual(x, a[1]));
  },
  get: (a) => {
    argc('get', a, 2, 3);
    const v = ownProp(a[0], a[1]);
    if (v !== undefined) return v;
    if (a.length === 3) return a[2];
    throw new HelperError(
      `'get': ${typeName(a[0])} has no key '${toText(a[1])}' (give a fallback: get obj key fallback)`,
    );
  },
  upper: (a) => (argc('upper', a, 1), str('upper', a[0]).toUpperCase()),
  lower: (a) => (argc('lower', a, 1), str('lower', a[0]).toLowerCase()),
  trim: (a) => (argc('trim', a, 1), str('trim', a[0]).trim()),
  replace: (a) => (argc('replace', a, 3), str('replace', a[0]).split(str('replace', a[1])).join(str('replace', a[2]))),
  split: (a) => (argc('split', a, 1, 2), str('split', a[0]).split(a[1] === undefined ? ',' : str('split', a[1]))),
  concat: (a) => (Array.isArray(a[0]) ? a.flatMap((x) => (Array.isArray(x) ? x : [x])) : a.map(toText).join('')),
  list: (a) => [...a],
  int: (a) => (argc('int', a, 1), Math.trunc(Number(a[0])) || 0),
  string: (a) => (argc('string', a, 1), toText(a[0])),
  indent: (a, h) => (argc('indent', a, 1, 2), indentText(str('indent', a[0]), Number(a[1] ?? 4), truthy(h.first))),
  nindent: (a) => (argc('nindent', a, 2), '\n' + indentText(str('nindent', a[0]), Number(a[1]), true)),
  json: (a, h) => (
    argc('json', a, 1, 2),
    JSON.stringify(a[0], null, (a[1] ?? h.indent) === undefined ? undefined : Number(a[1] ?? h.indent))
  ),
  yaml: (a) => (argc('yaml', a, 1), toYaml(a[0]).replace(/\n$/, '')),
  b64enc: (a) => (argc('b64enc', a, 1), Buffer.from(toText(a[0]), 'utf8').toString('base64')),
  b64dec: (a) => (argc('b64dec', a, 1), Buffer.from(str('b64dec', a[0]), 'base64').toString('utf8')),
  quote: (a) => (argc('quote', a, 1), `'${toText(a[0]).replace(/'/g, `'"'"'`)}'`),
  // `mirrored image prefix`: the image under a registry mirror by its full name, or as it is without a prefix
  mirrored: (a) => {
    argc('mirrored', a, 2);
    return mirroredImage(str('mirrored', a[0]), toText(a[1] ?? ''));
  },
  cidr_host: (a) => {
    argc('cidr_host', a, 2);
    return cidrHost(str('cidr_host', a[0]), Number(a[1]));
  },
  cidr_contains: ip('cidr_contains', cidrContains, 2),
  cidr_prefix: ip('cidr_prefix', cidrPrefix, 1),
  cidr_netmask: ip('cidr_netmask', cidrNetmask, 1),
  cidr_network: ip('cidr_network', cidrNetwork, 1),
  cidr_size: ip('cidr_size', cidrSize, 1),
};

/** Helpers whose first argument may be undefined (everything else is checked before the call). */
export const LENIENT_FIRST = new Set(['default', 'defined']);

/** Handlebars' own helpers, which stay available. */
export const BUILTIN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

/** Call a helper by name; any failure becomes a HelperError naming it. */
export function callHelper(name: string, args: unknown[], hash: Record<string, unknown>): unknown {
  const h = HELPERS[name];
  if (!h) throw new HelperError(`unknown helper '${name}'`);
  try {
    const out = h(args, hash);
    noteDerived(args[0], out);
    return out;
  } catch (e) {
    if (e instanceof HelperError) throw e;
    throw new HelperError(`'${name}': ${(e as Error).message}`);
  }
}
