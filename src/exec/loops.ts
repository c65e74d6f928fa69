// Ansible's loop keywords, one small function each: the keyword's rendered value in, the loop's items out.
// A value the keyword cannot loop over throws a LoopError (a KplayError without a position); `loopItems()`
// (conditions.ts) places it at the keyword. `loop_control`'s variables for one item are made here too.
import { KplayError } from '../core/errors.js';
import { loopPosition } from '../core/loop-position.js';
import { toBool } from '../core/value-utils.js';
import type { RoleInstance, Vars } from '../core/types.js';
import { firstFound, fileGlob } from './loop-files.js';
import { sequence } from './loop-sequence.js';

/** A loop value that cannot be looped over: `loopItems()` places it at the keyword. */
export class LoopError extends KplayError {
  constructor(msg: string) {
    super(msg, { code: 'TASK_FAILED' });
  }
}

/** What a loop may need besides its value: where controller files are searched. */
export interface LoopCtx {
  role: RoleInstance | undefined;
  playbookDir: string;
}

export type LoopFn = (v: unknown, c: LoopCtx) => unknown[];

const show = (v: unknown) => JSON.stringify(v) ?? String(v);
const isMap = (v: unknown): v is Vars => !!v && typeof v === 'object' && !Array.isArray(v);

function list(key: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new LoopError(`${key} expects a list, got ${show(v)}`);
  return v;
}

/** Lists of lists: each term a list (a single value counts as a list of one). */
function lists(key: string, v: unknown): unknown[][] {
  const terms = list(key, v);
  if (terms.length === 0) throw new LoopError(`${key} needs at least one list`);
  return terms.map((x) => (Array.isArray(x) ? x : [x]));
}

export function flattenAll(v: unknown[]): unknown[] {
  return v.flatMap((x) => (Array.isArray(x) ? flattenAll(x) : [x]));
}

function subelements(v: unknown): unknown[] {
  const terms = list('with_subelements', v);
  const [parents, path, flags] = terms;
  if (terms.length < 2 || terms.length > 3 || typeof path !== 'string' || !path)
    throw new LoopError(`with_subelements needs [a list of mappings, 'key.path'] or a third {skip_missing: bool}`);
  if (flags !== undefined && !isMap(flags))
    throw new LoopError(`with_subelements: the third term must be a mapping, got ${show(flags)}`);
  const unknown = Object.keys(flags ?? {}).filter((k) => k !== 'skip_missing');
  if (unknown.length) throw new LoopError(`with_subelements: unknown flag '${unknown[0]}' (it takes skip_missing)`);
  const skip = toBool(flags?.skip_missing);
  const keys = path.split('.');
  const out: unknown[] = [];
  for (const parent of list('with_subelements', parents)) {
    if (!isMap(parent)) throw new LoopError(`with_subelements: each element must be a mapping, got ${show(parent)}`);
    if (parent.skipped === true) continue; // an item a registered loop skipped
    const copy = structuredClone(parent) as Vars;
    let at: Vars = copy;
    let sub: unknown[] | undefined;
    for (const [i, k] of keys.entries()) {
      if (!(k in at)) {
        if (skip) break;
        throw new LoopError(`with_subelements: '${k}' not found in ${show(parent)}`);
      }
      const next = at[k];
      if (i < keys.length - 1) {
        if (!isMap(next)) {
          if (skip) break;
          throw new LoopError(`with_subelements: '${k}' should be a mapping, got ${show(next)}`);
        }
        at = next;
      } else {
        if (!Array.isArray(next)) throw new LoopError(`with_subelements: '${k}' should be a list, got ${show(next)}`);
        sub = next;
        delete at[k];
      }
    }
    for (const x of sub ?? []) out.push([copy, x]);
  }
  return out;
}

function together(v: unknown): unknown[] {
  const terms = lists('with_together', v);
  const n = Math.max(...terms.map((t) => t.length));
  return Array.from({ length: n }, (_, i) => terms.map((t) => (i < t.length ? t[i] : null)));
}

function nested(v: unknown): unknown[] {
  return lists('with_nested', v).reduce<unknown[][]>((acc, t) => acc.flatMap((a) => t.map((x) => [...a, x])), [[]]);
}

/** The loop keywords, in the order Ansible's users meet them. */
export const LOOPS: Record<string, LoopFn> = {
  loop: (v) => list('loop', v),
  with_items: (v) => list('with_items', v).flat(1),
  with_list: (v) => list('with_list', v),
  with_dict: (v) => {
    if (!isMap(v)) throw new LoopError(`with_dict expects a dict (a mapping), got ${show(v)}`);
    return Object.entries(v).map(([key, value]) => ({ key, value }));
  },
  with_indexed_items: (v) =>
    list('with_indexed_items', v)
      .flat(1)
      .map((x, i) => [i, x]),
  with_together: together,
  with_nested: nested,
  with_flattened: (v) => flattenAll(list('with_flattened', v)),
  with_sequence: (v) => sequence(v),
  with_subelements: subelements,
  with_fileglob: (v, c) => fileGlob(v, c.role, c.playbookDir),
  with_first_found: (v, c) => firstFound(v, c.role, c.playbookDir),
};

/** The variables one loop item sets: the item, index_var, and `ansible_loop` with `extended`. */
export function itemVars(lc: Vars | undefined, items: unknown[], i: number): Vars {
  const loopVar = String(lc?.loop_var ?? 'item');
  const indexVar = typeof lc?.index_var === 'string' ? lc.index_var : undefined;
  const out: Vars = { [loopVar]: items[i], ansible_loop_var: loopVar };
  if (indexVar) Object.assign(out, { [indexVar]: i, ansible_index_var: indexVar });
  if (toBool(lc?.extended)) {
    const loop: Vars = loopPosition(items, i);
    const all = lc?.extended_allitems;
    if (all === undefined || toBool(all)) loop.allitems = items;
    out.ansible_loop = loop;
  }
  return out;
}

/** loop_control's `pause`: seconds to wait between two items (0 without it). */
export function pauseOf(lc: Vars | undefined): number {
  const n = Number(lc?.pause ?? 0);
  if (!Number.isFinite(n) || n < 0) throw new LoopError(`loop_control: pause needs seconds, got ${show(lc?.pause)}`);
  return n;
}

export const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));
