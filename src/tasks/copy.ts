// copy and template: put a whole file on the host. The new content is compared with the host's by sha256
// and sent only when it differs; when only mode/owner/group differ, chmod/chown fix them in place.
// Ansible's rules kept: dest ending in `/` or an existing directory gets basename(src) inside it; content
// into a directory is an error; the destination's parent must exist; force=no leaves an existing file
// alone (attributes too); backup copies the old file (`cp -p`) to `<dest>.<timestamp>~` first; non-string
// content is written as Python's json.dumps writes it; a relative dest is from the folder the module would run in;
// mode=preserve takes the source's mode. A controller folder as src copies its tree (lib/copy-tree.ts): links in
// it are followed (local_follow, the default: a link to a folder is walked, one that is broken or points above
// itself is kept as a link), or all kept as links (local_follow: false). A host folder (remote_src) is copied the
// same way, read with one `find`: its links kept as links, new files and folders with the source's modes.
// kplay has no vault: a vault-encrypted controller src is refused (decrypt: false copies its bytes as they are).
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { z } from 'zod';
import { toBool } from '../core/value-utils.js';
import type { StatInfo } from './contract.js';
import { planControllerTree, planHostTree, preserved } from './lib/copy-tree.js';
import { fileAttrArgs, taskFailed } from './lib/fsattrs.js';
import { absoluteOnHost } from './lib/host-path.js';
import { type PutFileArgs, planPutFile, putFileReads } from './lib/put-file.js';
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
  loopReads: putFileReads,
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
      // a relative src is from the folder the module would run in; its trailing slash still says what is copied
      const slash = args.src.endsWith('/') && !args.src.startsWith('/') ? '/' : '';
      const src = `${await absoluteOnHost(args.src, facts)}${slash}`;
      const s: StatInfo = await facts.stat(src, { follow: true });
      if (s.isdir) {
        const dest = await absoluteOnHost(args.dest!, facts);
        // the folder itself into a dest named without a slash: only its last folder is made, as Ansible
        if (!src.endsWith('/') && !args.dest!.endsWith('/')) {
          const p = await facts.stat(posix.dirname(dest), { follow: true });
          if (!p.exists) throw taskFailed(`Destination directory ${posix.dirname(args.dest!)} does not exist`);
        }
        return planHostTree({ ...args, content: Buffer.alloc(0), src, dest }, s.mode, host, facts);
      }
      const b = await facts.read(src);
      if (b === undefined) throw taskFailed(`Source ${args.src} not found`);
      content = b;
      if (mode === 'preserve') mode = s.mode;
    } else {
      const tree = await facts.controllerTree?.(args.src, { follow: args.local_follow });
      if (tree) {
        const dest = await absoluteOnHost(args.dest!, facts);
        return planControllerTree({ ...args, content: Buffer.alloc(0), src: args.src, dest }, tree, host, facts);
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

function controllerMode(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
}

export const template = defineTask({
  name: 'template',
  description: 'Render a Handlebars template on the controller and put the result on the host.',
  controllerSource: () => ({ arg: 'src', kind: 'templates' }),
  loopReads: putFileReads,
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
