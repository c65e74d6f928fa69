// copy and template: put a whole file on the host. The new content is compared with the host's by sha256
// and sent only when it differs; when only mode/owner/group differ, chmod/chown fix them in place.
// Ansible's rules kept: dest ending in `/` or an existing directory gets basename(src) inside it; content
// into a directory is an error; the destination's parent must exist; force=no leaves an existing file
// alone (attributes too); backup copies the old file (`cp -p`) to `<dest>.<timestamp>~` first; non-string
// content is written as Python's json.dumps writes it; a relative dest is from the folder the module would run in;
// mode=preserve takes the source's mode. A controller folder as src copies its tree (planTree): links in it are
// followed (local_follow, the default: a link to a folder is walked, one that is broken or points above itself
// is kept as a link), or all kept as links (local_follow: false). A folder as a remote src is not supported yet.
// kplay has no vault: a vault-encrypted controller src is refused (decrypt: false copies its bytes as they are).
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { z } from 'zod';
import { toBool } from '../core/value-utils.js';
import type { Action, Change, FactReader, HostView, Plan, StatInfo, TreeEntry } from './contract.js';
import { fileAttrArgs, NEW_DIR_MODE, octal, resolveMode, taskFailed } from './lib/fsattrs.js';
import { absoluteOnHost } from './lib/host-path.js';
import { type PutFileArgs, planPutFile } from './lib/put-file.js';
import { abool, amode, astr, defineTask, apath } from './lib/schema.js';
import { contentBytes } from './lib/py-values.js';
import { encodeText } from './lib/text-encoding.js';
import { jinjaOptionsOf, newlineOf } from '../core/jinja-options.js';

/** The template arguments put-file knows (Jinja's settings were used to render). */
function templatePutArgs(args: Record<string, unknown>): PutFileArgs {
  const { src, dest, backup, force, validate, follow, mode, owner, group } = args;
  return { src, dest, backup, force, validate, follow, mode, owner, group } as PutFileArgs;
}

const copyArgs = {
  // Ansible's words when src is empty, missing, or given with content
  src: apath('must not be empty: it names a path; src (or content) is required'),
  content: z.unknown(),
  dest: apath(),
  backup: abool().default(false),
  force: abool().default(true),
  remote_src: abool().default(false),
  validate: astr(),
  directory_mode: amode(),
  follow: abool().default(false),
  local_follow: abool().default(true),
  decrypt: abool().default(true),
  ...fileAttrArgs,
};

export const copy = defineTask({
  name: 'copy',
  description:
    'Put a file on the host from the controller (src) or from inline content; atomic, sent only when it differs.',
  args: copyArgs,
  controllerSource: (a) => (toBool(a.remote_src) ? undefined : { arg: 'src', kind: 'files' }),
  requiredOneOf: [['dest'], ['src', 'content']],
  mutuallyExclusive: [['src', 'content']],
  groupFailures: {
    requiredOneOf: { dest: { msg: 'dest is required' }, 'src,content': { msg: 'src (or content) is required' } },
    mutuallyExclusive: { 'src,content': { msg: 'src and content are mutually exclusive' } },
  },
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
    let mode = args.mode;
    if (args.content !== undefined && args.content !== null) content = contentBytes(args.content);
    else if (args.src === undefined) throw taskFailed('src (or content) is required');
    else if (args.remote_src) {
      const s: StatInfo = await facts.stat(args.src, { follow: true });
      if (s.isdir) throw taskFailed(`copy: a directory src (${args.src}) is not supported yet`);
      const b = await facts.read(args.src);
      if (b === undefined) throw taskFailed(`Source ${args.src} not found`);
      content = b;
      if (mode === 'preserve') mode = s.mode;
    } else {
      const tree = await facts.controllerTree?.(args.src, { follow: args.local_follow });
      if (tree) {
        const dest = await absoluteOnHost(args.dest!, facts);
        return planTree({ ...args, content: Buffer.alloc(0), src: args.src, dest }, tree, host, facts);
      }
      try {
        content = await facts.controllerRead(args.src);
        if (mode === 'preserve') mode = await preserved(facts, args.src);
        // kplay has no vault: an encrypted file is refused rather than put on the host still encrypted
        if (args.decrypt && content.subarray(0, 14).toString() === '$ANSIBLE_VAULT')
          throw taskFailed(
            `${args.src} is encrypted with Ansible Vault, and kplay has no vault: decrypt it first ` +
              '(ansible-vault decrypt), or set decrypt: false to copy the encrypted bytes as they are',
          );
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EISDIR') throw taskFailed(`copy: a directory src (${args.src}) is not supported yet`);
        if (code === 'ENOENT') throw taskFailed(`Could not find or access '${args.src}' on the controller`);
        throw e;
      }
    }
    return planPutFile(
      { ...args, mode, dest: args.dest!, content, src: args.content !== undefined ? undefined : args.src },
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
  tree: TreeEntry[],
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
    if (e.link !== undefined) {
      const parentPlanned = made.has(posix.dirname(target));
      const st = parentPlanned ? undefined : await facts.stat(target, { follow: false });
      if (st?.islnk && st.lnk_target === e.link) continue;
      if (st?.isdir) throw taskFailed(`${target} is a directory, not replaced by a link`);
      const actions: Action[] = [{ exec: ['ln', '-sfn', '--', e.link, target] }];
      changes.push({ summary: `copy: link ${target} → ${e.link}`, actions, touches: [`file:${target}`] });
      continue;
    }
    const content = await facts.controllerRead(posix.join(args.src, e.path));
    const mode = args.mode === 'preserve' ? await preserved(facts, posix.join(args.src, e.path)) : args.mode;
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
async function preserved(facts: FactReader, path: string): Promise<string> {
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

function controllerMode(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
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
    newline_sequence: astr().refine((v) => newlineOf(v) !== undefined, "must be '\\n', '\\r' or '\\r\\n'"),
    output_encoding: astr(),
    trim_blocks: abool(),
    lstrip_blocks: abool(),
    block_start_string: astr(),
    block_end_string: astr(),
    variable_start_string: astr(),
    variable_end_string: astr(),
    comment_start_string: astr(),
    comment_end_string: astr(),
    ...fileAttrArgs,
  },
  required: ['src', 'dest'],
  returns: copy.returns!,
  example: '- template: src=haproxy.cfg.hbs dest=/etc/haproxy/haproxy.cfg validate="haproxy -c -f %s"',
  async plan(args, host, facts) {
    const content = encodeText(
      host.renderTemplate(args.src!, { ...jinjaOptionsOf(args), destPath: args.dest }),
      args.output_encoding,
    );
    if (!Buffer.isBuffer(content)) throw taskFailed(content.problem);
    const put = { ...templatePutArgs(args), dest: args.dest!, content };
    // mode=preserve: the template file's own mode, read on the controller
    if (args.mode === 'preserve') put.mode = controllerMode(host.controllerPath('templates', args.src!).path);
    return planPutFile(put, host, facts, 'template');
  },
});
