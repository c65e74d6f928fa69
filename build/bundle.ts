// Bundles the command line (dist/src/cli/main.js and what it imports) into dist/bundle/kplay.cjs, which bin/kplay
// runs through build/load-bundle.ts. Why: Node 20 spends ~0.5 s of CPU resolving and compiling the ~490 files
// kplay's start imports one by one; one script, compiled from V8's code cache after the first start, costs a fraction
// of it. A script, not an ES module: Node 20 caches no module's code. The modules behind a dynamic import stay
// lazy (esbuild runs each one's top level on its first import). Outside it: ssh2 (native add-ons), typescript, and
// @peculiar/x509 with reflect-metadata (its decorators' metadata breaks once bundled; only the pki modules load it),
// all reached through src/core/import-module.ts.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_FILE } from './load-bundle.js';
import { STAND_INS } from './stand-ins.js';

const ENTRY = 'dist/src/cli/main.js';
const OUT = 'dist/bundle';

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
  const main = join(root, OUT, BUNDLE_FILE);
  return !existsSync(main) || statSync(main).mtimeMs < newest(join(root, 'dist/src'));
}

/**
 * Writes the bundle into a fresh folder and then swaps it in, so a concurrent reader never sees half of it.
 * `out`: another folder to write it to (the pack test compares what it makes with the bundle shipped).
 */
export async function bundle(root = '.', out = join(root, OUT)): Promise<void> {
  const tmp = `${out}.tmp-${process.pid}`;
  await build({
    entryPoints: [join(root, ENTRY)],
    outfile: join(tmp, BUNDLE_FILE),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['ssh2', 'typescript', 'cpu-features', '@peculiar/x509', 'reflect-metadata'],
    // the sources' import.meta.url (package-root.ts finds kplay's folder by it): the loader passes the bundle's
    define: { 'import.meta.url': '__kplayUrl' },
    plugins: STAND_INS,
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    logLevel: 'error',
  });
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1]?.endsWith('build/bundle.js')) await bundle();
