// Ansible's math filters (mathstuff): log, pow, root, product, permutations, combinations, human_readable and
// human_to_bytes, with Python's results (itertools' order; sizes in powers of 1024, '%.2f' text).
import { FilterError, type Filter, list } from './filters-base.js';
import { pyType } from './py-format.js';

const num = (v: unknown, name: string): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return Number(v);
  throw new FilterError(`${name}() can only be used on numbers`);
};

/** itertools.product of lists (as lists). */
function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
}

function permutations(items: unknown[], r: number): unknown[][] {
  if (r > items.length) return [];
  if (r === 0) return [[]];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)], r - 1).map((p) => [x, ...p]),
  );
}

function combinations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return items.flatMap((x, i) => combinations(items.slice(i + 1), r - 1).map((c) => [x, ...c]));
}

const RANGES: [string, number][] = ['Y', 'Z', 'E', 'P', 'T', 'G', 'M', 'K', 'B'].map((s, i) => [
  s,
  2 ** (10 * (8 - i)),
]);

export function humanToBytes(v: unknown, defaultUnit?: string, isbits = false): number {
  const text = String(v);
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text)!;
  const n = Number.parseFloat(m[1]!);
  if (Number.isNaN(n))
    throw new FilterError(
      `human_to_bytes() can't interpret following number: ${m[1]} (original input string: ${text})`,
    );
  const unit = m[2] ?? defaultUnit;
  if (unit === undefined) return Math.round(n);
  const key = unit[0]!.toUpperCase();
  const limit = RANGES.find(([s]) => s === key)?.[1];
  if (limit === undefined)
    throw new FilterError(
      `human_to_bytes() failed to convert ${text} (unit = ${unit}). ` +
        `The suffix must be one of ${RANGES.map(([s]) => s).join(', ')}`,
    );
  const [cls, clsName] = isbits ? ['b', 'bit'] : ['B', 'byte'];
  if (unit.length > 1 && !unit.toLowerCase().includes(clsName) && unit[1] !== cls) {
    const expect = key === 'B' ? `expect ${cls} or ${clsName}` : `expect ${key}${cls} or ${key}`;
    throw new FilterError(`human_to_bytes() failed to convert ${text}. Value is not a valid string (${expect})`);
  }
  return Math.round(n * limit);
}

export function humanReadable(v: unknown, isbits = false, unit?: string): string {
  if (typeof v !== 'number' && typeof v !== 'boolean')
    throw new FilterError(
      "human_readable() failed on bad input: '>=' not supported between instances of " + `'${pyType(v)}' and 'int'`,
    );
  const size = Number(v);
  const base = isbits ? 'bits' : 'Bytes';
  let [suffix, limit] = RANGES.at(-1)!;
  for (const [s, l] of RANGES)
    if ((unit === undefined && size >= l) || (unit !== undefined && unit.toUpperCase() === s)) {
      [suffix, limit] = [s, l];
      break;
    }
  return `${(size / limit).toFixed(2)} ${limit !== 1 ? suffix + base[0] : base}`;
}

export const MATH_FILTERS: Record<string, Filter> = {
  log: (v, [base = Math.E]) => {
    const x = num(v, 'log');
    return base === Math.E ? Math.log(x) : base === 10 ? Math.log10(x) : Math.log(x) / Math.log(num(base, 'log'));
  },
  pow: (v, [y]) => num(v, 'pow') ** num(y, 'pow'),
  root: (v, [base = 2]) => (base === 2 ? Math.sqrt(num(v, 'root')) : num(v, 'root') ** (1 / num(base, 'root'))),
  product: (v, args) => product([list(v, 'product'), ...args.map((a) => list(a, 'product'))]),
  permutations: (v, [r]) => {
    const items = list(v, 'permutations');
    return permutations(items, r === undefined || r === null ? items.length : num(r, 'permutations'));
  },
  combinations: (v, [r]) => combinations(list(v, 'combinations'), num(r, 'combinations')),
  human_to_bytes: (v, [defaultUnit, isbits]) =>
    humanToBytes(v, defaultUnit === undefined || defaultUnit === null ? undefined : String(defaultUnit), !!isbits),
  human_readable: (v, [isbits, unit]) =>
    humanReadable(v, !!isbits, unit === undefined || unit === null ? undefined : String(unit)),
};
