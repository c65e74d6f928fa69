// Python's random.Random(seed), so that `x | random(seed=inventory_hostname)` picks what Ansible picks: the
// Mersenne Twister (MT19937) seeded as Python seeds it (a string: its UTF-8 bytes followed by their SHA-512,
// read as one big-endian integer; an integer: its absolute value), choice() and randrange() drawing as Python
// draws (getrandbits of the bound's bit length, again until below the bound). Written from the published
// algorithm; the expected values in the tests come from Python 3.11.
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  constructor(seed: string | number | bigint) {
    this.initByArray(keyOf(seed));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private next32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A random integer of k bits (Python's getrandbits: 32-bit words from the least significant). */
  getrandbits(k: number): bigint {
    if (k <= 32) return BigInt(this.next32() >>> (32 - k));
    let out = 0n;
    for (let shift = 0n, left = k; left > 0; shift += 32n, left -= 32) {
      const r = left < 32 ? this.next32() >>> (32 - left) : this.next32();
      out |= BigInt(r) << shift;
    }
    return out;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    if (n <= 0) return 0;
    const big = BigInt(n);
    const k = big.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= big) r = this.getrandbits(k);
    return Number(r);
  }

  /** Python's randrange(start, stop, step). */
  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 1) {
      if (width <= 0) throw new RangeError(`empty range for randrange() (${start}, ${stop})`);
      return start + this.below(width);
    }
    if (step === 0) throw new RangeError('zero step for randrange()');
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${step})`);
    return start + step * this.below(n);
  }
}

/** The 32-bit words (least significant first) of the integer Python seeds with. */
function keyOf(seed: string | number | bigint): number[] {
  let a: bigint;
  if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    a = BigInt(`0x${all.toString('hex') || '0'}`);
  } else a = BigInt(seed);
  if (a < 0n) a = -a;
  const key: number[] = [];
  while (a > 0n) {
    key.push(Number(a & 0xffffffffn));
    a >>= 32n;
  }
  return key.length ? key : [0];
}
