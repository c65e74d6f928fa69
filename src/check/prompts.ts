// vars_prompt answered before connecting (playbook/vars-prompt.ts reads them): a variable given with -e is not
// asked for; with a terminal on stdin each is asked (hidden when private, twice when confirm, the default on an
// empty answer); without one, the default is taken, and a prompt without a default is a problem naming the
// variable and its place (Ansible would read an empty answer there and go on with the variable unset:
// docs/ansible-differences.md). Every play asks for its own prompts, before the run starts. A private answer is
// a secret: redacted wherever it would be printed or recorded.
import type { Problems } from '../core/errors.js';
import { addSecret } from '../core/secrets.js';
import type { Playbook, VarPrompt, Vars } from '../core/types.js';

/** How the CLI asks on a terminal. */
export interface Asker {
  ask(text: string, hidden: boolean): Promise<string>;
  say(text: string): void;
}

/** 'unattended': no terminal (defaults, or a problem); 'skip': not asked at all (--syntax-check, --list-*). */
export type PromptMode = Asker | 'unattended' | 'skip';

export const MISMATCH = '***** VALUES ENTERED DO NOT MATCH ****';

async function askOne(p: VarPrompt, a: Asker): Promise<string> {
  const text = `${p.prompt}${p.default !== undefined ? ` [${p.default}]` : ''}: `;
  for (;;) {
    let answer = await a.ask(text, p.private);
    if (answer === '' && p.default !== undefined) answer = p.default;
    if (!p.confirm) return answer;
    let again = await a.ask(`confirm ${text}`, p.private);
    if (again === '' && p.default !== undefined) again = p.default;
    if (again === answer) return answer;
    a.say(MISMATCH);
  }
}

/** Unattended: every prompt's value, or the problems of those that have none. */
export function checkPrompts(pb: Playbook, extra: Vars, problems: Problems): void {
  for (const play of pb.plays)
    for (const p of play.prompts) {
      if (p.name in extra) continue;
      if (p.default === undefined) {
        problems.add(
          `vars_prompt: no value for '${p.name}' and stdin is not a terminal to ask on: ` +
            `give it with -e ${p.name}=... (or give the prompt a default)`,
          { code: 'VARS', loc: p.loc },
        );
        continue;
      }
      setAnswer(play.vars, p, p.default);
    }
}

/** On a terminal: ask, play by play, for every prompt -e does not answer. */
export async function askPrompts(pb: Playbook, extra: Vars, a: Asker): Promise<void> {
  for (const play of pb.plays)
    for (const p of play.prompts) if (!(p.name in extra)) setAnswer(play.vars, p, await askOne(p, a));
}

function setAnswer(vars: Vars, p: VarPrompt, value: string): void {
  if (p.private && value !== '') addSecret(value);
  vars[p.name] = value;
}

/** The prompts a run answers, by mode; problems (unattended) are added to `problems`. */
export async function answerPrompts(pb: Playbook, extra: Vars, mode: PromptMode, problems: Problems): Promise<void> {
  if (mode === 'skip') return;
  if (mode === 'unattended') return checkPrompts(pb, extra, problems);
  if (problems.size > 0) return; // no question before the other problems are known
  await askPrompts(pb, extra, mode);
}
