// The FactReader a plan gets in check mode: the host as it will be after the changes planned so far. A path
// or probe a planned change sets is answered from the predicted state; one it alters in unknown ways is read
// from the host and remembered as `uncertain` (the task's outcome is then uncertain); the rest is the host's.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type {
  FactReader,
  FileRead,
  ProbeOptions,
  ProbeResult,
  StatInfo,
  TreeEntry,
  Vars,
} from '../../tasks/contract.js';
import type { HostSide, Writer } from './changes.js';
import type { PathNode, PredictedState } from './state.js';

export class PredictedReader implements FactReader {
  /** The first read of something an earlier change alters in ways not known (a 'file:/x' or 'probe:...' key). */
  uncertain: string | undefined;
  /** The plan read bytes an earlier change makes anew (a new key): its own bytes are known in shape only. */
  anew = false;

  constructor(
    private readonly host: FactReader,
    private readonly state: PredictedState,
    private readonly controller: PredictedState,
    private readonly become: boolean,
  ) {}

  /** Why the first uncertain read is (`reads /x, which ...`). */
  why: string | undefined;

  private unknown(key: string, because = 'which an earlier task would change'): void {
    if (this.uncertain !== undefined) return;
    this.uncertain = key;
    this.why = `reads ${key.replace(/^file:/, '')}${key.startsWith('file:') ? '' : ' (a command)'}, ${because}`;
  }

  facts(opts?: { fresh?: boolean }): Promise<Vars> {
    return this.host.facts(opts);
  }

  /** The host's own paths (no planned change there) are read ahead on the host. */
  async prefetch(reads: FileRead[]): Promise<void> {
    await this.host.prefetch?.(reads.filter((r) => this.state.look(r.path).kind === 'host'));
  }

  async stat(path: string, opts: { follow?: boolean; checksum?: 'sha1' | 'sha256' } = {}): Promise<StatInfo> {
    let p = path;
    for (let hops = 0; hops < 20; hops++) {
      const l = this.state.look(p);
      if (l.kind === 'absent') return { exists: false, path, planned: true };
      if (l.kind === 'host' && opts.follow) {
        const to = await this.hostLink(p);
        if (to !== undefined) {
          p = to;
          continue;
        }
      }
      if (l.kind === 'host' || l.kind === 'unknown') {
        if (l.kind === 'unknown') this.unknown(`file:${p}`);
        const st = await this.host.stat(p, opts);
        if (!st.exists && l.kind === 'host') this.packageMayBring(p);
        return { ...st, path, ...(this.state.plannedAt(p) ? { planned: true } : {}) };
      }
      const n = l.node;
      if (n.type === 'link' && opts.follow) {
        p = posix.resolve(posix.dirname(p), n.target!);
        continue;
      }
      return this.nodeStat(path, p, n, opts.checksum);
    }
    this.unknown(`file:${path}`);
    return this.host.stat(path, opts);
  }

  private async nodeStat(path: string, at: string, n: PathNode, algo?: 'sha1' | 'sha256'): Promise<StatInfo> {
    const st: StatInfo = {
      exists: true,
      path,
      isdir: n.type === 'dir',
      isreg: n.type === 'file',
      islnk: n.type === 'link',
      mode: n.mode.toString(8).padStart(4, '0'),
      uid: n.uid,
      gid: n.gid,
      owner: n.owner,
      group: n.group,
      mtime: n.mtime,
      planned: true,
    };
    if (n.type === 'link') {
      st.lnk_target = n.target;
      st.size = n.target!.length;
    } else if (n.type === 'dir') st.size = 4096;
    else if (n.content) {
      if (algo && n.anew) this.anew = true;
      st.size = n.content.length;
      if (algo) st.checksum = createHash(algo).update(n.content).digest('hex');
    } else {
      // only its attributes changed: the bytes are the host's
      const h = await this.host.stat(at, { checksum: algo });
      st.size = h.size;
      if (algo) st.checksum = h.checksum;
    }
    return st;
  }

  async read(path: string): Promise<Buffer | undefined> {
    let p = path;
    for (let hops = 0; hops < 20; hops++) {
      const l = this.state.look(p);
      if (l.kind === 'absent') return undefined;
      if (l.kind === 'node' && l.node.type === 'link') {
        p = posix.resolve(posix.dirname(p), l.node.target!);
        continue;
      }
      if (l.kind === 'node' && l.node.content) {
        if (l.node.anew) this.anew = true;
        return Buffer.from(l.node.content);
      }
      if (l.kind === 'node' && l.node.type === 'dir' && l.node.fresh) return undefined;
      if (l.kind === 'host') {
        const to = await this.hostLink(p);
        if (to !== undefined) {
          p = to;
          continue;
        }
      }
      if (l.kind === 'unknown') this.unknown(`file:${p}`);
      const b = await this.host.read(p);
      if (b === undefined && l.kind === 'host') this.packageMayBring(p);
      return b;
    }
    this.unknown(`file:${path}`);
    return this.host.read(path);
  }

  /** A path the host does not have that a package an earlier task installs may bring, or a daemon it starts may
   *  make: only a real run tells. */
  private packageMayBring(p: string): void {
    const pkgs = this.state.packages();
    if (pkgs.length > 0 && mayBring(p, pkgs))
      this.unknown(`file:${p}`, `which a package an earlier task installs (${pkgs.join(', ')}) may bring`);
    else if (this.state.daemonMayMake(p))
      this.unknown(`file:${p}`, 'which a service an earlier task starts may make (a file the plan writes names it)');
  }

  /** Where a link the host has points, when planned changes could be behind it (else undefined: the host follows
   *  its own links). A link above the path (/lib -> usr/lib) is not looked at. */
  private async hostLink(p: string): Promise<string | undefined> {
    if (this.state.empty()) return undefined;
    const st = await this.host.stat(p, { follow: false });
    return st.islnk && st.lnk_target !== undefined ? posix.resolve(posix.dirname(p), st.lnk_target) : undefined;
  }

  async probe(argv: string[], opts: ProbeOptions = {}): Promise<ProbeResult> {
    const predicted = this.state.probe(argv);
    if (predicted) return predicted;
    const key = `probe:${argv.join(' ')}`;
    if (this.state.unknownKey(key)) this.unknown(key);
    for (const r of opts.reads ?? []) if (this.state.unknownKey(r)) this.unknown(key);
    // a command that names a path the plan changes (unarchive's `cd DEST`, `find DIR`) answers from the host's
    // stale state: only a real run can tell
    const stale = argv.find(
      (a) => a.startsWith('/') && (this.state.plannedAt(a) || this.state.look(a).kind !== 'host'),
    );
    if (stale !== undefined)
      this.unknown(`file:${stale}`, `which an earlier task would change (through \`${argv.slice(0, 2).join(' ')}\`)`);
    return this.host.probe(argv, opts);
  }

  wait(seconds: number): Promise<void> {
    return this.host.wait(seconds);
  }

  /** A controller file an earlier task (fetch, a task delegated to localhost) would write is read as planned. */
  async controllerRead(path: string): Promise<Buffer> {
    const l = this.controller.look(path);
    if (l.kind === 'node' && l.node.type === 'file' && l.node.content) {
      if (l.node.anew) this.anew = true;
      return Buffer.from(l.node.content);
    }
    if (l.kind === 'absent') throw new Error(`${path}: no such file (an earlier task would remove it)`);
    if (l.kind === 'unknown') this.unknown(`file:${path}`);
    return this.host.controllerRead(path);
  }

  controllerTree(path: string, opts?: { follow?: boolean }): Promise<TreeEntry[] | undefined> {
    return this.host.controllerTree?.(path, opts) ?? Promise.resolve(undefined);
  }

  controllerMode(path: string): Promise<number | undefined> {
    return this.host.controllerMode?.(path) ?? Promise.resolve(undefined);
  }

  /** What folding this task's changes into the state needs from the host; its reads are not the task's. */
  hostSide(): HostSide {
    return {
      stat: (path) => this.host.stat(path, { follow: false }),
      writer: () => this.writer(),
      account: async (kind, who) => {
        const r = await this.host.probe(['getent', kind, who]);
        const [name, , id] = r.stdout.split('\n')[0]!.split(':');
        return r.rc === 0 && name && id !== undefined ? { id: Number(id), name } : undefined;
      },
    };
  }

  private async writer(): Promise<Writer> {
    // the last argument only keeps the answers with and without become apart in the reader's cache
    const r = await this.host.probe([
      'sh',
      '-c',
      'umask; id -u; id -g; id -un; id -gn',
      'kplay',
      this.become ? 'b' : '',
    ]);
    const [umask, uid, gid, owner, group] = r.stdout.trim().split('\n');
    return {
      umask: Number.parseInt(umask ?? '022', 8),
      uid: Number(uid),
      gid: Number(gid),
      owner: owner ?? '',
      group: group ?? '',
    };
  }
}

/** Where a Debian package puts files: the system trees (not /usr/local, which is the admin's), and in /etc and
 *  /var what is named after it (/etc/chrony, /var/lib/haproxy, /etc/default/keepalived); never the admin's
 *  /etc/systemd/system, /run, /opt or /usr/local. A package's own file list is not known before it is installed. */
export function mayBring(path: string, pkgs: string[]): boolean {
  if (/^\/(?:usr\/(?!local(?:\/|$))|(?:lib|lib64|bin|sbin)(?:\/|$))/.test(path)) return true;
  if (!/^\/(?:etc|var\/(?:lib|log|cache|spool))\//.test(path) || path.startsWith('/etc/systemd/system/')) return false;
  const names = pkgs.map((p) =>
    p.replace(/[:=].*$/, '').replace(/-(server|client|common|utils|tools|bin|daemon)$/, ''),
  );
  return path
    .split('/')
    .some((part) => names.some((n) => part === n || part.startsWith(`${n}.`) || part.startsWith(`${n}-`)));
}
