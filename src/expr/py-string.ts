// A quoted string literal's text as Python reads it: the escapes Python knows (`\n`, `\t`, `\x41`, `\u00e9`,
// `\101` ...) become their characters; a backslash before any other character stays (`'a\p'` is a, \, p).
const SIMPLE: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const HEX: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The value of a literal from its source text, quotes included (`raw`). */
export function pyStringValue(raw: string): string {
  const s = raw.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[i + 1]!;
    if (Object.hasOwn(SIMPLE, e)) {
      out += SIMPLE[e];
      i++;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
      out += String.fromCodePoint(Number.parseInt(m, 8));
      i += m.length;
    } else if (Object.hasOwn(HEX, e) && new RegExp(`^[0-9a-fA-F]{${HEX[e]}}`).test(s.slice(i + 2))) {
      const code = Number.parseInt(s.slice(i + 2, i + 2 + HEX[e]!), 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : s.slice(i, i + 2 + HEX[e]!);
      i += 1 + HEX[e]!;
    } else out += c;
  }
  return out;
}
