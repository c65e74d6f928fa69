// A template's own Jinja settings, as Ansible reads them from a first line `#jinja2: key: value, key: value`
// (values are Python literals): trim_blocks, lstrip_blocks, newline_sequence, the delimiter strings and
// line_statement_prefix (a line starting with it is a statement: `: if x` is `{% if x %}`). The line is not
// part of the text. A line kplay cannot read fails the render, as in Ansible (a task's rescue can catch it).
import { type JinjaOptions, newlineOf, tagsOf } from '../../core/jinja-options.js';
import { pyLiteral } from '../../expr/literal-eval.js';

const HEADER = '#jinja2:';

export interface Overridden {
  src: string;
  o: JinjaOptions;
  /** Lines removed from the top of the text (the header). */
  shift: number;
  problem?: string;
}

const STRINGS: Record<string, keyof JinjaOptions> = {
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines starting with the prefix as block statements (a trailing `:` dropped, as Jinja allows). */
function lineStatements(src: string, prefix: string, o: JinjaOptions): string {
  const t = tagsOf(o);
  const re = new RegExp(`^[ \\t]*${escapeRe(prefix)}(.*?):?[ \\t]*(\\r?\\n|$)`, 'gm');
  const keepNewline = o.trimBlocks ?? true;
  return src.replace(
    re,
    (_m, stmt: string, nl: string) => `${t.blockStart} ${stmt} ${t.blockEnd}${keepNewline ? nl : ''}`,
  );
}

export function withOverrides(src: string, o: JinjaOptions): Overridden {
  if (!src.startsWith(HEADER)) return { src, o, shift: 0 };
  const eol = src.indexOf('\n');
  const line = src.slice(HEADER.length, eol < 0 ? undefined : eol).replace(/\r$/, '');
  const body = eol < 0 ? '' : src.slice(eol + 1);
  const out: JinjaOptions = { ...o };
  const fail = (problem: string): Overridden => ({ src: body, o, shift: 1, problem });
  let prefix: string | undefined;
  for (const pair of line.split(',')) {
    const i = pair.indexOf(':');
    if (i < 0) return fail(`failed to parse jinja2 override '${line.trim()}': each setting is key: value`);
    const key = pair.slice(0, i).trim();
    const lit = pyLiteral(pair.slice(i + 1).trim());
    if (!lit) return fail(`failed to parse jinja2 override '${key}': its value is not a Python literal`);
    const v = lit.value;
    if ((key === 'trim_blocks' || key === 'lstrip_blocks') && typeof v === 'boolean') {
      out[key === 'trim_blocks' ? 'trimBlocks' : 'lstripBlocks'] = v;
    } else if (key === 'newline_sequence' && typeof v === 'string' && newlineOf(v)) out.newline = newlineOf(v);
    else if (Object.hasOwn(STRINGS, key) && typeof v === 'string' && v)
      (out as Record<string, unknown>)[STRINGS[key]!] = v;
    else if (key === 'line_statement_prefix' && typeof v === 'string' && v) prefix = v;
    else return fail(`failed to parse jinja2 override '${key}': kplay does not take that setting or value`);
  }
  return { src: prefix ? lineStatements(body, prefix, out) : body, o: out, shift: 1 };
}
