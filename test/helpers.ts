/** Shared test utilities: seeded data, strided views of plain arrays, and close comparisons. */
import { expect } from 'vitest';

/** A small deterministic generator for test data (mulberry32), independent of kindling's own. */
export function rng(seed = 1): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** n values uniform in [lo, hi). */
export function randomArray(ctor: Float32ArrayConstructor, n: number, seed?: number, lo?: number, hi?: number): Float32Array;
export function randomArray(ctor: Float64ArrayConstructor, n: number, seed?: number, lo?: number, hi?: number): Float64Array;
export function randomArray(ctor: FloatCtor, n: number, seed?: number, lo?: number, hi?: number): Float32Array | Float64Array;
export function randomArray(ctor: FloatCtor, n: number, seed = 1, lo = -2, hi = 2): Float32Array | Float64Array {
  const r = rng(seed);
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= Math.max(1, shape[i]);
  }
  return s;
}

/** Every multi-index of a shape, in row-major order. */
export function* indices(shape: number[]): Generator<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    yield idx.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

export function at(offset: number, strides: number[], idx: number[]): number {
  let p = offset;
  for (let i = 0; i < idx.length; i++) p += idx[i] * strides[i];
  return p;
}

/** Element-wise closeness with NaN equal to NaN, reporting the first mismatch. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
