/**
 * kindling's random numbers: xoshiro128** (Blackman & Vigna), a small fast generator with
 * a 128-bit state, seeded through splitmix32. One default generator feeds parameter init,
 * random tensors, dropout and shuffling, so `manualSeed(s)` makes a whole run repeatable.
 * Streams are kindling's own: seeds do not reproduce PyTorch's numbers.
 */

import { native, type FloatStorage } from '../native.js';

export class Generator {
  private s = new Uint32Array(4);
  /** The same state words, in the kind the addon reads. */
  private words = new Int32Array(this.s.buffer);
  private spareNormal: number | null = null;
  private seedValue = 0;

  constructor(seed = 67280421310721) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from a seed (any finite number; integers are typical). */
  manualSeed(seed: number): this {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new TypeError(`manualSeed: expected seed to be a finite number, but received ${String(seed)}`);
    }
    this.seedValue = seed;
    // fold the (up to 53-bit) seed into 32 bits, then expand with splitmix32
    let x = (Math.floor(seed) ^ Math.floor(seed / 4294967296)) >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spareNormal = null;
    return this;
  }

  /** The seed last given to manualSeed. */
  initialSeed(): number {
    return this.seedValue;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits (exactly representable in float32). */
  nextFloat32(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat64(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n) without modulo bias (n up to 2^32). */
  nextBelow(n: number): number {
    if (n <= 0) return 0;
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const v = this.nextUint32();
      if (v < limit) return v % n;
    }
  }

  /**
   * Fills storage[offset, offset + count) with what that many nextFloat32 (float32 storage) or
   * nextFloat64 (float64) calls would return, drawn in native code.
   */
  fillUniform(storage: FloatStorage, offset: number, count: number): void {
    native.randomUniform(this.words, storage, offset, count);
  }

  /**
   * Fills storage[offset, offset + count) with a dropout mask: 1 / (1 - p) where the sample
   * fillUniform would draw is at least p, else 0 (p in [0, 1)).
   */
  fillDropoutMask(storage: FloatStorage, offset: number, count: number, p: number): void {
    native.dropoutMask(this.words, storage, offset, count, p);
  }

  /** A standard normal sample (Box-Muller, both values used). */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat64();
    const v = this.nextFloat64();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A snapshot of the state (for checkpoints). */
  getState(): number[] {
    return [...this.s, this.spareNormal ?? NaN, this.seedValue];
  }

  setState(state: readonly number[]): void {
    if (!Array.isArray(state) || state.length !== 6) throw new TypeError('setState: expected the array getState() returned');
    for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0;
    this.spareNormal = Number.isNaN(state[4]) ? null : state[4];
    this.seedValue = state[5];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** The generator used whenever none is passed. */
export const defaultGenerator = new Generator();

/** Seeds the default generator: init, random tensors, dropout and shuffling become repeatable. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
