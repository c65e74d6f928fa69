// More of Ansible's lookups: the list ones (items, list, dict, indexed_items, together, nested, flattened,
// subelements: the same functions as their `with_<name>` loops, loop-lists.ts), random_choice, varnames, and
// pipe and lines (a command run with /bin/sh on the controller, in the playbook's folder, as Ansible runs it).
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { pyRegExp } from '../core/py-regex.js';
import { toText } from '../core/value-utils.js';
import { FilterError, type KwArgs } from './filters-base.js';
import { LIST_LOOKUPS } from './loop-lists.js';
import { lookupDir } from './lookup-context.js';

export type Plugin = (terms: unknown[], opts: KwArgs, scope: object) => unknown[];

/** Every variable name a scope can see (own names along its chain of layers). */
function namesIn(scope: object): string[] {
  const out = new Set<string>();
  for (let o: object | null = scope; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null)
    for (const k of Object.keys(o)) out.add(k);
  return [...out];
}

/** A command run with /bin/sh on the controller, in the playbook's folder: its output, trailing blanks gone. */
export function runPipe(cmd: string, scope: object): string {
  const dir = lookupDir(scope, 'playbook_dir');
  try {
    const out = execFileSync('/bin/sh', ['-c', cmd], {
      cwd: typeof dir === 'string' && dir !== '' ? dir : undefined,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trimEnd();
  } catch (e) {
    const code = (e as { status?: number | null }).status;
    throw new FilterError(`the command '${cmd}' returned ${code ?? 'no exit code'}`);
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
        let re: RegExp;
        try {
          re = pyRegExp(t);
        } catch (e) {
          // Ansible's words, with Python's reason where JavaScript's says the same
          const why = (e as Error).message.replace(/^.*: /, '').replace(/^Nothing to repeat$/, 'nothing to repeat');
          throw new FilterError(`Unable to use "${t}" as a search parameter: ${why}`);
        }
        return names.filter((n) => re.exec(n)?.index === 0);
      });
    },
  },
  // each line a command prints (none for no output)
  lines: {
    kw: [],
    run: (terms, _o, scope) =>
      terms.flatMap((t) => {
        const out = runPipe(toText(t), scope);
        return out === '' ? [] : out.split('\n');
      }),
  },
};
