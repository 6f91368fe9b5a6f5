// Fused optimizer kernels against PyTorch's update rules written out plainly in JS, over
// several steps, float64 (tight) and float32 (close), plus mismatched buffers.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native.js';
import { expectClose, randomArray } from '../helpers.js';

const N = 100003;  // above the thread grain, not a multiple of the vector width
const STEPS = 5;

/** Runs `steps` of an optimizer through the kernel and the reference, from the same start. */
function race(
  kernel: (p: Float64Array, g: Float64Array, step: number) => void,
  reference: (p: number[], g: number[], step: number) => void,
) {
  const p = randomArray(Float64Array, N, 1);
  const ref = Array.from(p);
  for (let s = 1; s <= STEPS; s++) {
    const g = randomArray(Float64Array, N, 100 + s);
    kernel(p, g, s);
    reference(ref, Array.from(g), s);
  }
  expectClose(p, ref, 1e-12, 1e-12);
}

describe('fused optimizer steps', () => {
  for (const o of [
    { momentum: 0, dampening: 0, nesterov: false, wd: 0, maximize: false },
    { momentum: 0.9, dampening: 0.1, nesterov: false, wd: 0.01, maximize: false },
    { momentum: 0.9, dampening: 0, nesterov: true, wd: 0, maximize: true },
  ]) {
    it(`sgd ${JSON.stringify(o)}`, () => {
      const lr = 0.05;
      const buf = new Float64Array(N);
      const refBuf: number[] = [];
      race(
        (p, g, s) => native.sgd(p, g, o.momentum ? buf : null, lr, o.momentum, o.dampening, o.wd, o.nesterov, o.maximize, s === 1),
        (p, g, s) => {
          for (let i = 0; i < N; i++) {
            let d = o.maximize ? -g[i] : g[i];
            d += o.wd * p[i];
            if (o.momentum) {
              refBuf[i] = s === 1 ? d : refBuf[i] * o.momentum + (1 - o.dampening) * d;
              d = o.nesterov ? d + o.momentum * refBuf[i] : refBuf[i];
            }
            p[i] -= lr * d;
          }
        },
      );
    });
  }

  it('adagrad with lr decay and weight decay', () => {
    const sum = new Float64Array(N).fill(0.1);
    const ref = new Array<number>(N).fill(0.1);
    const lr = 0.1, lrDecay = 0.01, wd = 0.001, eps = 1e-10;
    race(
      (p, g, s) => native.adagrad(p, g, sum, lr / (1 + (s - 1) * lrDecay), wd, eps, false),
      (p, g, s) => {
        const clr = lr / (1 + (s - 1) * lrDecay);
        for (let i = 0; i < N; i++) {
          const d = g[i] + wd * p[i];
          ref[i] += d * d;
          p[i] -= clr * (d / (Math.sqrt(ref[i]) + eps));
        }
      },
    );
  });

  for (const o of [{ centered: false, momentum: 0 }, { centered: true, momentum: 0.5 }]) {
    it(`rmsprop ${JSON.stringify(o)}`, () => {
      const lr = 0.01, alpha = 0.99, eps = 1e-8, wd = 0.01;
      const sq = new Float64Array(N), ga = new Float64Array(N), mb = new Float64Array(N);
      const rsq = new Array<number>(N).fill(0), rga = new Array<number>(N).fill(0), rmb = new Array<number>(N).fill(0);
      race(
        (p, g) => native.rmsprop(p, g, sq, o.centered ? ga : null, o.momentum ? mb : null, lr, alpha, eps, wd, o.momentum, false),
        (p, g) => {
          for (let i = 0; i < N; i++) {
            const d = g[i] + wd * p[i];
            rsq[i] = rsq[i] * alpha + (1 - alpha) * d * d;
            let avg: number;
            if (o.centered) {
              rga[i] = rga[i] * alpha + (1 - alpha) * d;
              avg = Math.sqrt(rsq[i] - rga[i] * rga[i]) + eps;
            } else {
              avg = Math.sqrt(rsq[i]) + eps;
            }
            if (o.momentum) {
              rmb[i] = rmb[i] * o.momentum + d / avg;
              p[i] -= lr * rmb[i];
            } else {
              p[i] -= lr * (d / avg);
            }
          }
        },
      );
    });
  }

  for (const o of [{ amsgrad: false, decoupled: false, wd: 0 }, { amsgrad: true, decoupled: false, wd: 0.1 }, { amsgrad: false, decoupled: true, wd: 0.01 }]) {
    it(`adam ${JSON.stringify(o)}`, () => {
      const lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
      const m = new Float64Array(N), v = new Float64Array(N), vmax = new Float64Array(N);
      const rm = new Array<number>(N).fill(0), rv = new Array<number>(N).fill(0), rmax = new Array<number>(N).fill(0);
      race(
        (p, g, s) => native.adam(p, g, m, v, o.amsgrad ? vmax : null, lr, b1, b2, eps, o.wd, s, o.decoupled, false),
        (p, g, s) => {
          const bc1 = 1 - b1 ** s;
          const bc2 = Math.sqrt(1 - b2 ** s);
          for (let i = 0; i < N; i++) {
            if (o.decoupled) p[i] *= 1 - lr * o.wd;
            const d = o.decoupled ? g[i] : g[i] + o.wd * p[i];
            rm[i] = rm[i] * b1 + (1 - b1) * d;
            rv[i] = rv[i] * b2 + (1 - b2) * d * d;
            let vv = rv[i];
            if (o.amsgrad) vv = rmax[i] = Math.max(rmax[i], rv[i]);
            p[i] -= (lr / bc1) * (rm[i] / (Math.sqrt(vv) / bc2 + eps));
          }
        },
      );
    });
  }

  it('float32 adam stays within float rounding of the float64 reference', () => {
    const p32 = randomArray(Float32Array, 1000, 7);
    const p64 = Float64Array.from(p32);
    const s32 = [new Float32Array(1000), new Float32Array(1000)];
    const s64 = [new Float64Array(1000), new Float64Array(1000)];
    for (let s = 1; s <= 10; s++) {
      const g = randomArray(Float64Array, 1000, s);
      native.adam(p32, Float32Array.from(g), s32[0], s32[1], null, 1e-2, 0.9, 0.999, 1e-8, 0, s, false, false);
      native.adam(p64, g, s64[0], s64[1], null, 1e-2, 0.9, 0.999, 1e-8, 0, s, false, false);
    }
    expectClose(p32, p64, 1e-5, 1e-6);
  });

  it('flushes subnormal moments to zero inside the update (they are 10-100x slower on x86), then restores the FP mode', () => {
    const p = new Float32Array([1, 1]);
    const g = new Float32Array([0, 1e-3]);
    const m = new Float32Array([2e-39, 0]);  // subnormal in float32
    const v = new Float32Array([1e-6, 0]);
    native.adam(p, g, m, v, null, 1e-3, 0.9, 0.999, 1e-8, 0, 1, false, false);
    expect(m[0]).toBe(0);
    expect(p[0]).toBe(1);
    expect(m[1]).toBeCloseTo(1e-4, 8);
    const tiny = Number.MIN_VALUE;  // JS doubles keep their subnormals afterwards
    expect(tiny * 1).toBe(Number.MIN_VALUE);
    expect(tiny / 2 + tiny).toBeGreaterThan(0);
  });

  it('refuses buffers of other lengths or types', () => {
    const p = new Float32Array(4);
    expect(() => native.sgd(p, new Float32Array(3), null, 0.1, 0, 0, 0, false, false, true)).toThrow(/'grad' has 3 elements but 'param' has 4/);
    expect(() => native.adam(p, p.slice(), new Float64Array(4), p.slice(), null, 1, 0.9, 0.9, 1e-8, 0, 1, false, false)).toThrow(/same type/);
    expect(() => native.adam(p, p.slice(), p.slice(), p.slice(), null, 1, 0.9, 0.9, 1e-8, 0, 0, false, false)).toThrow(/'step'/);
    expect(() => native.rmsprop(p, p.slice(), p.slice(), new Float32Array(5), null, 1, 0.9, 1e-8, 0, 0, false)).toThrow(/'gradAvg'/);
    expect(() => native.adagrad(new Int32Array(4) as unknown as Float32Array, p, p, 1, 0, 1e-10, false)).toThrow(TypeError);
  });
});
