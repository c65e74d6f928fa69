// A FactReader over one host's transport: every read is cached for the run (until a change is applied on
// that host) and recorded, so check mode can tell when a task read something an earlier, unapplied change
// would alter (the task is then `uncertain`).
import type { FactReader, FileRead, ProbeOptions, ProbeResult, StatInfo, TreeEntry, Vars } from '../tasks/contract.js';
import type { Transport } from '../transport/types.js';
import { hardLinked, parseStat, STAT_SCRIPT, statKey, statMany } from './host-stat.js';
import { readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Written } from './apply.js';

// One round trip: the type, mode, ids, names, size, mtime, link count and link target, then the checksum if asked.
export class HostReader implements FactReader {
  private cache = new Map<string, Promise<unknown>>();
  /** Keys read since the last `startTask()`: 'file:/etc/x', 'probe:sysctl -n x', 'facts'. */
  reads = new Set<string>();
  /** Files read with more than one hard link: a change to any file may be to their inode (mode, owner), so any file
   *  change forgets them. */
  private readonly linked = new Set<string>();

  constructor(
    private readonly t: Transport,
    private readonly gather: () => Promise<Vars>,
    private readonly become: () => boolean,
    private readonly files = new ControllerFiles(),
  ) {}

  /** How many times every read was forgotten (a change not known in files): reads ahead are made again. */
  clears = 0;

  /** The stats asked for since `startTask()`: after the plan's changes are applied, the plan made again reads
   *  the same, and `rereadStats()` reads them back first in one command per kind. */
  private statsRead: FileRead[] = [];

  startTask(): void {
    this.reads = new Set();
    this.statsRead = [];
  }

  /** After applying a plan: what the files it wrote are, from the stat line each write read as it finished and the
   *  bytes it wrote (their checksums, their content), for the plan made again: nothing of them is read again. A
   *  file whose size is not the bytes' (changed since) gets its stat only. */
  seedWritten(written: Written[]): void {
    for (const w of written) {
      const st = parseStat(w.path, w.stat);
      if (!st.isreg || hardLinked(st, w.stat)) continue;
      const whole = st.size === w.content.length;
      const sums = whole ? { sha1: checksum('sha1', w.content), sha256: checksum('sha256', w.content) } : undefined;
      for (const follow of [false, true]) {
        this.cache.set(statKey({ path: w.path, follow }), Promise.resolve(st));
        for (const algo of ['sha1', 'sha256'] as const)
          if (sums)
            this.cache.set(
              statKey({ path: w.path, follow, checksum: algo }),
              Promise.resolve({ ...st, checksum: sums[algo] }),
            );
      }
      if (whole) this.cache.set(`read:${w.path}`, Promise.resolve(w.content));
    }
  }

  /** After applying a plan: the stats it read of the paths its changes touched (not of the folders above them,
   *  which the plan made again may not read), read again in one command per kind (not one each, as the plan
   *  made again would), before that plan runs. */
  rereadStats(touches: string[]): Promise<void> {
    const touched = (path: string) =>
      touches.some((t) => t === `file:${path}` || (t.endsWith('/') && path.startsWith(t.slice(5))));
    return this.prefetch(this.statsRead.filter((r) => touched(r.path)));
  }

  /**
   * After changes were applied: forget what they touched ('file:/x' that path, 'file:/d/' the tree under /d)
   * and every probe (a probe's inputs are unknown). Without `touches` (a command ran), forget everything but facts.
   */
  invalidate(touches?: string[]): void {
    const facts = this.cache.get('facts');
    // only file changes are known precisely; a package, user or service change may alter any file
    if (!touches || touches.some((t) => !t.startsWith('file:'))) {
      this.clears++;
      this.cache.clear();
      if (facts) this.cache.set('facts', facts);
      return;
    }
    const set = new Set(touches);
    // the changed file may be the inode of a hard-linked file read (its cached stat may predate the link)
    for (const p of this.linked) set.add(`file:${p}`);
    for (const key of [...this.cache.keys()]) {
      if (key === 'facts') continue;
      const path = /^(?:stat|read):(.*?)(?:\|.*)?$/.exec(key)?.[1];
      // a touched path, anything under a touched tree, and every folder above a touched path (mkdir -p)
      if (path === undefined) {
        this.cache.delete(key);
        continue;
      }
      const above = touches.some((t) => t.slice(5).startsWith(`${path.replace(/\/$/, '')}/`));
      if (above || readsTouched(new Set([`file:${path}`]), set) !== undefined) this.cache.delete(key);
    }
  }

  private cached<T>(key: string, read: string, fn: () => Promise<T>): Promise<T> {
    this.reads.add(read);
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  facts(opts: { fresh?: boolean } = {}): Promise<Vars> {
    if (opts.fresh) this.cache.delete('facts');
    return this.cached('facts', 'facts', this.gather);
  }

  /** Stats the files a loop's items will read, in one command per kind (host-stat.ts), ahead of the items: what
   *  it tells is cached as their own stats would be. A failure is left for the items' own stats to meet. */
  async prefetch(requests: FileRead[]): Promise<void> {
    const keys = new Set<string>();
    const wanted = requests.filter((r) => {
      const key = statKey(r);
      const fresh = !this.cache.has(key) && !keys.has(key);
      keys.add(key);
      return fresh;
    });
    if (wanted.length < 2) return;
    const got = await statMany(this.t, this.become(), wanted).catch(() => undefined);
    for (const [key, st] of got?.stats ?? []) if (!this.cache.has(key)) this.cache.set(key, Promise.resolve(st));
    for (const path of got?.linked ?? []) this.linked.add(path);
  }

  stat(path: string, opts: { follow?: boolean; checksum?: 'sha1' | 'sha256' } = {}): Promise<StatInfo> {
    const key = statKey({ path, ...opts });
    this.statsRead.push({ path, ...opts });
    return this.cached(key, `file:${path}`, async () => {
      const r = await this.t.exec(['sh', '-c', STAT_SCRIPT, 'sh', path, opts.checksum ?? '', opts.follow ? '1' : '0'], {
        become: this.become(),
      });
      if (r.rc !== 0) throw new Error(`stat ${path} failed (rc=${r.rc}): ${r.stderr.trim()}`);
      const st = parseStat(path, r.stdout);
      if (hardLinked(st, r.stdout.split('\n')[0]!)) this.linked.add(path);
      return st;
    });
  }

  read(path: string): Promise<Buffer | undefined> {
    return this.cached(`read:${path}`, `file:${path}`, () => this.t.get(path, { become: this.become() }));
  }

  probe(argv: string[], opts: ProbeOptions = {}): Promise<ProbeResult> {
    const line = argv.join(' ');
    const run = async () => {
      const r = await this.t.exec(argv, { become: this.become() });
      return { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
    };
    if (!opts.fresh) return this.cached(`probe:${line}`, `probe:${line}`, run);
    this.reads.add(`probe:${line}`);
    return run();
  }

  async wait(seconds: number): Promise<void> {
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }

  controllerRead(path: string): Promise<Buffer> {
    return this.files.read(path);
  }

  async controllerTree(path: string, opts: { follow?: boolean } = {}): Promise<TreeEntry[] | undefined> {
    return controllerTree(path, opts.follow ?? true);
  }

  async controllerMode(path: string): Promise<number | undefined> {
    const st = await stat(path).catch(() => undefined);
    return st === undefined ? undefined : st.mode & 0o7777;
  }
}

/** Controller files a run reads. One pushed to many hosts (a 40 MB containerd to every node) is read once, and
 *  the same Buffer is handed to every host, so its checksums are computed once too (fsattrs.ts memoizes them).
 *  A file changed on disk during the run (size or mtime) is read again. One per run (exec/run.ts). */
export class ControllerFiles {
  private readonly files = new Map<string, { mtimeMs: number; size: number; buf: Promise<Buffer> }>();

  async read(path: string): Promise<Buffer> {
    const st = await stat(path);
    const hit = this.files.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.buf;
    const buf = readFile(path);
    this.files.set(path, { mtimeMs: st.mtimeMs, size: st.size, buf });
    buf.catch(() => this.files.delete(path));
    return buf;
  }
}

/**
 * Does anything read fall under a pending touch? `file:/a/b` is touched by `file:/a/b` (that path) and by
 * `file:/a/` (a trailing slash: the whole tree below /a, e.g. a removed or recursively changed directory).
 */
export function readsTouched(reads: Set<string>, touched: Set<string>): string | undefined {
  for (const r of reads) {
    if (touched.has(r)) return r;
    if (r.startsWith('file:')) {
      for (const t of touched)
        if (t.endsWith('/') && t.startsWith('file:') && (r.startsWith(t) || `${r}/` === t)) return r;
    }
  }
  return undefined;
}

/** Every folder and file under a controller folder, relative to it, folders before what they hold, by name. As
 *  Ansible's copy walks it: with `follow`, a link to a file is a file and one to a folder a folder, walked; a link
 *  that is broken, or to a folder above it (a circle), is kept as a link. Without, every link is kept. */
export async function controllerTree(root: string, follow = true): Promise<TreeEntry[] | undefined> {
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory()) return undefined;
  const out: TreeEntry[] = [];
  const walk = async (rel: string, above: string[]) => {
    const entries = (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      const abs = join(root, p);
      let dir = e.isDirectory();
      if (e.isSymbolicLink()) {
        const link = await readlink(abs);
        const to = follow ? await stat(abs).catch(() => undefined) : undefined;
        const real = to?.isDirectory() ? await realpath(abs) : undefined;
        if (!to || (real !== undefined && above.includes(real))) {
          out.push({ path: p, dir: false, link });
          continue;
        }
        dir = to.isDirectory();
        if (!dir && !to.isFile()) continue;
      } else if (!dir && !e.isFile()) continue;
      out.push({ path: p, dir });
      if (dir) await walk(p, [...above, await realpath(abs)]);
    }
  };
  await walk('', [await realpath(root)]);
  return out;
}

function checksum(algo: 'sha1' | 'sha256', bytes: Buffer): string {
  return createHash(algo).update(bytes).digest('hex');
}
