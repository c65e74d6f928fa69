// kplay's own folder (package.json, playbooks/, templates/, dist/), found by walking up from this file: it holds for
// tsc's output (dist/src/core/) and for the bundled command line (dist/bundle/) alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function rootFrom(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'playbooks'))) return dir;
    if (dirname(dir) === dir) return join(start, '..', '..', '..');
  }
}

/** kplay's own folder, with a trailing slash. */
export const KPLAY_ROOT = `${rootFrom(dirname(fileURLToPath(import.meta.url)))}/`;
