// Bundles the command line (dist/src/cli/main.js and what it imports) into dist/bundle/, which bin/kplay loads.
// Why: Node 20 spends ~0.5 s of CPU resolving and compiling the ~490 files kplay's start imports one by one; one
// bundle (split at the dynamic imports) halves a run's start. Outside it: ssh2 (native add-ons), typescript, and
// @peculiar/x509 with reflect-metadata (its decorators' metadata breaks once bundled; only the pki modules load it).
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { STAND_INS } from './stand-ins.js';

const ENTRY = 'dist/src/cli/main.js';
const OUT = 'dist/bundle';
/** Bundled CommonJS packages call `require`; an ES module has none, so the bundle makes one. */
const BANNER =
  "import { createRequire as __kplayRequire } from 'node:module'; const require = __kplayRequire(import.meta.url);";

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith('.js') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

/** True when dist/bundle is missing or older than some file tsc wrote under dist/src. */
export function bundleStale(root = '.'): boolean {
  const main = join(root, OUT, 'main.js');
  return !existsSync(main) || statSync(main).mtimeMs < newest(join(root, 'dist/src'));
}

/** Writes the bundle into a fresh folder and then swaps it in, so a concurrent reader never sees half of it. */
export async function bundle(root = '.'): Promise<void> {
  const tmp = join(root, `${OUT}.tmp-${process.pid}`);
  await build({
    entryPoints: [join(root, ENTRY)],
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['ssh2', 'typescript', 'cpu-features', '@peculiar/x509', 'reflect-metadata'],
    banner: { js: BANNER },
    plugins: STAND_INS,
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    logLevel: 'error',
  });
  const old = join(root, `${OUT}.old-${process.pid}`);
  if (existsSync(join(root, OUT))) renameSync(join(root, OUT), old);
  renameSync(tmp, join(root, OUT));
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1]?.endsWith('build/bundle.js')) await bundle();
