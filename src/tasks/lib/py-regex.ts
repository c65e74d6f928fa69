// Python's `re` on the host's text: patterns, match.expand templates, and readlines() lines.
import { PyRegexError, pyRegExp } from '../../core/py-regex.js';
import { taskFailed } from './fsattrs.js';
import { astr } from './schema.js';

/** An argument that is a Python regular expression: one that cannot compile is refused with the arguments,
 * before anything runs (at --syntax-check when it is written out), not when the host is planned. */
export function aregex() {
  return astr().superRefine((v, ctx) => {
    try {
      pyRegex(v);
    } catch (e) {
      const why = (e as Error).message.split(': ').pop();
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${why}` });
    }
  });
}

/** A Python `re` pattern as a JS RegExp (source given as a latin1 "bytes" string); a bad one fails the task. */
export function pyRegex(src: string, flags = ''): RegExp {
  try {
    return pyRegExp(src, flags);
  } catch (e) {
    if (!(e instanceof PyRegexError)) throw e;
    if (e.verbose) throw taskFailed(`regexp: verbose mode (?x) is not supported: ${src}`);
    throw taskFailed(`bad regexp ${JSON.stringify(src)}: ${e.message}`);
  }
}

/** Python's match.expand: \1..\99, \g<n>, \g<name>, and \n \t \r \\ escapes; unmatched groups are empty. */
export function expandBackrefs(template: string, m: RegExpExecArray): string {
  const group = (g: string) => {
    const v = /^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g];
    if (v === undefined && /^\d+$/.test(g) && Number(g) >= m.length)
      throw taskFailed(`invalid group reference ${g} in line`);
    return v ?? '';
  };
  return template.replace(/\\(g<([^>]+)>|\d{1,2}|[ntr\\])/g, (_all, what: string, name?: string) => {
    if (name !== undefined) return group(name);
    if (/^\d/.test(what)) return group(what);
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\' } as Record<string, string>)[what]!;
  });
}

/** Lines with their endings, as Python's readlines() gives them. */
export function splitLines(s: string): string[] {
  return s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
