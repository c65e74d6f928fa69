// Ansible's templating of a playbook value (not of a template file) doubles every backslash inside the string
// literals of its `{{ }}` blocks before Jinja reads them, so that `'\1'` there reaches a filter as a backslash and
// a 1, as the author wrote it (`{% %}` blocks and the text around are left alone). This does the same to a value's
// text before it is rendered: a backslash in a string of a `{{ }}` block becomes two, and the character after it
// is read as it comes (a quote after a backslash still ends the string, as in Ansible, where that is an error).

/** The text with the backslashes of its `{{ }}` blocks' string literals doubled. */
export function doubleValueBackslashes(src: string): string {
  if (!src.includes('\\') || !src.includes('{{')) return src;
  let out = '';
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) break;
    out += src.slice(i, open + 2);
    i = open + 2;
    let quote = '';
    for (; i < src.length; i++) {
      const c = src[i]!;
      if (quote) {
        out += c === '\\' ? '\\\\' : c;
        if (c === quote) quote = '';
        continue;
      }
      if (c === '}' && src[i + 1] === '}') break;
      if (c === "'" || c === '"') quote = c;
      out += c;
    }
  }
  return out + src.slice(i);
}
