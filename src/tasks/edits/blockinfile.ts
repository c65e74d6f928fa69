// blockinfile: a block of lines between two marker lines (`# {mark} ANSIBLE MANAGED BLOCK`, {mark} being
// marker_begin / marker_end). The LAST begin marker and the LAST end marker found delimit the existing block,
// which is replaced in place (or removed: state=absent, or state=present with an empty block). When both
// markers are not found, the block goes after the last line matching insertafter / before the last line
// matching insertbefore (EOF when the regexp matches nothing), at BOF, or at EOF (the default); a regexp with
// the (?m) flag is searched in the whole text (it may span lines): the block goes after the line where its first
// match ends, or before the line where it starts. A block not ending in a newline gets one; the line before the
// block gets a newline if it lacks one; prepend_newline / append_newline add a blank line before / after the
// block unless one is there already. A missing file is an error unless create=yes (also with state=absent, as in
// Ansible). Lines are handled as bytes (latin1).
// One deliberate difference: a marker line is recognised whatever its line ending (Ansible compares it with
// the line ending included, so a final end marker without a newline is not found there and the block is
// added a second time).
import { posix } from 'node:path';
import type { Action, Plan } from '../contract.js';
import { fileAttrArgs, taskFailed } from '../lib/fsattrs.js';
import { aregex, pyRegex, splitLines } from '../lib/py-regex.js';
import { abool, astr, choice, defineTask, apath } from '../lib/schema.js';
import { absoluteOnHost, followLink } from '../lib/host-path.js';
import { bytes, bare, writeChanges } from './shared.js';

export interface BlockOpts {
  marker0: string; // begin marker line, without its line ending
  marker1: string;
  /** The block's lines with their endings; empty: no block (removed if found). */
  blockLines: string[];
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  prependNewline: boolean;
  appendNewline: boolean;
}

/** How many newlines stand before `end` in `text`. */
const newlines = (text: string, end: number) => text.slice(0, end).split('\n').length - 1;

/** The block as lines: ending with a newline, split after each one. */
export function blockLines(block: string): string[] {
  if (block === '') return [];
  return splitLines(block.endsWith('\n') ? block : `${block}\n`);
}

/** blockinfile on a file's lines (a new list is returned; the input is left alone). */
export function editBlock(input: string[], o: BlockOpts): { lines: string[]; removed: boolean } {
  const lines = [...input];
  const present = o.blockLines.length > 0;
  const block = present ? [`${o.marker0}\n`, ...o.blockLines, `${o.marker1}\n`] : [];
  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, l] of lines.entries()) {
    if (bare(l) === o.marker0) n0 = i;
    if (bare(l) === o.marker1) n1 = i;
  }
  let removed = false;
  if (n0 === undefined || n1 === undefined) {
    const after = o.insertafter !== undefined && o.insertafter !== 'EOF' ? o.insertafter : undefined;
    const before =
      o.insertafter === undefined && o.insertbefore !== undefined && o.insertbefore !== 'BOF'
        ? o.insertbefore
        : undefined;
    const ins = after ?? before;
    if (ins !== undefined) {
      const re = pyRegex(ins);
      let hit = -1;
      if (re.multiline) {
        // (?m): the first match in the whole text; the line where it ends (insertafter) or starts (insertbefore)
        const text = lines.join('');
        const m = re.exec(text);
        if (m) hit = newlines(text, after !== undefined ? m.index + m[0].length : m.index);
      } else for (const [i, l] of lines.entries()) if (re.test(bare(l))) hit = i;
      n0 = hit < 0 ? lines.length : after !== undefined ? hit + 1 : hit;
    } else if (o.insertafter === undefined && o.insertbefore === 'BOF') n0 = 0;
    else n0 = lines.length;
  } else {
    const [a, b] = n0 < n1 ? [n0, n1] : [n1, n0];
    lines.splice(a, b - a + 1);
    n0 = a;
    removed = true;
  }
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  if (o.prependNewline && present && n0 !== 0 && lines[n0 - 1] !== '\n') {
    lines.splice(n0, 0, '\n');
    n0 += 1;
  }
  lines.splice(n0, 0, ...block);
  const next = n0 + block.length;
  if (o.appendNewline && present && next < lines.length && lines[next] !== '\n') lines.splice(next, 0, '\n');
  return { lines, removed };
}

export const blockinfile = defineTask({
  name: 'blockinfile',
  description: 'Insert, update or remove a block of lines between marker lines in a file.',
  args: {
    path: apath(),
    state: choice(['present', 'absent']).default('present'),
    marker: astr().default('# {mark} ANSIBLE MANAGED BLOCK'),
    block: astr().default(''),
    insertafter: aregex(),
    insertbefore: aregex(),
    create: abool().default(false),
    backup: abool().default(false),
    marker_begin: astr().default('BEGIN'),
    marker_end: astr().default('END'),
    append_newline: abool().default(false),
    prepend_newline: abool().default(false),
    validate: astr(),
    ...fileAttrArgs,
  },
  argAliases: { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
  required: ['path'],
  mutuallyExclusive: [['insertbefore', 'insertafter']],
  returns: {
    msg: "'Block inserted', 'Block removed', 'File created' or ''",
    backup_file: 'backup path when backup=yes',
  },
  example:
    '- blockinfile:\n    path: /etc/hosts\n    marker: "# {mark} KUBEASZ HOSTS"\n' +
    '    block: |\n      10.0.0.1 master1\n      10.0.0.2 master2',
  async plan(args, _host, facts): Promise<Plan> {
    const path = await absoluteOnHost(args.path!, facts);
    if (args.validate !== undefined && !args.validate.includes('%s'))
      throw taskFailed(`validate must contain %s: ${args.validate}`);
    const { target, st } = await followLink(path, facts);
    if (st.isdir) throw taskFailed(`Path ${args.path} is a directory !`);
    const pre: Action[] = [];
    if (!st.exists) {
      if (!args.create) throw taskFailed(`Path ${args.path} does not exist !`);
      const dir = posix.dirname(target);
      if (!(await facts.stat(dir, { follow: true })).exists) pre.push({ exec: ['mkdir', '-p', '--', dir] });
    }
    const original = st.exists ? (await facts.read(target))!.toString('latin1') : undefined;
    const marker = bytes(args.marker);
    const mark = (m: string) => marker.replace(/\{mark\}/g, () => bytes(m));
    const present = args.state === 'present';
    const edit = editBlock(splitLines(original ?? ''), {
      marker0: mark(args.marker_begin),
      marker1: mark(args.marker_end),
      blockLines: present ? blockLines(bytes(args.block)) : [],
      insertafter: args.insertafter === undefined ? undefined : bytes(args.insertafter),
      insertbefore: args.insertbefore === undefined ? undefined : bytes(args.insertbefore),
      prependNewline: args.prepend_newline,
      appendNewline: args.append_newline,
    });
    const after = edit.lines.join('');
    const changed = original !== after;
    const msg = !changed
      ? ''
      : original === undefined
        ? 'File created'
        : !present || args.block === ''
          ? 'Block removed'
          : 'Block inserted';
    const result: Record<string, unknown> = { msg };
    // An unchanged missing file (never: original undefined always differs from a string) needs no special case.
    const changes = writeChanges('blockinfile', target, st, original, after, msg, args, pre, result, true);
    return { changes, result };
  },
});
