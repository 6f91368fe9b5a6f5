// Random calls of einsum, scatterReduce, the sorts and scans with ties, unique, searchsorted,
// the shape ops and the index family against PyTorch 1.13 in float64: outputs, and the
// gradients of every float input for a random upstream gradient, taken with autograd.grad's
// positional grad_outputs as PyTorch code passes them (test/fixtures/surface_random.json, from
// make_surface_random.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

interface Data { data: number[]; shape: number[]; dtype: 'float64' | 'int32' | 'bool' }
interface Case { op: string; inputs: Data[]; params: Record<string, any>; outputs: Data[]; upstream?: Data[]; grads?: (Data | null)[] }
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'surface_random.json'), 'utf8'));

const make = (t: Data): Tensor => kd.tensor(t.data, { dtype: t.dtype }).reshape(t.shape);
const pair = (r: { values: Tensor; indices: Tensor }) => [r.values, r.indices];
type Call = (p: Case['params'], ...xs: Tensor[]) => Tensor | Tensor[];
const OPS: Record<string, Call> = {
  einsum: (p, ...xs) => kd.einsum(p.eq, ...xs),
  scatterReduce: (p, x, i, s) => x.scatterReduce(p.dim, i, s, p.reduce, { includeSelf: p.includeSelf }),
  sort: (p, x) => pair(x.sort({ dim: p.dim, descending: p.descending, stable: true })),
  argsort: (p, x) => x.argsort({ dim: p.dim, descending: p.descending, stable: true }),
  topk: (p, x) => pair(x.topk(p.k, p.dim, p.largest)),
  kthvalue: (p, x) => pair(x.kthvalue(p.k, p.dim, p.keepdim)),
  cummax: (p, x) => pair(x.cummax(p.dim)),
  cummin: (p, x) => pair(x.cummin(p.dim)),
  unique: (p, x) => {
    const r = x.unique({ sorted: true, returnInverse: p.returnInverse, returnCounts: p.returnCounts });
    return Array.isArray(r) ? r : [r];
  },
  searchsorted: (p, s, v) => kd.searchsorted(s, v, { right: p.right }),
  roll: (p, x) => x.roll(p.shifts, p.dims),
  flip: (p, x) => x.flip(p.dims),
  repeatInterleave: (p, x) => x.repeatInterleave(Array.isArray(p.repeats) ? kd.tensor(p.repeats, { dtype: 'int32' }) : p.repeats, p.dim),
  movedim: (p, x) => x.movedim(p.source, p.destination),
  tile: (p, x) => x.tile(p.dims),
  diagonal: (p, x) => x.diagonal(p.offset, p.dim1, p.dim2),
  tril: (p, x) => x.tril(p.diagonal),
  triu: (p, x) => x.triu(p.diagonal),
  trace: (_, x) => x.trace(),
  chunk: (p, x) => x.chunk(p.chunks, p.dim),
  split: (p, x) => x.split(p.splitSize, p.dim),
  tensorSplit: (p, x) => x.tensorSplit(p.sections, p.dim),
  rot90: (p, x) => kd.rot90(x, p.k, p.dims),
  indexAdd: (p, x, i, s) => x.indexAdd(p.dim, i, s, { alpha: p.alpha }),
  indexCopy: (p, x, i, s) => x.indexCopy(p.dim, i, s),
  indexFill: (p, x, i) => x.indexFill(p.dim, i, p.value),
  indexSelect: (p, x, i) => x.indexSelect(p.dim, i),
  takeAlongDim: (p, x, i) => x.takeAlongDim(i, p.dim),
  gather: (p, x, i) => x.gather(p.dim, i),
  take: (_, x, i) => x.take(i),
  scatter: (p, x, i, s) => x.scatter(p.dim, i, s),
  scatterAdd: (p, x, i, s) => x.scatterAdd(p.dim, i, s),
};

describe('random surface calls match PyTorch (float64, values and gradients)', () => {
  it('has a kindling call for every op', () => {
    expect([...new Set(cases.map((c) => c.op))].filter((n) => !(n in OPS))).toEqual([]);
  });
  cases.forEach((c, k) => {
    const shapes = c.inputs.map((t) => `${t.dtype}${JSON.stringify(t.shape)}`).join(' ');
    it(`#${k} ${c.op} ${JSON.stringify(c.params)} on ${shapes}`, () => {
      const inputs = c.inputs.map((t) => (t.dtype === 'float64' && c.grads ? make(t).requiresGrad_() : make(t)));
      const result = OPS[c.op](c.params, ...inputs);
      const outs = Array.isArray(result) ? result : [result];
      expect(outs.length).toBe(c.outputs.length);
      outs.forEach((o, i) => {
        expect(o.shape).toEqual(c.outputs[i].shape);
        expect(o.dtype).toBe(c.outputs[i].dtype);
        expectClose(o.detach().contiguous().toTypedArray(), c.outputs[i].data, 1e-9, 1e-12);
      });
      if (!c.grads || !c.upstream) return;
      const leaves = inputs.filter((x) => x.requiresGrad);
      const grads = kd.autograd.grad(outs.filter((o) => o.requiresGrad), leaves, c.upstream.map(make), { allowUnused: true });
      grads.forEach((g, i) => {
        const want = c.grads![i];
        if (want === null) return;
        expectClose(g === null ? new Float64Array(want.data.length) : g.contiguous().toTypedArray(), want.data, 1e-8, 1e-12);
      });
    });
  });
  it('trace of a non-square matrix sends its gradient to the diagonal only (PyTorch 1.13 fills every (cols+1)-th element)', () => {
    const x = kd.randn([3, 1], { dtype: 'float64', requiresGrad: true });
    x.trace().mul(2.5).backward();
    expect(Array.from(x.grad!.toTypedArray())).toEqual([2.5, 0, 0]);
  });
});
