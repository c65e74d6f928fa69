// Small value helpers shared by expressions and templates: Python/Jinja truthiness, Ansible's `bool`,
// equality, type names for messages, and turning a value into text.

/** Python truthiness: none, false, 0, '', [] and {} are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true', 'y', 't']);
const FALSE_WORDS = new Set(['no', 'off', '0', 'false', 'n', 'f', '']);
/** Every word `boolWord` reads as a boolean (any case, spaces around). */
export const BOOL_WORDS: readonly string[] = [...TRUE_WORDS, ...FALSE_WORDS];

/** A value Ansible accepts for a boolean keyword (true/false, yes/no, on/off, 1/0 ...), or undefined for
 *  anything else. */
export function boolWord(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v !== 'string') return undefined;
  const w = v.trim().toLowerCase();
  return TRUE_WORDS.has(w) ? true : FALSE_WORDS.has(w) ? false : undefined;
}

/** Ansible's `| bool`: yes/on/1/true (any case) are true, everything else false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return TRUE_WORDS.has(v.trim().toLowerCase());
  return false;
}

/**
 * Truth of a condition's result: booleans as they are; strings that are boolean words (yes/no/true/false/on/off/1/0)
 * mean what they say (a variable set to "false" on the command line is false); other values by Python truthiness.
 */
export function conditionTruth(v: unknown): boolean {
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  return truthy(v);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'dict';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string, number
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Python-like ==: numbers and booleans compare by value, lists and dicts deeply. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const na = typeof a === 'number' || typeof a === 'boolean';
  const nb = typeof b === 'number' || typeof b === 'boolean';
  if (na && nb) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Text of a value as templates print it: none → '', lists and dicts as JSON. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Own property of a plain object or array, never anything from a prototype and never a function. */
export function ownProp(obj: unknown, key: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return undefined;
  if (typeof obj === 'string') {
    if (key === 'length') return obj.length;
    if (typeof key === 'number' && Number.isInteger(key)) return obj.at(key);
    return undefined;
  }
  if (Array.isArray(obj)) {
    if (key === 'length') return obj.length;
    const i = typeof key === 'number' ? key : typeof key === 'string' && /^-?\d+$/.test(key) ? Number(key) : NaN;
    return Number.isInteger(i) ? obj.at(i) : undefined;
  }
  if (typeof obj !== 'object' || obj === null) return undefined;
  const k = String(key);
  if (!Object.hasOwn(obj, k)) return undefined;
  const v = (obj as Record<string, unknown>)[k];
  return typeof v === 'function' ? undefined : v;
}

/** A variable from a scope: own properties along a chain of scopes (Object.create layering), never Object.prototype. */
export function scopeGet(scope: object, name: string): unknown {
  let o: object | null = scope;
  while (o && o !== Object.prototype) {
    if (Object.hasOwn(o, name)) {
      const v = (o as Record<string, unknown>)[name];
      return typeof v === 'function' ? undefined : v;
    }
    o = Object.getPrototypeOf(o) as object | null;
  }
  return undefined;
}
