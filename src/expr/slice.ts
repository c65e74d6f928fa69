// Python's slice of a sequence: `x[1:]`, `x[:-1]`, `x[::-1]`, `s[2:5]`. Missing parts are none; negative indices
// count from the end; out-of-range bounds are clamped, never an error.

export function slice<T>(items: T[], start: number | null, stop: number | null, step: number | null): T[] {
  const n = items.length;
  const st = step ?? 1;
  const lo = st > 0 ? 0 : -1;
  const hi = st > 0 ? n : n - 1;
  const bound = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    const i = v < 0 ? v + n : v;
    return Math.min(Math.max(i, lo), hi);
  };
  const a = bound(start, st > 0 ? lo : hi);
  const b = bound(stop, st > 0 ? hi : lo);
  const out: T[] = [];
  for (let i = a; st > 0 ? i < b : i > b; i += st) out.push(items[i]!);
  return out;
}
