// Reductions and softmax along the middle axis of [outer, R, inner], against JS references.
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../../lib/native.js';
import { expectClose, randomArray, type FloatCtor } from '../helpers.js';

const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 1], [3, 1023, 1], [1, 200001, 1], [5, 7, 3], [2, 9, 1023], [1, 3, 300], [4, 0, 2], [0, 3, 2], [1000, 13, 1],
];

function refReduce(op: string, x: ArrayLike<number>, o: number, R: number, inner: number, j: number, correction = 1): number {
  const vals: number[] = [];
  for (let r = 0; r < R; r++) vals.push(x[(o * R + r) * inner + j]);
  const sum = vals.reduce((a, b) => a + b, 0);
  const mean = sum / R;
  const v = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(0, R - correction);
  const firstIndex = (better: (a: number, b: number) => boolean) => {
    let bi = 0;
    for (let i = 1; i < R; i++) if (better(vals[i], vals[bi])) bi = i;
    return bi;
  };
  switch (op) {
    case 'sum': return sum;
    case 'mean': return R === 0 ? NaN : mean;
    case 'max': return vals.reduce((a, b) => (b > a ? b : a));
    case 'min': return vals.reduce((a, b) => (b < a ? b : a));
    case 'argmax': return firstIndex((a, b) => a > b);
    case 'argmin': return firstIndex((a, b) => a < b);
    case 'var': return R === 0 ? NaN : v;
    case 'std': return R === 0 ? NaN : Math.sqrt(v);
  }
  throw new Error(op);
}

afterAll(() => native.setNumThreads(2));

describe('reduce', () => {
  for (const [dname, ctor] of [['float32', Float32Array], ['float64', Float64Array]] as [string, FloatCtor][]) {
    for (const op of ['sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'var', 'std'] as const) {
      it(`${op} ${dname} over every layout`, () => {
        for (const [outer, R, inner] of SHAPES) {
          if (R === 0 && ['max', 'min', 'argmax', 'argmin'].includes(op)) continue;
          const x = randomArray(ctor, 2 + outer * R * inner, outer + R + inner);
          if (op === 'argmax' && R > 2) x[2 + 1 * inner] = x[2 + 2 * inner] = 99;  // a tie: the first index wins
          const index = op === 'argmax' || op === 'argmin';
          const out = index ? new Int32Array(outer * inner) : new ctor(outer * inner);
          native.reduce(native.reduceOps[op], out, x, new Float64Array([2, 0, outer, R, inner]));
          const expected = new Float64Array(outer * inner);
          const xs = x.subarray(2);
          for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) expected[o * inner + j] = refReduce(op, xs, o, R, inner, j);
          const tol = ctor === Float32Array ? 1e-5 : 1e-11;
          expectClose(out, expected, tol, tol);
        }
      });
    }
  }

  it('propagates NaN through max and argmax like PyTorch', () => {
    const x = new Float32Array([1, NaN, 3, 2]);
    const v = new Float32Array(1);
    const i = new Int32Array(1);
    const lay = new Float64Array([0, 0, 1, 4, 1]);
    native.reduce(native.reduceOps.max, v, x, lay);
    native.reduce(native.reduceOps.argmax, i, x, lay);
    expect(Number.isNaN(v[0])).toBe(true);
    expect(i[0]).toBe(1);
  });

  it('honours var correction', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    const out = new Float64Array(1);
    native.reduce(native.reduceOps.var, out, x, new Float64Array([0, 0, 1, 4, 1]), 0);
    expect(out[0]).toBeCloseTo(1.25, 12);
  });

  it('gives bitwise equal sums on 1 and 2 threads', () => {
    const x = randomArray(Float32Array, 3_000_001, 9);
    const sums = [1, 2].map((t) => {
      native.setNumThreads(t);
      const out = new Float32Array(1);
      native.reduce(native.reduceOps.sum, out, x, new Float64Array([0, 0, 1, x.length, 1]));
      return out[0];
    });
    expect(sums[0]).toBe(sums[1]);
  });

  it('rejects bad calls', () => {
    const x = new Float32Array(6);
    expect(() => native.reduce(native.reduceOps.sum, new Float32Array(2), x, new Float64Array([0, 0, 2, 4, 1]))).toThrow(/'x' is too short/);
    expect(() => native.reduce(native.reduceOps.sum, new Float32Array(1), x, new Float64Array([0, 0, 2, 3, 1]))).toThrow(/'out' is too short/);
    expect(() => native.reduce(native.reduceOps.argmax, new Float32Array(2), x, new Float64Array([0, 0, 2, 3, 1]))).toThrow(/Int32Array/);
    expect(() => native.reduce(native.reduceOps.max, new Float32Array(2), x, new Float64Array([0, 0, 2, 0, 1]))).toThrow(/empty dimension/);
    expect(() => native.reduce(native.reduceOps.mean, new Int32Array(2), new Int32Array(6), new Float64Array([0, 0, 2, 3, 1]))).toThrow(TypeError);
    expect(() => native.reduce(native.reduceOps.sum, x, x, new Float64Array([0, 0, 2, 3, 1]))).toThrow(/overlaps/);
    expect(() => native.reduce(42, x, x, new Float64Array([0, 0, 1, 1, 1]))).toThrow(RangeError);
  });
});

describe('softmax and log-softmax', () => {
  for (const log of [false, true]) {
    it(`${log ? 'log-softmax' : 'softmax'} forward and backward along any axis`, () => {
      for (const [outer, R, inner] of [[4, 10, 1], [2, 5, 3], [1, 1, 1], [3, 1000, 1]] as const) {
        const n = outer * R * inner;
        const x = randomArray(Float64Array, n, R, -30, 30);
        const y = new Float64Array(n);
        native.softmax(log, y, x, new Float64Array([0, 0, outer, R, inner]));
        const g = randomArray(Float64Array, n, R + 1);
        const dx = new Float64Array(n);
        native.softmaxBackward(log, dx, g, y, new Float64Array([0, 0, 0, outer, R, inner]));
        for (let o = 0; o < outer; o++) {
          for (let j = 0; j < inner; j++) {
            const idx = (r: number) => (o * R + r) * inner + j;
            const mx = Math.max(...Array.from({ length: R }, (_, r) => x[idx(r)]));
            const z = Array.from({ length: R }, (_, r) => Math.exp(x[idx(r)] - mx)).reduce((a, b) => a + b, 0);
            const p = (r: number) => Math.exp(x[idx(r)] - mx) / z;
            const gp = Array.from({ length: R }, (_, r) => g[idx(r)] * p(r)).reduce((a, b) => a + b, 0);
            const gs = Array.from({ length: R }, (_, r) => g[idx(r)]).reduce((a, b) => a + b, 0);
            for (let r = 0; r < R; r++) {
              const want = log ? Math.log(p(r)) : p(r);
              expect(Math.abs(y[idx(r)] - want)).toBeLessThan(1e-9);
              const wantGrad = log ? g[idx(r)] - p(r) * gs : p(r) * (g[idx(r)] - gp);
              expect(Math.abs(dx[idx(r)] - wantGrad)).toBeLessThan(1e-9);
            }
          }
        }
      }
    });
  }

  it('stays finite for huge logits', () => {
    const x = new Float32Array([1000, 0, -1000]);
    const y = new Float32Array(3);
    native.softmax(true, y, x, new Float64Array([0, 0, 1, 3, 1]));
    expect(Array.from(y)).toEqual([0, -1000, -2000]);
  });

  it('rejects bad calls', () => {
    expect(() => native.softmax(false, new Float32Array(2), new Float32Array(3), new Float64Array([0, 0, 1, 3, 1]))).toThrow(/'out' is too short/);
    expect(() => native.softmax(1 as unknown as boolean, new Float32Array(3), new Float32Array(3), new Float64Array([0, 0, 1, 3, 1]))).toThrow(/boolean/);
    expect(() => native.softmaxBackward(false, new Float32Array(3), new Float64Array(3), new Float32Array(3), new Float64Array([0, 0, 0, 1, 3, 1]))).toThrow(/same type/);
  });
});
