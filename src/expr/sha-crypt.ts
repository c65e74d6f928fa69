// password_hash: the SHA-crypt password hashes of crypt(3) (`$6$salt$...` for sha512, `$5$salt$...` for sha256),
// as the `user` module's `password` takes them, written from the published SHA-crypt specification. A missing
// salt is 16 random characters of [./0-9A-Za-z]; `rounds` other than 5000 are written as `rounds=N$`.
import { createHash, randomInt } from 'node:crypto';
import { FilterError, type Filter } from './filters-base.js';
import { toText } from '../core/value-utils.js';

const B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Kind {
  id: string;
  alg: 'sha256' | 'sha512';
  size: number;
  /** The digest's bytes, three at a time, in the order they are encoded. */
  order: number[][];
}

/** The digest's bytes in threes (i, i+n, i+2n), each three turned one further than the last: forward for
 *  sha512, backward for sha256, as the specification encodes them. */
function triples(n: number, forward: boolean): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const t = [i, i + n, i + 2 * n];
    const r = forward ? i % 3 : (3 - (i % 3)) % 3;
    return [t[r]!, t[(r + 1) % 3]!, t[(r + 2) % 3]!];
  });
}

const KINDS: Record<string, Kind> = {
  sha512: { id: '6', alg: 'sha512', size: 64, order: triples(21, true) },
  sha256: { id: '5', alg: 'sha256', size: 32, order: triples(10, false) },
};

function encode(bytes: number[], chars: number): string {
  let w = 0;
  for (const b of bytes) w = w * 256 + b;
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += B64[w % 64];
    w = Math.floor(w / 64);
  }
  return out;
}

/** Bytes of `block` repeated to `len` bytes. */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += block.length) block.copy(out, i, 0, Math.min(block.length, len - i));
  return out;
}

/** crypt(3)'s SHA-crypt of a password with a salt (at most 16 characters are used). */
export function shaCrypt(kindName: 'sha256' | 'sha512', password: string, salt: string, rounds = 5000): string {
  const k = KINDS[kindName]!;
  const p = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt, 'utf8').subarray(0, 16);
  const h = () => createHash(k.alg);
  const b = h().update(p).update(s).update(p).digest();
  const a = h().update(p).update(s);
  a.update(repeatTo(b, p.length));
  for (let n = p.length; n > 0; n >>= 1) a.update(n & 1 ? b : p);
  let c = a.digest();
  const dp = h();
  for (let i = 0; i < p.length; i++) dp.update(p);
  const pSeq = repeatTo(dp.digest(), p.length);
  const ds = h();
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(s);
  const sSeq = repeatTo(ds.digest(), s.length);
  for (let i = 0; i < rounds; i++) {
    const r = h();
    r.update(i & 1 ? pSeq : c);
    if (i % 3) r.update(sSeq);
    if (i % 7) r.update(pSeq);
    r.update(i & 1 ? c : pSeq);
    c = r.digest();
  }
  let out = '';
  for (const [x, y, z] of k.order) out += encode([c[x]!, c[y]!, c[z]!], 4);
  out += k.size === 64 ? encode([c[63]!], 2) : encode([c[31]!, c[30]!], 3);
  const head = rounds === 5000 ? '' : `rounds=${rounds}$`;
  return `$${k.id}$${head}${s.toString('utf8')}$${out}`;
}

/** `password | password_hash('sha512', salt, rounds=N)`. */
export const passwordHash: Filter = (v, [type, salt, saltSize, rounds]) => {
  const t = type === undefined || type === null ? 'sha512' : toText(type);
  if (t !== 'sha512' && t !== 'sha256')
    throw new FilterError(`password_hash: kplay makes sha512 and sha256 hashes, not '${t}'`);
  const n = rounds === undefined || rounds === null ? 5000 : Number(rounds);
  if (!Number.isInteger(n) || n < 1000 || n > 999_999_999)
    throw new FilterError(`password_hash: rounds must be a whole number from 1000, got ${String(rounds)}`);
  const size = saltSize === undefined || saltSize === null ? 16 : Number(saltSize);
  const s =
    salt === undefined || salt === null
      ? Array.from({ length: Math.min(16, size) }, () => B64[randomInt(64)]).join('')
      : toText(salt);
  if (!/^[./0-9A-Za-z]*$/.test(s)) throw new FilterError(`password_hash: a salt is made of [./0-9A-Za-z], got '${s}'`);
  return shaCrypt(t, toText(v), s, n);
};
