// Random calls of the tensor surface against PyTorch 1.13 in float64: outputs, and the
// gradients of every float input for a random upstream gradient, taken with autograd.grad's
// positional grad_outputs as PyTorch code passes them. surface_random.json (make_surface_random.py):
// einsum, scatterReduce, sorts and scans with ties, unique, searchsorted, shape ops, the index
// family; math_random.json (make_math_random.py): matmul broadcasting and the linear algebra
// helpers, reductions over zeros, ties and NaN, broadcasting pointwise math, creation;
// functional_random.json (make_functional_random.py): activations at their kinks, grid
// sampling, interpolation, fold, shuffles, 1-d and lp pooling, convTranspose1d, cropping pads.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

interface Data { data: (number | boolean | 'nan' | 'inf' | '-inf')[]; shape: number[]; dtype: 'float64' | 'int32' | 'bool' }
interface Case { op: string; inputs: Data[]; params: Record<string, any>; outputs: Data[]; upstream?: Data[]; grads?: (Data | null)[] }
const here = dirname(fileURLToPath(import.meta.url));
const load = (name: string): Case[] => JSON.parse(readFileSync(join(here, '..', 'fixtures', name), 'utf8'));
const cases: Case[] = [...load('surface_random.json'), ...load('math_random.json'), ...load('functional_random.json')];
const F = kd.nn.functional;

const NON_FINITE = { nan: NaN, inf: Infinity, '-inf': -Infinity };
const numbers = (t: Data): number[] => t.data.map((v) => (typeof v === 'string' ? NON_FINITE[v] : Number(v)));
const make = (t: Data): Tensor => kd.tensor(numbers(t), { dtype: t.dtype }).reshape(t.shape);
const order = (p: unknown) => (p === 'inf' ? Infinity : p === '-inf' ? -Infinity : p) as number;
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
  matmul: (_, a, b) => a.matmul(b),
  addmm: (p, c, a, b) => kd.addmm(c, a, b, { beta: p.beta, alpha: p.alpha }),
  baddbmm: (p, c, a, b) => kd.baddbmm(c, a, b, { beta: p.beta, alpha: p.alpha }),
  kron: (_, a, b) => kd.kron(a, b),
  cross: (p, a, b) => kd.cross(a, b, p.dim),
  outer: (_, a, b) => kd.outer(a, b),
  tensordot: (p, a, b) => kd.tensordot(a, b, p.dims),
  prod: (p, x) => x.prod(p.dim),
  prodall: (_, x) => x.prod(),
  cumprod: (p, x) => x.cumprod(p.dim),
  cumsum: (p, x) => x.cumsum(p.dim),
  norm: (p, x) => x.norm(order(p.p), p.dim, p.keepdim),
  var: (p, x) => x.var(p.dim, { correction: p.correction, keepdim: p.keepdim }),
  std: (p, x) => x.std(p.dim, { correction: p.correction, keepdim: p.keepdim }),
  median: (p, x) => pair(x.median(p.dim)),
  medianall: (_, x) => x.median(),
  nanmedian: (p, x) => pair(x.nanmedian(p.dim)),
  nanmedianall: (_, x) => x.nanmedian(),
  mode: (p, x) => pair(x.mode(p.dim)),
  logsumexp: (p, x) => x.logsumexp(p.dim),
  aminmax: (p, x) => { const r = x.aminmax({ dim: p.dim }); return [r.min, r.max]; },
  countNonzero: (p, x) => x.countNonzero(p.dim),
  nansum: (p, x) => x.nansum(p.dim),
  nanmean: (p, x) => x.nanmean(p.dim),
  clampT: (_, x, lo, hi) => x.clamp(lo, hi),
  lerp: (p, x, e) => x.lerp(e, p.weight),
  lerpT: (_, x, e, w) => x.lerp(e, w),
  addcmul: (p, x, a, b) => x.addcmul(a, b, { value: p.value }),
  addcdiv: (p, x, a, b) => x.addcdiv(a, b, { value: p.value }),
  atan2: (_, a, b) => a.atan2(b),
  hypot: (_, a, b) => a.hypot(b),
  pow: (_, a, b) => a.pow(b),
  powS: (p, a) => a.pow(p.exponent),
  xlogy: (_, a, b) => a.xlogy(b),
  fmod: (_, a, b) => a.fmod(b),
  remainder: (_, a, b) => a.remainder(b),
  maximum: (_, a, b) => a.maximum(b),
  fmax: (_, a, b) => a.fmax(b),
  copysign: (_, a, b) => a.copysign(b),
  where: (_, c, a, b) => kd.where(c, a, b),
  logaddexp: (_, a, b) => a.logaddexp(b),
  dist: (p, a, b) => a.dist(b, p.p),
  cosineSimilarity: (p, a, b) => kd.nn.functional.cosineSimilarity(a, b, p.dim),
  normalize: (p, a) => kd.nn.functional.normalize(a, { p: p.p, dim: p.dim }),
  pairwiseDistance: (_, a, b) => kd.nn.functional.pairwiseDistance(a, b),
  arange: (p) => kd.arange(p.start, p.end, p.step, { dtype: 'float64' }),
  linspace: (p) => kd.linspace(p.start, p.end, p.steps, { dtype: 'float64' }),
  logspace: (p) => kd.logspace(p.start, p.end, p.steps, p.base, { dtype: 'float64' }),
  eye: (p) => kd.eye(p.n, p.m, { dtype: 'float64' }),
  hardtanh: (p, x) => F.hardtanh(x, p.min, p.max),
  softplus: (p, x) => F.softplus(x, p.beta, p.threshold),
  elu: (p, x) => F.elu(x, p.alpha),
  celu: (p, x) => F.celu(x, p.alpha),
  selu: (_, x) => F.selu(x),
  gelu: (_, x) => F.gelu(x),
  geluTanh: (_, x) => F.gelu(x, { approximate: 'tanh' }),
  leakyRelu: (p, x) => F.leakyRelu(x, p.slope),
  threshold: (p, x) => F.threshold(x, p.t, p.v),
  softshrink: (p, x) => F.softshrink(x, p.lambd),
  hardshrink: (p, x) => F.hardshrink(x, p.lambd),
  rrelu: (p, x) => F.rrelu(x, p.lower, p.upper, false),
  glu: (p, x) => F.glu(x, p.dim),
  prelu: (_, x, w) => F.prelu(x, w),
  relu6: (_, x) => F.relu6(x),
  hardsigmoid: (_, x) => F.hardsigmoid(x),
  hardswish: (_, x) => F.hardswish(x),
  silu: (_, x) => F.silu(x),
  mish: (_, x) => F.mish(x),
  logsigmoid: (_, x) => F.logsigmoid(x),
  softsign: (_, x) => F.softsign(x),
  tanhshrink: (_, x) => F.tanhshrink(x),
  softmin: (p, x) => F.softmin(x, p.dim),
  softmax: (p, x) => F.softmax(x, p.dim),
  logSoftmax: (p, x) => F.logSoftmax(x, p.dim),
  gridSample: (p, x, g) => F.gridSample(x, g, { mode: p.mode, paddingMode: p.paddingMode, alignCorners: p.alignCorners }),
  affineGrid: (p, t) => F.affineGrid(t, p.size, { alignCorners: p.alignCorners }),
  interpolate: (p, x) => F.interpolate(x, { size: p.size, scaleFactor: p.scaleFactor, mode: p.mode, alignCorners: p.alignCorners }),
  fold: (p, x) => F.fold(x, p.outputSize, p.kernelSize, { stride: p.stride, padding: p.padding, dilation: p.dilation }),
  pixelShuffle: (p, x) => F.pixelShuffle(x, p.r),
  pixelUnshuffle: (p, x) => F.pixelUnshuffle(x, p.r),
  channelShuffle: (p, x) => F.channelShuffle(x, p.groups),
  maxPool1d: (p, x) => F.maxPool1d(x, p.k, { stride: p.stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceilMode, returnIndices: true }),
  avgPool1d: (p, x) => F.avgPool1d(x, p.k, { stride: p.stride, padding: p.padding, ceilMode: p.ceilMode, countIncludePad: p.countIncludePad }),
  lpPool1d: (p, x) => F.lpPool1d(x, p.normType, p.k, { stride: p.stride, ceilMode: p.ceilMode }),
  lpPool2d: (p, x) => F.lpPool2d(x, p.normType, p.k, { stride: p.stride, ceilMode: p.ceilMode }),
  adaptiveAvgPool1d: (p, x) => F.adaptiveAvgPool1d(x, p.o),
  adaptiveMaxPool1d: (p, x) => F.adaptiveMaxPool1d(x, p.o, { returnIndices: true }),
  convTranspose1d: (p, x, w, b) => F.convTranspose1d(x, w, b ?? null, { stride: p.stride, padding: p.padding, outputPadding: p.outputPadding, dilation: p.dilation, groups: p.groups }),
  pad: (p, x) => F.pad(x, p.pad, p.mode === 'constant' ? { mode: 'constant', value: p.value } : { mode: p.mode }),
  localResponseNorm: (p, x) => F.localResponseNorm(x, p.size, 0.1, 0.75, 1),
};

// PyTorch 1.13's hardsigmoid gradient multiplies by 1/6 rounded to float32, in float64 too
const GRAD_RTOL: Record<string, number> = { hardsigmoid: 1e-7 };

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
        expectClose(o.detach().contiguous().toTypedArray(), numbers(c.outputs[i]), 1e-9, 1e-12);
      });
      if (!c.grads || !c.upstream) return;
      const leaves = inputs.filter((x) => x.requiresGrad);
      const grads = kd.autograd.grad(outs.filter((o) => o.requiresGrad), leaves, c.upstream.map(make), { allowUnused: true });
      grads.forEach((g, i) => {
        const want = c.grads![i];
        if (want === null) return;
        expectClose(g === null ? new Float64Array(want.data.length) : g.contiguous().toTypedArray(), numbers(want), GRAD_RTOL[c.op] ?? 1e-8, 1e-12);
      });
    });
  });
  it("hardswish's gradient at exactly 3 is 1, PyTorch 1.13's vectorised rule (its scalar tail gives 1.5)", () => {
    const x = kd.tensor([3, -3, 0], { dtype: 'float64', requiresGrad: true });
    F.hardswish(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([1, -0.5, 0.5]);
  });
  it('trace of a non-square matrix sends its gradient to the diagonal only (PyTorch 1.13 fills every (cols+1)-th element)', () => {
    const x = kd.randn([3, 1], { dtype: 'float64', requiresGrad: true });
    x.trace().mul(2.5).backward();
    expect(Array.from(x.grad!.toTypedArray())).toEqual([2.5, 0, 0]);
  });
});
