// lookup('password', 'PATH length=N chars=ascii_letters,digits'): a random password. `/dev/null` gives a new
// one each time; a file that exists gives the password written in it (what comes before ` salt=`). Ansible also
// writes a new password to a file that does not exist: kplay writes nothing on the controller from an
// expression, and says so (docs/ansible-differences.md).
import { existsSync, readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { FilterError, type KwArgs } from './filters-base.js';
import { toText } from '../core/value-utils.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
/** Python's string module constants a `chars` name stands for. */
const SETS: Record<string, string> = {
  ascii_letters: LOWER + UPPER,
  ascii_lowercase: LOWER,
  ascii_uppercase: UPPER,
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};
const DEFAULT_CHARS = `${SETS.ascii_letters}${SETS.digits}.,:-_`;
export const PASSWORD_OPTIONS = ['length', 'chars'];

function charsOf(v: unknown): string {
  const names = Array.isArray(v) ? v.map(toText) : toText(v).split(',');
  const out = names.map((n) => (Object.hasOwn(SETS, n) ? SETS[n]! : n)).join('');
  if (!out) throw new FilterError('chars gives no character to draw from');
  return [...new Set(out)].join('');
}

/** One password per term. */
export function passwords(terms: unknown[], o: KwArgs): string[] {
  return terms.map((term) => {
    const [path, ...words] = toText(term).trim().split(/\s+/);
    const opts: KwArgs = { ...o };
    for (const w of words) {
      const m = /^(\w+)=(.*)$/.exec(w);
      if (!m || !PASSWORD_OPTIONS.includes(m[1]!))
        throw new FilterError(`'${w}': the options are ${PASSWORD_OPTIONS.map((k) => `${k}=`).join(', ')}`);
      opts[m[1]!] = m[2];
    }
    if (path && path !== '/dev/null') {
      if (!existsSync(path))
        throw new FilterError(
          `'${path}' does not exist: kplay does not write password files (make it first, or use /dev/null)`,
        );
      return readFileSync(path, 'utf8')
        .split(/ salt=| ident=/)[0]!
        .trimEnd();
    }
    const length = opts.length === undefined ? 20 : Number(opts.length);
    if (!Number.isInteger(length) || length < 1)
      throw new FilterError(`length must be a whole number, got ${String(opts.length)}`);
    const chars = opts.chars === undefined ? DEFAULT_CHARS : charsOf(opts.chars);
    return Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
  });
}
