// A fake host for unit tests of task modules: a FactReader over an in-memory filesystem, and `apply`, which
// runs a plan's actions on it (put, remove, and the few execs the file modules emit: chmod, chown, mkdir -p,
// ln -sfn, ln -f, touch, cp -p). Other execs (command/shell) are recorded in `ran`. Reads behave like the
// engine's HostReader (stat of a link with follow=false still reports the checksum of what it points to).
import { MORE_STAT } from '../../src/tasks/files.js';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Action, Change, FactReader, ProbeResult, StatInfo, TreeEntry, Vars } from '../../src/tasks/contract.js';
import { resolveMode } from '../../src/tasks/lib/fsattrs.js';
import { archiveKind, archiveMembers } from '../../src/tasks/transfer/archive.js';

export interface FakeNode {
  type: 'file' | 'dir' | 'link';
  content: Buffer;
  target: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  ino: number;
}

export type FakeSpec =
  | string
  | {
      content?: string | Buffer;
      mode?: number;
      owner?: string;
      group?: string;
      type?: 'file' | 'dir' | 'link';
      target?: string;
    };

const USERS: Record<string, number> = { root: 0, etcd: 1001, kube: 1002, nobody: 65534 };

export class FakeHost implements FactReader {
  files = new Map<string, FakeNode>();
  controller = new Map<string, Buffer>();
  controllerDirs = new Set<string>();
  env: Record<string, string> = { HOME: '/root', USER: 'root', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };
  /** exec actions that are not file operations (command, shell), in order. */
  ran: Action[] = [];
  /** Called for those, to let a test simulate what the command does. */
  onExec: ((argv: string[]) => void) | undefined;
  /** Called for a put with `validate`: return false to make validation fail. */
  validator: ((cmd: string, content: Buffer) => boolean) | undefined;
  private nextIno = 100;
  private clock = 1_700_000_000;

  constructor(init: Record<string, FakeSpec> = {}, controller: Record<string, string> = {}) {
    this.files.set('/', this.node('dir', 0o755));
    for (const [p, spec] of Object.entries(init)) {
      const s = typeof spec === 'string' ? { content: spec } : spec;
      this.mkdirs(posix.dirname(p));
      const n = this.node(s.type ?? 'file', s.mode ?? (s.type === 'dir' ? 0o755 : s.type === 'link' ? 0o777 : 0o644));
      n.content = Buffer.from(s.content ?? '');
      n.target = s.target ?? '';
      n.uid = USERS[s.owner ?? 'root']!;
      n.gid = USERS[s.group ?? s.owner ?? 'root']!;
      this.files.set(p, n);
    }
    for (const [p, c] of Object.entries(controller)) this.controller.set(p, Buffer.from(c));
  }

  private node(type: FakeNode['type'], mode: number): FakeNode {
    return {
      type,
      content: Buffer.alloc(0),
      target: '',
      mode,
      uid: 0,
      gid: 0,
      mtime: this.clock++,
      ino: this.nextIno++,
    };
  }

  private mkdirs(dir: string): void {
    const parts = dir.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const p = '/' + parts.slice(0, i).join('/');
      const n = this.files.get(this.resolve(p, true));
      if (!n) this.files.set(this.resolve(p, true), this.node('dir', 0o755));
      else if (n.type !== 'dir') throw new Error(`fake: mkdir ${dir}: ${p} is not a directory`);
    }
  }

  /** The canonical path (links in the middle always followed, the last one when `followLast`). */
  resolve(path: string, followLast: boolean, depth = 0): string {
    if (depth > 20) throw new Error(`fake: too many levels of links: ${path}`);
    const parts = posix.normalize(path).split('/').filter(Boolean);
    let cur = '/';
    for (const [i, part] of parts.entries()) {
      const next = posix.join(cur, part);
      const n = this.files.get(next);
      if (n?.type === 'link' && (i < parts.length - 1 || followLast))
        cur = this.resolve(posix.resolve(cur, n.target), true, depth + 1);
      else cur = next;
    }
    return cur;
  }

  private get(path: string, follow: boolean): FakeNode | undefined {
    return this.files.get(this.resolve(path, follow));
  }

  private name(id: number): string {
    return Object.entries(USERS).find(([, v]) => v === id)?.[0] ?? String(id);
  }

  private id(who: string): number {
    if (/^\d+$/.test(who)) return Number(who);
    const id = USERS[who];
    if (id === undefined) throw new Error(`fake: no such user/group ${who}`);
    return id;
  }

  /** Everything, for checking that planning changed nothing. */
  snapshot(): string {
    return JSON.stringify(
      [...this.files.entries()].map(([p, n]) => [p, { ...n, content: n.content.toString('base64') }]).sort(),
    );
  }

  text(path: string): string | undefined {
    return this.get(path, true)?.content.toString('utf8');
  }

  nodeAt(path: string, follow = false): FakeNode | undefined {
    return this.get(path, follow);
  }

  // ---- FactReader ----
  async facts(): Promise<Vars> {
    return { ansible_env: { ...this.env } };
  }

  async stat(path: string, opts: { follow?: boolean; checksum?: 'sha1' | 'sha256' } = {}): Promise<StatInfo> {
    const self = this.files.get(this.resolve(path, false));
    const n = this.get(path, opts.follow === true);
    if (!self || !n) return { exists: false, path };
    const st: StatInfo = {
      exists: true,
      path,
      isdir: n.type === 'dir',
      isreg: n.type === 'file',
      islnk: n.type === 'link',
      mode: n.mode.toString(8).padStart(4, '0'),
      uid: n.uid,
      gid: n.gid,
      owner: this.name(n.uid),
      group: this.name(n.gid),
      size: n.content.length,
      mtime: n.mtime,
    };
    if (self.type === 'link') st.lnk_target = self.target;
    const real = this.get(path, true);
    if (opts.checksum && real?.type === 'file')
      st.checksum = createHash(opts.checksum).update(real.content).digest('hex');
    return st;
  }

  async read(path: string): Promise<Buffer | undefined> {
    const n = this.get(path, true);
    if (n?.type === 'dir') throw new Error(`fake: read ${path}: is a directory`);
    return n ? Buffer.from(n.content) : undefined;
  }

  /** Seconds waited (wait_for's plain timeout): recorded, not slept. */
  waited: number[] = [];
  async wait(seconds: number): Promise<void> {
    this.waited.push(seconds);
  }

  async probe(argv: string[], _opts: { fresh?: boolean } = {}): Promise<ProbeResult> {
    const ok = (stdout: string): ProbeResult => ({ rc: 0, stdout, stderr: '' });
    const [cmd, ...rest] = argv;
    if (cmd === 'pwd' && !rest.length) return ok(`${this.env.PWD ?? this.env.HOME}\n`);
    if (cmd === 'find') {
      const root = rest[0]!;
      const maxIdx = rest.indexOf('-maxdepth');
      const max = maxIdx >= 0 ? Number(rest[maxIdx + 1]) : Infinity;
      const base = this.resolve(root, true);
      if (this.files.get(base)?.type !== 'dir')
        return { rc: 1, stdout: '', stderr: `find: '${root}': No such file or directory` };
      const lines: string[] = [];
      for (const [p, n] of [...this.files.entries()].sort()) {
        if (!p.startsWith(base === '/' ? '/' : `${base}/`) || p === base) continue;
        const depth = p.slice(base.length).split('/').filter(Boolean).length;
        if (depth > max) continue;
        const y = n.type === 'dir' ? 'd' : n.type === 'link' ? 'l' : 'f';
        lines.push(
          `${y} ${n.mode.toString(8)} ${n.uid} ${n.gid} ${this.name(n.uid)} ` +
            `${this.name(n.gid)} ${posix.join(root, p.slice(base.length))}`,
        );
      }
      return ok(lines.map((l) => `${l}\n`).join(''));
    }
    if (cmd === 'sh' && rest[1] === MORE_STAT) {
      // stat's extra fields: times from mtime, device 8, the inode, one link, 4096-byte I/O blocks
      const n = this.get(rest[3]!, rest[4] === '-L');
      if (!n) return { rc: 1, stdout: '', stderr: 'stat: cannot stat' };
      const type = n.type === 'dir' ? 'directory' : n.type === 'link' ? 'symbolic link' : 'regular file';
      return ok(`${n.mtime}.5|${n.mtime}.5|${n.mtime}.5|8|${n.ino}|1|${type}|8|4096|0|0\n1|1|\n`);
    }
    if (cmd === 'file' && rest[0] === '-b' && rest[1] === '-i') {
      // stat's mimetype: every file is plain text here, a folder a folder
      const n = this.get(rest[rest.length - 1]!, rest.includes('-L'));
      if (!n) return { rc: 1, stdout: '', stderr: 'file: cannot open' };
      return ok(n.type === 'dir' ? 'inode/directory; charset=binary\n' : 'text/plain; charset=us-ascii\n');
    }
    if (cmd === 'stat' && rest[0] === '-c' && rest[1] === '%d:%i') {
      const out = rest.slice(rest.indexOf('--') + 1).map((p) => this.get(p, false));
      if (out.some((n) => !n)) return { rc: 1, stdout: '', stderr: 'stat: cannot stat' };
      return ok(out.map((n) => `8:${n!.ino}\n`).join(''));
    }
    if (cmd && /^(md5|sha\d+)sum$/.test(cmd)) {
      const p = rest[rest.length - 1]!;
      const n = this.get(p, true);
      if (n?.type !== 'file') return { rc: 1, stdout: '', stderr: 'no such file' };
      return ok(`${createHash(cmd.replace(/sum$/, '')).update(n.content).digest('hex')}  ${p}\n`);
    }
    if (cmd === 'sh' && rest[0] === '-c') {
      const m = /^for p in (.*); do /.exec(rest[1]!);
      if (m) {
        const glob = m[1]!.replace(/\\(.)/g, '$1');
        const re = new RegExp(
          `^${glob
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')}$`,
        );
        return { rc: [...this.files.keys()].some((p) => re.test(p)) ? 0 : 1, stdout: '', stderr: '' };
      }
    }
    throw new Error(`fake: probe not emulated: ${argv.join(' ')}`);
  }

  /** Controller files' modes (copy's `mode: preserve`); 0644 when not set. */
  controllerModes = new Map<string, number>();
  async controllerMode(path: string): Promise<number | undefined> {
    return this.controller.has(path) ? (this.controllerModes.get(path) ?? 0o644) : undefined;
  }

  /** A controller folder's files (the controller files under it; folders between them), or undefined when none. */
  async controllerTree(path: string, _opts?: { follow?: boolean }): Promise<TreeEntry[] | undefined> {
    const root = path.replace(/\/+$/, '');
    const rels = [...this.controller.keys()]
      .filter((p) => p.startsWith(`${root}/`))
      .map((p) => p.slice(root.length + 1));
    if (!rels.length) return undefined;
    const dirs = new Set(
      rels.flatMap((r) =>
        r
          .split('/')
          .slice(0, -1)
          .map((_, i, a) => a.slice(0, i + 1).join('/')),
      ),
    );
    return [...[...dirs].map((d) => ({ path: d, dir: true })), ...rels.map((r) => ({ path: r, dir: false }))].sort(
      (a, b) => (a.path < b.path ? -1 : 1),
    );
  }

  async controllerRead(path: string): Promise<Buffer> {
    if (this.controllerDirs.has(path)) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
    const b = this.controller.get(path);
    if (!b) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return b;
  }

  // ---- applying ----
  /** What `tar -xf file -C dest` / `unzip` would make, with placeholder contents (sizes, modes, mtimes kept). */
  extractArchive(file: string, dest: string): void {
    const b = this.nodeAt(file, true)!.content;
    for (const m of archiveMembers(b, archiveKind(b)!)) {
      const p = posix.join(dest, m.path);
      if (m.type === 'dir') this.apply([{ summary: '', actions: [{ exec: ['mkdir', '-p', p] }], touches: [] }]);
      else if (m.type === 'link')
        this.apply([{ summary: '', actions: [{ exec: ['ln', '-sfn', m.linkname!, p] }], touches: [] }]);
      else {
        this.apply([
          {
            summary: '',
            actions: [{ put: p, content: Buffer.alloc(m.size, 'x'), mode: m.mode.toString(8) }],
            touches: [],
          },
        ]);
        if (m.mtime !== undefined) this.files.get(p)!.mtime = m.mtime;
      }
    }
  }

  apply(changes: Change[]): void {
    for (const c of changes) for (const a of c.actions) this.act(a);
  }

  private act(a: Action): void {
    if ('put' in a) return this.put(a.put, a.content, a);
    if ('controllerPut' in a) {
      this.controller.set(a.controllerPut, a.content);
      return;
    }
    if ('remove' in a) {
      const p = this.resolve(a.remove, false);
      const n = this.files.get(p);
      if (!n) return;
      if (n.type === 'dir' && !a.recurse) throw new Error(`fake: rm ${p}: is a directory`);
      for (const k of [...this.files.keys()]) if (k === p || k.startsWith(`${p}/`)) this.files.delete(k);
      return;
    }
    const [cmd, ...args] = a.exec;
    const flags = new Set(
      args.filter((x, i) => /^-[A-Za-z]+$/.test(x) && !args.slice(0, i).includes('--')).flatMap((x) => [...x.slice(1)]),
    );
    const ops = args.filter((x, i) => !(/^-[A-Za-z]+$/.test(x) && !args.slice(0, i).includes('--')) && x !== '--');
    const tree = (p: string) => [...this.files.keys()].filter((k) => k === p || k.startsWith(`${p}/`));
    switch (cmd) {
      case 'chmod': {
        const [mode, ...paths] = ops;
        for (const p0 of paths) {
          const root = this.resolve(p0, true);
          for (const p of flags.has('R') ? tree(root) : [root]) {
            const n = this.files.get(p)!;
            if (n.type === 'link' && p !== root) continue;
            n.mode = resolveMode(mode, n.mode, n.type === 'dir')!;
          }
        }
        return;
      }
      case 'chown': {
        const [who, ...paths] = ops;
        const [u, g] = who!.includes(':') ? who!.split(':') : [who, undefined];
        for (const p0 of paths) {
          const root = this.resolve(p0, !flags.has('h'));
          for (const p of flags.has('R') ? tree(root) : [root]) {
            const n = this.files.get(p)!;
            if (n.type === 'link' && p !== root) continue;
            if (u) n.uid = this.id(u);
            if (g) n.gid = this.id(g);
          }
        }
        return;
      }
      case 'mkdir':
        for (const p of ops) {
          if (!flags.has('p') && this.files.get(this.resolve(posix.dirname(p), true))?.type !== 'dir')
            throw new Error(`fake: mkdir: ${posix.dirname(p)} is not a folder`);
          if (!flags.has('p') && this.files.has(this.resolve(p, false))) throw new Error(`fake: mkdir: ${p} exists`);
          this.mkdirs(p);
        }
        return;
      case 'ln': {
        const [src, dest] = ops as [string, string];
        const p = this.resolve(dest, false);
        const cur = this.files.get(p);
        if (cur && !flags.has('f')) throw new Error(`fake: ln: ${dest} exists`);
        if (cur?.type === 'dir') throw new Error(`fake: ln over a directory ${dest} would link inside it`);
        this.parentDir(p);
        if (flags.has('s')) {
          const n = this.node('link', 0o777);
          n.target = src;
          this.files.set(p, n);
        } else {
          const n = this.files.get(this.resolve(src, false));
          if (!n) throw new Error(`fake: ln: ${src} missing`);
          this.files.set(p, n);
        }
        return;
      }
      case 'touch': {
        const at = ops.find((a) => a.startsWith('--date=@'));
        for (const p0 of ops.filter((a) => a !== at)) {
          const n = this.get(p0, true);
          if (n) n.mtime = at ? Number(at.slice(8)) : this.clock++;
          else {
            this.parentDir(this.resolve(p0, true));
            this.files.set(this.resolve(p0, true), this.node('file', 0o644));
          }
        }
        return;
      }
      case 'cp': {
        const [from, to] = ops as [string, string];
        const n = this.get(from, true);
        if (n?.type !== 'file') throw new Error(`fake: cp ${from}: not a file`);
        this.files.set(this.resolve(to, true), { ...n, content: Buffer.from(n.content), ino: this.nextIno++ });
        return;
      }
      default:
        this.ran.push(a);
        this.onExec?.(a.exec);
    }
  }

  private parentDir(p: string): void {
    if (this.files.get(posix.dirname(p))?.type !== 'dir')
      throw new Error(`fake: ${posix.dirname(p)} is not a directory`);
  }

  private put(
    path: string,
    content: Buffer,
    o: {
      mode?: string | undefined;
      owner?: string | undefined;
      group?: string | undefined;
      validate?: string | undefined;
    },
  ): void {
    const p = this.resolve(path, false); // rename over a link replaces the link
    this.parentDir(p);
    if (o.validate !== undefined && this.validator && !this.validator(o.validate, content))
      throw new Error(`fake: validation failed: ${o.validate}`);
    const old = this.files.get(p);
    if (old?.type === 'dir') throw new Error(`fake: put ${p}: is a directory`);
    const n = this.node('file', old?.type === 'file' ? old.mode : 0o644);
    if (old?.type === 'file') [n.uid, n.gid] = [old.uid, old.gid];
    n.content = Buffer.from(content);
    if (o.mode !== undefined) n.mode = resolveMode(o.mode, n.mode, false)!;
    if (o.owner !== undefined) n.uid = this.id(o.owner);
    if (o.group !== undefined) n.gid = this.id(o.group);
    this.files.set(p, n);
  }
}
