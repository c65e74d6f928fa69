// Python's fnmatch (`*`, `?`, `[...]`, `[!...]`; `*` matches `/` too), which Ansible uses for host patterns,
// --start-at-task, apt version pins and tar exclude patterns: one implementation for all of them.
/** Python's fnmatch.translate, anchored at both ends. */
export function fnmatch(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) re += '\\[';
      else {
        // JS needs the ']' of a class escaped (Python takes one right after '[' or '[!' as literal)
        let body = glob
          .slice(i + 1, j)
          .replace(/\\/g, '\\\\')
          .replace(/]/g, '\\]');
        if (body[0] === '!') body = '^' + body.slice(1);
        else if (body[0] === '^') body = '\\' + body;
        re += `[${body}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}
