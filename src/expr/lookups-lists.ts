// More of Ansible's lookups: the list ones (items, list, dict, indexed_items, together, nested, flattened,
// subelements: the same functions as their `with_<name>` loops, loop-lists.ts), random_choice, varnames, and
// lines (each line a command prints, run with /bin/sh on the controller, as Ansible runs it).
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { pyRegExp } from '../core/py-regex.js';
import { toText } from '../core/value-utils.js';
import { FilterError, type KwArgs } from './filters-base.js';
import { LIST_LOOKUPS } from './loop-lists.js';

export type Plugin = (terms: unknown[], opts: KwArgs, scope: object) => unknown[];

/** Every variable name a scope can see (own names along its chain of layers). */
function namesIn(scope: object): string[] {
  const out = new Set<string>();
  for (let o: object | null = scope; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null)
    for (const k of Object.keys(o)) out.add(k);
  return [...out];
}

function sh(command: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const x = e as { status?: number; stderr?: string };
    throw new FilterError(`the command '${command}' returned ${x.status ?? '?'}: ${(x.stderr ?? '').trim()}`);
  }
}

const lists: Record<string, { kw: string[]; run: Plugin }> = Object.fromEntries(
  Object.entries(LIST_LOOKUPS).map(([name, fn]) => [
    name,
    {
      kw: [],
      // lookup('dict', a, b): each term a mapping; the others take their terms as their loop's value
      run: (terms: unknown[]) => (name === 'dict' ? terms.flatMap((t) => fn(t, name)) : fn(terms, name)),
    },
  ]),
);

export const MORE_LOOKUPS: Record<string, { kw: string[]; run: Plugin }> = {
  ...lists,
  random_choice: { kw: [], run: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : []) },
  varnames: {
    kw: [],
    run: (terms, _o, scope) => {
      const names = namesIn(scope);
      return terms.flatMap((t) => {
        if (typeof t !== 'string') throw new FilterError(`Invalid setting identifier, "${toText(t)}" is not a string`);
        const re = pyRegExp(t);
        return names.filter((n) => re.exec(n)?.index === 0);
      });
    },
  },
  lines: {
    kw: [],
    run: (terms) =>
      terms.flatMap((t) =>
        sh(toText(t))
          .split('\n')
          .filter((l, i, a) => l !== '' || i < a.length - 1),
      ),
  },
};
