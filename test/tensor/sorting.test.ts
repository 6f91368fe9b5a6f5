// sort, topk, kthvalue and median against a JS reference on data with ties, NaN, signed
// zeros and infinities, along inner and outer dims: stable order, NaN above every number.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { rng } from '../helpers.js';

function data(n: number, seed: number): number[] {
  const r = rng(seed);
  const specials = [NaN, Infinity, -Infinity, 0, -0];
  return Array.from({ length: n }, () => (r() < 0.1 ? specials[Math.floor(r() * specials.length)] : Math.round((r() - 0.5) * 10) / 2));
}

/** A stable reference order: NaN above everything, -0 equal to +0. */
function refOrder(values: number[], descending: boolean): number[] {
  const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const idx = values.map((_, i) => i);
  return idx.sort((a, b) => {
    const x = rank(values[a]);
    const y = rank(values[b]);
    const nx = Number.isNaN(values[a]);
    const ny = Number.isNaN(values[b]);
    if (nx !== ny) return (nx ? 1 : -1) * (descending ? -1 : 1);
    if (x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    return a - b;
  });
}

/** The lanes of x along dim, as arrays. */
function lanes(x: Tensor, dim: number): number[][] {
  const moved = x.movedim(dim, -1).contiguous();
  const n = x.shape[dim];
  const flat = Array.from(moved.toTypedArray());
  return Array.from({ length: flat.length / n }, (_, i) => flat.slice(i * n, (i + 1) * n));
}

describe('ordering ops against a reference', () => {
  for (const dtype of ['float32', 'float64', 'int32'] as const) {
    for (const [shape, dim] of [[[7, 300], 1], [[300, 5], 0], [[3, 40, 6], 1]] as [number[], number][]) {
      it(`sort, topk, kthvalue, median of ${dtype} ${JSON.stringify(shape)} along ${dim}`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        let values = data(n, n + dim);
        if (dtype === 'int32') values = values.map((v) => (Number.isFinite(v) ? Math.round(v) : 3));
        const x = kd.tensor(values, { dtype }).reshape(shape);
        for (const descending of [false, true]) {
          const { values: sv, indices: si } = x.sort(dim, descending);
          const gotV = lanes(sv, dim);
          const gotI = lanes(si, dim);
          lanes(x, dim).forEach((lane, l) => {
            const order = refOrder(lane, descending);
            expect(gotI[l]).toEqual(order);
            expect(gotV[l].map((v) => (Object.is(v, -0) ? 0 : v))).toEqual(order.map((i) => (Object.is(lane[i], -0) ? 0 : lane[i])));
          });
          const k = 5;
          const top = x.topk(k, dim, descending);
          const topV = lanes(top.values, dim);
          const topI = lanes(top.indices, dim);
          lanes(x, dim).forEach((lane, l) => {
            const order = refOrder(lane, descending).slice(0, k);
            expect(topV[l]).toEqual(order.map((i) => lane[i]));
            // ties may pick any of the equal elements; each index must hold its value
            topI[l].forEach((i, j) => expect(Object.is(lane[i], topV[l][j]) || lane[i] === topV[l][j]).toBe(true));
          });
        }
        const kth = x.kthvalue(3, dim);
        const med = x.median(dim);
        const kthV = Array.from(kth.values.reshape([-1]).toTypedArray());
        const medV = Array.from(med.values.reshape([-1]).toTypedArray());
        lanes(x, dim).forEach((lane, l) => {
          const asc = refOrder(lane, false).map((i) => lane[i]);
          expect(kthV[l] === asc[2] || (Number.isNaN(kthV[l]) && Number.isNaN(asc[2]))).toBe(true);
          const want = lane.some(Number.isNaN) ? NaN : asc[(lane.length - 1) >> 1];
          expect(medV[l] === want || (Number.isNaN(medV[l]) && Number.isNaN(want))).toBe(true);
        });
      });
    }
  }
});
