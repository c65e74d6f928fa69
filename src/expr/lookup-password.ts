// lookup('password', 'PATH length=N chars=ascii_letters,digits encrypt=sha512_crypt seed=S'): as Ansible's
// password lookup. `/dev/null` gives a new password each time (the same one for the same `seed`). Another path
// (relative to the playbook's folder) is a file on the controller: read when it exists (the password, then
// ` salt=` and ` ident=`), else made with a new password (its folders 0700, the file 0600), as Ansible does; a
// salt `encrypt` needs is added to the file. With `encrypt`, the answer is the password's crypt hash. kplay's
// differences (docs/ansible-differences.md): a check run writes no file, and the password is a secret, masked
// wherever kplay prints it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { FilterError, type KwArgs } from './filters-base.js';
import { PyRandom } from './py-random.js';
import { shaCrypt } from './sha-crypt.js';
import { addSecret } from '../core/secrets.js';
import { scopeGet, toText } from '../core/value-utils.js';

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
const SALT_CHARS = `${SETS.ascii_letters}${SETS.digits}./`;
export const PASSWORD_OPTIONS = ['length', 'chars', 'encrypt', 'ident', 'seed'];
/** The crypt schemes kplay makes, by Ansible's `encrypt` names; each takes a 16-character salt. */
const SCHEMES: Record<string, 'sha256' | 'sha512'> = { sha256_crypt: 'sha256', sha512_crypt: 'sha512' };

/** The characters to draw from: string-module names or literal characters, quotes left out (as Ansible). */
function charsOf(v: unknown): string {
  const names = Array.isArray(v) ? v.map(toText) : toText(v).split(',');
  const out = names
    .map((n) => (Object.hasOwn(SETS, n) ? SETS[n]! : n))
    .join('')
    .replace(/["']/g, '');
  if (!out) throw new FilterError('chars gives no character to draw from');
  return out;
}

function draw(length: number, chars: string, seed?: unknown): string {
  const r = seed === undefined || seed === null ? undefined : new PyRandom(toText(seed));
  return Array.from({ length }, () => chars[r ? r.below(chars.length) : randomInt(chars.length)]).join('');
}

/** The file's text: the password, then its salt and ident (the last ` salt=`, then the last ` ident=`). */
function parseContent(text: string): { password: string; salt?: string; ident?: string } {
  const s = text.lastIndexOf(' salt=');
  if (s < 0) return { password: text };
  const rest = text.slice(s + 6);
  const i = rest.lastIndexOf(' ident=');
  return {
    password: text.slice(0, s),
    salt: i < 0 ? rest : rest.slice(0, i),
    ...(i < 0 ? {} : { ident: rest.slice(i + 7) }),
  };
}

function options(term: string, o: KwArgs): { path: string; opts: KwArgs } {
  const [path, ...words] = term.trim().split(/\s+/);
  const opts: KwArgs = { ...o };
  for (const w of words) {
    const m = /^(\w+)=(.*)$/.exec(w);
    if (!m || !PASSWORD_OPTIONS.includes(m[1]!))
      throw new FilterError(`'${w}': the options are ${PASSWORD_OPTIONS.map((k) => `${k}=`).join(', ')}`);
    opts[m[1]!] = m[2];
  }
  return { path: path ?? '', opts };
}

/** One password per term. */
export function passwords(terms: unknown[], o: KwArgs, scope: object): string[] {
  return terms.map((term) => {
    const { path, opts } = options(toText(term), o);
    const length = opts.length === undefined ? 20 : Number(opts.length);
    if (!Number.isInteger(length) || length < 1)
      throw new FilterError(`length must be a whole number, got ${String(opts.length)}`);
    const encrypt = opts.encrypt ? toText(opts.encrypt) : undefined;
    const scheme = encrypt === undefined ? undefined : SCHEMES[encrypt];
    if (encrypt !== undefined && !scheme)
      throw new FilterError(`encrypt: kplay makes ${Object.keys(SCHEMES).join(' and ')}, not '${encrypt}'`);
    const chars = opts.chars === undefined ? DEFAULT_CHARS : charsOf(opts.chars);
    const file = path === '/dev/null' ? undefined : resolve(toText(scopeGet(scope, 'playbook_dir') ?? '.'), path);
    const stored = file && existsSync(file) ? parseContent(readFileSync(file, 'utf8').trimEnd()) : undefined;
    const password = stored?.password ?? draw(length, chars, opts.seed);
    let salt = stored?.salt;
    const ident = stored?.ident ?? (opts.ident ? toText(opts.ident) : undefined);
    if (scheme && !salt) salt = draw(16, SALT_CHARS);
    addSecret(password);
    const changed = !stored || salt !== stored.salt;
    if (file && changed && scopeGet(scope, 'ansible_check_mode') !== true) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const text = salt ? `${password} salt=${salt}${ident ? ` ident=${ident}` : ''}` : password;
      writeFileSync(file, `${text}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    if (!scheme) return password;
    const hash = shaCrypt(scheme, password, salt!);
    addSecret(hash);
    return hash;
  });
}
