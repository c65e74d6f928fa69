// Putting one whole file on the host (copy, template, a copied tree's files): the new content is compared with
// the host's by sha256 and sent only when it differs; when only mode/owner/group differ, chmod/chown fix them
// in place. The result has Ansible's fields: dest, checksum (sha1), size, mode, owner, group, state, and
// uid/gid/path when nothing changes (a change's re-plan gives them after it is applied), md5sum when sent.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Action, Change, FactReader, FileRead, HostView, Plan, Vars } from '../contract.js';
import {
  backupAction,
  backupName,
  diffSkipped,
  fixAttrs,
  MAX_DIFF_SIZE,
  NEW_DIR_MODE,
  NEW_FILE_MODE,
  octal,
  parseOctal,
  resolveMode,
  sha1,
  sha256,
  taskFailed,
  text,
  type ModeArg,
} from './fsattrs.js';
import { absoluteOnHost } from './host-path.js';

export interface PutFileArgs {
  dest: string;
  src?: string | undefined; // for naming the file when dest is a directory
  content: Buffer;
  force: boolean;
  backup: boolean;
  follow?: boolean | undefined;
  validate?: string | undefined;
  mode?: ModeArg;
  owner?: string | undefined;
  group?: string | undefined;
  directory_mode?: ModeArg;
  /** The parent folder is made by an earlier change of the same plan (a copied tree). */
  parentPlanned?: boolean;
}

/** Plan putting `content` at `dest` (copy and template share this). */
export async function planPutFile(a: PutFileArgs, host: HostView, facts: FactReader, module: string): Promise<Plan> {
  if (a.validate !== undefined && !a.validate.includes('%s'))
    throw taskFailed(`validate must contain %s: ${a.validate}`);
  // a relative dest is from the folder the module would run in (host-path.ts)
  let dest = a.dest.startsWith('/')
    ? a.dest
    : `${await absoluteOnHost(a.dest, facts)}${a.dest.endsWith('/') ? '/' : ''}`;
  const actions: Action[] = [];
  let createDir: string | undefined;
  if (dest.endsWith('/')) {
    if (a.src === undefined) throw taskFailed(`can not use content with a dir as dest`);
    const dir = dest.replace(/\/+$/, '') || '/';
    const d = await facts.stat(dir, { follow: true });
    if (!d.exists) createDir = dir;
    else if (!d.isdir) throw taskFailed(`${dir} is not a directory`);
    dest = posix.join(dir, posix.basename(a.src));
  } else {
    const d = await facts.stat(dest, { follow: true });
    if (d.exists && d.isdir) {
      if (a.src === undefined) throw taskFailed(`can not use content with a dir as dest`);
      dest = posix.join(dest, posix.basename(a.src));
    }
  }
  let st = await facts.stat(dest, { follow: false, checksum: 'sha256' });
  if (st.exists && st.islnk && a.follow && st.lnk_target !== undefined) {
    dest = posix.resolve(posix.dirname(dest), st.lnk_target);
    st = await facts.stat(dest, { follow: false, checksum: 'sha256' });
  }
  const parent = posix.dirname(dest);
  if (createDir === undefined) {
    if (!a.parentPlanned) {
      const p = await facts.stat(parent, { follow: true });
      if (!p.exists || !p.isdir) throw taskFailed(`Destination directory ${parent} does not exist`);
    }
  } else {
    actions.push({ exec: ['mkdir', '-p', '--', createDir] });
    const dm = resolveMode(a.directory_mode, NEW_DIR_MODE, true);
    if (dm !== undefined) actions.push({ exec: ['chmod', octal(dm), '--', createDir] });
  }
  const result: Vars = { dest, checksum: sha1(a.content), size: a.content.length, state: 'file' };
  if (a.src !== undefined) result.src = a.src;
  if (st.exists && !a.force) return { changes: [], result: { ...result, msg: 'file already exists' } };
  if (st.exists && st.isdir) throw taskFailed(`${dest} is a directory`);
  const touches = [`file:${dest}`];
  const sameContent = st.exists && !st.islnk && st.checksum === sha256(a.content);
  const curMode = parseOctal(st.mode);
  const mode = resolveMode(a.mode, st.exists && !st.islnk ? (curMode ?? NEW_FILE_MODE) : NEW_FILE_MODE, false);
  result.mode = octal(mode ?? (st.exists && !st.islnk ? (curMode ?? NEW_FILE_MODE) : NEW_FILE_MODE));
  const owner = a.owner ?? (st.exists ? st.owner : undefined);
  const group = a.group ?? (st.exists ? st.group : undefined);
  if (owner !== undefined) result.owner = owner;
  if (group !== undefined) result.group = group;
  const changes: Change[] = [];
  if (!sameContent) {
    if (a.backup && st.exists && !st.islnk) {
      result.backup_file = backupName(dest);
      actions.push(backupAction(dest, result.backup_file as string));
    }
    actions.push({
      put: dest,
      content: a.content,
      mode: mode === undefined ? undefined : octal(mode),
      owner: a.owner,
      group: a.group,
      validate: a.validate,
    });
    result.md5sum = createHash('md5').update(a.content).digest('hex');
    const size = st.exists && !st.islnk ? (st.size ?? 0) : 0;
    const before = host.diff && size > 0 && size <= MAX_DIFF_SIZE ? await facts.read(dest) : undefined;
    const skipped = diffSkipped({ size, content: before }, a.content);
    changes.push({
      summary: `${module}: ${st.exists ? 'update' : 'create'} ${dest}`,
      diff: skipped
        ? { path: dest, before: '', after: '', skipped }
        : { path: dest, before: text(before), after: text(a.content) },
      actions,
      touches,
    });
  } else {
    const fix = fixAttrs(dest, st, a);
    if (fix.actions.length)
      changes.push({ summary: `${module}: ${dest}: ${fix.parts.join(', ')}`, actions: fix.actions, touches });
    else Object.assign(result, { path: dest, uid: st.uid, gid: st.gid, owner: st.owner, group: st.group });
  }
  return { changes, result };
}

/** The stats planPutFile makes of a file dest (a loop reads its items' at once): whether it is a folder, the
 *  file itself with its checksum, its folder. */
export function putFileReads(args: Vars): FileRead[] {
  const dest = args.dest;
  if (typeof dest !== 'string' || !dest.startsWith('/') || dest.endsWith('/')) return [];
  return [
    { path: dest, follow: true },
    { path: dest, follow: false, checksum: 'sha256' },
    { path: posix.dirname(dest), follow: true },
  ];
}
