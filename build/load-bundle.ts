// How bin/kplay starts the bundle (dist/bundle/kplay.cjs, made by bundle.ts): as a script compiled through node:vm
// with V8's code cache. Node 20 compiles an ES module's source anew at each start, and the functions a run calls
// again as they first run; a script compiled from the bytecode an earlier start left skips both (~0.1 s of CPU).
// The cache is one file per bundle, Node and command (`run`, `cluster` ...: each compiles its own part, and --help
// should not load a run's bytecode). Its name holds a hash of the bundle's bytes and of Node's version, platform and
// flags, so a changed bundle never meets an old cache; its header holds a checksum of the bytecode, so a damaged
// file is ignored, and V8 refuses bytecode it did not make. It lives beside the bundle (dist/bundle/v8-cache/, made
// again with each build) or, where that is read-only, in the user's cache folder; it is written when a start had
// none, or compiled a quarter more than the one it had (a first `run --syntax-check`, then a real run). Reading or
// writing it never fails a start: without a cache the script compiles as before.
import { hash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapCodeStatistics } from 'node:v8';
import { constants, Script } from 'node:vm';

export const BUNDLE_FILE = 'kplay.cjs';
const MAGIC = 0x4b505638; // "KPV8"
/** The header: MAGIC, the bytecode in the heap when it was written, 16 bytes of the bytecode's sha256. */
const HEADER = 24;
/** A start that compiled this much more than the cache held writes it again. */
const GROWTH = 1.25;
/** Another bundle's cache files, in a folder they share, are removed after a day. */
const STALE_MS = 24 * 3600 * 1000;
const IMPORTER = Symbol.for('kplay.import'); // src/core/import-module.ts

export interface Entry {
  main(argv: string[]): Promise<number>;
}

export interface Started {
  entry: Entry;
  /** The cache file the script was compiled from, if V8 took it. */
  usedCache?: string;
  /** Writes the cache if this start should (bin/kplay calls it at exit); the file written, if any. */
  save(): string | undefined;
}

/** Where caches go, first choice first: beside the bundle, then the user's cache folder. */
export function cacheDirs(bundleFile: string): string[] {
  const dirs = [join(dirname(bundleFile), 'v8-cache')];
  try {
    dirs.push(join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kplay', 'v8-cache'));
  } catch {
    // no home folder: the bundle's folder only
  }
  return dirs;
}

/** The command a start runs (its first word), which names its cache. */
export function commandOf(argv: string[]): string {
  const word = argv.find((a) => !a.startsWith('-'));
  return word === undefined ? 'top' : /^[a-z][a-z-]{0,30}$/.test(word) ? word : 'other';
}

const sha256 = (data: string | Buffer) => hash('sha256', data, 'buffer') as unknown as Buffer;

/** The cache's file name: a hash of the bundle, Node and its flags, then the command. */
function cacheName(source: Buffer, command: string): string {
  const node = [process.version, process.arch, process.platform, process.execArgv.join(' '), process.env.NODE_OPTIONS];
  const key = sha256(Buffer.concat([sha256(source), Buffer.from(node.join('\0'))]));
  return `${key.toString('hex').slice(0, 32)}-${command}.v8`;
}

interface Cached {
  file: string;
  data: Buffer;
  bytecode: number;
}

/** The first cache file found whose header and checksum hold; a damaged one is left for the next write. */
function readCache(dirs: string[], name: string): Cached | undefined {
  for (const dir of dirs) {
    let raw: Buffer;
    try {
      raw = readFileSync(join(dir, name));
    } catch {
      continue;
    }
    if (raw.length <= HEADER || raw.readUInt32BE(0) !== MAGIC) continue;
    const data = raw.subarray(HEADER);
    if (!sha256(data).subarray(0, 16).equals(raw.subarray(8, HEADER))) continue;
    return { file: join(dir, name), data, bytecode: raw.readUInt32BE(4) };
  }
  return undefined;
}

/** Writes the cache into the first folder that takes it (a whole file, renamed into place); the file, if any. */
function writeCache(dirs: string[], name: string, data: Buffer, bytecode: number): string | undefined {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(Math.min(bytecode, 0xffffffff), 4);
  sha256(data).copy(header, 8, 0, 16);
  for (const dir of dirs) {
    const file = join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(tmp, Buffer.concat([header, data]), { mode: 0o600 });
      renameSync(tmp, file);
      pruneOthers(dir, name);
      return file;
    } catch {
      removeQuietly(tmp);
    }
  }
  return undefined;
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // a folder that never was
  }
}

/** Other bundles' caches in this folder, untouched for a day, are removed. */
function pruneOthers(dir: string, name: string): void {
  const key = name.slice(0, 32);
  const now = Date.now();
  for (const f of readdirSync(dir)) {
    if (f.startsWith(key) || !f.endsWith('.v8')) continue;
    try {
      if (now - statSync(join(dir, f)).mtimeMs > STALE_MS) removeQuietly(join(dir, f));
    } catch {
      // removed by another start meanwhile
    }
  }
}

/** The bytecode in the heap: what a start compiled (and what it took from the cache). */
const bytecodeNow = () => getHeapCodeStatistics().bytecode_and_metadata_size;

/**
 * Compiles and runs the bundle for `argv` (a module's exports: `main`), from its code cache when there is one;
 * undefined when there is no bundle. `dirs`: where caches are read and written; `bytecode`: the heap's bytecode.
 */
export function startBundle(
  bundleFile: string,
  argv: string[],
  dirs = cacheDirs(bundleFile),
  bytecode = bytecodeNow,
): Started | undefined {
  let source: Buffer;
  try {
    source = readFileSync(bundleFile);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const name = cacheName(source, commandOf(argv));
  const cached = readCache(dirs, name);
  // "use strict": the sources are ES modules, strict throughout, as they ran when the bundle was one
  const wrapped = `(function (exports, require, module, __filename, __dirname, __kplayUrl) {"use strict";${source}\n})`;
  const script = new Script(wrapped, {
    filename: bundleFile,
    cachedData: cached?.data,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const used = cached !== undefined && !script.cachedDataRejected;
  // a script compiled from the cache cannot import() (Node 20): the bundle imports through this module's
  (globalThis as Record<symbol, unknown>)[IMPORTER] = (specifier: string) => import(specifier);
  const module = { exports: {} as Entry };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const url = pathToFileURL(bundleFile).href;
  run.call(module.exports, module.exports, createRequire(bundleFile), module, bundleFile, dirname(bundleFile), url);
  return {
    entry: module.exports,
    ...(used ? { usedCache: cached.file } : {}),
    save() {
      const now = bytecode();
      if (used && now <= cached.bytecode * GROWTH) return undefined;
      try {
        return writeCache(dirs, name, script.createCachedData(), now);
      } catch {
        return undefined;
      }
    },
  };
}
