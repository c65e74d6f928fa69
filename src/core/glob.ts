// Shell-style globs on local paths (`/etc/*.conf`, `files/a?[!x].*`): with_fileglob's and the fileglob filter's.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fnmatch } from './fnmatch.js';

export const isDir = (p: string) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
export const WILD = /[*?[]/;

/** Does a folder entry match one path segment's pattern? fnmatch's (core/fnmatch.ts: `*`, `?`, `[abc]`,
 *  `[!abc]`), except that, as in a shell's glob, a wildcard does not match a leading dot. */
export function segmentMatches(seg: string, name: string): boolean {
  return (seg.startsWith('.') || !name.startsWith('.')) && fnmatch(seg).test(name);
}

/** The paths an absolute pattern matches (wildcards in any segment, none crossing a `/`), sorted. */
export function globPaths(pattern: string): string[] {
  const parts = pattern.split(sep).filter(Boolean);
  let found: string[] = [sep];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of found) {
      if (!WILD.test(part)) next.push(join(dir, part));
      else if (isDir(dir)) {
        for (const name of readdirSync(dir)) if (segmentMatches(part, name)) next.push(join(dir, name));
      }
    }
    found = next;
  }
  return found.filter((p) => statSync(p, { throwIfNoEntry: false }) !== undefined).sort();
}
