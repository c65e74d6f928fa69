// fstab lines (mount, swap): parsed and written as `src path fstype opts dump passno`, spaces in fields
// as \040; and the active swap areas from /proc/swaps.
import type { FactReader } from '../contract.js';

export interface FstabEntry {
  idx: number;
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

export const unescapeFstab = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
const escapeFstab = (s: string) => s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

export function fstabEntries(lines: string[]): FstabEntry[] {
  const out: FstabEntry[] = [];
  lines.forEach((l, idx) => {
    const t = l.trim();
    if (!t || t.startsWith('#')) return;
    const f = t.split(/\s+/);
    if (f.length < 3) return;
    out.push({
      idx,
      src: unescapeFstab(f[0]!),
      path: unescapeFstab(f[1]!),
      fstype: f[2]!,
      opts: f[3] ?? 'defaults',
      dump: f[4] ?? '0',
      passno: f[5] ?? '0',
    });
  });
  return out;
}

export function fstabLine(e: Omit<FstabEntry, 'idx'>): string {
  return `${escapeFstab(e.src)} ${escapeFstab(e.path)} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`;
}

export const SWAPS = ['cat', '/proc/swaps'];

/** Active swap areas (their file names) from /proc/swaps. */
export async function activeSwaps(facts: FactReader): Promise<string[]> {
  const r = await facts.probe(SWAPS);
  if (r.rc !== 0) return [];
  return r.stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean)
    .map(unescapeFstab);
}
