// Filters over Python's standard behaviours: `random` (Python's generator when seeded, so a seed picks what
// Ansible picks), `expanduser`, `type_debug` (Python's type names), `strftime`, and the `now()` global
// (`now(utc=True, fmt='%Y-%m-%d')`; without fmt, the text Python prints for a datetime).
import { randomInt } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { FilterError, type Filter, type KwArgs } from './filters-base.js';
import { pyType } from './py-format.js';
import { PyRandom } from './py-random.js';

function seeded(seed: unknown): PyRandom | undefined {
  if (seed === undefined || seed === null) return undefined;
  if (typeof seed === 'boolean') return new PyRandom(seed ? 1 : 0);
  if (typeof seed === 'string' || Number.isInteger(seed)) return new PyRandom(seed as string | number);
  throw new FilterError(`seed must be a string or an integer, got ${pyType(seed)}`);
}

const intOr = (v: unknown, d: number, what: string): number => {
  if (v === undefined || v === null || v === 0) return d;
  if (!Number.isInteger(v)) throw new FilterError(`${what} must be an integer, got ${pyType(v)}`);
  return v as number;
};

/** `list | random` picks an item; `60 | random(start=0, step=1)` an integer below 60. */
const random: Filter = (v, [start, step, seed]) => {
  const r = seeded(seed);
  const below = (n: number): number => (r ? r.below(n) : n > 0 ? randomInt(n) : 0);
  if (Number.isInteger(v)) {
    const a = intOr(start, 0, 'start');
    const s = intOr(step, 1, 'step');
    const end = v as number;
    const width = end - a;
    const n = s > 0 ? Math.floor((width + s - 1) / s) : Math.floor((width + s + 1) / s);
    if (n <= 0) throw new FilterError(`empty range (start ${a}, end ${end}, step ${s})`);
    if (r) return r.randrange(a, end, s);
    return a + s * below(n);
  }
  const items = typeof v === 'string' ? [...v] : Array.isArray(v) ? v : undefined;
  if (!items) throw new FilterError(`needs a list or an integer, got ${pyType(v)}`);
  if (items.length === 0) throw new FilterError('cannot choose from an empty sequence');
  return items[below(items.length)];
};

/** os.path.expanduser on the controller: `~` is $HOME, `~name` that user's home folder, else unchanged. */
const expanduser: Filter = (v) => {
  if (typeof v !== 'string') throw new FilterError(`needs a string, got ${pyType(v)}`);
  if (!v.startsWith('~')) return v;
  const slash = v.indexOf('/', 1);
  const end = slash < 0 ? v.length : slash;
  let home: string | undefined;
  if (end === 1) home = process.env.HOME ?? homedir();
  else home = passwdHome(v.slice(1, end));
  if (home === undefined) return v;
  return home.replace(/\/+$/, '') + v.slice(end) || '/';
};

function passwdHome(user: string): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === user && f.length >= 6) return f[5];
    }
  } catch {
    // no passwd file: the path stays as written, as Python leaves it
  }
  return undefined;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Python's strftime (the C library's directives, the common ones), in UTC or the controller's local time. */
export function strftime(fmt: string, d: Date, utc: boolean, micros = 0): string {
  const Y = utc ? d.getUTCFullYear() : d.getFullYear();
  const m = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const H = utc ? d.getUTCHours() : d.getHours();
  const M = utc ? d.getUTCMinutes() : d.getMinutes();
  const S = utc ? d.getUTCSeconds() : d.getSeconds();
  const wd = utc ? d.getUTCDay() : d.getDay();
  const jan1 = utc ? Date.UTC(Y, 0, 1) : new Date(Y, 0, 1).getTime();
  const today = utc ? Date.UTC(Y, m, day) : new Date(Y, m, day).getTime();
  const yday = Math.round((today - jan1) / 86400000) + 1;
  const off = utc ? 0 : -d.getTimezoneOffset();
  const z = `${off < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
  const codes: Record<string, () => string> = {
    Y: () => String(Y),
    y: () => pad(Y % 100),
    m: () => pad(m + 1),
    d: () => pad(day),
    e: () => String(day).padStart(2, ' '),
    H: () => pad(H),
    I: () => pad(H % 12 || 12),
    M: () => pad(M),
    S: () => pad(S),
    f: () => pad(micros, 6),
    p: () => (H < 12 ? 'AM' : 'PM'),
    j: () => pad(yday, 3),
    a: () => DAYS[wd]!.slice(0, 3),
    A: () => DAYS[wd]!,
    b: () => MONTHS[m]!.slice(0, 3),
    h: () => MONTHS[m]!.slice(0, 3),
    B: () => MONTHS[m]!,
    w: () => String(wd),
    u: () => String(wd || 7),
    z: () => z,
    Z: () =>
      utc
        ? 'UTC'
        : (new Intl.DateTimeFormat('en', { timeZoneName: 'short' })
            .formatToParts(d)
            .find((p) => p.type === 'timeZoneName')?.value ?? ''),
    s: () => String(Math.floor(d.getTime() / 1000)),
    F: () => `${Y}-${pad(m + 1)}-${pad(day)}`,
    T: () => `${pad(H)}:${pad(M)}:${pad(S)}`,
    D: () => `${pad(m + 1)}/${pad(day)}/${pad(Y % 100)}`,
    '%': () => '%',
  };
  return fmt.replace(/%([A-Za-z%])/g, (all, c: string) => (Object.hasOwn(codes, c) ? codes[c]!() : all));
}

/** `'%Y-%m-%d' | strftime(second=epoch, utc=false)`: a time as text, now when no second is given. */
const strftimeFilter: Filter = (v, [second, utc]) => {
  if (typeof v !== 'string') throw new FilterError(`needs a format string, got ${pyType(v)}`);
  let ms = Date.now();
  if (second !== undefined && second !== null) {
    const n = typeof second === 'string' ? Number(second) : second;
    if (typeof n !== 'number' || Number.isNaN(n))
      throw new FilterError(`second must be a number, got ${pyType(second)}`);
    ms = n * 1000;
  }
  return strftime(v, new Date(Math.floor(ms)), utc === true);
};

/** `now(utc=false, fmt=None)`: Python's datetime text (`2024-05-01 12:00:00.123456`), or formatted by fmt. */
export function now(args: unknown[], kw: KwArgs): string {
  if (args.length > 2) throw new FilterError(`now() takes at most 2 arguments, got ${args.length}`);
  const utc = (kw.utc ?? args[0]) === true;
  const fmt = kw.fmt ?? args[1];
  const t = Date.now();
  const micros = (t % 1000) * 1000;
  if (fmt === undefined || fmt === null) return strftime('%Y-%m-%d %H:%M:%S.%f', new Date(t), utc, micros);
  if (typeof fmt !== 'string') throw new FilterError(`fmt must be a string, got ${pyType(fmt)}`);
  return strftime(fmt, new Date(t), utc, micros);
}

/** Python's text of a local datetime (`str(datetime.fromtimestamp(ms / 1000))`), microseconds only when not 0. */
export function pyDatetime(ms: number): string {
  const micros = Math.min(999999, Math.round((ms % 1000) * 1000));
  return strftime(micros ? '%Y-%m-%d %H:%M:%S.%f' : '%Y-%m-%d %H:%M:%S', new Date(Math.floor(ms)), false, micros);
}

/** os.path.realpath on the controller: absolute, links resolved as far as the path exists. */
const realpath: Filter = (v) => {
  if (typeof v !== 'string') throw new FilterError(`needs a string, got ${pyType(v)}`);
  let head = resolve(v);
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...rest.reverse());
    } catch {
      if (head === '/') return resolve(v);
      rest.push(basename(head));
      head = dirname(head);
    }
  }
};

export const PY_FILTERS: Record<string, Filter> = {
  random,
  expanduser,
  realpath,
  type_debug: (v) => pyType(v),
  strftime: strftimeFilter,
};
