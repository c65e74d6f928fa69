// Folding planned changes into the predicted state (state.ts), action by action, as the host would do them:
// a put, a removal and the file commands modules plan (mkdir, chmod, chown, ln -s, touch, rm, rmdir, true)
// are known exactly; any other command makes what its change touches unknown. What a change declares it will
// leave behind (`predicts`: a unit's state after start) is taken as it says.
import { posix } from 'node:path';
import type { Action, Change, StatInfo } from '../../tasks/contract.js';
import { normal, type PathNode, type PredictedState } from './state.js';

/** Who writes on the target (the task's user, after become), and its umask. */
export interface Writer {
  uid: number;
  gid: number;
  owner: string;
  group: string;
  umask: number;
}

/** What folding needs from the host: its own state of a path (not followed), and names for ids. */
export interface HostSide {
  stat(path: string): Promise<StatInfo>;
  writer(): Promise<Writer>;
  /** A user or group (name or id) as id and name, undefined when the host has none. */
  account(kind: 'passwd' | 'group', who: string): Promise<{ id: number; name: string } | undefined>;
}

type Cur = PathNode | 'absent' | 'unknown';

const OCTAL = /^0?[0-7]{3,4}$/;
const STARTS = new Set(['start', 'restart', 'reload-or-restart', 'try-restart']);

export async function foldChanges(
  state: PredictedState,
  controller: PredictedState,
  changes: Change[],
  host: HostSide,
): Promise<void> {
  for (const c of changes) {
    for (const [i, a] of c.actions.entries())
      if (!(await foldAction(state, controller, a, host, !!c.madeAnew))) {
        // the change does something not known: what it touches is unknown, but for what its later actions set
        const later = new Set(c.actions.slice(i + 1).flatMap(sets));
        state.markUnknown(c.touches.filter((k) => !later.has(k)));
      }
    if (c.actions.some((a) => 'exec' in a && a.exec[0] === 'systemctl' && a.exec.some((w) => STARTS.has(w))))
      state.daemonStarted = true;
    // a unit, a package, a user: only what the change declares it leaves (below) is known of them
    state.markUnknown(c.touches.filter((k) => !k.startsWith('file:')));
    for (const p of c.predicts ?? []) state.predictProbe(p.probe, p.result, p.reads);
  }
}

/** The touch keys of the paths an action makes anew (a later known action overrides an unknown one there). */
function sets(a: Action): string[] {
  if ('put' in a) return [`file:${normal(a.put)}`];
  if ('remove' in a) return [`file:${normal(a.remove)}`];
  if ('controllerPut' in a) return [];
  const { flags, ops } = parseArgv(a.exec.slice(1));
  if (a.exec[0] === 'touch' || a.exec[0] === 'mkdir') return ops.map((p) => `file:${normal(p)}`);
  if (a.exec[0] === 'ln' && flags.has('s')) return ops.slice(1).map((p) => `file:${normal(p)}`);
  return [];
}

async function current(state: PredictedState, path: string, host: HostSide): Promise<Cur> {
  // a relative path (the remote user's cwd) is not held by the overlay
  if (!path.startsWith('/')) return 'unknown';
  const l = state.look(path);
  if (l.kind === 'node') return l.node;
  if (l.kind === 'absent' || l.kind === 'unknown') return l.kind;
  const st = await host.stat(path);
  if (!st.exists) return 'absent';
  return {
    type: st.isdir ? 'dir' : st.islnk ? 'link' : 'file',
    mode: Number.parseInt(st.mode ?? '0', 8),
    uid: st.uid ?? 0,
    gid: st.gid ?? 0,
    owner: st.owner ?? '',
    group: st.group ?? '',
    target: st.lnk_target,
    mtime: st.mtime ?? 0,
  };
}

const now = () => Math.floor(Date.now() / 1000);

async function created(type: PathNode['type'], host: HostSide): Promise<PathNode> {
  const w = await host.writer();
  const mode = (type === 'dir' ? 0o777 : 0o666) & ~w.umask;
  return { type, mode, uid: w.uid, gid: w.gid, owner: w.owner, group: w.group, mtime: now(), fresh: true };
}

/** One action into the state; false when its effect cannot be known. */
async function foldAction(
  state: PredictedState,
  controller: PredictedState,
  a: Action,
  host: HostSide,
  anew: boolean,
): Promise<boolean> {
  if ('controllerPut' in a) {
    const w = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, owner: '', group: '', mtime: now() };
    controller.set(a.controllerPut, { type: 'file', content: a.content, mode: 0o644, ...w, anew });
    return true;
  }
  if ('remove' in a) {
    state.set(a.remove, 'absent');
    return true;
  }
  if ('put' in a) return foldPut(state, a, host, anew);
  return foldExec(state, a.exec, host);
}

async function foldPut(
  state: PredictedState,
  a: Extract<Action, { put: string }>,
  host: HostSide,
  anew: boolean,
): Promise<boolean> {
  if (a.mode !== undefined && !OCTAL.test(a.mode)) return false;
  const cur = await current(state, a.put, host);
  if (cur === 'unknown' || (cur !== 'absent' && cur.type !== 'file')) return false;
  const base = cur === 'absent' ? await created('file', host) : cur;
  const node: PathNode = { ...base, type: 'file', content: a.content, mtime: now(), fresh: false, anew };
  if (a.mode !== undefined) node.mode = Number.parseInt(a.mode, 8);
  if (!(await own(node, a.owner, a.group, host))) return false;
  state.set(a.put, node);
  return true;
}

/** Set a node's owner and group by name or id; false when the host does not have them. */
async function own(node: PathNode, owner: string | undefined, group: string | undefined, host: HostSide) {
  if (owner !== undefined && owner !== '') {
    const u = await host.account('passwd', owner);
    if (!u) return false;
    node.uid = u.id;
    node.owner = u.name;
  }
  if (group !== undefined && group !== '') {
    const g = await host.account('group', group);
    if (!g) return false;
    node.gid = g.id;
    node.group = g.name;
  }
  return true;
}

/** `cmd -ab -- x y` as its flag letters and operands. */
function parseArgv(args: string[]): { flags: Set<string>; ops: string[] } {
  const flags = new Set<string>();
  const ops: string[] = [];
  let end = false;
  for (const a of args) {
    if (!end && a === '--') end = true;
    else if (!end && /^-[a-zA-Z]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else ops.push(a);
  }
  return { flags, ops };
}

async function foldExec(state: PredictedState, argv: string[], host: HostSide): Promise<boolean> {
  const [cmd, ...rest] = argv;
  const { flags, ops } = parseArgv(rest);
  const only = (allowed: string) => [...flags].every((f) => allowed.includes(f));
  switch (cmd) {
    case 'true':
      return ops.length === 0;
    case 'mkdir':
      if (!only('p')) return false;
      for (const p of ops) if (!(await mkdir(state, p, flags.has('p'), host))) return false;
      return true;
    case 'chmod':
    case 'chown': {
      if (!only(cmd === 'chown' ? 'h' : '') || ops.length < 2) return false;
      const [spec, ...paths] = ops;
      for (const p of paths) {
        const cur = await current(state, p, host);
        if (cur === 'unknown' || cur === 'absent') return false;
        // without -h, chown (and chmod always) acts on a link's target
        if (cur.type === 'link' && !flags.has('h')) return false;
        const node = { ...cur };
        if (cmd === 'chmod') {
          if (!OCTAL.test(spec!)) return false;
          node.mode = Number.parseInt(spec!, 8);
        } else {
          const [u, g] = spec!.split(':');
          if (!(await own(node, u, g, host))) return false;
        }
        state.set(p, node);
      }
      return true;
    }
    case 'ln': {
      if (!flags.has('s') || !only('sfn') || ops.length !== 2) return false;
      const [target, link] = ops as [string, string];
      const cur = await current(state, link, host);
      // into an existing folder (or a link to one without -n) ln makes the link inside it
      if (cur === 'unknown' || (cur !== 'absent' && (cur.type === 'dir' || (cur.type === 'link' && !flags.has('n')))))
        return false;
      if (cur !== 'absent' && !flags.has('f')) return false;
      const node = await created('link', host);
      state.set(link, { ...node, mode: 0o777, target, fresh: false });
      return true;
    }
    case 'touch': {
      // -m: the modification time only, -a: the access time only (not kept here: the node is as it was)
      if (!only('am')) return false;
      for (const p of ops) {
        const cur = await current(state, p, host);
        if (cur === 'unknown') return false;
        if (cur === 'absent')
          state.set(p, { ...(await created('file', host)), content: Buffer.alloc(0), fresh: false });
        else state.set(p, flags.has('a') && !flags.has('m') ? { ...cur } : { ...cur, mtime: now() });
      }
      return true;
    }
    case 'rm':
    case 'rmdir':
      if (!only(cmd === 'rm' ? 'rRf' : '')) return false;
      for (const p of ops) state.set(p, 'absent');
      return true;
  }
  return false;
}

async function mkdir(state: PredictedState, path: string, parents: boolean, host: HostSide): Promise<boolean> {
  if (!path.startsWith('/')) return false;
  const p = normal(path);
  const chain: string[] = [];
  for (let a = p; a !== '/'; a = posix.dirname(a)) chain.unshift(a);
  for (const a of parents ? chain : [p]) {
    const cur = await current(state, a, host);
    if (cur === 'unknown') return false;
    if (cur === 'absent') state.set(a, await created('dir', host));
    else if (!parents) return false;
    // a link on the way (/lib -> usr/lib) is followed by mkdir -p; the last one must be a folder
    else if (cur.type === 'file' || (a === p && cur.type !== 'dir')) return false;
  }
  return true;
}
