// Checks on a play's own keywords: the known names (with "did you mean"), value types, serial's forms.
import { didYouMean, type Problems } from '../core/errors.js';
import { PLAY_KEYWORDS, UNSUPPORTED } from './keywords.js';
import { checkKeywordContents } from './keyword-contents.js';
import { keyLoc, valueLoc } from '../core/places.js';
import type { Vars } from '../core/types.js';

/** Keywords of tasks and blocks that a play does not take (in PLAY_KEYWORDS through the shared ones). */
export const NOT_ON_PLAYS = ['when'];

export function checkPlayKeywords(raw: Vars, problems: Problems): void {
  for (const [k, v] of Object.entries(raw)) {
    if (k in UNSUPPORTED) {
      problems.add(`'${k}' is not supported: ${UNSUPPORTED[k]}`, { code: 'UNKNOWN_KEYWORD', loc: keyLoc(raw, k) });
      continue;
    }
    const check = PLAY_KEYWORDS[k];
    if (!check || NOT_ON_PLAYS.includes(k)) {
      const near = didYouMean(k, Object.keys(PLAY_KEYWORDS));
      const extra = k === 'when' ? ' (a play has no when; put it on its tasks, a block or import_playbook)' : '';
      problems.add(`unknown play keyword '${k}'${near && k !== 'when' ? ` (did you mean '${near}'?)` : ''}${extra}`, {
        code: 'UNKNOWN_KEYWORD',
        loc: keyLoc(raw, k),
      });
      continue;
    }
    const wrong = check(v);
    if (wrong) problems.add(`${k}: ${wrong}`, { code: 'PLAYBOOK', loc: valueLoc(raw, k) });
  }
  checkKeywordContents(raw, problems);
  const serials = raw.serial === undefined ? [] : Array.isArray(raw.serial) ? raw.serial : [raw.serial];
  serials.forEach((s, i) => {
    const ok = (typeof s === 'number' && s >= 0) || (typeof s === 'string' && /^(\d+%?|\{\{.*\}\})$/.test(s.trim()));
    const loc = Array.isArray(raw.serial) ? valueLoc(raw.serial, i) : valueLoc(raw, 'serial');
    if (!ok)
      problems.add(`serial: ${JSON.stringify(s)} is not a number or a percentage like "30%"`, {
        code: 'PLAYBOOK',
        loc,
      });
  });
}
