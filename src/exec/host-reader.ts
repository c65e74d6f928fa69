// A FactReader over one host's transport: every read is cached for the run (until a change is applied on
// that host) and recorded, so check mode can tell when a task read something an earlier, unapplied change
// would alter (the task is then `uncertain`).
import type { FactReader, ProbeOptions, ProbeResult, StatInfo, TreeEntry, Vars } from '../tasks/contract.js';
import type { Transport } from '../transport/types.js';
import { shellFunction } from '../core/shell-functions.js';
import { readFile, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

// One round trip: the type, mode, ids, names, size, mtime, link count and link target, then the checksum if asked.
const STAT_SCRIPT = shellFunction(
  [
    'p=$1; algo=$2; follow=$3',
    'if [ "$follow" = 1 ]; then f=-L; else f=; fi',
    'if [ -e "$p" ] || [ -L "$p" ]; then',
    '  stat $f -c "%F|%a|%u|%g|%U|%G|%s|%Y|%h" -- "$p" || exit 3',
    '  if [ -L "$p" ]; then printf "L|%s\\n" "$(readlink -- "$p")"; fi',
    '  if [ -n "$algo" ] && [ -f "$p" ]; then printf "C|"; ${algo}sum < "$p"; fi',
    'else echo MISSING; fi',
  ].join('\n'),
);

/** The script's output (its checksum is read from stdin: for a name holding a backslash, `sha1sum NAME` escapes
 *  its line and prefixes the sum with a backslash). */
export function parseStat(path: string, out: string): StatInfo {
  const lines = out.trim().split('\n');
  if (lines[0] === 'MISSING') return { exists: false, path };
  const [type, mode, uid, gid, owner, group, size, mtime] = lines[0]!.split('|');
  const st: StatInfo = {
    exists: true,
    path,
    isdir: type === 'directory',
    isreg: type === 'regular file' || type === 'regular empty file',
    islnk: type === 'symbolic link',
    mode: mode!.padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    owner: owner!,
    group: group!,
    size: Number(size),
    mtime: Number(mtime),
  };
  for (const l of lines.slice(1)) {
    if (l.startsWith('L|')) st.lnk_target = l.slice(2);
    if (l.startsWith('C|')) st.checksum = l.slice(2).split(' ')[0];
  }
  return st;
}

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

  startTask(): void {
    this.reads = new Set();
  }

  /**
   * After changes were applied: forget what they touched ('file:/x' that path, 'file:/d/' the tree under /d)
   * and every probe (a probe's inputs are unknown). Without `touches` (a command ran), forget everything but facts.
   */
  invalidate(touches?: string[]): void {
    const facts = this.cache.get('facts');
    // only file changes are known precisely; a package, user or service change may alter any file
    if (!touches || touches.some((t) => !t.startsWith('file:'))) {
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

  stat(path: string, opts: { follow?: boolean; checksum?: 'sha1' | 'sha256' } = {}): Promise<StatInfo> {
    const key = `stat:${path}|${opts.follow ? 1 : 0}|${opts.checksum ?? ''}`;
    return this.cached(key, `file:${path}`, async () => {
      const r = await this.t.exec(['sh', '-c', STAT_SCRIPT, 'sh', path, opts.checksum ?? '', opts.follow ? '1' : '0'], {
        become: this.become(),
      });
      if (r.rc !== 0) throw new Error(`stat ${path} failed (rc=${r.rc}): ${r.stderr.trim()}`);
      const st = parseStat(path, r.stdout);
      if (st.isreg && Number(r.stdout.split('\n')[0]!.split('|')[8]) > 1) this.linked.add(path);
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
