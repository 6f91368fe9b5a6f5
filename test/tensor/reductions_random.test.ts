// Reductions, scans, sorts and selections over random dims (negative, several, keepdim) of
// random shapes — contiguous, transposed or strided views — against PyTorch 1.13 in float64
// (test/fixtures/reductions_random.json, from make_reductions_random.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

interface Case { name: string; shape: number[]; view: string; x: number[]; dims: number | number[]; keep: boolean; out: number[]; outShape: number[]; G: number[]; gx: number[] | null }
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'reductions_random.json'), 'utf8'));

type Op = (x: Tensor, d: number | number[], k: boolean) => Tensor;
const one = (d: number | number[]) => d as number;
const OPS: Record<string, Op> = {
  sum: (x, d, k) => x.sum(d, k), mean: (x, d, k) => x.mean(d, k), amax: (x, d, k) => x.amax(d, k), amin: (x, d, k) => x.amin(d, k),
  std: (x, d, k) => x.std(d, { keepdim: k }), var: (x, d, k) => x.var(d, { unbiased: false, keepdim: k }), logsumexp: (x, d, k) => x.logsumexp(d, k),
  norm: (x, d, k) => x.norm(2, d, k), norm1: (x, d, k) => x.norm(1, d, k), prod: (x, d, k) => x.prod(one(d), k),
  cumsum: (x, d) => x.cumsum(one(d)), cumprod: (x, d) => x.cumprod(one(d)), softmax: (x, d) => x.softmax(one(d)), logSoftmax: (x, d) => x.logSoftmax(one(d)),
  maxdim: (x, d, k) => x.max(one(d), k).values, mindim: (x, d, k) => x.min(one(d), k).values, argmax: (x, d, k) => x.argmax(one(d), k).double(),
  median: (x, d, k) => x.median(one(d), k).values, sortv: (x, d, k) => x.sort(one(d), k).values, sorti: (x, d, k) => x.sort(one(d), k).indices.double(),
  topk: (x, d, k) => x.topk(Math.min(2, x.size(one(d))), one(d), k).values, kthvalue: (x, d, k) => x.kthvalue(1, one(d), k).values,
  cummax: (x, d) => x.cummax(one(d)).values, logcumsumexp: (x, d) => x.logcumsumexp(one(d)), flip: (x, d) => x.flip(d), roll: (x, d) => x.roll(2, one(d)),
};

/** The case's input as the view PyTorch used: contiguous, transposed, or every other element of a bigger tensor. */
function input(c: Case): Tensor {
  const dense = kd.tensor(c.x, { dtype: 'float64' }).reshape(c.shape);
  const last = c.shape.length - 1;
  if (c.view === 'transposed') return dense.transpose(0, last).contiguous().transpose(0, last);
  if (c.view === 'sliced') {
    let v = kd.zeros(c.shape.map((s) => s * 2), { dtype: 'float64' });
    c.shape.forEach((_, d) => { v = v.slice(d, 0, null, 2); });
    return v.copy_(dense);
  }
  return dense;
}

describe('reductions over random dims and views match PyTorch (float64)', () => {
  it('has a kindling call for every op', () => {
    expect([...new Set(cases.map((c) => c.name))].filter((n) => !(n in OPS))).toEqual([]);
  });
  cases.forEach((c, k) => {
    it(`#${k} ${c.name} ${JSON.stringify(c.shape)} ${c.view} dims=${JSON.stringify(c.dims)} keepdim=${c.keep}`, () => {
      const x = input(c).detach().requiresGrad_();
      const out = OPS[c.name](x, c.dims, c.keep);
      expect(out.shape).toEqual(c.outShape);
      expectClose(out.detach().contiguous().toTypedArray(), c.out, 1e-9, 1e-12);
      if (!c.gx || !out.requiresGrad) return;
      out.mul(kd.tensor(c.G, { dtype: 'float64' }).reshape(c.outShape)).sum().backward();
      expectClose(x.grad!.toTypedArray(), c.gx, 1e-8, 1e-12);
    });
  });
});
