// What every filter file shares: the error a filter raises (the evaluator adds the filter's name and position),
// the filter and test signatures, argument checks, and attribute paths (`'value.LB_ROLE'`, `'ips.0'`).
import { ownProp, isPlainObject, typeName } from '../core/value-utils.js';
import { pyRegExp } from '../core/py-regex.js';

export class FilterError extends Error {}

/** Keyword arguments a filter declared as taking any (map, select, ...) receives as they were written. */
export type KwArgs = Record<string, unknown>;
export type Filter = (v: unknown, args: unknown[], kw: KwArgs) => unknown;
export type Test = (v: unknown, args: unknown[]) => boolean;

export function need<T>(ok: boolean, v: T, what: string, _name?: string): T {
  if (!ok) throw new FilterError(`needs ${what}, got ${typeName(v)}`);
  return v;
}
export const list = (v: unknown, name: string): unknown[] => {
  if (typeof v === 'string') return [...v];
  if (isPlainObject(v)) return Object.keys(v);
  return need(Array.isArray(v), v as unknown[], 'a list', name);
};
export const str = (v: unknown, name: string): string => need(typeof v === 'string', v as string, 'a string', name);
export const dict = (v: unknown, name: string): Record<string, unknown> =>
  need(isPlainObject(v), v as Record<string, unknown>, 'a dict', name);

/** A list argument: lists as they are, a string or dict as its characters or keys. */
export const listArg = (v: unknown, what: string): unknown[] => {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isPlainObject(v)) return Object.keys(v);
  throw new FilterError(`${what} must be a list, got ${typeName(v)}`);
};

/**
 * The value at a dotted attribute path of an item (`'a.b'`, `'ips.0'`, or a number for a list index), as Jinja's
 * attribute lookups do; undefined when any step is missing. Own data properties only (see ownProp).
 */
export function attrPath(item: unknown, path: unknown): unknown {
  if (typeof path === 'number') return ownProp(item, path);
  let v = item;
  for (const part of String(path).split('.')) {
    v = ownProp(v, /^\d+$/.test(part) && Array.isArray(v) ? Number(part) : part);
    if (v === undefined) return undefined;
  }
  return v;
}

/** A filter's Python pattern (core/py-regex.ts), with the filter's ignorecase and multiline arguments. */
export function pyRegex(re: unknown, flags: string, ignorecase?: unknown, multiline?: unknown): RegExp {
  const f = flags + (ignorecase === true ? 'i' : '') + (multiline === true ? 'm' : '');
  try {
    return pyRegExp(String(re ?? ''), f);
  } catch (e) {
    throw new FilterError(
      `bad regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    );
  }
}
