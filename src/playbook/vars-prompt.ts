// A play's vars_prompt, read and checked at load: a list of mappings, each with a `name` (a variable name),
// `prompt` (the question; the name when missing), `default`, `private` (input hidden, the default) and
// `confirm` (asked twice). `encrypt`, `salt` and `salt_size` (crypt hashes of the answer) are refused: kplay has
// no crypt. `unsafe` is accepted (an answer is never templated). Answers: check/prompts.ts.
import type { Problems } from '../core/errors.js';
import { keyLoc, locOf, valueLoc } from '../core/places.js';
import type { Loc } from '../core/errors.js';
import type { VarPrompt, Vars } from '../core/types.js';
import { toBool } from '../core/value-utils.js';
import { isPlainObject } from '../core/value-utils.js';

export const VARS_PROMPT_KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'unsafe'];
const REFUSED = ['encrypt', 'salt', 'salt_size'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readPrompts(raw: Vars, problems: Problems, playLoc: Loc): VarPrompt[] {
  const list = raw.vars_prompt;
  if (list === undefined || list === null || !Array.isArray(list)) return [];
  const out: VarPrompt[] = [];
  list.forEach((e, i) => {
    const loc = valueLoc(list, i) ?? locOf(e) ?? playLoc;
    if (!isPlainObject(e)) {
      problems.add('vars_prompt: each entry is a mapping with a name and a prompt', { code: 'PLAYBOOK', loc });
      return;
    }
    let ok = true;
    for (const k of Object.keys(e)) {
      if (REFUSED.includes(k)) {
        problems.add(`vars_prompt: '${k}' is not supported (kplay does not hash answers); hash it in a task`, {
          code: 'UNKNOWN_KEYWORD',
          loc: keyLoc(e, k),
        });
        ok = false;
      } else if (!VARS_PROMPT_KEYS.includes(k)) {
        problems.add(`vars_prompt: unknown key '${k}' (it takes ${VARS_PROMPT_KEYS.join(', ')})`, {
          code: 'UNKNOWN_KEYWORD',
          loc: keyLoc(e, k),
        });
        ok = false;
      }
    }
    if (typeof e.name !== 'string' || !NAME.test(e.name)) {
      problems.add(`vars_prompt: 'name' must be a variable name, got ${JSON.stringify(e.name ?? null)}`, {
        code: 'PLAYBOOK',
        loc: e.name === undefined ? loc : valueLoc(e, 'name'),
      });
      return;
    }
    if (!ok) return;
    const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
    out.push({
      name: e.name,
      prompt: str(e.prompt) ?? e.name,
      default: str(e.default),
      private: e.private === undefined ? true : toBool(e.private),
      confirm: e.confirm === undefined ? false : toBool(e.confirm),
      loc: locOf(e) ?? loc,
    });
  });
  return out;
}
