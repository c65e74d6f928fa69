// Check mode's predicted state of one target: what the host will look like after the changes planned so far.
// Paths a planned change sets exactly (a file's bytes, a folder, a link, a mode, an owner, a removal) are held
// as nodes; what a change alters in ways that cannot be known (a command's effect, a package's files, a
// download) is held as `unknown` touch keys ('file:/x' that path, 'file:/d/' the tree below /d, 'probe:...',
// 'package:x'). Later plans read through this overlay (reader.ts); a read of something unknown is uncertain.
import { posix } from 'node:path';
import type { ProbeResult } from '../../tasks/contract.js';

export interface PathNode {
  type: 'file' | 'dir' | 'link';
  /** The bytes, or undefined when they are the host's own (only attributes changed): read from the host. */
  content?: Buffer | undefined;
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  target?: string | undefined;
  mtime: number;
  /** Made where nothing was: nothing is under it but what the overlay holds. */
  fresh?: boolean;
  /** Bytes each plan makes anew (Change.madeAnew): known in shape, not in value. */
  anew?: boolean;
}

export type Look =
  | { kind: 'node'; node: PathNode }
  | { kind: 'absent' }
  /** An earlier change alters it in a way not known before a real run. */
  | { kind: 'unknown' }
  /** Not touched by any planned change: the host's own state. */
  | { kind: 'host' };

export const normal = (p: string): string => (p === '/' ? p : posix.normalize(p).replace(/\/+$/, '') || '/');

/** Is `key` ('file:/a/b') covered by a touch: the same path, or a tree touch ('file:/a/') above it? */
export function covers(touch: string, key: string): boolean {
  if (touch === key) return true;
  // a read of a whole kind ('package:*') is covered by any touch of that kind
  if (key.endsWith(':*')) return touch.startsWith(key.slice(0, -1));
  if (!touch.endsWith('/') || !touch.startsWith('file:') || !key.startsWith('file:')) return false;
  return key.startsWith(touch) || `${key}/` === touch;
}

export class PredictedState {
  /** Touch keys of planned changes whose effect is not known. */
  readonly unknown = new Set<string>();
  private readonly nodes = new Map<string, PathNode | 'absent'>();
  private readonly probes = new Map<string, { result: ProbeResult; reads: string[] }>();

  /** What a path will be, as far as the planned changes tell. */
  look(path: string): Look {
    // a relative path is the remote user's: the overlay (absolute paths) cannot tell what it is
    if (!path.startsWith('/')) return this.empty() ? { kind: 'host' } : { kind: 'unknown' };
    const p = normal(path);
    const n = this.nodes.get(p);
    if (n === 'absent') return { kind: 'absent' };
    if (n) return { kind: 'node', node: n };
    if (this.unknownKey(`file:${p}`)) return { kind: 'unknown' };
    for (let a = posix.dirname(p); ; a = posix.dirname(a)) {
      const up = this.nodes.get(a);
      if (up === 'absent' || up?.type === 'file') return { kind: 'absent' };
      if (up?.type === 'link') return { kind: 'unknown' };
      if (up?.fresh) return { kind: 'absent' };
      if (a === '/') return { kind: 'host' };
    }
  }

  /** Nothing planned yet. */
  empty(): boolean {
    return this.nodes.size === 0 && this.unknown.size === 0;
  }

  /** Does a planned change set this path or something under it? */
  plannedAt(path: string): boolean {
    const p = normal(path);
    const tree = p === '/' ? '/' : `${p}/`;
    if (this.nodes.has(p)) return true;
    for (const q of this.nodes.keys()) if (q.startsWith(tree)) return true;
    return false;
  }

  /** The first unknown touch covering a read key, if any. */
  unknownKey(key: string): string | undefined {
    if (this.unknown.has(key)) return key;
    for (const t of this.unknown) if (covers(t, key)) return t;
    return undefined;
  }

  /** A path's predicted node, or its removal (which takes everything under it, known or not, with it). */
  set(path: string, node: PathNode | 'absent'): void {
    const p = normal(path);
    if (node === 'absent' || node.type !== 'dir') this.dropUnder(p);
    this.unknown.delete(`file:${p}`);
    this.staleProbes(p);
    this.nodes.set(p, node);
  }

  /** Touches whose effect is not known: what the overlay held there is forgotten. */
  markUnknown(keys: Iterable<string>): void {
    for (const k of keys) {
      if (k.startsWith('file:')) {
        const p = normal(k.slice(5));
        const tree = k.endsWith('/') && p !== '/' ? `${p}/` : p === '/' && k.endsWith('/') ? '/' : undefined;
        this.nodes.delete(p);
        this.staleProbes(p);
        if (tree) for (const q of [...this.nodes.keys()]) if (q.startsWith(tree)) this.nodes.delete(q);
        this.unknown.add(tree ? `file:${tree}` : `file:${p}`);
      } else {
        if (k.startsWith('probe:')) this.probes.delete(k.slice(6));
        this.unknown.add(k);
      }
    }
  }

  /** What a read-only command will answer after the planned changes (a change declared it). */
  predictProbe(argv: string[], result: ProbeResult, reads: string[] = []): void {
    const line = argv.join(' ');
    this.unknown.delete(`probe:${line}`);
    this.probes.set(line, { result, reads });
  }

  probe(argv: string[]): ProbeResult | undefined {
    return this.probes.get(argv.join(' '))?.result;
  }

  /** A predicted answer read from a path a later change alters is not known any more. */
  private staleProbes(p: string): void {
    for (const [line, { reads }] of this.probes)
      if (reads.some((r) => covers(r, `file:${p}`) || covers(`file:${p}/`, r))) {
        this.probes.delete(line);
        this.unknown.add(`probe:${line}`);
      }
  }

  /** A unit an earlier change starts or restarts: a daemon may make what its configuration names. */
  daemonStarted = false;

  /** Might a daemon the plan starts make this path? It is named in a file the plan writes (containerd makes the
   *  conf_dir its config.toml names when it starts). */
  daemonMayMake(path: string): boolean {
    if (!this.daemonStarted) return false;
    for (const n of this.nodes.values())
      if (n !== 'absent' && n.content && n.content.length <= 1 << 20 && n.content.includes(path)) return true;
    return false;
  }

  /** Packages an earlier change would install or remove. */
  packages(): string[] {
    return [...this.unknown].filter((k) => k.startsWith('package:')).map((k) => k.slice(8));
  }

  private dropUnder(p: string): void {
    const tree = p === '/' ? '/' : `${p}/`;
    for (const q of [...this.nodes.keys()]) if (q.startsWith(tree)) this.nodes.delete(q);
    for (const k of [...this.unknown])
      if (k.startsWith('file:') && (k.slice(5) === p || k.slice(5).startsWith(tree))) this.unknown.delete(k);
  }
}
