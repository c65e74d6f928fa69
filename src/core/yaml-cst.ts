// Where an unclosed quoted string or flow collection ([ or {) opened: the YAML parser notices the missing end
// only where the file ends or the next structure begins, which is no help to the reader. Read from yaml's
// concrete syntax tree (its tokens keep their offsets).
import { Parser } from 'yaml';

interface Tok {
  type?: string;
  offset?: number;
  source?: string;
  start?: { source?: string };
  end?: Array<{ source?: string }>;
}

function closed(t: Tok): boolean {
  const src = t.source ?? '';
  if (t.type === 'double-quoted-scalar') return src.length > 1 && /(^|[^\\])(\\\\)*"$/.test(src.slice(1));
  if (t.type === 'single-quoted-scalar')
    return src.length > 1 && src.endsWith("'") && !src.slice(1, -1).replace(/''/g, '').includes("'");
  if (t.type === 'flow-collection') return (t.end ?? []).some((e) => e.source === ']' || e.source === '}');
  return true;
}

/** What opens a token: a quote, `[` or `{`. */
function opener(t: Tok): string | undefined {
  if (t.type === 'flow-collection') return t.start?.source;
  if (t.type === 'double-quoted-scalar' || t.type === 'single-quoted-scalar') return t.source?.[0];
  return undefined;
}

/** The offset of the innermost quoted string or flow collection that is never closed, if any; `kinds` limits
 * the search to what opens with one of those characters. */
export function unclosedOpening(text: string, kinds = `"'[{`): number | undefined {
  return unclosed(text, kinds).at(-1);
}

/** The offsets of the quoted strings never closed, in order. */
export function unclosedQuotes(text: string): number[] {
  return unclosed(text, `"'`);
}

function unclosed(text: string, kinds: string): number[] {
  const found: number[] = [];
  const visit = (t: unknown): void => {
    if (!t || typeof t !== 'object') return;
    if (Array.isArray(t)) return t.forEach(visit);
    const tok = t as Tok;
    if (typeof tok.offset === 'number' && kinds.includes(opener(tok) ?? '\0') && !closed(tok)) found.push(tok.offset);
    for (const v of Object.values(tok)) if (v && typeof v === 'object') visit(v);
  };
  for (const tok of new Parser().parse(text)) visit(tok);
  return found.sort((a, b) => a - b);
}
