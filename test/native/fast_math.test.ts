// The vectorised float32 forms of sin, cos, exp, tanh and sigmoid against double-precision
// references, over ordinary and extreme inputs: within 2 ulp (sigmoid's and tanh's 1 - 2/(e+1)
// branch within 3), with NaN, infinities, signed zeros, overflow and subnormal results right.
import { describe, expect, it } from 'vitest';
import { native } from '../../lib/native.js';
import { rng } from '../helpers.js';

const U = native.unaryOps;

function inputs(): Float32Array {
  const r = rng(5);
  const v: number[] = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-30, 88.72, 88.73, 89, 100, -87.3, -103.9, -104, -200,
    0.625, -0.625, 0.6249, 8192, -8192, 8193, 1e6, -3e38, Math.PI, -Math.PI / 2];
  for (let i = 0; i < 200_000; i++) {
    const u = r();
    const scale = [1e-6, 0.1, 1, 4, 20, 90, 300, 1e4][i % 8];
    v.push((u - 0.5) * 2 * scale);
  }
  return Float32Array.from(v);
}

const sigmoid = (x: number) => (x < 0 ? Math.exp(x) / (1 + Math.exp(x)) : 1 / (1 + Math.exp(-x)));
const REFS: [string, (x: number) => number, number][] = [
  ['sin', Math.sin, 2], ['cos', Math.cos, 2], ['exp', Math.exp, 2], ['tanh', Math.tanh, 3], ['sigmoid', sigmoid, 3],
];

describe('vectorised float32 transcendental kernels', () => {
  const x = inputs();
  const layout = new Float64Array([1, x.length, 0, 1, 0, 1]);
  for (const [name, ref, maxUlp] of REFS) {
    it(`${name} is within ${maxUlp} ulp of the double-precision result`, () => {
      const out = new Float32Array(x.length);
      native.unary(U[name as keyof typeof U], out, x, layout);
      // a strided call takes the scalar path: it must agree with the vector one
      const strided = new Float32Array(2 * x.length);
      native.unary(U[name as keyof typeof U], strided, x, new Float64Array([1, x.length, 0, 2, 0, 1]));
      let worst = 0;
      let at = -1;
      for (let i = 0; i < x.length; i++) {
        const e = Math.fround(ref(x[i]));
        const got = out[i];
        expect(strided[2 * i], `${name} strided at ${x[i]}`).toBe(got);
        if (Number.isNaN(e)) {
          expect(got, `${name}(${x[i]})`).toBeNaN();
          continue;
        }
        if (got === e) {
          if (e === 0) expect(Object.is(got, e), `${name}(${x[i]}) keeps the zero's sign`).toBe(true);
          continue;
        }
        const exact = ref(x[i]);
        const ulp = Math.max(Math.abs(exact), 2 ** -126) * 2 ** -23;
        const err = Math.abs(got - exact) / Math.max(ulp, 2 ** -149);
        if (err > worst) {
          worst = err;
          at = x[i];
        }
      }
      expect(worst, `${name}: worst error ${worst.toFixed(2)} ulp at x = ${at}`).toBeLessThanOrEqual(maxUlp);
    });
  }
});
