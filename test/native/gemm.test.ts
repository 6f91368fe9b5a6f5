// GEMM through the addon against a plain-JS triple loop: transposes, padded leading
// dimensions, alpha/beta, batches with broadcast operands, empty sizes, and bad calls.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native.js';
import { expectClose, randomArray, type FloatCtor } from '../helpers.js';

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  pad: number;
  alpha: number;
  beta: number;
}

/** A row-major [rows, cols] matrix stored with leading dimension cols + pad, at an offset. */
function matrix(ctor: FloatCtor, rows: number, cols: number, pad: number, seed: number, batches = 1) {
  const ld = Math.max(1, cols + pad);
  const per = rows * ld;
  const off = 3;
  return { buf: randomArray(ctor, off + batches * per, seed), ld, off, per };
}

function reference(c: Case, A: ReturnType<typeof matrix>, B: ReturnType<typeof matrix>, C0: Float64Array, aOff: number, bOff: number) {
  const out = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let p = 0; p < c.k; p++) {
        const a = c.transA ? A.buf[aOff + p * A.ld + i] : A.buf[aOff + i * A.ld + p];
        const b = c.transB ? B.buf[bOff + j * B.ld + p] : B.buf[bOff + p * B.ld + j];
        s += a * b;
      }
      out[i * c.n + j] = c.alpha * s + (c.beta === 0 ? 0 : c.beta * C0[i * c.n + j]);
    }
  }
  return out;
}

const CASES: Case[] = [];
for (const [m, n, k] of [[1, 1, 1], [7, 5, 3], [33, 17, 65], [1, 64, 9], [64, 1, 9], [5, 7, 0], [0, 4, 3], [130, 70, 257]]) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      CASES.push({ m, n, k, transA, transB, pad: (m + n) % 3, alpha: 1, beta: 0 });
    }
  }
}
CASES.push({ m: 9, n: 11, k: 13, transA: false, transB: true, pad: 2, alpha: -0.5, beta: 1 });
CASES.push({ m: 9, n: 11, k: 13, transA: true, transB: false, pad: 0, alpha: 2, beta: 0.25 });

function layoutFor(c: Case, A: { ld: number; off: number }, B: { ld: number; off: number }, batch: number[] = [], strides: number[][] = [[], [], []]) {
  return new Float64Array([
    c.transA ? 1 : 0, c.transB ? 1 : 0, c.m, c.n, c.k, A.ld, B.ld, Math.max(1, c.n), A.off, B.off, 0,
    batch.length, ...batch, ...strides[0], ...strides[1], ...strides[2],
  ]);
}

describe('gemm', () => {
  for (const [dname, ctor] of [['float32', Float32Array], ['float64', Float64Array]] as [string, FloatCtor][]) {
    for (const c of CASES) {
      it(`${dname} m=${c.m} n=${c.n} k=${c.k} transA=${c.transA} transB=${c.transB} alpha=${c.alpha} beta=${c.beta}`, () => {
        const A = c.transA ? matrix(ctor, c.k, c.m, c.pad, 1) : matrix(ctor, c.m, c.k, c.pad, 1);
        const B = c.transB ? matrix(ctor, c.n, c.k, c.pad, 2) : matrix(ctor, c.k, c.n, c.pad, 2);
        const C = randomArray(ctor, c.m * c.n, 3);
        const C0 = Float64Array.from(C);
        native.gemm(A.buf, B.buf, C, layoutFor(c, A, B), c.alpha, c.beta);
        const tol = ctor === Float32Array ? 1e-4 : 1e-10;
        expectClose(C, reference(c, A, B, C0, A.off, B.off), tol, tol);
      });
    }
  }

  it('runs batches with per-operand strides, broadcasting a stride-0 operand', () => {
    const c: Case = { m: 6, n: 5, k: 4, transA: false, transB: true, pad: 1, alpha: 1, beta: 0 };
    const batch = [3, 2];
    const A = matrix(Float64Array, c.m, c.k, c.pad, 4, 3);  // one matrix per outer batch, shared across the inner
    const B = matrix(Float64Array, c.n, c.k, c.pad, 5, 6);
    const C = new Float64Array(6 * c.m * c.n);
    const aStr = [A.per, 0];
    const bStr = [2 * B.per, B.per];
    const cStr = [2 * c.m * c.n, c.m * c.n];
    native.gemm(A.buf, B.buf, C, layoutFor(c, A, B, batch, [aStr, bStr, cStr]), 1, 0);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        const ref = reference(c, A, B, new Float64Array(c.m * c.n), A.off + i * aStr[0] + j * aStr[1], B.off + i * bStr[0] + j * bStr[1]);
        const got = C.subarray(i * cStr[0] + j * cStr[1], i * cStr[0] + j * cStr[1] + c.m * c.n);
        expectClose(got, ref, 1e-10, 1e-10);
      }
    }
  });

  it('runs many small batched products over the pool with the same results as one thread', () => {
    const c: Case = { m: 8, n: 8, k: 8, transA: false, transB: false, pad: 0, alpha: 1, beta: 0 };
    const A = matrix(Float32Array, 8, 8, 0, 6, 64);
    const B = matrix(Float32Array, 8, 8, 0, 7, 64);
    const run = (threads: number) => {
      native.setNumThreads(threads);
      const C = new Float32Array(64 * 64);
      native.gemm(A.buf, B.buf, C, layoutFor(c, A, B, [64], [[64], [64], [64]]), 1, 0);
      return C;
    };
    const one = run(1);
    const two = run(2);
    expect(Array.from(two)).toEqual(Array.from(one));
    const ref = reference(c, A, B, new Float64Array(64), A.off + 63 * 64, B.off + 63 * 64);
    expectClose(two.subarray(63 * 64), ref, 1e-4, 1e-4);
  });

  it('splits a single mid-sized product over the pool by rows or columns, each part matching the reference', () => {
    // products of 2^20 to 2^23 multiply-adds run as one single-threaded GEMM per pool thread
    const before = native.getNumThreads();
    try {
      for (const [m, n, k] of [[20, 800, 200], [300, 9, 400], [37, 211, 150]]) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const c: Case = { m, n, k, transA, transB, pad: 3, alpha: -0.5, beta: 0.25 };
            const A = transA ? matrix(Float64Array, k, m, c.pad, 8) : matrix(Float64Array, m, k, c.pad, 8);
            const B = transB ? matrix(Float64Array, n, k, c.pad, 9) : matrix(Float64Array, k, n, c.pad, 9);
            const C0 = randomArray(Float64Array, m * n, 10);
            const ref = reference(c, A, B, Float64Array.from(C0), A.off, B.off);
            for (const threads of [1, 2, 3]) {
              native.setNumThreads(threads);
              const C = Float64Array.from(C0);
              native.gemm(A.buf, B.buf, C, layoutFor(c, A, B), c.alpha, c.beta);
              expectClose(C, ref, 1e-10, 1e-10);
            }
          }
        }
      }
    } finally {
      native.setNumThreads(before);
    }
  });

  it('with k = 0 scales C by beta', () => {
    const C = new Float32Array([1, 2, 3, 4]);
    const e = new Float32Array(0);
    native.gemm(e, e, C, new Float64Array([0, 0, 2, 2, 0, 1, 2, 2, 0, 0, 0, 0]), 1, 0.5);
    expect(Array.from(C)).toEqual([0.5, 1, 1.5, 2]);
  });

  describe('bad calls', () => {
    const A = new Float32Array(6);
    const B = new Float32Array(6);
    const C = new Float32Array(4);
    const lay = (over: Partial<Record<number, number>> = {}) => {
      const l = [0, 0, 2, 2, 3, 3, 2, 2, 0, 0, 0, 0];
      for (const [i, v] of Object.entries(over)) l[Number(i)] = v as number;
      return new Float64Array(l);
    };

    it('accepts the well-formed call', () => {
      expect(() => native.gemm(A, B, C, lay(), 1, 0)).not.toThrow();
    });

    it('rejects mixed types, bool buffers, and non-integer scales for Int32Array operands', () => {
      expect(() => native.gemm(A, new Float64Array(6), C, lay(), 1, 0)).toThrow(/same type/);
      expect(() => native.gemm(new Int32Array(6), B, C, lay(), 1, 0)).toThrow(/same type/);
      expect(() => native.gemm(new Uint8Array(6) as unknown as Int32Array, new Uint8Array(6) as unknown as Int32Array, new Uint8Array(4) as unknown as Int32Array, lay(), 1, 0)).toThrow(/Float32Array, Float64Array or Int32Array/);
      const I = new Int32Array(6), O = new Int32Array(4).fill(9);
      expect(() => native.gemm(I, I, O, lay(), 1.5, 0)).toThrow(/alpha and beta must be int32 integers/);
      expect(() => native.gemm(I, I, O, lay(), 1, NaN)).toThrow(/alpha and beta must be int32 integers/);
      expect(Array.from(O)).toEqual([9, 9, 9, 9]);
    });

    it('multiplies Int32Array operands with wrap-around, alpha and beta', () => {
      const I = new Int32Array([1, 2, 3, 4, 5, 6]);  // [2, 3]
      const J = new Int32Array([2147483647, 1, 1, 1, 1, 1]);  // [3, 2]
      const O = new Int32Array([1, 1, 1, 1]);
      native.gemm(I, J, O, lay(), 2, -1);
      const ref = (r: number, c: number) => [0, 1, 2].reduce((s, k) => s + I[r * 3 + k] * J[k * 2 + c], 0);
      expect(Array.from(O)).toEqual([0, 1, 2, 3].map((i) => ((2 * ref(i >> 1, i & 1) - 1) | 0)));
    });

    it('rejects short buffers, small leading dimensions and negative sizes', () => {
      expect(() => native.gemm(new Float32Array(5), B, C, lay(), 1, 0)).toThrow(/'a' is too short/);
      expect(() => native.gemm(A, B, new Float32Array(3), lay(), 1, 0)).toThrow(/'c' is too short/);
      expect(() => native.gemm(A, B, C, lay({ 5: 2 }), 1, 0)).toThrow(/leading dimension of 'a'/);
      expect(() => native.gemm(A, B, C, lay({ 2: -1 }), 1, 0)).toThrow(RangeError);
      expect(() => native.gemm(A, B, C, lay({ 8: 1 }), 1, 0)).toThrow(/'a' is too short/);
      expect(() => native.gemm(A, B, C, lay({ 11: 1 }), 1, 0)).toThrow(/too short/);
    });

    it('rejects an output that overlaps an input or aliases across batches', () => {
      const big = new Float32Array(16);
      expect(() => native.gemm(big, B, big, new Float64Array([0, 0, 2, 2, 3, 3, 2, 2, 0, 0, 8, 0]), 1, 0)).not.toThrow();
      expect(() => native.gemm(big, B, big, new Float64Array([0, 0, 2, 2, 3, 3, 2, 2, 0, 0, 4, 0]), 1, 0)).toThrow(/overlaps input 'a'/);
      expect(() => native.gemm(A, B, big, new Float64Array([0, 0, 2, 2, 3, 3, 2, 2, 0, 0, 0, 1, 2, 0, 0, 0]), 1, 0)).toThrow(/alias/);
    });
  });
});
