// replace: every match of a Python regexp (re.MULTILINE: ^ and $ at every line) replaced with a Python
// template (\1, \g<name>, \g<0>, \n ...), optionally only in the section between the first match of
// `after` and the next match of `before` (re.DOTALL there). The file is UTF-8 text. A missing file or a
// directory is an error. Symlinks are followed (the target is written). A relative path is the remote user's.
// Like Ansible, one run makes one pass: a regexp that matches its own replacement (`^(.+)$` -> `"\1"`) changes
// the file again on every run, and is reported changed every time; the check that a run converged looks for a
// pass the write did not make stick, not for a second pass.
import { createHash } from 'node:crypto';
import type { Plan } from '../contract.js';
import { fileAttrArgs, taskFailed } from '../lib/fsattrs.js';
import { aregex, expandBackrefs, pyRegex } from '../lib/py-regex.js';
import { abool, astr, defineTask, apath } from '../lib/schema.js';
import { absoluteOnHost, followLink } from '../lib/host-path.js';
import { writeChanges } from './shared.js';

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
  return pyRegex(absoluteStart(src), flags);
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

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

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
  async plan(args, host, facts): Promise<Plan> {
    const path = await absoluteOnHost(args.path!, facts);
    if (args.validate !== undefined && !args.validate.includes('%s'))
      throw taskFailed(`validate must contain %s: ${args.validate}`);
    if (!/^utf-?8$/i.test(args.encoding))
      throw taskFailed(`replace: only encoding utf-8 is supported, not ${args.encoding}`);
    const { target, st } = await followLink(path, facts);
    if (st.isdir) throw taskFailed(`Path ${args.path} is a directory !`);
    if (!st.exists) throw taskFailed(`Path ${args.path} does not exist !`);
    const raw = (await facts.read(target))!;
    let contents: string;
    try {
      contents = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw taskFailed(`Path ${args.path} is not valid UTF-8 text`);
    }
    // one pass per run, as Ansible's: the re-plan after this run's write (the text it wrote is there) plans no
    // second pass, even when the regexp matches its own replacement (that run and each later one: changed)
    const mark = `replace:${target}`;
    const passed = host.applied?.get(mark) === sha1(contents);
    const edit = passed
      ? { text: contents, count: 0 }
      : editReplace(contents, { regexp: args.regexp!, replace: args.replace, after: args.after, before: args.before });
    const msg = edit.msg ?? (edit.count ? `${edit.count} replacements made` : '');
    const result: Record<string, unknown> = { msg };
    if (edit.msg !== undefined) return { changes: [], result };
    const changes = writeChanges('replace', target, st, contents, edit.text, msg, args, [], result, false);
    if (edit.text !== contents) changes[0]!.mark = { key: mark, value: sha1(edit.text) };
    return { changes, result };
  },
});
