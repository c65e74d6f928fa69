// A site's .env, checked line by line before dotenv reads it (dotenv skips a line it cannot read, silently: a
// secret with a typo would simply be missing). Each line is blank, a `# comment`, or KEY=value (`export ` may
// stand before it); a value that opens a quote must close it (double and backtick quotes may span lines).
import type { Loc } from '../core/errors.js';
import { PROTO_KEY, PROTO_MESSAGE } from '../core/own-keys.js';

export interface EnvProblem {
  message: string;
  loc: Loc;
}

const LINE = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/;

export function checkDotenv(text: string, file: string): EnvProblem[] {
  const out: EnvProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) {
      out.push({
        message: `.env: expected KEY=value, got ${JSON.stringify(line.trim())}`,
        loc: { file, line: i + 1, col: line.length - line.trimStart().length + 1 },
      });
      continue;
    }
    const [, lead, key, eq, value] = m as unknown as [string, string, string, string, string];
    if (key === PROTO_KEY)
      out.push({ message: `.env: ${PROTO_MESSAGE}`, loc: { file, line: i + 1, col: lead.length + 1 } });
    const q = value[0];
    if (q !== '"' && q !== "'" && q !== '`') continue;
    const col = lead.length + key.length + eq.length + 1;
    const closes = (s: string) => s.replace(/\\./g, '').includes(q);
    if (closes(value.slice(1))) continue;
    // single quotes close on their line; the others may span lines, as dotenv reads them
    let j = i + 1;
    if (q !== "'") while (j < lines.length && !closes(lines[j]!)) j++;
    if (q === "'" || j >= lines.length)
      out.push({
        message: `.env: the value of ${key} opens a quote (${q}) that is never closed`,
        loc: { file, line: i + 1, col },
      });
    else i = j;
  }
  return out;
}
