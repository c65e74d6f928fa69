// file's modification_time/access_time: a fixed time written with a strftime format (Ansible's default
// `%Y%m%d%H%M.%S`), read as the controller's local time, as Ansible reads it. `preserve` keeps the time; `now`
// (state=touch's default) sets it on every run, reported changed each time, as Ansible does.
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

/** A time asked for: seconds since the epoch, `now` (each run: the change repeats), or undefined (preserve). */
export type WantTime = number | 'now' | undefined;

/** The times asked: modification_time and access_time default to `now` for state=touch, `preserve` otherwise (as
 *  in Ansible); a fixed access_time is refused. */
export function wantedTimes(
  args: {
    modification_time?: string | undefined;
    modification_time_format?: string | undefined;
    access_time?: string | undefined;
  },
  touch: boolean,
): { mtime: WantTime; atime: WantTime } {
  const dflt = touch ? 'now' : 'preserve';
  const at = args.access_time ?? dflt;
  if (at !== 'preserve' && at !== 'now')
    throw taskFailed(`file: access_time=${at} is not supported (only preserve and now)`);
  const t = args.modification_time ?? dflt;
  const mtime =
    t === 'preserve' || t === 'now'
      ? t === 'now'
        ? 'now'
        : undefined
      : parseTime(t, args.modification_time_format ?? TIME_FORMAT, 'modification_time');
  return { mtime, atime: at === 'now' ? 'now' : undefined };
}

/** Adds the touch that sets the path's mtime when it differs from the fixed one asked (-h: the link itself). */
export function addMtime(
  fix: { parts: string[]; actions: Action[] },
  path: string,
  st: StatInfo,
  mtime: WantTime,
  noDeref?: boolean,
): void {
  if (mtime === undefined || mtime === 'now' || st.mtime === mtime) return;
  fix.parts.push(`mtime ${mtime}`);
  fix.actions.push({ exec: ['touch', '-m', ...(noDeref ? ['-h'] : []), `--date=@${mtime}`, '--', path] });
}

/** The touch that sets the times asked as `now` (none: undefined); Ansible reports it changed on every run. */
export function nowTouch(
  path: string,
  t: { mtime: WantTime; atime: WantTime },
  noDeref?: boolean,
): string[] | undefined {
  const m = t.mtime === 'now';
  const a = t.atime === 'now';
  if (!m && !a) return undefined;
  return ['touch', ...(m && a ? [] : m ? ['-m'] : ['-a']), ...(noDeref ? ['-h'] : []), '--', path];
}
