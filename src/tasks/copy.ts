// copy and template: put a whole file on the host. The new content is compared with the host's by sha256
// and sent only when it differs; when only mode/owner/group differ, chmod/chown fix them in place.
// Ansible's rules kept: dest ending in `/` or an existing directory gets basename(src) inside it; content
// into a directory is an error; the destination's parent must exist; force=no leaves an existing file
// alone (attributes too); backup copies the old file (`cp -p`) to `<dest>.<timestamp>~` first; non-string
// content is written as Python's json.dumps writes it. A controller folder as src copies its tree (planTree).
import { posix } from 'node:path';
import { z } from 'zod';
import { toBool } from '../core/value-utils.js';
import type { Action, Change, FactReader, HostView, Plan, StatInfo, Vars } from './contract.js';
import {
  backupAction,
  backupName,
  fileAttrArgs,
  fixAttrs,
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
} from './lib/fsattrs.js';
import { abool, amode, astr, defineTask, apath } from './lib/schema.js';
import { contentBytes } from './lib/py-values.js';

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
  let dest = a.dest;
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
  const result: Vars = { dest, checksum: sha1(a.content), size: a.content.length };
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
    const before = host.diff && st.exists && !st.islnk ? await facts.read(dest) : undefined;
    changes.push({
      summary: `${module}: ${st.exists ? 'update' : 'create'} ${dest}`,
      diff: { path: dest, before: text(before), after: text(a.content) },
      actions,
      touches,
    });
  } else {
    const fix = fixAttrs(dest, st, a);
    if (fix.actions.length)
      changes.push({ summary: `${module}: ${dest}: ${fix.parts.join(', ')}`, actions: fix.actions, touches });
  }
  return { changes, result };
}

const copyArgs = {
  src: apath(),
  content: z.unknown(),
  dest: apath(),
  backup: abool().default(false),
  force: abool().default(true),
  remote_src: abool().default(false),
  validate: astr(),
  directory_mode: amode(),
  follow: abool().default(false),
  ...fileAttrArgs,
};

export const copy = defineTask({
  name: 'copy',
  description:
    'Put a file on the host from the controller (src) or from inline content; atomic, sent only when it differs.',
  args: copyArgs,
  controllerSource: (a) => (toBool(a.remote_src) ? undefined : { arg: 'src', kind: 'files' }),
  required: ['dest'],
  requiredOneOf: [['src', 'content']],
  mutuallyExclusive: [['src', 'content']],
  returns: {
    dest: 'destination path',
    checksum: 'sha1 of the file',
    size: 'size in bytes',
    mode: 'mode of the file',
    backup_file: 'backup path when backup=yes',
  },
  example: '- copy:\n    content: "{{ etcd_env }}"\n    dest: /etc/etcd/etcd.env\n    mode: "0600"',
  async plan(args, host, facts) {
    let content: Buffer;
    if (args.content !== undefined && args.content !== null) content = contentBytes(args.content);
    else if (args.src === undefined) throw taskFailed('src (or content) is required');
    else if (args.remote_src) {
      const s: StatInfo = await facts.stat(args.src, { follow: true });
      if (s.isdir) throw taskFailed(`copy: a directory src (${args.src}) is not supported yet`);
      const b = await facts.read(args.src);
      if (b === undefined) throw taskFailed(`Source ${args.src} not found`);
      content = b;
    } else {
      const tree = await facts.controllerTree?.(args.src);
      if (tree)
        return planTree({ ...args, content: Buffer.alloc(0), src: args.src, dest: args.dest! }, tree, host, facts);
      try {
        content = await facts.controllerRead(args.src);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EISDIR') throw taskFailed(`copy: a directory src (${args.src}) is not supported yet`);
        if (code === 'ENOENT') throw taskFailed(`Could not find or access '${args.src}' on the controller`);
        throw e;
      }
    }
    return planPutFile(
      { ...args, dest: args.dest!, content, src: args.content !== undefined ? undefined : args.src },
      host,
      facts,
      'copy',
    );
  },
});

/**
 * A controller folder copied to the host, as Ansible does: `src: dir/` puts what dir holds into dest,
 * `src: dir` puts dir itself into dest. Folders get directory_mode (or 0755 when new); files mode/owner/group.
 */
async function planTree(
  args: PutFileArgs & { src: string; remote_src?: boolean },
  tree: { path: string; dir: boolean }[],
  host: HostView,
  facts: FactReader,
): Promise<Plan> {
  const base = args.src.endsWith('/')
    ? args.dest.replace(/\/+$/, '')
    : posix.join(args.dest, posix.basename(args.src.replace(/\/+$/, '')));
  const changes: Change[] = [];
  const made = new Set<string>();
  const ensureDir = async (dir: string) => {
    const st = await facts.stat(dir, { follow: true });
    if (st.exists) {
      if (!st.isdir) throw taskFailed(`${dir} exists and is not a directory`);
      return;
    }
    // a missing destination is made, parents included, as Ansible does for a copied folder
    const parent = posix.dirname(dir);
    if (!made.has(parent) && parent !== dir) await ensureDir(parent);
    made.add(dir);
    const mode = octal(resolveMode(args.directory_mode, NEW_DIR_MODE, true) ?? NEW_DIR_MODE);
    const actions: Action[] = [{ exec: ['mkdir', '--', dir] }, { exec: ['chmod', mode, '--', dir] }];
    if (args.owner !== undefined || args.group !== undefined)
      actions.push({
        exec: ['chown', `${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}`, '--', dir],
      });
    changes.push({ summary: `copy: create directory ${dir}`, actions, touches: [`file:${dir}`] });
  };
  await ensureDir(base);
  for (const e of tree) {
    const target = posix.join(base, e.path);
    if (e.dir) {
      await ensureDir(target);
      continue;
    }
    const content = await facts.controllerRead(posix.join(args.src, e.path));
    const parentPlanned = made.has(posix.dirname(target));
    const plan = parentPlanned
      ? await planPutFile(
          { ...args, src: undefined, dest: target, content, parentPlanned },
          { ...host, diff: false },
          newFileFacts(facts),
          'copy',
        )
      : await planPutFile({ ...args, src: undefined, dest: target, content }, host, facts, 'copy');
    changes.push(...plan.changes);
  }
  return { changes, result: { dest: base, src: args.src } };
}

/** Inside a folder this plan creates, nothing exists yet: answer for it without asking the host. */
function newFileFacts(facts: FactReader): FactReader {
  return {
    ...facts,
    facts: () => facts.facts(),
    probe: (a) => facts.probe(a),
    read: async () => undefined,
    controllerRead: (p) => facts.controllerRead(p),
    stat: async (path) => ({ exists: false, path }),
  };
}

export const template = defineTask({
  name: 'template',
  description: 'Render a Handlebars template on the controller and put the result on the host.',
  controllerSource: () => ({ arg: 'src', kind: 'templates' }),
  args: {
    src: apath(),
    dest: apath(),
    backup: abool().default(false),
    force: abool().default(true),
    validate: astr(),
    follow: abool().default(false),
    ...fileAttrArgs,
  },
  required: ['src', 'dest'],
  returns: copy.returns!,
  example: '- template: src=haproxy.cfg.hbs dest=/etc/haproxy/haproxy.cfg validate="haproxy -c -f %s"',
  async plan(args, host, facts) {
    const content = Buffer.from(host.renderTemplate(args.src!));
    return planPutFile({ ...args, dest: args.dest!, content }, host, facts, 'template');
  },
});
