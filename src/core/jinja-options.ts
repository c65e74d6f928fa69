// The template module's Jinja settings (Ansible's `trim_blocks`, `lstrip_blocks`, `newline_sequence` and the
// six delimiter strings): how a template file is read and how its text lines end.
import { boolWord } from './value-utils.js';

export interface JinjaOptions {
  trimBlocks?: boolean | undefined;
  lstripBlocks?: boolean | undefined;
  /** What a newline of the template's text becomes ('\n', '\r' or '\r\n'). */
  newline?: string | undefined;
  blockStart?: string | undefined;
  blockEnd?: string | undefined;
  variableStart?: string | undefined;
  variableEnd?: string | undefined;
  commentStart?: string | undefined;
  commentEnd?: string | undefined;
  /** The template module's dest: the template's `template_destpath` variable (not a setting of Jinja's). */
  destPath?: string | undefined;
}

/** The delimiters in effect, Jinja's by default. */
export function tagsOf(o: JinjaOptions = {}) {
  return {
    blockStart: o.blockStart ?? '{%',
    blockEnd: o.blockEnd ?? '%}',
    variableStart: o.variableStart ?? '{{',
    variableEnd: o.variableEnd ?? '}}',
    commentStart: o.commentStart ?? '{#',
    commentEnd: o.commentEnd ?? '#}',
  };
}

/** A key telling apart two option sets that read a template differently (newline is applied after). */
export function optionsKey(o: JinjaOptions = {}): string {
  const t = tagsOf(o);
  return JSON.stringify([o.trimBlocks ?? true, o.lstripBlocks ?? false, ...Object.values(t)]);
}

const NEWLINES: Record<string, string> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r' };
NEWLINES['\\r\\n'] = '\r\n';

/** The newline a `newline_sequence` argument names (the escaped spelling `'\r\n'` too), or undefined. */
export function newlineOf(v: string): string | undefined {
  return Object.hasOwn(NEWLINES, v) ? NEWLINES[v] : undefined;
}

/** The template module's arguments as Jinja options (arguments not given stay Ansible's defaults). */
export function jinjaOptionsOf(a: Record<string, unknown>): JinjaOptions {
  const s = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
  const b = (k: string) => boolWord(a[k]);
  const nl = s('newline_sequence');
  return {
    trimBlocks: b('trim_blocks'),
    lstripBlocks: b('lstrip_blocks'),
    newline: nl === undefined ? undefined : newlineOf(nl),
    blockStart: s('block_start_string'),
    blockEnd: s('block_end_string'),
    variableStart: s('variable_start_string'),
    variableEnd: s('variable_end_string'),
    commentStart: s('comment_start_string'),
    commentEnd: s('comment_end_string'),
  };
}
