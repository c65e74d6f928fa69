// Ansible's loop keywords, one small function each: the keyword's rendered value in, the loop's items out.
// A value the keyword cannot loop over throws a LoopError (a KplayError without a position); `loopItems()`
// (conditions.ts) places it at the keyword. `loop_control`'s variables for one item are made here too.
import { KplayError } from '../core/errors.js';
import { loopPosition } from '../core/loop-position.js';
import { toBool } from '../core/value-utils.js';
import type { RoleInstance, Vars } from '../core/types.js';
import { firstFound, fileGlob } from './loop-files.js';
import { sequence } from './loop-sequence.js';
import { LIST_LOOKUPS, ListError } from '../expr/loop-lists.js';
import { MORE_LOOKUPS } from '../expr/lookups-lists.js';

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

/** A list lookup as a loop keyword: its ListError becomes a LoopError (placed at the keyword). */
const lookupLoop =
  (name: string): LoopFn =>
  (v) => {
    try {
      return LIST_LOOKUPS[name]!(v, `with_${name}`);
    } catch (e) {
      if (e instanceof ListError) throw new LoopError(e.message);
      throw e;
    }
  };

/** The loop keywords, in the order Ansible's users meet them. */
export const LOOPS: Record<string, LoopFn> = {
  loop: (v) => {
    if (!Array.isArray(v)) throw new LoopError(`loop expects a list, got ${JSON.stringify(v) ?? String(v)}`);
    return v;
  },
  ...Object.fromEntries(Object.keys(LIST_LOOKUPS).map((n) => [`with_${n}`, lookupLoop(n)])),
  with_sequence: (v) => sequence(v),
  with_fileglob: (v, c) => fileGlob(v, c.role, c.playbookDir),
  with_first_found: (v, c) => firstFound(v, c.role, c.playbookDir),
  // each line a command prints on the controller; one item picked at random
  with_lines: (v) => lookupRun('lines', Array.isArray(v) ? v : [v]),
  with_random_choice: (v) => lookupRun('random_choice', LOOPS.loop!(v, undefined as never)),
};

function lookupRun(name: string, terms: unknown[]): unknown[] {
  try {
    return MORE_LOOKUPS[name]!.run(terms, {}, {});
  } catch (e) {
    throw new LoopError(`with_${name}: ${(e as Error).message}`);
  }
}

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
  if (!Number.isFinite(n) || n < 0)
    throw new LoopError(`loop_control: pause needs seconds, got ${JSON.stringify(lc?.pause)}`);
  return n;
}

export const sleep = (seconds: number) => new Promise((r) => setTimeout(r, seconds * 1000));
