// file's modification_time/access_time: a fixed time written with a strftime format (Ansible's default
// `%Y%m%d%H%M.%S`), read as the controller's local time, as Ansible reads it. `preserve` keeps the time; `now`
// would change on every run and is refused (a deliberate difference, docs/ansible-differences.md).
import type { Action, StatInfo } from '../contract.js';
import { taskFailed } from './fsattrs.js';

export const TIME_FORMAT = '%Y%m%d%H%M.%S';

const FIELDS: Record<string, { re: string; key: 'Y' | 'm' | 'd' | 'H' | 'M' | 'S' }> = {
  Y: { re: '(\\d{4})', key: 'Y' },
  m: { re: '(\\d{1,2})', key: 'm' },
  d: { re: '(\\d{1,2})', key: 'd' },
  H: { re: '(\\d{1,2})', key: 'H' },
  M: { re: '(\\d{1,2})', key: 'M' },
  S: { re: '(\\d{1,2})', key: 'S' },
};

/** Seconds since the epoch of `value` written in `format` (local time); a text that does not fit fails. */
export function parseTime(value: string, format: string, what: string): number {
  let re = '';
  const keys: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else {
      const d = format[++i] ?? '';
      if (d === '%') re += '%';
      else if (FIELDS[d]) {
        re += FIELDS[d].re;
        keys.push(FIELDS[d].key);
      } else throw taskFailed(`${what}_format: %${d} is not supported (kplay reads %Y %m %d %H %M %S)`);
    }
  }
  const m = new RegExp(`^${re}$`).exec(value.trim());
  if (!m) throw taskFailed(`Error while obtaining timestamp for time ${value} using format ${format}`);
  const f: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0 };
  keys.forEach((k, i) => {
    f[k] = Number(m[i + 1]);
  });
  const date = new Date(f.Y!, f.m! - 1, f.d!, f.H!, f.M!, f.S!);
  if (date.getMonth() !== f.m! - 1 || date.getDate() !== f.d! || f.H! > 23 || f.M! > 59 || f.S! > 61)
    throw taskFailed(`Error while obtaining timestamp for time ${value} using format ${format}`);
  return Math.floor(date.getTime() / 1000);
}

/** The mtime asked for, or undefined (none, or `preserve`); access_time other than preserve is refused. */
export function wantedMtime(args: {
  modification_time?: string | undefined;
  modification_time_format?: string | undefined;
  access_time?: string | undefined;
}): number | undefined {
  if (args.access_time !== undefined && args.access_time !== 'preserve')
    throw taskFailed(`file: access_time=${args.access_time} is not supported (only preserve)`);
  const t = args.modification_time;
  if (t === undefined || t === 'preserve') return undefined;
  if (t === 'now') throw taskFailed('file: modification_time=now is not supported: it would change on every run');
  return parseTime(t, args.modification_time_format ?? TIME_FORMAT, 'modification_time');
}

/** Adds the touch that sets the path's mtime when it differs from the one asked (-h: the link itself). */
export function addMtime(
  fix: { parts: string[]; actions: Action[] },
  path: string,
  st: StatInfo,
  mtime: number | undefined,
  noDeref?: boolean,
): void {
  if (mtime === undefined || st.mtime === mtime) return;
  fix.parts.push(`mtime ${mtime}`);
  fix.actions.push({ exec: ['touch', '-m', ...(noDeref ? ['-h'] : []), `--date=@${mtime}`, '--', path] });
}
