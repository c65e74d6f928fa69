// file's links (state=link, state=hard), and what every state shares: the attributes of a path the change itself
// creates. Ansible's messages and rules (file.ts's header).
import { posix } from 'node:path';
import type { Change, FactReader, StatInfo } from '../contract.js';
import { argFailed, octal, resolveMode, taskFailed, type Attrs } from '../lib/fsattrs.js';
import { pathState as kind } from '../lib/file-result.js';
import { listTree } from '../lib/list-tree.js';
import type { FileDiff } from './diff.js';

export type Args = Attrs & { src?: string | undefined; force: boolean; follow: boolean; recurse: boolean };
export type Add = (summary: string, actions: Change['actions']) => void;
export type AttrsFn = (p: string, target: StatInfo, opts?: { noDeref?: boolean }) => Promise<void>;

/** chmod/chown for a path the change itself creates (its mode is not known before, so always set it). */
export function createdAttrs(path: string, a: Attrs, base: number, isDir: boolean): Change['actions'] {
  const out: Change['actions'] = [];
  const m = resolveMode(a.mode, base, isDir);
  if (m !== undefined) out.push({ exec: ['chmod', octal(m), '--', path] });
  if (a.owner !== undefined || a.group !== undefined) {
    const who = a.owner !== undefined ? (a.group !== undefined ? `${a.owner}:${a.group}` : a.owner) : `:${a.group}`;
    out.push({ exec: ['chown', who, '--', path] });
  }
  return out;
}

export async function planLink(
  path: string,
  st: StatInfo,
  a: Args,
  facts: FactReader,
  changes: Change[],
  change: Add,
  attrs: AttrsFn,
  diff: FileDiff,
): Promise<Change[]> {
  const src = a.src ?? st.lnk_target;
  if (src === undefined) throw taskFailed(`src is required for creating new symlinks (${path} is not a link)`);
  const abs = posix.resolve(posix.dirname(path), src);
  if (!a.force && !(await facts.stat(abs, { follow: false })).exists)
    throw argFailed('force', `src file does not exist, use "force=yes" if you really want to create the link: ${abs}`, {
      path,
      src,
    });
  // follow=yes (the default): mode, owner and group are the link's target's, when it exists (as Ansible
  // sets them once the link is made); follow=no: the link's own owner and group
  const target = a.follow ? await facts.stat(abs, { follow: true }) : undefined;
  const own = target ? [] : linkOwner(path, a);
  const onTarget = async () => {
    if (target?.exists) await attrs(abs, target);
  };
  const ln = { exec: ['ln', '-sfn', '--', src, path] };
  if (st.islnk && st.lnk_target !== src) {
    diff.before.src = st.lnk_target;
    diff.after.src = src;
  }
  if (st.islnk && st.lnk_target === src) {
    if (target) await onTarget();
    else await attrs(path, st, { noDeref: true });
    return changes;
  }
  if (st.exists && !st.islnk) {
    const what = kind(st);
    if (!a.force) throw taskFailed(`refusing to convert from ${what} to symlink for ${path}`, { path });
    if (st.isdir) {
      if ((await listTree(facts, path, 1)).length > 0)
        throw taskFailed(`the directory ${path} is not empty, refusing to convert it`, { path });
      change(`link ${path} → ${src} (replacing an empty directory)`, [{ remove: path, recurse: true }, ln, ...own]);
      await onTarget();
      return changes;
    }
  } else if (!st.exists) {
    const parent = await facts.stat(posix.dirname(path), { follow: true });
    if (!parent.isdir) throw taskFailed(`Error while linking: ${posix.dirname(path)} does not exist`);
  }
  change(`link ${path} → ${src}${st.islnk ? ` (was → ${st.lnk_target})` : ''}`, [ln, ...own]);
  await onTarget();
  return changes;
}

function linkOwner(path: string, a: Attrs): Change['actions'] {
  if (a.owner === undefined && a.group === undefined) return [];
  const who = a.owner !== undefined ? (a.group !== undefined ? `${a.owner}:${a.group}` : a.owner) : `:${a.group}`;
  return [{ exec: ['chown', '-h', who, '--', path] }];
}

export async function planHard(
  path: string,
  st: StatInfo,
  a: Args,
  facts: FactReader,
  change: Add,
  attrs: AttrsFn,
  diff: FileDiff,
) {
  const src = posix.resolve(posix.dirname(path), a.src!);
  const s = await facts.stat(src, { follow: false });
  if (!s.exists) throw taskFailed(`src does not exist: ${src}`, { dest: path, src: a.src });
  if (s.isdir) throw taskFailed(`cannot hard link a directory: ${src}`);
  const ln = { exec: ['ln', '-f', '--', src, path] };
  if (!st.exists) {
    change(`hard link ${path} → ${src}`, [ln, ...createdAttrs(path, a, parseInt(s.mode ?? '0644', 8), false)]);
    return;
  }
  if (st.isdir) throw taskFailed(`Cannot link, ${path} is a directory`);
  if (st.islnk && st.lnk_target !== a.src) {
    diff.before.src = st.lnk_target;
    diff.after.src = a.src;
  }
  const r = await facts.probe(['stat', '-c', '%d:%i', '--', src, path]);
  const [a1, a2] = r.stdout.trim().split('\n');
  if (r.rc === 0 && a1 !== undefined && a1 === a2) {
    await attrs(path, st);
    return;
  }
  if (!a.force) throw taskFailed(`Cannot link, different ${kind(st)} exists at destination: ${path}`);
  change(`hard link ${path} → ${src} (replacing a ${kind(st)})`, [
    ln,
    ...createdAttrs(path, a, parseInt(s.mode ?? '0644', 8), false),
  ]);
}
