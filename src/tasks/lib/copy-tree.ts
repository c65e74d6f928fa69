// A folder copied by copy, from the controller or (remote_src) from the host itself: `src: dir/` puts what dir
// holds into dest, `src: dir` puts dir itself into dest; missing folders are made, parents included. Each file
// is planned by put-file (sent only when its sha256 differs, mode/owner/group fixed in place), so a second run
// changes nothing. A host folder is read with one `find` (listTree); like Ansible with remote_src, its links
// are kept as links, and new files and folders take the source's mode unless mode/directory_mode say otherwise.
import { posix } from 'node:path';
import type { Action, Change, FactReader, HostView, Plan, TreeEntry } from '../contract.js';
import { NEW_DIR_MODE, octal, resolveMode, taskFailed } from './fsattrs.js';
import { listTree } from './list-tree.js';
import { type PutFileArgs, planPutFile, putFileReads } from './put-file.js';

type TreeArgs = PutFileArgs & { src: string };

/** Where a tree's bytes and modes come from (paths relative to src; '' is src itself). */
interface TreeSource {
  read(rel: string): Promise<Buffer>;
  /** The mode a copied file gets (undefined: put-file's default). */
  fileMode(rel: string): Promise<PutFileArgs['mode']>;
  /** A new folder's mode when directory_mode is not given (undefined: 0755). */
  dirMode(rel: string): number | undefined;
}

/** A controller folder (its entries already read by the engine). */
export function planControllerTree(args: TreeArgs, tree: TreeEntry[], host: HostView, facts: FactReader) {
  const source: TreeSource = {
    read: (rel) => facts.controllerRead(posix.join(args.src, rel)),
    fileMode: async (rel) => (args.mode === 'preserve' ? preserved(facts, posix.join(args.src, rel)) : args.mode),
    dirMode: () => undefined,
  };
  return planTree(args, tree, host, facts, source);
}

/** A folder on the host (remote_src), read with one `find`; `rootMode`: the folder's own mode. */
export async function planHostTree(args: TreeArgs, rootMode: string | undefined, host: HostView, facts: FactReader) {
  const root = args.src.replace(/\/+$/, '') || '/';
  const listed = await listTree(facts, root);
  const modes = new Map<string, number>([['', parseInt(rootMode ?? '755', 8)]]);
  const tree: TreeEntry[] = [];
  for (const e of listed) {
    const rel = posix.relative(root, e.path);
    modes.set(rel, parseInt(e.mode ?? '644', 8));
    if (e.isdir) tree.push({ path: rel, dir: true });
    else if (e.islnk) {
      const st = await facts.stat(e.path, { follow: false });
      tree.push({ path: rel, dir: false, link: st.lnk_target ?? '' });
    } else if (e.isreg) tree.push({ path: rel, dir: false });
  }
  // folders before what they hold, as the engine's controller trees come
  tree.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const source: TreeSource = {
    read: async (rel) => {
      const b = await facts.read(posix.join(root, rel));
      if (b === undefined) throw taskFailed(`Source ${posix.join(root, rel)} not found`);
      return b;
    },
    fileMode: async (rel) => (args.mode === undefined || args.mode === 'preserve' ? octal(modes.get(rel)!) : args.mode),
    dirMode: (rel) => modes.get(rel),
  };
  return planTree(args, tree, host, facts, source);
}

async function planTree(
  args: TreeArgs,
  tree: TreeEntry[],
  host: HostView,
  facts: FactReader,
  source: TreeSource,
): Promise<Plan> {
  const base = args.src.endsWith('/')
    ? args.dest.replace(/\/+$/, '')
    : posix.join(args.dest, posix.basename(args.src.replace(/\/+$/, '')));
  const changes: Change[] = [];
  const made = new Set<string>();
  const ensureDir = async (dir: string, srcMode: number | undefined) => {
    const st = await facts.stat(dir, { follow: true });
    if (st.exists) {
      if (!st.isdir) throw taskFailed(`${dir} exists and is not a directory`);
      return;
    }
    // a missing destination is made, parents included, as Ansible does for a copied folder
    const parent = posix.dirname(dir);
    if (!made.has(parent) && parent !== dir) await ensureDir(parent, undefined);
    made.add(dir);
    const fallback = srcMode ?? NEW_DIR_MODE;
    const mode = octal(resolveMode(args.directory_mode, fallback, true) ?? fallback);
    const actions: Action[] = [{ exec: ['mkdir', '--', dir] }, { exec: ['chmod', mode, '--', dir] }];
    if (args.owner !== undefined || args.group !== undefined)
      actions.push({
        exec: ['chown', `${args.owner ?? ''}${args.group !== undefined ? `:${args.group}` : ''}`, '--', dir],
      });
    changes.push({ summary: `copy: create directory ${dir}`, actions, touches: [`file:${dir}`] });
  };
  // the stats the entries will ask for, read in one command per kind rather than one an entry
  await facts.prefetch?.([
    { path: base, follow: true },
    ...tree.flatMap((e) => {
      const target = posix.join(base, e.path);
      return e.dir
        ? [{ path: target, follow: true }]
        : e.link !== undefined
          ? [{ path: target }]
          : putFileReads({ dest: target });
    }),
  ]);
  await ensureDir(base, source.dirMode(''));
  for (const e of tree) {
    const target = posix.join(base, e.path);
    if (e.dir) {
      await ensureDir(target, source.dirMode(e.path));
      continue;
    }
    if (e.link !== undefined) {
      const parentPlanned = made.has(posix.dirname(target));
      const st = parentPlanned ? undefined : await facts.stat(target, { follow: false });
      if (st?.islnk && st.lnk_target === e.link) continue;
      if (st?.isdir) throw taskFailed(`${target} is a directory, not replaced by a link`);
      const actions: Action[] = [{ exec: ['ln', '-sfn', '--', e.link, target] }];
      changes.push({ summary: `copy: link ${target} → ${e.link}`, actions, touches: [`file:${target}`] });
      continue;
    }
    const content = await source.read(e.path);
    const mode = await source.fileMode(e.path);
    const parentPlanned = made.has(posix.dirname(target));
    const plan = parentPlanned
      ? await planPutFile(
          { ...args, mode, src: undefined, dest: target, content, parentPlanned },
          { ...host, diff: false },
          newFileFacts(facts),
          'copy',
        )
      : await planPutFile({ ...args, mode, src: undefined, dest: target, content }, host, facts, 'copy');
    changes.push(...plan.changes);
  }
  return { changes, result: { dest: base, src: args.src } };
}

/** `mode: preserve`: the controller file's mode (kept as it is when the reader cannot tell). */
export async function preserved(facts: FactReader, path: string): Promise<string> {
  const m = await facts.controllerMode?.(path);
  return m === undefined ? 'preserve' : octal(m);
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
