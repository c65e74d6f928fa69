// file: the state of one path (directory, file, touch, absent, link, hard) and its mode/owner/group.
// Ansible's rules kept: the default state is the path's current one (or `file` when it is missing, which
// then fails); `directory` creates missing parents and gives each created directory the mode/owner asked
// (as Ansible does); `recurse` applies mode/owner/group to everything beneath (symlinks in the tree are not
// followed nor changed); `absent` removes recursively; `link` refuses to replace a file or directory
// unless force=yes (and a directory only when empty), and a missing src needs force=yes too; a relative
// src is relative to the link's directory. `hard` compares device:inode.
// `touch` sets the times to now on every run (changed each time, as in Ansible: a `repeats` change). With
// follow=yes a link's mode/owner/group are its target's; with follow=no its own owner/group (chown -h), never its
// mode (Linux has none). The registered `diff` is Ansible's (diff.ts). Times and flags: lib/file-times.ts,
// lib/file-flags.ts. `_diff_peek` (what Ansible's own action plugins pass) reads nothing and changes nothing.
import { posix } from 'node:path';
import type { ArgsOf, Change, FactReader, Plan, StatInfo } from '../contract.js';
import {
  chmodArg,
  fileAttrArgs,
  fixAttrs,
  NEW_DIR_MODE,
  NEW_FILE_MODE,
  resolveMode,
  sameGroup,
  sameOwner,
  taskFailed,
} from '../lib/fsattrs.js';
import { abool, astr, choice, defineTask, apath } from '../lib/schema.js';
import { listTree } from '../lib/list-tree.js';
import { addMtime, nowTouch, wantedTimes } from '../lib/file-times.js';
import { addFlags } from '../lib/file-flags.js';
import { expandUser } from '../lib/home.js';
import { pathFields, pathState } from '../lib/file-result.js';
import { addAttrDiff, initialDiff, pathContent } from './diff.js';
import { type Add, type Args, type AttrsFn, createdAttrs, planHard, planLink } from './links.js';

type State = 'absent' | 'directory' | 'file' | 'hard' | 'link' | 'touch';

const kind = pathState;

const fileArgs = {
  path: apath(),
  state: choice(['absent', 'directory', 'file', 'hard', 'link', 'touch']),
  src: apath(),
  recurse: abool().default(false),
  force: abool().default(false),
  follow: abool().default(true),
  modification_time: astr(),
  modification_time_format: astr(),
  access_time: astr(),
  access_time_format: astr(),
  attributes: astr(),
  _diff_peek: abool(),
  ...fileAttrArgs,
};

type FileArgs = ArgsOf<typeof fileArgs>;

export const file = defineTask({
  name: 'file',
  description: 'Set the state of a path: directory, file, link, hard link, touch or absent, with mode and owner.',
  args: fileArgs,
  argAliases: { dest: 'path', name: 'path', attr: 'attributes' },
  required: ['path'],
  // state=link without src updates an existing link's attributes (a new link needs one: checked when planned)
  requiredIf: [['state', 'hard', ['src']]],
  returns: { path: 'the path', state: 'its state after the task' },
  example: '- file: path=/etc/kubernetes/ssl state=directory mode=0755',
  // the path's own stat (a loop reads its items' at once)
  loopReads: (a) => {
    const path = a.path ?? a.dest ?? a.name;
    if (typeof path !== 'string' || !path.startsWith('/') || path === '/') return [];
    return [{ path: path.replace(/\/+$/, ''), follow: false }];
  },
  async plan(args, _host, facts): Promise<Plan> {
    if (args._diff_peek) return { changes: [], result: { path: args.path } };
    // `~/x` as the host's user, as Ansible's path arguments
    if (args.path !== undefined) args.path = await expandUser(args.path, facts);
    const plan = await planFile(args, facts);
    const path = plan.result!.path as string;
    // Ansible's fields: the path as it is once done (a change's re-plan gives them after it is applied);
    // link, hard and touch name it `dest` as Ansible does
    const state = plan.result!.state;
    if (state === 'link' || state === 'hard' || state === 'touch') plan.result!.dest = path;
    if (state === 'touch') plan.result!.state = 'file';
    if (plan.changes.every((c) => c.repeats) && state !== 'absent') {
      const own = await facts.stat(path, { follow: false }); // the plan's own read: cached
      const st = own.islnk && state !== 'link' && args.follow ? await facts.stat(path, { follow: true }) : own;
      Object.assign(plan.result!, pathFields(st), state === 'hard' ? { state } : {});
    }
    return plan;
  },
});

async function planFile(args: FileArgs, facts: FactReader): Promise<Plan> {
  let path = args.path!.length > 1 ? args.path!.replace(/\/+$/, '') : args.path!;
  // a directory given as the path of anything but a link or absent, with a src: the path inside it (Ansible's rule)
  if (args.src !== undefined && args.state !== 'link' && args.state !== 'absent') {
    if ((await facts.stat(path, { follow: true })).isdir) path = posix.join(path, posix.basename(args.src));
  }
  const st = await facts.stat(path, { follow: false });
  const prev = kind(st);
  const state: State = args.state ?? (args.recurse ? 'directory' : prev === 'absent' ? 'file' : (prev as State));
  const times = wantedTimes(args, state === 'touch');
  if (args.recurse && state !== 'directory')
    throw taskFailed(`recurse option requires state to be 'directory'`, { path });
  if (args.src !== undefined && state !== 'link' && state !== 'hard')
    throw taskFailed(`src option requires state to be 'link' or 'hard'`, { path });
  const touches = [`file:${path}`];
  const changes: Change[] = [];
  const change = (summary: string, actions: Change['actions'], repeats?: boolean) =>
    changes.push({ summary: `file: ${summary}`, actions, touches, ...(repeats ? { repeats } : {}) });
  // Ansible compares a followed link's target with the state asked (file, directory), a touched path itself
  const diffFrom = (t: StatInfo) => initialDiff(path, state, state === 'touch' ? prev : kind(t));
  let diff = diffFrom(st);
  const attrs = async (p: string, target: StatInfo, opts: { noDeref?: boolean } = {}) => {
    await addAttrDiff(diff, facts, target, args, times, opts.noDeref);
    const fix = fixAttrs(p, target, args, opts);
    await addFlags(facts, p, target, args.attributes, fix);
    addMtime(fix, p, target, times.mtime, opts.noDeref);
    const now = nowTouch(p, times, opts.noDeref);
    // a link's target is changed too
    if ((fix.actions.length || now) && p !== path && !touches.includes(`file:${p}`)) touches.push(`file:${p}`);
    if (fix.actions.length) change(`${p}: ${fix.parts.join(', ')}`, fix.actions);
    // times set to `now` (touch's default): a change on every run, as in Ansible
    if (now) change(`${p}: times set to now`, [{ exec: now }], true);
  };
  /** The path itself, or what it points to when it is a link and follow=yes. */
  const followed = async (): Promise<StatInfo> => (st.islnk && args.follow ? facts.stat(path, { follow: true }) : st);
  const result = { path, state, diff };

  switch (state) {
    case 'absent':
      if (st.exists) {
        // removing a directory alters everything below it: the trailing slash says "the tree"
        if (st.isdir && !st.islnk) touches.push(`file:${path}/`);
        change(`remove ${path}`, [{ remove: path, recurse: st.isdir === true && !st.islnk }]);
        if (st.isdir && !st.islnk) diff.before.path_content = await pathContent(facts, path);
        return { changes, result };
      }
      return { changes, result: { path, state } };
    case 'file': {
      const t = await followed();
      diff = result.diff = diffFrom(t);
      if (!t.exists || t.islnk || t.isdir)
        throw taskFailed(`file (${path}) is ${kind(t)}, cannot continue`, { path, state: kind(t) });
      await attrs(path, t);
      return { changes, result };
    }
    case 'touch': {
      if (st.exists) {
        await attrs(path, await followed());
        return { changes, result };
      }
      await needParent(facts, path);
      const m = times.mtime;
      const setTime = typeof m === 'number' ? [{ exec: ['touch', '-m', `--date=@${m}`, '--', path] }] : [];
      const made = [{ exec: ['touch', '--', path] }, ...setTime];
      change(`touch ${path}`, [...made, ...createdAttrs(path, args, NEW_FILE_MODE, false)]);
      return { changes, result };
    }
    case 'directory':
      result.diff = diff = diffFrom(await followed());
      await planDirectory(path, st, args, facts, change, attrs, followed);
      if (args.recurse && st.exists) {
        touches.push(`file:${path}/`);
        await planRecurse(path, args, facts, change);
      }
      return { changes, result };
    case 'link':
      return {
        changes: await planLink(path, st, args, facts, changes, change, attrs, diff),
        result: { ...result, src: args.src ?? st.lnk_target },
      };
    case 'hard':
      await planHard(path, st, args, facts, change, attrs, diff);
      return { changes, result: { ...result, src: args.src } };
  }
}

async function needParent(facts: FactReader, path: string): Promise<void> {
  const parent = posix.dirname(path);
  const p = await facts.stat(parent, { follow: true });
  if (!p.exists || !p.isdir) throw taskFailed(`Error, could not touch target: ${parent} does not exist`);
}

async function planDirectory(
  path: string,
  st: StatInfo,
  a: Args,
  facts: FactReader,
  change: Add,
  attrs: AttrsFn,
  followed: () => Promise<StatInfo>,
) {
  if (st.exists) {
    const t = await followed();
    if (!t.isdir) throw taskFailed(`${path} already exists as a ${kind(t)}`, { path });
    await attrs(path, t);
    return;
  }
  const created = [path];
  for (let p = posix.dirname(path); ; p = posix.dirname(p)) {
    const s = await facts.stat(p, { follow: true });
    if (s.exists) {
      if (!s.isdir) throw taskFailed(`cannot create ${path}: ${p} exists and is not a directory`);
      break;
    }
    created.unshift(p);
  }
  change(`create directory ${path}`, [
    { exec: ['mkdir', '-p', '--', path] },
    ...created.flatMap((d) => createdAttrs(d, a, NEW_DIR_MODE, true)),
  ]);
}

async function planRecurse(path: string, a: Args, facts: FactReader, change: Add) {
  if (a.mode === undefined && a.owner === undefined && a.group === undefined) return;
  const tree = (await listTree(facts, path)).filter((e) => !e.islnk);
  const badMode = tree.filter((e) => {
    const cur = parseInt(e.mode!, 8);
    const want = resolveMode(a.mode, cur, e.isdir === true);
    return want !== undefined && want !== cur;
  });
  const badOwner = a.owner === undefined ? [] : tree.filter((e) => !sameOwner(a.owner!, e));
  const badGroup = a.group === undefined ? [] : tree.filter((e) => !sameGroup(a.group!, e));
  const actions: Change['actions'] = [];
  const parts: string[] = [];
  if (badMode.length) {
    actions.push({ exec: ['chmod', '-R', chmodArg(a.mode), '--', path] });
    parts.push(`mode of ${badMode.length}`);
  }
  if (badOwner.length || badGroup.length) {
    const who = badOwner.length ? (a.group !== undefined ? `${a.owner}:${a.group}` : a.owner!) : `:${a.group}`;
    actions.push({ exec: ['chown', '-R', who, '--', path] });
    parts.push(`owner/group of ${new Set([...badOwner, ...badGroup].map((e) => e.path)).size}`);
  }
  if (actions.length) change(`${path}: recurse: ${parts.join(', ')} entries beneath`, actions);
}
