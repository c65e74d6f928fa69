// Python's fnmatch as a RegExp (`*`, `?`, `[...]`, `[!...]`): Ansible matches apt version pins and tar
// exclude patterns this way. `*` matches `/` too, as in Python.
export function fnmatch(pat: string): RegExp {
  let re = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pat.indexOf(']', i + 2); // a ']' right after '[' (or '[!') is part of the class
      if (end < 0) re += '\\[';
      else {
        let body = pat.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}
