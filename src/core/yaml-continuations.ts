// Quoted strings continued on lines that start with tabs, or indented less than YAML 1.2 asks, as Ansible's YAML
// reader (libyaml) accepts them: a quoted string's continuation lines lose their leading white space whatever it
// is, so libyaml does not look at it (kubeasz's `shell: "cmd && \` then a tab-indented line). The `yaml` library
// follows YAML 1.2 and ends the string there ("Missing closing quote"); it has no option to relax that.
// A narrow pre-pass, run only when the parser reports a quote it could not close: that string is scanned to its
// real end as libyaml scans it (a `\` escapes in "...", '' is a quote in '...'; a `---` or `...` line ends the
// file's document and so is no end), and each continuation line's leading tabs and spaces become spaces indenting
// it past the opening quote; then the text is parsed again. Nothing else changes, so tabs libyaml refuses (as
// indentation, in a plain or block scalar) are still refused. Offsets in the changed text map back to the
// file's (`toOriginal`), so every position reported stays the file's own line:col.
import type { Document } from 'yaml';
import { unclosedQuotes } from './yaml-cst.js';

export interface Continued {
  doc: Document;
  /** The text parsed (the one given, or with continuation lines re-indented). */
  text: string;
  /** An offset in the text parsed, as an offset in the text given. */
  toOriginal: (offset: number) => number;
}

/** Scalars fixed in one file at most (each costs a parse). */
const MAX_FIXES = 500;

export function parseWithContinuations(text: string, parse: (text: string) => Document): Continued {
  let cur = text;
  let doc = parse(cur);
  let toOriginal = (o: number) => o;
  for (let n = 0; n < MAX_FIXES; n++) {
    const e = doc.errors[0];
    if (e?.code !== 'MISSING_CHAR' || !/quote/i.test(e.message)) break;
    const q = unclosedQuotes(cur)
      .filter((o) => o <= e.pos[0])
      .pop();
    if (q === undefined) break;
    const fixed = reindent(cur, q);
    if (!fixed) break;
    cur = fixed.text;
    const prev = toOriginal;
    const step = fixed.toPrevious;
    toOriginal = (o) => prev(step(o));
    doc = parse(cur);
  }
  return { doc, text: cur, toOriginal };
}

/** The offsets where each continuation line of the quoted string opening at `q` starts, or undefined when the
 *  string has no end libyaml would accept. */
function continuationLines(text: string, q: number): number[] | undefined {
  const quote = text[q];
  const lines: number[] = [];
  for (let i = q + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quote === '"') {
      if (text[i + 1] !== '\n' && text[i + 1] !== '\r') i++;
    } else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return lines;
    } else if (c === '\n') {
      if (/^(?:---|\.\.\.)(?:[ \t\r\n]|$)/.test(text.slice(i + 1, i + 5))) return undefined;
      lines.push(i + 1);
    }
  }
  return undefined;
}

/** Give each continuation line of the string at `q` leading spaces past the quote's column, if any needs it. */
function reindent(text: string, q: number): { text: string; toPrevious: (o: number) => number } | undefined {
  const lines = continuationLines(text, q);
  if (!lines) return undefined;
  const need = q - (text.lastIndexOf('\n', q - 1) + 1) + 1;
  const parts: string[] = [];
  const inserts: { at: number; n: number }[] = [];
  let from = 0;
  let added = 0;
  for (const ls of lines) {
    const run = /^[ \t]*/.exec(text.slice(ls))![0];
    if (!run.includes('\t') && run.length >= need) continue;
    const width = Math.max(run.length, need);
    parts.push(text.slice(from, ls), ' '.repeat(width));
    from = ls + run.length;
    if (width > run.length) inserts.push({ at: ls + added, n: width - run.length });
    added += width - run.length;
  }
  if (from === 0) return undefined;
  parts.push(text.slice(from));
  // the spaces added stand at the start of their line
  const toPrevious = (o: number) => {
    let back = 0;
    for (const s of inserts) {
      if (o >= s.at + s.n) back += s.n;
      else if (o >= s.at) return s.at - back;
      else break;
    }
    return o - back;
  };
  return { text: parts.join(''), toPrevious };
}

/** Where the tab is, when a parse error at line:col falls in (or just after) a line's leading white space that
 *  holds a tab: that tab is what the reader refuses (libyaml too), whatever the parser calls it. */
export function tabIndenting(text: string, line: number, col: number): number | undefined {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const run = /^[ \t]*/.exec(text.slice(start, start + 200))![0];
  return run.includes('\t') && col <= run.length + 1 ? run.indexOf('\t') + 1 : undefined;
}
