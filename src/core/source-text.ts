// The text of every file kplay has read, so an error can show the offending line with a caret.
import type { Loc } from './loc.js';
import { MASK } from './secrets.js';

const texts = new Map<string, string>();
/** Files of secrets (a site's .env): an error shows a line's key, never its value. */
const secretFiles = new Set<string>();

export function rememberText(file: string, text: string, o: { secret?: boolean } = {}): void {
  texts.set(file, text);
  if (o.secret) secretFiles.add(file);
}

/** `KEY=value` → `KEY=********`; a line that is no assignment is masked whole. */
const maskValue = (line: string): string => {
  const m = /^(\s*(?:export\s+)?[A-Za-z_][\w.-]*\s*[=:])/.exec(line);
  return m ? `${m[1]}${MASK}` : line.replace(/\S.*$/, MASK);
};

export function textOf(file: string): string | undefined {
  return texts.get(file);
}

/** The line of `loc` and a caret under its column, or '' when the text is unknown. */
export function snippet(loc: Loc): string {
  const text = texts.get(loc.file);
  if (text === undefined) return '';
  const line = text.split(/\r?\n/)[loc.line - 1];
  if (line === undefined) return '';
  const shown = (secretFiles.has(loc.file) ? maskValue(line) : line).replace(/\t/g, ' ');
  return `  ${shown}\n  ${' '.repeat(Math.max(0, loc.col - 1))}^`;
}

/** 1-based line and column of a character offset. */
export function offsetToLoc(file: string, text: string, offset: number): Loc {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, col: offset - lineStart + 1 };
}
