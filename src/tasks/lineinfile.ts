// lineinfile: make one line present in a file (replacing the line a regexp or search_string finds) or
// remove every matching line. Ansible's documented behaviour, reimplemented:
// - present: the LAST line matching regexp/search_string is replaced (the first with firstmatch); when
//   none matches, a line equal to `line` counts as present; otherwise `line` goes after the last line
//   matching insertafter (first with firstmatch), before the last line matching insertbefore, at BOF, or
//   at EOF (the default, and when insertafter/insertbefore match nothing). A file not ending in a newline
//   gets one before an appended line; every written line ends with `\n`.
// - backrefs: `line` is expanded with the regexp's groups (\1, \g<name>); if the regexp matches nothing,
//   the file is left alone (and `line` is not added).
// - absent: every line matching regexp / search_string / equal to `line` is removed (`found` = count).
// Lines are compared as bytes (latin1 strings), like Ansible. Python regexps are translated to JS:
// (?P<n>...), (?P=n), \A, \Z and leading inline flags (?i) (?m) (?s).
// A relative path is the remote user's (its working folder); an empty regexp or search_string warns, in
// Ansible's words. Deliberate differences: inserting after the last line of a file without a final newline
// adds the newline first (Ansible glues the two lines together there); a `line` holding newlines counts as
// present where its lines stand in a row (Ansible never finds it and adds it again on every run).
import { posix } from 'node:path';
import type { Action, Change, Plan } from './contract.js';
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
} from './lib/fsattrs.js';
import { abool, astr, choice, defineTask, apath } from './lib/schema.js';
import { aregex, pyRegex, expandBackrefs, splitLines } from './lib/py-regex.js';
import { absoluteOnHost, followLink } from './lib/host-path.js';

const bare = (l: string) => l.replace(/[\r\n]+$/, '');
const endsNl = (l: string | undefined) => l !== undefined && /[\r\n]$/.test(l);
/** Is `line` (which may hold newlines: several lines) the file's text from line i on? */
const linesAt = (lines: string[], i: number, line: string) => {
  const n = line.split('\n').length;
  return (
    i >= 0 &&
    i + n <= lines.length &&
    lines
      .slice(i, i + n)
      .map(bare)
      .join('\n') === line
  );
};
/** How many lines `line` writes. */
const count = (line: string) => line.split('\n').length;

export interface PresentOpts {
  line: string;
  regexp?: RegExp | undefined;
  search?: string | undefined;
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  firstmatch: boolean;
  backrefs: boolean;
}

export interface Edit {
  lines: string[];
  msg: string;
  changed: boolean;
  found?: number;
}

/** state=present on a file's lines (not modified; a new list is returned). */
export function editPresent(input: string[], o: PresentOpts): Edit {
  const lines = [...input];
  let at = -1; // the line to replace
  let m: RegExpExecArray | null = null;
  let hit = false;
  for (let i = 0; i < lines.length && !(hit && o.firstmatch); i++) {
    if (o.regexp) {
      const r = o.regexp.exec(bare(lines[i]!));
      if (r) [at, m, hit] = [i, r, true];
    } else if (o.search !== undefined && lines[i]!.includes(o.search)) [at, hit] = [i, true];
  }
  let anchor = -1; // where to insert, from insertafter / insertbefore
  if (!hit) {
    const ins =
      o.insertafter && o.insertafter !== 'EOF'
        ? o.insertafter
        : o.insertbefore && o.insertbefore !== 'BOF'
          ? o.insertbefore
          : undefined;
    const insRe = ins === undefined ? undefined : pyRegex(ins);
    for (let i = 0; i < lines.length; i++) {
      if (linesAt(lines, i, o.line)) at = i;
      else if (insRe?.test(bare(lines[i]!))) {
        anchor = o.insertafter ? i + 1 : i;
        if (o.firstmatch) break;
      }
    }
  }
  const added = (e: Edit['lines']) => ({ lines: e, msg: 'line added', changed: true });
  const none = { lines: input, msg: '', changed: false };
  const withNl = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  if (at !== -1) {
    const next = withNl(o.backrefs && m ? expandBackrefs(o.line, m) : o.line);
    if (lines.slice(at, at + count(next.slice(0, -1))).join('') === next) return none;
    lines[at] = next;
    return { lines, msg: 'line replaced', changed: true };
  }
  if (o.backrefs) return none;
  const ensureFinalNl = () => {
    if (lines.length && !endsNl(lines[lines.length - 1])) lines[lines.length - 1] += '\n';
  };
  if (o.insertbefore === 'BOF' || o.insertafter === 'BOF') {
    lines.unshift(withNl(o.line));
    return added(lines);
  }
  if (o.insertafter === 'EOF' || anchor === -1) {
    ensureFinalNl();
    lines.push(withNl(o.line));
    return added(lines);
  }
  if (o.insertafter) {
    if (anchor === lines.length) {
      if (linesAt(lines, anchor - count(o.line), o.line)) return none;
      ensureFinalNl();
      lines.push(withNl(o.line));
      return added(lines);
    }
    if (linesAt(lines, anchor, o.line)) return none;
  }
  lines.splice(anchor, 0, withNl(o.line));
  return added(lines);
}

/** state=absent: remove every matching line. */
export function editAbsent(
  input: string[],
  o: { regexp?: RegExp | undefined; search?: string | undefined; line?: string | undefined },
): Edit {
  const keep = input.filter((l) => {
    if (o.regexp) return !o.regexp.test(bare(l));
    if (o.search !== undefined) return !l.includes(o.search);
    return bare(l) !== o.line;
  });
  const found = input.length - keep.length;
  return { lines: found ? keep : input, msg: found ? `${found} line(s) removed` : '', changed: found > 0, found };
}

/** The warning for an empty regexp or search_string (it matches every line), in Ansible's words. */
export function emptyPatternWarning(regexp?: string, search?: string): string | undefined {
  if (regexp !== '' && search !== '') return undefined;
  const what = regexp === '' ? 'regular expression' : 'search string';
  const tip =
    regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : '';
  return (
    `The ${what} is an empty string, which will match every line in the file. This may have unintended ` +
    `consequences, such as replacing the last line in the file rather than appending.${tip}`
  );
}

/** User text (UTF-8) as the latin1 "bytes" string the file is handled as. */
export const bytes = (s: string | undefined) =>
  s === undefined ? undefined : Buffer.from(s, 'utf8').toString('latin1');
const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

export const lineinfile = defineTask({
  name: 'lineinfile',
  description: 'Make sure one line is present (or absent) in a file, replacing the line a regexp matches.',
  args: {
    path: apath(),
    regexp: aregex(),
    search_string: astr(),
    state: choice(['present', 'absent']).default('present'),
    line: astr(),
    backrefs: abool().default(false),
    insertafter: aregex(),
    insertbefore: aregex(),
    create: abool().default(false),
    backup: abool().default(false),
    firstmatch: abool().default(false),
    validate: astr(),
    ...fileAttrArgs,
  },
  argAliases: { dest: 'path', destfile: 'path', name: 'path', regex: 'regexp', value: 'line' },
  required: ['path'],
  mutuallyExclusive: [
    ['insertbefore', 'insertafter'],
    ['regexp', 'search_string'],
  ],
  requiredIf: [['state', 'present', ['line']]],
  returns: {
    msg: "'line added', 'line replaced' or 'N line(s) removed'",
    found: 'lines removed (state=absent)',
    backup: 'backup path when backup=yes',
  },
  example: '- lineinfile: path=/etc/fstab regexp="\\sswap\\s" state=absent',
  async plan(args, _host, facts): Promise<Plan> {
    const path = await absoluteOnHost(args.path!, facts);
    if (args.validate !== undefined && !args.validate.includes('%s'))
      throw taskFailed(`validate must contain %s: ${args.validate}`);
    if (args.backrefs && args.regexp === undefined) throw taskFailed('regexp is required with backrefs=true');
    const regexp = args.regexp === undefined ? undefined : pyRegex(bytes(args.regexp)!);
    const search = bytes(args.search_string);
    const line = bytes(args.line);
    const warning = emptyPatternWarning(args.regexp, args.search_string);
    const warned = warning ? { warnings: [warning] } : {};
    const { target, st } = await followLink(path, facts);
    if (st.isdir) throw taskFailed(`Path ${args.path} is a directory !`);
    const touches = [`file:${target}`];
    let edit: Edit;
    let before: string | undefined;
    const actions: Action[] = [];
    if (args.state === 'absent') {
      if (line === undefined && regexp === undefined && search === undefined)
        throw taskFailed('one of line, search_string, or regexp is required with state=absent');
      if (!st.exists) return { changes: [], result: { msg: 'file not present', found: 0, ...warned } };
      before = (await facts.read(target))!.toString('latin1');
      edit = editAbsent(splitLines(before), { regexp, search, line });
    } else {
      if (line === undefined) throw taskFailed('line is required with state=present');
      if (!st.exists) {
        if (!args.create) throw taskFailed(`Destination ${args.path} does not exist !`);
        const dir = posix.dirname(target);
        if (!(await facts.stat(dir, { follow: true })).exists) actions.push({ exec: ['mkdir', '-p', '--', dir] });
      }
      before = st.exists ? (await facts.read(target))!.toString('latin1') : '';
      edit = editPresent(splitLines(before), {
        line,
        regexp,
        search,
        insertafter: bytes(args.insertafter),
        insertbefore: bytes(args.insertbefore),
        firstmatch: args.firstmatch,
        backrefs: args.backrefs,
      });
    }
    const result: Record<string, unknown> = { msg: edit.msg };
    Object.assign(result, warned);
    if (edit.found !== undefined) result.found = edit.found;
    const changes: Change[] = [];
    if (edit.changed) {
      if (args.backup && st.exists) {
        result.backup = backupName(target);
        actions.push(backupAction(target, result.backup as string));
      }
      const mode = resolveMode(args.mode, parseOctal(st.mode) ?? NEW_FILE_MODE, false);
      const after = edit.lines.join('');
      actions.push({
        put: target,
        content: Buffer.from(after, 'latin1'),
        mode: mode === undefined ? undefined : octal(mode),
        owner: args.owner,
        group: args.group,
        validate: args.validate,
      });
      changes.push({
        summary: `lineinfile: ${target}: ${edit.msg}`,
        diff: { path: target, before: utf8(before), after: utf8(after) },
        actions,
        touches,
      });
    } else if (st.exists) {
      const fix = fixAttrs(target, st, args);
      if (fix.actions.length)
        changes.push({ summary: `lineinfile: ${target}: ${fix.parts.join(', ')}`, actions: fix.actions, touches });
    }
    return { changes, result };
  },
});
