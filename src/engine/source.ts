// YAML files read into plain values, with the position of every mapping, sequence, key and value kept
// beside them (a WeakMap keyed by the produced objects), so any later check can point to file:line:col.
import { readFileSync } from 'node:fs';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Document, type Node, type Tags } from 'yaml';
import { KplayError, Problems, type Loc } from './errors.js';
import { rememberText } from './source-text.js';

interface Places {
  self: Loc;
  keys: Map<string | number, Loc>; // where a key is written (for mappings)
  values: Map<string | number, Loc>; // where a value starts
}

const places = new WeakMap<object, Places>();

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
export function setPlace(obj: object, self: Loc, keys?: Map<string | number, Loc>, values?: Map<string | number, Loc>): void {
  places.set(obj, { self, keys: keys ?? new Map(), values: values ?? new Map() });
}

function isObj(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

export interface ParseOptions {
  /** Report problems here instead of throwing. */
  problems?: Problems;
}

/** Read and parse a YAML file. Syntax errors carry file:line:col; returns undefined when the file did not parse. */
export function loadYamlFile(file: string, opts: ParseOptions = {}): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = new KplayError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { code: 'NOT_FOUND' });
    if (opts.problems) {
      opts.problems.push(err);
      return undefined;
    }
    throw err;
  }
  return parseYaml(text, file, opts);
}

/** Parse YAML text (YAML 1.1, as Ansible's loader: yes/no are booleans, 0644 is octal). */
export function parseYaml(text: string, file: string, opts: ParseOptions = {}): unknown {
  rememberText(file, text);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, version: '1.1', prettyErrors: false, uniqueKeys: true, customTags: pyYamlBools });
  const problems = opts.problems ?? new Problems();
  const before = problems.size;
  // the first syntax error is the one to fix; the ones after it are mostly its echoes
  const e = doc.errors[0];
  if (e) {
    const lp = lc.linePos(e.pos[0]);
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more after it)` : '';
    problems.add(`YAML syntax error: ${firstLine(e.message)}${more}`, { code: 'YAML_SYNTAX', loc: { file, line: lp.line, col: lp.col } });
  }
  if (problems.size > before) {
    if (!opts.problems) problems.throwIfAny();
    return undefined;
  }
  const at = (n: Node | null | undefined): Loc => {
    const off = n?.range?.[0] ?? 0;
    const lp = lc.linePos(off);
    return { file, line: lp.line, col: lp.col };
  };
  return toValue(doc.contents as Node | null, doc, at);
}

/** PyYAML (Ansible's loader) reads only yes/no, true/false, on/off as booleans; `y` and `n` stay strings. */
function pyYamlBools(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:bool' || !t.test) return t;
    const yes = t.test.test('yes');
    return { ...t, test: yes ? /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/ : /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/ };
  });
}

function firstLine(msg: string): string {
  return msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function toValue(node: Node | null, doc: Document, at: (n: Node | null | undefined) => Loc, seen = new Map<Node, unknown>()): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) return null;
    if (seen.has(target)) return seen.get(target);
    return toValue(target, doc, at, seen);
  }
  if (isScalar(node)) return scalarValue(node);
  if (isSeq(node)) {
    const arr: unknown[] = [];
    seen.set(node, arr);
    const values = new Map<string | number, Loc>();
    node.items.forEach((item, i) => {
      arr.push(toValue(item as Node, doc, at, seen));
      values.set(i, at(item as Node));
    });
    places.set(arr, { self: at(node), keys: new Map(), values });
    return arr;
  }
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    seen.set(node, obj);
    const keys = new Map<string | number, Loc>();
    const values = new Map<string | number, Loc>();
    const mergeSources: unknown[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const rawKey = isScalar(keyNode) ? keyNode.value : toValue(keyNode, doc, at, seen);
      if ((rawKey === '<<' || typeof rawKey === 'symbol') && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        const src = toValue(pair.value as Node, doc, at, seen);
        if (Array.isArray(src)) mergeSources.push(...src);
        else mergeSources.push(src);
        continue;
      }
      const key = rawKey === null ? 'null' : typeof rawKey === 'object' ? JSON.stringify(rawKey) : String(rawKey);
      setKey(obj, key, toValue(pair.value as Node, doc, at, seen));
      keys.set(key, at(keyNode));
      values.set(key, pair.value ? at(pair.value as Node) : at(keyNode));
    }
    // merge keys: explicit keys win, earlier sources win over later ones; as PyYAML, merged keys come first
    // (the last source's keys first), then the explicit ones
    if (mergeSources.length > 0) {
      const explicit = Object.entries(obj);
      for (const [k] of explicit) delete obj[k];
      const maps = mergeSources.filter((m): m is Record<string, unknown> => !!m && typeof m === 'object' && !Array.isArray(m));
      for (const src of [...maps].reverse()) {
        for (const k of Object.keys(src)) {
          if (k in obj) continue;
          const from = maps.find((m) => k in m)!;
          setKey(obj, k, from[k]);
        }
      }
      for (const [k, v] of explicit) setKey(obj, k, v);
    }
    places.set(obj, { self: at(node), keys, values });
    return obj;
  }
  return null;
}

function scalarValue(s: Scalar): unknown {
  const v = s.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

/** Own, enumerable, and never the prototype, even for a key named `__proto__`. */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
