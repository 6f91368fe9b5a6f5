// Fused cross-entropy / NLL kernels and gather / scatter-add, against JS references, with
// out-of-range targets and indices refused before any memory is touched.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native.js';
import { expectClose, randomArray } from '../helpers.js';

function refCrossEntropy(x: Float64Array, t: Int32Array, w: Float64Array | null, ignore: number, N: number, C: number) {
  const lse = new Float64Array(N), nll = new Float64Array(N), smooth = new Float64Array(N), rw = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const row = x.subarray(n * C, (n + 1) * C);
    const mx = row.reduce((a, b) => Math.max(a, b), -Infinity);
    lse[n] = Math.log(row.reduce((a, b) => a + Math.exp(b - mx), 0)) + mx;
    if (t[n] === ignore) continue;
    const wt = w ? w[t[n]] : 1;
    nll[n] = -wt * (row[t[n]] - lse[n]);
    smooth[n] = -row.reduce((a, b, c) => a + (w ? w[c] : 1) * (b - lse[n]), 0);
    rw[n] = wt;
  }
  return { lse, nll, smooth, rw };
}

describe('crossEntropy kernels', () => {
  for (const weighted of [false, true]) {
    it(`forward and backward${weighted ? ' with class weights' : ''} and an ignored row`, () => {
      const N = 37, C = 11, ignore = -100;
      const x = randomArray(Float64Array, 4 + N * C, 1, -5, 5);
      const xs = x.subarray(4);
      const t = Int32Array.from({ length: N }, (_, n) => (n === 5 ? ignore : (n * 7) % C));
      const w = weighted ? randomArray(Float64Array, C, 2, 0.1, 2) : null;
      const out = { stats: new Float64Array(2 * N), nll: new Float64Array(N), smooth: new Float64Array(N), rw: new Float64Array(N) };
      const lay = new Float64Array([4, N, C]);
      native.crossEntropy(x, t, w, ignore, lay, out.stats, out.nll, out.smooth, out.rw);
      const ref = refCrossEntropy(Float64Array.from(xs), t, w, ignore, N, C);
      expectClose(out.stats.filter((_, i) => i % 2 === 0).map((m, n) => m + out.stats[2 * n + 1]), ref.lse, 1e-12, 1e-12);
      expectClose(out.nll, ref.nll, 1e-12, 1e-12);
      expectClose(out.smooth, ref.smooth, 1e-12, 1e-12);
      expectClose(out.rw, ref.rw, 1e-12, 1e-12);

      // backward of sum_n g_n (a * nll_n + b * smooth_n) against central differences
      const g = randomArray(Float64Array, N, 3);
      const a = 0.9, b = 0.1 / C;
      const dx = new Float64Array(N * C);
      native.crossEntropyBackward(dx, x, t, w, ignore, lay, out.stats, g, a, b);
      const loss = (xx: Float64Array) => {
        const r = refCrossEntropy(xx, t, w, ignore, N, C);
        let s = 0;
        for (let n = 0; n < N; n++) s += g[n] * (a * r.nll[n] + b * r.smooth[n]);
        return s;
      };
      const base = Float64Array.from(xs);
      for (const i of [0, 3, 5 * C + 2, 17, N * C - 1]) {
        const p = base.slice(); p[i] += 1e-6;
        const m = base.slice(); m[i] -= 1e-6;
        const numeric = (loss(p) - loss(m)) / 2e-6;
        expect(Math.abs(dx[i] - numeric)).toBeLessThan(1e-6);
      }
    });
  }

  it('nllLoss and its backward pick the target entries', () => {
    const x = Float32Array.from([0.1, 0.2, 0.7, 0.5, 0.3, 0.2]);
    const t = new Int32Array([2, 0]);
    const nll = new Float32Array(2), rw = new Float32Array(2);
    native.nllLoss(x, t, null, -100, new Float64Array([0, 2, 3]), nll, rw);
    expectClose(nll, [-0.7, -0.5]);
    const dx = new Float32Array(6).fill(9);
    native.nllLossBackward(dx, t, null, -100, new Float64Array([0, 2, 3]), new Float32Array([1]), 0.5);
    expect(Array.from(dx)).toEqual([0, 0, -0.5, -0.5, 0, 0]);
  });

  it('refuses out-of-range targets, short outputs and mismatched weights', () => {
    const x = new Float32Array(6);
    const o = () => new Float32Array(2);
    const lay = new Float64Array([0, 2, 3]);
    expect(() => native.crossEntropy(x, new Int32Array([0, 3]), null, -100, lay, o(), o(), o(), o())).toThrow(/target 3 at position 1 is out of bounds for 3 classes/);
    expect(() => native.crossEntropy(x, new Int32Array([-1, 0]), null, -100, lay, o(), o(), o(), o())).toThrow(RangeError);
    expect(() => native.crossEntropy(x, new Int32Array([0]), null, -100, lay, o(), o(), o(), o())).toThrow(/'target' is too short/);
    expect(() => native.crossEntropy(x, new Int32Array([0, 1]), new Float32Array(2), -100, lay, o(), o(), o(), o())).toThrow(/'weight' is too short/);
    expect(() => native.crossEntropy(x, new Int32Array([0, 1]), null, -100, lay, new Float32Array(1), o(), o(), o())).toThrow(/'stats' is too short/);
    expect(() => native.crossEntropy(x, new Float32Array([0, 1]) as unknown as Int32Array, null, -100, lay, o(), o(), o(), o())).toThrow(/Int32Array/);
    expect(() => native.crossEntropy(x, new Int32Array([0, 1]), null, -100, new Float64Array([1, 2, 3]), o(), o(), o(), o())).toThrow(/'input' is too short/);
  });
});

describe('gather and scatterAdd', () => {
  it('gather along each dim of a 3-D tensor, and scatterAdd inverts it', () => {
    const shape = [3, 4, 5];
    const x = randomArray(Float64Array, 60, 4);
    const strides = [20, 5, 1];
    for (let dim = 0; dim < 3; dim++) {
      const ishape = shape.slice();
      ishape[dim] = 6;  // more picks than the dim has: indices repeat
      const n = ishape.reduce((a, b) => a * b, 1);
      const idx = Int32Array.from({ length: n }, (_, k) => (k * 7) % shape[dim]);
      const istr = [ishape[1] * ishape[2], ishape[2], 1];
      const out = new Float64Array(n);
      const lay = new Float64Array([3, dim, ...ishape, shape[dim], 0, ...istr, 0, ...istr, 0, ...strides]);
      native.gather(out, x, idx, lay);
      const target = new Float64Array(60);
      native.scatterAdd(target, out, idx, lay);
      const expectTarget = new Float64Array(60);
      let k = 0;
      for (let i = 0; i < ishape[0]; i++) for (let j = 0; j < ishape[1]; j++) for (let l = 0; l < ishape[2]; l++) {
        const pos = [i, j, l];
        pos[dim] = idx[k];
        const src = pos[0] * 20 + pos[1] * 5 + pos[2];
        expect(out[k]).toBe(x[src]);
        expectTarget[src] += out[k];
        k++;
      }
      expectClose(target, expectTarget, 1e-12, 1e-12);
    }
  });

  it('refuses indices outside the dim before reading anything', () => {
    const x = new Float32Array(6);
    const lay = new Float64Array([1, 0, 2, 6, 0, 1, 0, 1, 0, 1]);
    expect(() => native.gather(new Float32Array(2), x, new Int32Array([0, 6]), lay)).toThrow(/index 6 is out of bounds for dimension 0 with size 6/);
    expect(() => native.gather(new Float32Array(2), x, new Int32Array([-1, 0]), lay)).toThrow(RangeError);
    expect(() => native.gather(new Float32Array(2), x, new Int32Array([0]), lay)).toThrow(/'index' is too short/);
    expect(() => native.gather(new Float32Array(2), new Float32Array(5), new Int32Array([0, 1]), lay)).toThrow(/'x' is too short/);
    expect(() => native.scatterAdd(new Float32Array(6), new Float32Array(2), new Int32Array([7, 0]), lay)).toThrow(RangeError);
    expect(() => native.gather(new Float32Array(2), x, new Int32Array([0, 1]), new Float64Array([1, 1, 2, 6, 0, 1, 0, 1, 0, 1]))).toThrow(RangeError);
  });
});
