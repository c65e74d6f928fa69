// Module family "edits": blockinfile and replace. Ansible's documented behaviour, reimplemented:
//
// blockinfile: a block of lines between two marker lines (`# {mark} ANSIBLE MANAGED BLOCK`, {mark} being
// marker_begin / marker_end). The LAST begin marker and the LAST end marker found delimit the existing block,
// which is replaced in place (or removed: state=absent, or state=present with an empty block). When both
// markers are not found, the block goes after the last line matching insertafter / before the last line
// matching insertbefore (EOF when the regexp matches nothing), at BOF, or at EOF (the default). A block not
// ending in a newline gets one; the line before the block gets a newline if it lacks one; prepend_newline /
// append_newline add a blank line before / after the block unless one is there already. A missing file is an
// error unless create=yes (also with state=absent, as in Ansible). Lines are handled as bytes (latin1).
// One deliberate difference: a marker line is recognised whatever its line ending (Ansible compares it with
// the line ending included, so a final end marker without a newline is not found there and the block is
// added a second time).
//
// replace: every match of a Python regexp (re.MULTILINE: ^ and $ at every line) replaced with a Python
// template (\1, \g<name>, \g<0>, \n ...), optionally only in the section between the first match of
// `after` and the next match of `before` (re.DOTALL there). The file is UTF-8 text. A missing file or a
// directory is an error. Symlinks are followed (the target is written).
import { posix } from 'node:path';
import type { Action, Change, FactReader, Plan, StatInfo } from './contract.js';
import {
  backupAction,
  backupName,
  fileAttrArgs,
  fixAttrs,
  NEW_FILE_MODE,
  octal,
  parseOctal,
  resolveMode,
  taskFailed,
  type ModeArg,
} from './lib/fsattrs.js';
import { aregex, expandBackrefs, pyRegex, splitLines } from './lineinfile.js';
import { abool, astr, choice, defineTask, apath } from './lib/schema.js';
import type { ModuleSpec } from './contract.js';

/** User text (UTF-8) as the latin1 "bytes" string a file is handled as. */
const bytes = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');
const bare = (l: string) => l.replace(/\r?\n$/, '');

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
      for (const [i, l] of lines.entries()) if (re.test(bare(l))) hit = i;
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

/** A path's real target when it is a symlink (one level, like lineinfile), with its stat. */
async function followLink(path: string, facts: FactReader): Promise<{ target: string; st: StatInfo }> {
  let st = await facts.stat(path, { follow: false });
  let target = path;
  for (let i = 0; st.islnk && st.lnk_target !== undefined && i < 20; i++) {
    target = posix.resolve(posix.dirname(target), st.lnk_target);
    st = await facts.stat(target, { follow: false });
  }
  return { target, st };
}

interface WriteArgs {
  backup: boolean;
  validate?: string | undefined;
  mode?: ModeArg;
  owner?: string | undefined;
  group?: string | undefined;
}

/** The change writing `after` (or only fixing attributes when unchanged). */
function writeChanges(
  module: string,
  target: string,
  st: StatInfo,
  before: string | undefined,
  after: string,
  msg: string,
  a: WriteArgs,
  pre: Action[],
  result: Record<string, unknown>,
  latin1: boolean,
): Change[] {
  const touches = [`file:${target}`];
  const enc = latin1 ? 'latin1' : 'utf8';
  if (before !== after) {
    const actions = [...pre];
    if (a.backup && st.exists) {
      result.backup_file = backupName(target);
      actions.push(backupAction(target, result.backup_file as string));
    }
    const mode = resolveMode(a.mode, parseOctal(st.mode) ?? NEW_FILE_MODE, false);
    actions.push({
      put: target,
      content: Buffer.from(after, enc),
      mode: mode === undefined ? undefined : octal(mode),
      owner: a.owner,
      group: a.group,
      validate: a.validate,
    });
    const show = (s: string | undefined) => (s === undefined ? '' : latin1 ? utf8(s) : s);
    return [
      {
        summary: `${module}: ${target}: ${msg}`,
        diff: { path: target, before: show(before), after: show(after) },
        actions,
        touches,
      },
    ];
  }
  if (!st.exists) return [];
  const fix = fixAttrs(target, st, a);
  if (!fix.actions.length) return [];
  result.msg = result.msg
    ? `${result.msg} and ownership, perms or SE linux context changed`
    : 'ownership, perms or SE linux context changed';
  return [{ summary: `${module}: ${target}: ${fix.parts.join(', ')}`, actions: fix.actions, touches }];
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
    '- blockinfile:\n    path: /etc/hosts\n    marker: "# {mark} KUBEASZ HOSTS"\n    block: |\n      10.0.0.1 master1\n      10.0.0.2 master2',
  async plan(args, _host, facts): Promise<Plan> {
    const path = args.path!;
    if (args.validate !== undefined && !args.validate.includes('%s'))
      throw taskFailed(`validate must contain %s: ${args.validate}`);
    const { target, st } = await followLink(path, facts);
    if (st.isdir) throw taskFailed(`Path ${path} is a directory !`);
    const pre: Action[] = [];
    if (!st.exists) {
      if (!args.create) throw taskFailed(`Path ${path} does not exist !`);
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

/** `\A` as a start-of-input assertion (pyRegex turns it into `^`, which the multiline flag would widen). */
function absoluteStart(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && i + 1 < src.length) {
      out += !inClass && src[i + 1] === 'A' ? '(?<![\\s\\S])' : c + src[i + 1];
      i++;
    } else {
      if (c === '[' && !inClass) inClass = true;
      else if (c === ']' && inClass) inClass = false;
      out += c;
    }
  }
  return out;
}

/** A Python pattern compiled with extra flags ('m' for re.MULTILINE, 's' for re.DOTALL), plus 'g'/'d' as asked. */
export function pyRegexWith(src: string, flags: string): RegExp {
  const re = pyRegex(absoluteStart(src));
  const all = new Set([...re.flags, ...flags]);
  return new RegExp(re.source, [...all].join(''));
}

/** Python's re.subn(pattern, template, s): the new text and the number of replacements. */
export function pySubn(re: RegExp, template: string, s: string): [string, number] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  let out = '';
  let last = 0;
  let n = 0;
  for (let m = g.exec(s); m; m = g.exec(s)) {
    out += s.slice(last, m.index) + expandBackrefs(template, m);
    last = m.index + m[0].length;
    n++;
    if (m[0].length === 0) g.lastIndex++;
    if (g.lastIndex > s.length) break;
  }
  return [out + s.slice(last), n];
}

export interface ReplaceOpts {
  regexp: string;
  replace: string;
  after?: string | undefined;
  before?: string | undefined;
}

/** replace on a file's text: the new text, the count, or a message when after/before did not match. */
export function editReplace(contents: string, o: ReplaceOpts): { text: string; count: number; msg?: string } {
  let start = 0;
  let end = contents.length;
  if (o.after || o.before) {
    const pattern =
      o.after && o.before
        ? `${o.after}(?P<subsection>.*?)${o.before}`
        : o.after
          ? `${o.after}(?P<subsection>.*)`
          : `(?P<subsection>.*)${o.before}`;
    const m = pyRegexWith(pattern, 'sd').exec(contents);
    const at = m?.indices?.groups?.subsection;
    if (!at)
      return {
        text: contents,
        count: 0,
        msg: `Pattern for before/after params did not match the given file: ${pattern}`,
      };
    [start, end] = at;
  }
  const section = contents.slice(start, end);
  const [out, count] = pySubn(pyRegexWith(o.regexp, 'm'), o.replace, section);
  if (count === 0 || out === section) return { text: contents, count: 0 };
  return { text: contents.slice(0, start) + out + contents.slice(end), count };
}

export const replace = defineTask({
  name: 'replace',
  description:
    'Replace every match of a regexp in a file (Python regexp syntax, multiline), optionally between after/before.',
  args: {
    path: apath(),
    regexp: aregex(),
    replace: astr().default(''),
    after: aregex(),
    before: aregex(),
    backup: abool().default(false),
    validate: astr(),
    encoding: astr().default('utf-8'),
    ...fileAttrArgs,
  },
  argAliases: { dest: 'path', destfile: 'path', name: 'path' },
  required: ['path', 'regexp'],
  returns: { msg: "'N replacements made' or ''", backup_file: 'backup path when backup=yes' },
  example: "- replace:\n    path: /etc/fstab\n    regexp: '^([^#].*\\sswap\\s.*)$'\n    replace: '# \\1'",
  async plan(args, _host, facts): Promise<Plan> {
    const path = args.path!;
    if (args.validate !== undefined && !args.validate.includes('%s'))
      throw taskFailed(`validate must contain %s: ${args.validate}`);
    if (!/^utf-?8$/i.test(args.encoding))
      throw taskFailed(`replace: only encoding utf-8 is supported, not ${args.encoding}`);
    const { target, st } = await followLink(path, facts);
    if (st.isdir) throw taskFailed(`Path ${path} is a directory !`);
    if (!st.exists) throw taskFailed(`Path ${path} does not exist !`);
    const raw = (await facts.read(target))!;
    let contents: string;
    try {
      contents = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw taskFailed(`Path ${path} is not valid UTF-8 text`);
    }
    const edit = editReplace(contents, {
      regexp: args.regexp!,
      replace: args.replace,
      after: args.after,
      before: args.before,
    });
    const msg = edit.msg ?? (edit.count ? `${edit.count} replacements made` : '');
    const result: Record<string, unknown> = { msg };
    if (edit.msg !== undefined) return { changes: [], result };
    const changes = writeChanges('replace', target, st, contents, edit.text, msg, args, [], result, false);
    return { changes, result };
  },
});

export const modules: ModuleSpec[] = [blockinfile, replace];
