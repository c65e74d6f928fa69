// A host kept in memory: a Transport over a small file tree that answers what the engine itself sends (the
// reader's stat script, get and put, pwd, and the file commands modules plan: mkdir, chmod, chown, touch, rm, ln).
// It lets unit tests drive the whole path (reader, plan, apply, re-plan, check mode) without a lab. Anything
// else fails with rc 127 and says so, so a test never passes on a command the memory host only pretends to run.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ExecOptions, ExecResult, PutDone, PutOptions, Transport } from './types.js';

export interface MemoryNode {
  type: 'file' | 'dir' | 'link';
  content: Buffer;
  mode: number;
  uid: number;
  gid: number;
  target?: string;
  mtime: number;
}

const NAMES: Record<number, string> = { 0: 'root' };
/** What the log calls the reads the engine sends: its stat script, get, who writes (check mode), getent, pwd. */
const READS = new Set(['stat', 'stat-many', 'get', 'who', 'getent', 'pwd']);
const WHO = 'umask; id -u; id -g; id -un; id -gn';
const IDS: Record<string, number> = { root: 0 };

export class MemoryHost implements Transport {
  /** Path -> node; a new host has /, /etc, /tmp and /var. */
  readonly files = new Map<string, MemoryNode>(['/', '/etc', '/tmp', '/var'].map((p) => [p, dirNode()]));
  /** Every command run (argv), puts as ['put', path]: what a test asserts was (or was not) done. */
  readonly log: string[][] = [];
  /** Commands that answer rc 0 and change nothing (a file system that ignores chmod, say). */
  readonly ignored = new Set<string>();
  /** The folder commands start in (the login folder): where a relative path is. */
  cwd = '/root';
  private clock = 1_700_000_000;

  constructor(readonly host: string) {}

  async connect(): Promise<void> {}
  async close(): Promise<void> {}

  /** Writes count as changes; reads (the stat script, get) do not. */
  get writes(): string[][] {
    return this.log.filter((a) => !READS.has(a[0]!));
  }

  /** Put a file (and its folders) there before a test runs. */
  seed(path: string, content: string, mode = 0o644): void {
    this.mkdirs(posix.dirname(path));
    this.files.set(path, { ...dirNode(), type: 'file', content: Buffer.from(content), mode, mtime: this.clock });
  }

  async exec(argv: string[], _opts: ExecOptions = {}): Promise<ExecResult> {
    const isStat = argv[0] === 'sh' && argv[1] === '-c' && (argv[2] ?? '').includes('stat $f -c');
    this.log.push(isStat ? ['stat', argv[4]!] : argv);
    const done = (rc: number, stdout = '', stderr = ''): ExecResult => ({
      rc,
      stdout,
      stderr,
      cmd: argv,
      durationMs: 0,
    });
    if (isStat) return done(0, this.statOut(argv[4]!, argv[5] ?? '', argv[6] === '1'));
    // many stats at once (reads ahead): a read this host does not answer; each stat then asks alone. Logged with
    // its kind ('-L' or 'nofollow', then the checksum) and paths.
    if (argv[0] === 'sh' && argv[1] === '-c' && (argv[2] ?? '').includes('stat $follow -c')) {
      const kind = `${argv[4] || 'nofollow'}${argv[5] ? ` ${argv[5]}` : ''}`;
      this.log[this.log.length - 1] = ['stat-many', kind, ...argv.slice(6)];
      return done(2, '', 'memory host: one stat at a time');
    }
    if (argv[0] === 'sh' && argv[2] === WHO) {
      this.log[this.log.length - 1] = ['who'];
      return done(0, '0022\n0\n0\nroot\nroot\n');
    }
    if (argv[0] === 'getent') {
      const id = IDS[argv[2]!] ?? (NAMES[Number(argv[2])] !== undefined ? Number(argv[2]) : undefined);
      return id === undefined ? done(2) : done(0, `${nameOf(id)}:x:${id}:${id}::/root:/bin/sh\n`);
    }
    if (argv[0] === 'pwd' && argv.length === 1) return done(0, `${this.cwd}\n`);
    const [cmd, ...rest] = argv;
    if (this.ignored.has(cmd!)) return done(0);
    const flags = new Set(rest.filter((a) => /^-[a-zA-Z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
    const ops = rest.filter((a) => !a.startsWith('-'));
    try {
      switch (cmd) {
        case 'mkdir':
          for (const p of ops) flags.has('p') ? this.mkdirs(p) : this.create(p, 'dir');
          return done(0);
        case 'touch': {
          const at = rest.find((a) => a.startsWith('--date=@'));
          for (const p of ops) {
            const n = this.files.get(p);
            if (n) n.mtime = at ? Number(at.slice(8)) : ++this.clock;
            else this.create(p, 'file');
          }
          return done(0);
        }
        case 'chmod':
          if (!/^0?[0-7]{3,4}$/.test(ops[0]!)) return done(1, '', `memory host: only octal modes (${ops[0]})`);
          for (const p of ops.slice(1)) this.walk(p, flags.has('R'), (n) => (n.mode = Number.parseInt(ops[0]!, 8)));
          return done(0);
        case 'chown': {
          const [owner, group] = ops[0]!.split(':');
          for (const p of ops.slice(1))
            this.walk(p, flags.has('R'), (n) => {
              if (owner) n.uid = idOf(owner);
              if (group) n.gid = idOf(group);
            });
          return done(0);
        }
        case 'rm':
          for (const p of ops) this.remove(p, flags.has('r') || flags.has('R'), flags.has('f'));
          return done(0);
        case 'ln':
          if (!flags.has('s')) return done(127, '', 'memory host: only symbolic links');
          this.parentOf(ops[1]!);
          this.files.set(ops[1]!, { ...dirNode(), type: 'link', mode: 0o777, target: ops[0]!, mtime: ++this.clock });
          return done(0);
        case 'true':
          return done(0);
      }
    } catch (e) {
      return done(1, '', `${cmd}: ${(e as Error).message}`);
    }
    return done(127, '', `memory host: command not supported: ${argv.join(' ')}`);
  }

  /** Answers as the SSH transport's write does: with the file's stat line as written. */
  async put(path: string, content: Buffer, opts: PutOptions = {}): Promise<PutDone> {
    this.log.push(['put', path]);
    this.parentOf(path);
    const old = this.files.get(path);
    const mode = opts.mode !== undefined ? Number.parseInt(opts.mode, 8) : (old?.mode ?? 0o644);
    const uid = opts.owner !== undefined ? idOf(opts.owner) : (old?.uid ?? 0);
    const gid = opts.group !== undefined ? idOf(opts.group) : (old?.gid ?? 0);
    this.files.set(path, { type: 'file', content: Buffer.from(content), mode, uid, gid, mtime: ++this.clock });
    return { stat: `${this.statOut(path, '', false).split('\n')[0]}|1` };
  }

  async get(path: string): Promise<Buffer | undefined> {
    this.log.push(['get', path]);
    const n = this.follow(path);
    return n?.type === 'file' ? Buffer.from(n.content) : undefined;
  }

  /** The reader's stat script's output for one path. */
  private statOut(path: string, algo: string, follow: boolean): string {
    const n = follow ? this.follow(path) : this.files.get(path);
    if (!n) return 'MISSING\n';
    const type = n.type === 'dir' ? 'directory' : n.type === 'link' ? 'symbolic link' : 'regular file';
    const size = n.type === 'file' ? n.content.length : n.type === 'link' ? n.target!.length : 4096;
    const line = [type, n.mode.toString(8), n.uid, n.gid, nameOf(n.uid), nameOf(n.gid), size, n.mtime].join('|');
    const link = this.files.get(path)?.type === 'link' ? `L|${this.files.get(path)!.target}\n` : '';
    const sum = algo && n.type === 'file' ? `C|${createHash(algo).update(n.content).digest('hex')}\n` : '';
    return `${line}\n${link}${sum}`;
  }

  private follow(path: string): MemoryNode | undefined {
    let n = this.files.get(path);
    for (let i = 0; n?.type === 'link' && i < 20; i++)
      n = this.files.get(posix.resolve(posix.dirname(path), n.target!));
    return n;
  }

  private parentOf(path: string): void {
    if (this.files.get(posix.dirname(path))?.type !== 'dir') throw new Error(`${posix.dirname(path)}: no such folder`);
  }

  private create(path: string, type: 'file' | 'dir'): void {
    this.parentOf(path);
    if (this.files.has(path)) throw new Error(`${path}: exists`);
    this.files.set(path, { ...dirNode(), type, mode: type === 'dir' ? 0o755 : 0o644, mtime: ++this.clock });
  }

  private mkdirs(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      const n = this.files.get(p);
      if (!n) this.files.set(p, { ...dirNode(), mtime: ++this.clock });
      else if (n.type !== 'dir') throw new Error(`${p}: not a folder`);
    }
  }

  private walk(path: string, recurse: boolean, fn: (n: MemoryNode) => void): void {
    const n = this.files.get(path);
    if (!n) throw new Error(`${path}: no such file`);
    fn(n);
    if (recurse) for (const [p, m] of this.files) if (p.startsWith(`${path}/`)) fn(m);
  }

  private remove(path: string, recurse: boolean, force: boolean): void {
    const n = this.files.get(path);
    if (!n) {
      if (force) return;
      throw new Error(`${path}: no such file`);
    }
    const below = [...this.files.keys()].filter((p) => p.startsWith(`${path}/`));
    if (below.length && !recurse) throw new Error(`${path}: a folder`);
    for (const p of [path, ...below]) this.files.delete(p);
  }
}

function dirNode(): MemoryNode {
  return { type: 'dir', content: Buffer.alloc(0), mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000 };
}

function idOf(name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const id = IDS[name];
  if (id === undefined) throw new Error(`unknown user or group ${name}`);
  return id;
}

function nameOf(id: number): string {
  return NAMES[id] ?? String(id);
}
