// Python's `re` syntax as JavaScript's: inline flags `(?ims)` at the start, `\A` and `\Z`, a `]` first in a
// class, named groups `(?P<n>...)` and `(?P=n)`, and `$` without MULTILINE also matching before a newline
// that ends the text (Python's rule; JavaScript's `$` matches only at the very end). Modules (lineinfile,
// replace, blockinfile) and the regex filters and tests (regex_search, regex_replace, match, search) all read
// patterns through here.

export class PyRegexError extends Error {
  constructor(
    message: string,
    /** the pattern asks for verbose mode, which this translation does not do */
    readonly verbose: boolean,
  ) {
    super(message);
  }
}

/** A Python `re` pattern as a JavaScript RegExp, with `flags` added (g, i, m, s ...). */
export function pyRegExp(src: string, flags = ''): RegExp {
  let s = src;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(s);
  if (lead) {
    s = s.slice(lead[0].length);
    for (const f of lead[1]!) {
      if (f === 'x') throw new PyRegexError('verbose mode (?x) is not supported', true);
      if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    }
  }
  const dollar = flags.includes('m') ? '$' : '(?=\\n?(?![\\s\\S]))';
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
    } else out += c === '$' ? dollar : c;
  }
  try {
    return new RegExp(out, [...new Set(flags)].join(''));
  } catch (e) {
    throw new PyRegexError((e as Error).message, false);
  }
}
