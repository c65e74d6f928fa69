// Where each value of a loaded file was written: positions kept beside the values (a WeakMap keyed by the
// produced objects), read back by every check that points to file:line:col.
import type { Loc } from './errors.js';

interface Places {
  self: Loc;
  keys: Map<string | number, Loc>; // where a key is written (for mappings)
  values: Map<string | number, Loc>; // where a value starts
}

export const places = new WeakMap<object, Places>();

/** Where an object or array was written. */
export function locOf(obj: unknown): Loc | undefined {
  return isObj(obj) ? places.get(obj)?.self : undefined;
}

/** Where the value under `key` of `parent` was written (falls back to the key, then the parent). */
export function valueLoc(parent: unknown, key: string | number): Loc | undefined {
  if (!isObj(parent)) return undefined;
  const p = places.get(parent);
  return p?.values.get(key) ?? p?.keys.get(key) ?? p?.self;
}

/** Where the key `key` of a mapping was written (falls back to the mapping). */
export function keyLoc(parent: unknown, key: string): Loc | undefined {
  if (!isObj(parent)) return undefined;
  const p = places.get(parent);
  return p?.keys.get(key) ?? p?.self;
}

/** Give `target` the same places as `source` (used when a loader copies a mapping). */
export function copyPlaces(source: object, target: object): void {
  const p = places.get(source);
  if (p) places.set(target, p);
}

/** Record a place for an object built in code (e.g. from an INI file). */
export function setPlace(
  obj: object,
  self: Loc,
  keys?: Map<string | number, Loc>,
  values?: Map<string | number, Loc>,
): void {
  places.set(obj, { self, keys: keys ?? new Map(), values: values ?? new Map() });
}

function isObj(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
