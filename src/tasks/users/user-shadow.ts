// The user module's shadow-file settings, Ansible's rules kept: `expires` (seconds since the epoch, compared
// by UTC day; a negative value means "never" and changes only an account that has an expiry),
// `password_expire_min`/`_max` (chage -m/-M), `password_lock` (usermod -L/-U, judged by the '!' in front of
// the hash; a given hash is compared without it), and the warning for a password that does not look hashed.
import type { Action, FactReader } from '../contract.js';
import { taskFailed } from '../lib/fsattrs.js';

export interface Shadow {
  hash: string;
  min: string;
  max: string;
  expire: string;
}

export async function getShadow(facts: FactReader, name: string): Promise<Shadow | undefined> {
  const r = await facts.probe(['getent', 'shadow', name]);
  if (r.rc === 2) return undefined;
  if (r.rc !== 0) throw taskFailed(`user: getent shadow ${name} failed (rc=${r.rc}): ${r.stderr.trim()}`);
  const f = r.stdout.trim().split('\n')[0]!.split(':');
  return { hash: f[1] ?? '', min: f[3] ?? '', max: f[4] ?? '', expire: f[7] ?? '' };
}

export interface ShadowArgs {
  expires?: number | undefined;
  password_expire_min?: number | undefined;
  password_expire_max?: number | undefined;
  password_lock?: boolean | undefined;
}

/** useradd/usermod's `-e` value: days since the epoch, '' for never. */
export function expireValue(expires: number): string {
  return expires < 0 ? '' : String(Math.floor(expires / 86400));
}

/** usermod's -e when the account's expiry differs (`cur`: the shadow field, '' or negative for never). */
export function expiresArgv(expires: number | undefined, cur: string): string[] {
  if (expires === undefined) return [];
  const days = cur.trim() === '' ? -1 : Number(cur);
  if (expires < 0) return days >= 0 ? ['-e', ''] : [];
  return days < 0 || days !== Math.floor(expires / 86400) ? ['-e', expireValue(expires)] : [];
}

/** chage for the password's minimum and maximum age, when they differ (all of them for a new account). */
export function chageAction(name: string, a: ShadowArgs, cur: Shadow | undefined): Action[] {
  const argv: string[] = [];
  if (a.password_expire_min !== undefined && cur?.min !== String(a.password_expire_min))
    argv.push('-m', String(a.password_expire_min));
  if (a.password_expire_max !== undefined && cur?.max !== String(a.password_expire_max))
    argv.push('-M', String(a.password_expire_max));
  return argv.length ? [{ exec: ['chage', ...argv, name] }] : [];
}

/** usermod -L/-U when the lock wanted differs from the hash the account will have. */
export function lockAction(name: string, lock: boolean | undefined, hash: string): Action[] {
  if (lock === true && !hash.startsWith('!')) return [{ exec: ['usermod', '-L', name] }];
  if (lock === false && hash.startsWith('!')) return [{ exec: ['usermod', '-U', name] }];
  return [];
}

const CRYPT_LENGTHS: Record<string, number> = { '1': 22, '5': 43, '6': 86 };

/** A warning when `password` does not look like a crypt(3) hash ('!', '*' and '*************' lock an account
 *  on purpose and are not warned about). */
export function passwordWarning(pw: string): string | undefined {
  if (pw === '' || pw === '*' || pw === '!' || pw === '*************') return undefined;
  const f = pw.split('$');
  const last = f[f.length - 1] ?? '';
  const hashed =
    !/[:*!]/.test(pw) &&
    f.length >= 3 &&
    !/[^a-zA-Z0-9./=]/.test(last) &&
    (CRYPT_LENGTHS[f[1]!] === undefined || CRYPT_LENGTHS[f[1]!] === last.length);
  return hashed
    ? undefined
    : 'user: the password given does not look like a crypt(3) hash: it is written to the shadow file as it ' +
        'is, so the account cannot log in with it (give a hash, e.g. from the password_hash filter)';
}
