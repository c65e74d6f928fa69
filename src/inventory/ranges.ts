// Host names with ranges, as inventories write them: `node[01:10]`, `db-[a:c]`, `s[0:20:5]` (inclusive, with an
// optional step; a leading zero keeps the width), several ranges in one name, and an optional `:port` suffix.
// Errors are thrown as RangeProblem with the offset of the offending bracket, for the caller to place.

export class RangeProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Split `name:port` (also `[v6addr]:port`); a bare IPv6 address has no port. */
export function splitPort(pattern: string): { name: string; port: number | undefined } {
  const v6 = /^\[([^\]]*:[^\]]*)\](?::(\d+))?$/.exec(pattern);
  if (v6 && !/^[0-9a-zA-Z]*:[0-9a-zA-Z]*$/.test(v6[1]!)) {
    return { name: v6[1]!, port: v6[2] !== undefined ? Number(v6[2]) : undefined };
  }
  // colons outside brackets
  const outside: number[] = [];
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) outside.push(i);
  }
  if (outside.length === 1) {
    const at = outside[0]!;
    const port = pattern.slice(at + 1);
    if (/^\d+$/.test(port)) return { name: pattern.slice(0, at), port: Number(port) };
  }
  return { name: pattern, port: undefined };
}

/** True when the name holds a range to expand. */
export function hasRange(name: string): boolean {
  return name.includes('[');
}

/** Expand every `[a:b(:step)]` in a host name, left to right (the first range varies slowest). */
export function expandRanges(name: string, base = 0): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  if (close < 0) throw new RangeProblem(`host range in "${name}" has no closing "]"`, base + open);
  const head = name.slice(0, open);
  const body = name.slice(open + 1, close);
  const tail = name.slice(close + 1);
  const where = base + open;
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new RangeProblem(`host range [${body}] must be [begin:end] or [begin:end:step]`, where);
  }
  let [beg, end, stepText] = bounds as [string, string, string | undefined];
  if (!beg) beg = '0';
  if (!end) throw new RangeProblem(`host range [${body}] must have an end value`, where);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
      throw new RangeProblem(`host range [${body}]: step "${stepText}" must be a whole number above 0`, where);
    }
    step = Number(stepText);
  }
  let width = 0;
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) {
      throw new RangeProblem(`host range [${body}]: begin and end must have the same width (${beg}, ${end})`, where);
    }
    width = beg.length;
  }
  let seq: string[];
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new RangeProblem(`host range [${body}] is empty: "${beg}" comes after "${end}"`, where);
    seq = [];
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
      const bad = /^\d+$/.test(beg) ? end : beg;
      throw new RangeProblem(`host range [${body}]: "${bad}" is not a number or a single letter`, where);
    }
    const b = Number(beg);
    const e = Number(end);
    if (b > e) throw new RangeProblem(`host range [${body}] is empty: ${b} is greater than ${e}`, where);
    seq = [];
    for (let i = b; i <= e; i += step) seq.push(width ? String(i).padStart(width, '0') : String(i));
  }
  const out: string[] = [];
  for (const s of seq) {
    const expandedHead = head + s;
    // further ranges are in the tail
    for (const rest of expandRanges(tail, base + close + 1)) out.push(expandedHead + rest);
  }
  return out;
}

/** Expand a host pattern as written in an inventory: ranges and `:port`. */
export function expandHostPattern(pattern: string): { names: string[]; port: number | undefined } {
  const { name, port } = splitPort(pattern);
  return { names: hasRange(name) ? expandRanges(name) : [name], port };
}
