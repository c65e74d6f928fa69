// `with_sequence`: numbers from start to end (included) by stride, each formatted as a string. The spec is
// `start=1 end=10 stride=2 format=node%02d`, `count=N` in place of end, or the short form `4-8/2:fmt`.
import { KplayError } from '../core/errors.js';

// the failures say what Ansible's say (a rescue may compare ansible_failed_result.msg)
const fail = (_spec: unknown, why: string) => new KplayError(why, { code: 'TASK_FAILED' });

const NUM = '(-?[0-9a-fx]+)';
const SHORT = new RegExp(`^(?:${NUM}-)?${NUM}(?:/${NUM})?(?::(.+))?$`, 'i');
const KEYS = new Set(['start', 'end', 'count', 'stride', 'format']);

function num(spec: unknown, key: string, v: string): number {
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(v.trim());
  if (!m) throw fail(spec, `can't parse ${key}=${v} as integer`);
  const n = Number.parseInt(m[2]!, m[2]!.toLowerCase().startsWith('0x') ? 16 : 10);
  return m[1] ? -n : n;
}

/** The parts of a spec, as written. */
function parse(spec: unknown): Record<string, string> {
  if (typeof spec === 'number') return { end: String(spec) };
  if (typeof spec !== 'string' || !spec.trim()) throw fail(spec, 'expected a string');
  const text = spec.trim();
  const short = SHORT.exec(text);
  if (short && !text.includes('=')) {
    const [, start, end, stride, format] = short;
    return Object.fromEntries(
      Object.entries({ start, end, stride, format }).filter((e): e is [string, string] => e[1] !== undefined),
    );
  }
  const out: Record<string, string> = {};
  const unknown: string[] = [];
  for (const word of text.split(/\s+/)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw fail(spec, `can't parse arg ${word} as key=value`);
    const k = word.slice(0, eq);
    if (!KEYS.has(k)) unknown.push(`'${k}'`);
    out[k] = word.slice(eq + 1);
  }
  if (unknown.length) throw fail(spec, `unrecognized arguments to with_sequence: [${unknown.join(', ')}]`);
  return out;
}

/** printf's %d %i %u %x %X %o %s %f with flags, width and precision; %% is a percent sign. */
export function printf(format: string, n: number): string {
  let used = false;
  const out = format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([diouxXsfeEgG%])/g, (_, flags, width, prec, conv) => {
    if (conv === '%') return '%';
    used = true;
    let body: string;
    const abs = Math.abs(n);
    if (conv === 'x') body = abs.toString(16);
    else if (conv === 'X') body = abs.toString(16).toUpperCase();
    else if (conv === 'o') body = abs.toString(8);
    else if ('fF'.includes(conv)) body = abs.toFixed(prec === undefined ? 6 : Number(prec));
    else if ('eE'.includes(conv)) body = abs.toExponential(prec === undefined ? 6 : Number(prec));
    else if ('gG'.includes(conv)) body = String(abs);
    else body = String(abs);
    if (conv === 'E') body = body.toUpperCase();
    if (flags.includes('#') && (conv === 'x' || conv === 'X')) body = `0${conv}${body}`;
    const sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    const w = Number(width || 0);
    if (flags.includes('-')) return (sign + body).padEnd(w);
    if (flags.includes('0') && conv !== 's') return sign + body.padStart(w - sign.length, '0');
    return (sign + body).padStart(w);
  });
  if (!used) throw new KplayError(`bad formatting string: ${format}`, { code: 'TASK_FAILED' });
  return out;
}

/** The sequence a spec names, as strings. */
export function sequence(spec: unknown): string[] {
  const p = parse(spec);
  if (p.end !== undefined && p.count !== undefined)
    throw fail(spec, "can't specify both count and end in with_sequence");
  if (p.end === undefined && p.count === undefined) throw fail(spec, 'must specify count or end in with_sequence');
  const start = p.start === undefined ? 1 : num(spec, 'start', p.start);
  const stride = p.stride === undefined ? 1 : num(spec, 'stride', p.stride);
  const format = p.format ?? '%d';
  let end: number;
  if (p.count !== undefined) {
    const count = num(spec, 'count', p.count);
    if (count < 0) throw fail(spec, 'count must not be negative');
    if (count === 0) return [];
    end = start + (count - 1) * stride;
  } else end = num(spec, 'end', p.end!);
  if (stride === 0) return [];
  if (stride > 0 && end < start) throw fail(spec, 'to count backwards make stride negative');
  if (stride < 0 && end > start) throw fail(spec, "to count forward don't make stride negative");
  const out: string[] = [];
  for (let n = start; stride > 0 ? n <= end : n >= end; n += stride) out.push(printf(format, n));
  return out;
}
