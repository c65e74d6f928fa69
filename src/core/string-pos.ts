// Where a character of a YAML string value is in its file: the value's loc plus the line and column inside
// the string. Quoted scalars start one column after the quote; block scalars (`|`, `>`) on the next line.
import type { Loc } from './errors.js';
import { textOf } from './source-text.js';

export function locInString(base: Loc | undefined, s: string, offset: number): Loc | undefined {
  if (!base) return undefined;
  const before = s.slice(0, Math.max(0, offset));
  const nl = before.lastIndexOf('\n');
  const lineInStr = nl < 0 ? 0 : before.split('\n').length - 1;
  const colInLine = offset - (nl + 1);
  const fileLines = textOf(base.file)?.split(/\r?\n/);
  const at = fileLines?.[base.line - 1]?.[base.col - 1];
  if (at === '|' || at === '>') {
    const next = fileLines?.[base.line] ?? '';
    const indent = next.length - next.trimStart().length;
    return { file: base.file, line: base.line + 1 + lineInStr, col: indent + 1 + colInLine };
  }
  const quote = at === '"' || at === "'" ? 1 : 0;
  if (lineInStr === 0) return { file: base.file, line: base.line, col: base.col + quote + colInLine };
  return { file: base.file, line: base.line + lineInStr, col: colInLine + 1 };
}
