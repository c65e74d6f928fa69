// Splitting a line into words as a POSIX shell would: INI host lines and ssh argument strings.
export interface Token {
  text: string;
  start: number; // offset in the line
}

/** Python's shlex.split(line, comments=True) in POSIX mode, keeping where each token starts. */
export function shellSplit(line: string): { tokens: Token[]; error?: { message: string; offset: number } } {
  const tokens: Token[] = [];
  let cur = '';
  let start = -1;
  let quoted = false;
  let i = 0;
  const emit = () => {
    if (start >= 0 && (cur !== '' || quoted)) tokens.push({ text: cur, start });
    cur = '';
    start = -1;
    quoted = false;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      emit();
      i++;
    } else if (c === '#') {
      emit();
      break;
    } else if (c === "'" || c === '"') {
      if (start < 0) start = i;
      quoted = true;
      const close = c;
      const open = i;
      i++;
      for (;;) {
        if (i >= line.length) return { tokens, error: { message: 'no closing quotation', offset: open } };
        const d = line[i]!;
        if (d === close) {
          i++;
          break;
        }
        if (close === '"' && d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          cur += line[i + 1];
          i += 2;
          continue;
        }
        cur += d;
        i++;
      }
    } else if (c === '\\') {
      if (start < 0) start = i;
      if (i + 1 >= line.length) return { tokens, error: { message: 'no character after the escape "\\"', offset: i } };
      cur += line[i + 1];
      i += 2;
    } else {
      if (start < 0) start = i;
      cur += c;
      i++;
    }
  }
  emit();
  return { tokens };
}
