// Python's `re` on the host's text: patterns, match.expand templates, and readlines() lines.
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

/** A Python `re` pattern as a JS RegExp (source given as a latin1 "bytes" string). */
export function pyRegex(src: string): RegExp {
  let flags = '';
  let s = src;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(s);
  if (lead) {
    s = s.slice(lead[0].length);
    for (const f of lead[1]!) {
      if (f === 'x') throw taskFailed(`regexp: verbose mode (?x) is not supported: ${src}`);
      if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    }
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      out += inClass ? c + n : n === 'A' ? '^' : n === 'Z' ? '$(?![\\s\\S])' : c + n;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (s[i + 1] === '^') out += s[++i];
      if (s[i + 1] === ']') out += '\\' + s[++i]; // a leading ] is literal in Python
    } else if (s.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (s.startsWith('(?P=', i)) {
      const end = s.indexOf(')', i);
      out += `\\k<${s.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    throw taskFailed(`bad regexp ${JSON.stringify(src)}: ${(e as Error).message}`);
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
