// Ansible's `key=value` argument strings: `copy: src=a dest="/etc/my file"`, and free-form commands whose
// recognised `key=value` words (creates=, chdir= ...) are taken out. Quotes and {{ }} keep spaces together.
// As in Ansible, a key=value word's escapes are decoded (decodeEscapes) before its quotes are removed.

import { setKey } from './own-keys.js';

export interface KvToken {
  text: string; // as written
  offset: number; // where it starts in the string
  /** Where a quote opens that is never closed (the token runs to the end of the string). */
  unclosed?: number;
}

/** Split on whitespace outside quotes and outside {{ }} / {% %}. */
export function splitArgs(s: string): KvToken[] {
  const out: KvToken[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | null = null;
    let opened = 0;
    let depth = 0;
    while (i < s.length) {
      const c = s[i]!;
      const two = s.slice(i, i + 2);
      if (quote) {
        if (c === '\\' && i + 1 < s.length) i++;
        else if (c === quote) quote = null;
      } else if (two === '{{' || two === '{%') {
        depth++;
        i++;
      } else if ((two === '}}' || two === '%}') && depth > 0) {
        depth--;
        i++;
      } else if (c === '"' || c === "'") {
        quote = c;
        opened = i;
      } else if (depth === 0 && /\s/.test(c)) {
        break;
      }
      i++;
    }
    out.push(
      quote ? { text: s.slice(start, i), offset: start, unclosed: opened } : { text: s.slice(start, i), offset: start },
    );
  }
  return out;
}

/** Remove one level of matching surrounding quotes (escapes are already decoded: a quote after a backslash does
 *  not close). */
export function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0] && v[v.length - 2] !== '\\')
    return v.slice(1, -1);
  return v;
}

/** Python's one-letter string escapes. */
export const PY_ESCAPES: Record<string, string> = {
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

/** The escapes Ansible decodes in a `key=value` word before it splits it (as Python string escapes):
 *  `\\ \' \" \a \b \f \n \r \t \v`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`; any other backslash stays, so `\s`,
 *  `\d` or `\.` in a regexp are kept, but `\b` is a backspace and `\\b` a word boundary. */
export function decodeEscapes(s: string): string {
  return s.replace(
    /\\(?:U([0-9a-fA-F]{8})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\\'"abfnrtv]))/g,
    (m, u8, u4, x2, c) => {
      if (c !== undefined) return PY_ESCAPES[c as string]!;
      const n = Number.parseInt((u8 ?? u4 ?? x2) as string, 16);
      return n <= 0x10ffff ? String.fromCodePoint(n) : m;
    },
  );
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;
// a name made of `{{ }}` templates and name characters (`{{ item.key }}=v`, `x_{{ n }}=v`): set_fact renders it
const TEMPLATED_KEY = /^((?:[A-Za-z0-9_]|\{\{(?:(?!\}\})[^=])*\}\})*\{\{(?:(?!\}\})[^=])*\}\}[A-Za-z0-9_]*)=([\s\S]*)$/;

export interface ParsedKv {
  args: Record<string, string>;
  offsets: Record<string, number>; // where each key starts in the string
  raw: string | undefined; // the free-form rest, for free-form modules
  bare: KvToken[]; // words without `=` (an error for modules that are not free-form)
}

/**
 * Parse `k=v k2="v 2"`. With `freeFormKeys`, only those keys are taken out and the rest stays the raw command.
 * With `templatedKeys`, a key may be a template (`{{ name }}=v`), rendered when the task runs.
 */
export function parseKv(s: string, freeFormKeys?: Set<string>, templatedKeys = false): ParsedKv {
  const args: Record<string, string> = {};
  const offsets: Record<string, number> = {};
  const rest: KvToken[] = [];
  const taken: KvToken[] = [];
  const cont: KvToken[] = [];
  for (const t of splitArgs(s)) {
    // a lone `\` ending a line (or the text) continues the line: it goes, with its newline
    if (t.text === '\\' && (s[t.offset + 1] === '\n' || t.offset + 1 === s.length)) {
      cont.push(t);
      continue;
    }
    const word = decodeEscapes(t.text);
    const m = KEY.exec(word) ?? (templatedKeys && !freeFormKeys ? TEMPLATED_KEY.exec(word) : null);
    if (m && (!freeFormKeys || freeFormKeys.has(m[1]!))) {
      // own keys, even `__proto__` (assignment would set the object's prototype)
      setKey(args, m[1]!, unquote(m[2]!));
      setKey(offsets, m[1]!, t.offset);
      taken.push(t);
    } else {
      rest.push(t);
    }
  }
  if (freeFormKeys) {
    const raw = freeFormRest(s, taken, cont);
    return { args, offsets, raw: raw.trim().length > 0 ? raw : undefined, bare: [] };
  }
  return { args, offsets, raw: undefined, bare: rest };
}

/** A free-form command as written (newlines, spacing and a final newline kept: a `shell: |` script), as Ansible
 *  joins it: without the options taken out (each with the blanks after it, or before it when it ends the text),
 *  and with each line continuation (a lone `\` ending a line) gone with its newline and one blank after it. */
function freeFormRest(s: string, taken: KvToken[], cont: KvToken[]): string {
  const gone = new Uint8Array(s.length);
  const drop = (from: number, to: number) => gone.fill(1, from, to);
  const blank = (c: string | undefined) => c !== undefined && /\s/.test(c);
  for (const t of cont) {
    const after = t.offset + 2;
    drop(t.offset, s[after] === ' ' || s[after] === '\t' ? after + 1 : after);
  }
  for (const t of taken) {
    let end = t.offset + t.text.length;
    while (blank(s[end])) end++;
    let start = t.offset;
    if (end >= s.length) while (start > 0 && (blank(s[start - 1]) || gone[start - 1])) start--;
    drop(start, end);
  }
  let out = '';
  for (let i = 0; i < s.length; i++) if (!gone[i]) out += s[i];
  return out;
}
