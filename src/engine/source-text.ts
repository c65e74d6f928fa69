// The text of every file kplay has read, so an error can show the offending line with a caret.
import type { Loc } from './errors.js';

const texts = new Map<string, string>();

export function rememberText(file: string, text: string): void {
  texts.set(file, text);
}

export function textOf(file: string): string | undefined {
  return texts.get(file);
}

/** The line of `loc` and a caret under its column, or '' when the text is unknown. */
export function snippet(loc: Loc): string {
  const text = texts.get(loc.file);
  if (text === undefined) return '';
  const line = text.split(/\r?\n/)[loc.line - 1];
  if (line === undefined) return '';
  const shown = line.replace(/\t/g, ' ');
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
