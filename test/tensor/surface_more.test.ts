// The tensor surface beyond ops2.json against PyTorch 1.13 (test/fixtures/surface_more.json,
// from make_surface_more.py), plus what fixtures can't show: views, errors, modules.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { fixtureSuite, type Calls } from '../fixture_cases.js';

const F = kd.nn.functional;

const CALLS: Calls = {
  erfc: (x) => x[0].erfc(),
  logit: (x, p) => x[0].logit(p.eps ?? null),
  xlogy: (x) => x[0].xlogy(x[1]),
  fmax: (x) => x[0].fmax(x[1]),
  fmin: (x) => kd.fmin(x[0], x[1]),
  copysign: (x) => x[0].copysign(x[1]),
  signbit: (x) => x[0].signbit(),
  floorDivide: (x) => x[0].floorDivide(x[1]),
  divRounded: (x, p) => x[0].div(x[1], { roundingMode: p.mode }),
  nansum: (x, p) => (p.dim === undefined ? x[0].nansum() : x[0].nansum(p.dim, p.keepdim)),
  nanmean: (x, p) => kd.nanmean(x[0], p.dim),
  diff: (x, p) => x[0].diff(p.n ?? 1, p.dim ?? -1, x[1] ?? null, x[2] ?? null),
  unflatten: (x, p) => x[0].unflatten(p.dim, p.sizes),
  rot90: (x, p) => x[0].rot90(p.k, p.dims),
  tensorSplit: (x, p) => x[0].tensorSplit(p.arg, p.dim),
  hstack: (x) => kd.hstack(x),
  vstack: (x) => kd.vstack(x),
  dstack: (x) => kd.dstack(x),
  columnStack: (x) => kd.columnStack(x),
  unfold: (x, p) => x[0].unfold(p.dim, p.size, p.step),
  cdist: (x, p) => kd.cdist(x[0], x[1], p.p),
  tensordot: (x, p) => kd.tensordot(x[0], x[1], p.dims),
  isin: (x, p) => x[0].isin(x[1], { invert: p.invert }),
  bucketize: (x, p) => kd.bucketize(x[0], x[1], { right: p.right }),
  argwhere: (x) => x[0].argwhere(),
  softshrink: (x, p) => F.softshrink(x[0], p.lambd),
  hardshrink: (x, p) => new kd.nn.Hardshrink(p.lambd).forward(x[0]),
  tanhshrink: (x) => new kd.nn.Tanhshrink().forward(x[0]),
  pixelShuffle: (x, p) => new kd.nn.PixelShuffle(p.r).forward(x[0]),
  pixelUnshuffle: (x, p) => F.pixelUnshuffle(x[0], p.r),
  bilinear: (x) => F.bilinear(x[0], x[1], x[2], x[3]),
  logspace: (_x, p) => kd.logspace(p.start, p.end, p.steps, p.base),
  fillDiagonal: (x, p) => x[0].clone().fillDiagonal_(p.value, p.wrap),
  gridSample: (x, p) => F.gridSample(x[0], x[1], { mode: p.mode, paddingMode: p.paddingMode, alignCorners: p.alignCorners }),
  affineGrid: (x, p) => F.affineGrid(x[0], p.size, { alignCorners: p.alignCorners }),
  localResponseNorm: (x, p) => new kd.nn.LocalResponseNorm(p.size, p.alpha, p.beta, p.k).forward(x[0]),
  channelShuffle: (x, p) => new kd.nn.ChannelShuffle(p.groups).forward(x[0]),
  lpPool2d: (x, p) => new kd.nn.LPPool2d(p.p, p.k).forward(x[0]),
  lpPool1d: (x, p) => F.lpPool1d(x[0], p.p, p.k, { stride: p.stride }),
  adaptiveMaxPool1d: (x, p) => new kd.nn.AdaptiveMaxPool1d(p.size).forward(x[0]),
  rrelu: (x, p) => new kd.nn.RReLU(p.lower, p.upper).eval().forward(x[0]),
  softmax2d: (x) => new kd.nn.Softmax2d().forward(x[0]),
  logcumsumexp: (x, p) => x[0].logcumsumexp(p.dim),
};

fixtureSuite('surface_more.json: more of the surface matches PyTorch', 'surface_more.json', CALLS, /cdist|tensordot|bilinear|logspace/);

describe('conveniences', () => {
  it('x.T, x.mT, ndim, stride, storageOffset, elementSize, isFloatingPoint, nelement', () => {
    const x = kd.arange(24).reshape([2, 3, 4]).float();
    expect(x.T.shape).toEqual([4, 3, 2]);
    expect(x.T.stride()).toEqual([1, 4, 12]);
    expect(x.mT.shape).toEqual([2, 4, 3]);
    expect(() => kd.ones([3]).mT).toThrow(/mT: expected a tensor with at least 2 dims/);
    expect(x.ndim).toBe(3);
    expect(x.stride(-1)).toBe(1);
    expect(x.narrow(1, 1, 2).storageOffset()).toBe(4);
    expect([x.elementSize(), x.double().elementSize(), x.bool().elementSize()]).toEqual([4, 8, 1]);
    expect([x.isFloatingPoint(), x.int().isFloatingPoint()]).toEqual([true, false]);
    expect(x.nelement()).toBe(24);
    expect(kd.numel(x)).toBe(24);
    expect([kd.isTensor(x), kd.isTensor([1])]).toEqual([true, false]);
  });

  it('long() converts to int32 and refuses what int32 cannot hold instead of wrapping', () => {
    expect(kd.tensor([1.7, -2.5, 3]).long().tolist()).toEqual([1, -2, 3]);
    expect(kd.tensor([1.7, -2.5, 3]).long().dtype).toBe('int32');
    expect(() => kd.tensor([1, 3e9]).long()).toThrow(/long: element 1 is 3000000000, which int32 .* cannot hold/);
    expect(() => kd.tensor([NaN]).long()).toThrow(/long: element 0 is NaN/);
  });

  it('new* take this tensor\'s dtype; typeAs converts', () => {
    const d = kd.zeros([2], { dtype: 'float64' });
    expect(d.newZeros([3]).dtype).toBe('float64');
    expect(d.newOnes([2, 2]).tolist()).toEqual([[1, 1], [1, 1]]);
    expect(d.newFull([2], 7).tolist()).toEqual([7, 7]);
    expect(d.newEmpty([4]).shape).toEqual([4]);
    expect(d.newTensor([1, 2]).dtype).toBe('float64');
    expect(d.newZeros([1], { dtype: 'int32' }).dtype).toBe('int32');
    expect(kd.tensor([1.5]).typeAs(kd.zeros([1], { dtype: 'int32' })).tolist()).toEqual([1]);
  });

  it('unfold is a view whose overlapping windows add their gradients', () => {
    const x = kd.arange(7).float().requiresGrad_();
    const w = x.unfold(0, 3, 2);
    expect(w.tolist()).toEqual([[0, 1, 2], [2, 3, 4], [4, 5, 6]]);
    expect(w.storage).toBe(x.storage);
    w.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 1, 2, 1, 2, 1, 1]);
    expect(() => x.unfold(0, 8, 1)).toThrow(/unfold: maximum size for the window at dimension 0 is 7 but size is 8/);
    expect(() => x.unfold(0, 2, 0)).toThrow(/unfold: step is 0 but must be > 0/);
  });

  it('splits are views, and bad splits name the problem', () => {
    const x = kd.arange(12).reshape([3, 4]);
    const parts = x.hsplit(2);
    expect(parts.map((p) => p.shape)).toEqual([[3, 2], [3, 2]]);
    expect(parts[1].storage).toBe(x.storage);
    expect(() => x.hsplit(3)).toThrow(/hsplit: dimension 1 of \[3, 4\] \(size 4\) is not divisible into 3 equal sections/);
    expect(() => kd.ones([3]).vsplit(1)).toThrow(/vsplit: expected a tensor with at least 2 dimensions/);
    expect(x.vsplit([1]).map((p) => p.shape)).toEqual([[1, 4], [2, 4]]);
    expect(() => x.tensorSplit(0)).toThrow(/tensorSplit: number of sections must be a positive integer/);
    expect(kd.atleast3d(kd.tensor(5)).shape).toEqual([1, 1, 1]);
    expect(kd.atleast2d(kd.ones([4])).shape).toEqual([1, 4]);
    expect(() => kd.hstack([])).toThrow(/hstack: expected a non-empty array of tensors/);
  });

  it('randperm, normal, bernoulli and randintLike draw from the seeded generator', () => {
    kd.manualSeed(3);
    const p = kd.randperm(10);
    expect(p.dtype).toBe('int32');
    expect([...p.toTypedArray()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    kd.manualSeed(3);
    expect(kd.randperm(10).tolist()).toEqual(p.tolist());
    expect(() => kd.randperm(-1)).toThrow(/randperm: n must be a non-negative integer/);
    const n = kd.normal(kd.full([2000], 5), 0.5);
    expect(Math.abs(n.mean().item() - 5)).toBeLessThan(0.1);
    expect(kd.normal(0, 1, [2, 3]).shape).toEqual([2, 3]);
    expect(() => kd.normal(0, 1)).toThrow(/normal: with a number mean and a number std, pass the shape/);
    expect(() => kd.normal(kd.zeros([2]), -1)).toThrow(/normal: expected std >= 0/);
    const b = kd.bernoulli(kd.tensor([0, 1, 0, 1]));
    expect(b.tolist()).toEqual([0, 1, 0, 1]);
    expect(() => kd.bernoulli(kd.tensor([1.5]))).toThrow(/bernoulli: expected all probabilities in \[0, 1\], but found 1.5/);
    expect(kd.zeros([1000]).bernoulli_(0.25).mean().item()).toBeGreaterThan(0.18);
    const r = kd.randintLike(kd.zeros([50], { dtype: 'int32' }), 3, 6);
    expect(r.min().item() >= 3 && r.max().item() < 6).toBe(true);
  });

  it('tril_, triu_ and clip_ write in place', () => {
    const x = kd.ones([3, 3]);
    expect(x.tril_().tolist()).toEqual([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    expect(kd.ones([2, 2]).triu_(1).tolist()).toEqual([[0, 1], [0, 0]]);
    expect(kd.tensor([-2, 0.5, 3]).clip_(-1, 1).tolist()).toEqual([-1, 0.5, 1]);
  });

  it('cdist gives a zero gradient, not NaN, where two rows coincide', () => {
    const a = kd.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const b = kd.tensor([[1, 2]], { requiresGrad: true });
    kd.cdist(a, b).sum().backward();
    expect(a.grad!.isnan().any().item()).toBe(0);
    expect((a.grad!.tolist() as number[][])[0]).toEqual([0, 0]);
    expect(() => kd.cdist(kd.ones([2, 3]), kd.ones([2, 4]))).toThrow(/cdist: x1 \[2, 3\] and x2 \[2, 4\] must have the same number of columns/);
  });

  it('tensordot and bilinear name mismatched shapes', () => {
    expect(() => kd.tensordot(kd.ones([2, 3]), kd.ones([4, 2]), 1)).toThrow(/tensordot: contracted dimensions need to match/);
    expect(() => F.bilinear(kd.ones([2, 3]), kd.ones([2, 4]), kd.ones([5, 3, 3]))).toThrow(/bilinear: input1 \[2, 3\] and input2 \[2, 4\]/);
  });

  it('div with a roundingMode has a zero gradient (not none), as PyTorch', () => {
    const x = kd.tensor([3.5, -2.5], { requiresGrad: true });
    x.div(2, { roundingMode: 'floor' }).sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0]);
    expect(() => kd.tensor([1]).div(2, { roundingMode: 'round' as 'floor' })).toThrow(/div: roundingMode must be 'trunc', 'floor' or null/);
    expect(() => kd.tensor([1], { dtype: 'int32' }).floorDivide(0)).toThrow(/floorDivide: ZeroDivisionError/);
  });
});

describe('spatial transformer sampling', () => {
  it('an identity affine grid samples the input back exactly; bad shapes are named', () => {
    const x = kd.randn([2, 3, 4, 5]);
    const theta = kd.tensor([[1, 0, 0], [0, 1, 0]]).expand([2, 2, 3]);
    for (const alignCorners of [false, true]) {
      const g = F.affineGrid(theta, [2, 3, 4, 5], { alignCorners });
      expect(g.shape).toEqual([2, 4, 5, 2]);
      expect(F.gridSample(x, g, { alignCorners }).sub(x).abs().max().item()).toBeLessThan(1e-5);
    }
    expect(() => F.affineGrid(kd.ones([2, 3, 3]), [2, 1, 4, 4])).toThrow(/affineGrid: expected theta of shape \[2, 2, 3\]/);
    expect(() => F.gridSample(kd.ones([1, 1, 4]), kd.ones([1, 2, 2, 2]))).toThrow(/gridSample: only 4-D input/);
    expect(() => F.gridSample(kd.ones([1, 1, 4, 4]), kd.ones([2, 2, 2, 2]))).toThrow(/gridSample: expected grid of shape \[1, Ho, Wo, 2\]/);
    expect(() => F.gridSample(kd.ones([1, 1, 4, 4]), kd.ones([1, 2, 2, 2]), { mode: 'area' as 'nearest' })).toThrow(/gridSample: mode must be 'bilinear', 'nearest' or 'bicubic'/);
  });

  // grid_sample_bicubic.json (make_grid_sample_bicubic.py): PyTorch 1.13, float64, every padding mode
  it("bicubic matches PyTorch's values and input and grid gradients, in every padding mode", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    type Case = { paddingMode: 'zeros' | 'border' | 'reflection'; alignCorners: boolean; input: number[]; grid: number[]; output: number[]; upstream: number[]; gradInput: number[]; gradGrid: number[] };
    const { cases } = JSON.parse(readFileSync(join(here, '../fixtures/grid_sample_bicubic.json'), 'utf8')) as { cases: Case[] };
    expect(cases.length).toBe(18);
    const t = (v: unknown) => kd.tensor(v as number[], { dtype: 'float64' });
    const close = (a: Tensor, b: unknown) => expect(a.sub(t(b)).abs().max().item()).toBeLessThan(1e-12);
    for (const c of cases) {
      const x = t(c.input).requiresGrad_();
      const g = t(c.grid).requiresGrad_();
      const y = F.gridSample(x, g, { mode: 'bicubic', paddingMode: c.paddingMode, alignCorners: c.alignCorners });
      close(y, c.output);
      const [gx, gg] = kd.autograd.grad(y, [x, g], t(c.upstream));
      close(gx!, c.gradInput);
      close(gg!, c.gradGrid);
      // a transposed view of the input samples like its copy
      const xv = t(c.input).transpose(2, 3).contiguous().transpose(2, 3);
      close(F.gridSample(xv, t(c.grid), { mode: 'bicubic', paddingMode: c.paddingMode, alignCorners: c.alignCorners }), c.output);
    }
  });
});

describe('random layers', () => {
  it('RReLU draws slopes in [lower, upper] while training; AlphaDropout keeps mean and variance; gumbelSoftmax sums to 1', () => {
    kd.manualSeed(5);
    const x = kd.full([4000], -1);
    const r = new kd.nn.RReLU(0.1, 0.3).forward(x);
    expect(r.min().item()).toBeGreaterThanOrEqual(-0.3);
    expect(r.max().item()).toBeLessThanOrEqual(-0.1);
    expect(r.std().item()).toBeGreaterThan(0.03);
    const z = kd.randn([20000]);
    const d = new kd.nn.AlphaDropout(0.2).forward(z);
    expect(Math.abs(d.mean().item())).toBeLessThan(0.05);
    expect(Math.abs(d.std().item() - 1)).toBeLessThan(0.05);
    expect(new kd.nn.AlphaDropout(0.2).eval().forward(z)).toBe(z);
    const logits = kd.randn([5, 4], { requiresGrad: true });
    const y = F.gumbelSoftmax(logits, { tau: 0.5 });
    expect(y.sum(1).sub(1).abs().max().item()).toBeLessThan(1e-5);
    const hard = F.gumbelSoftmax(logits, { hard: true });
    expect(hard.sum(1).tolist()).toEqual([1, 1, 1, 1, 1]);
    expect(hard.eq(0).logicalOr(hard.eq(1)).all().item()).toBe(1);
    hard.mul(kd.arange(4).float()).sum().backward();
    expect(logits.grad!.abs().sum().item()).toBeGreaterThan(0);  // straight through
    expect(() => F.gumbelSoftmax(logits, { tau: 0 })).toThrow(/gumbelSoftmax: tau must be positive/);
    expect(() => F.channelShuffle(kd.ones([1, 5, 2]), 2)).toThrow(/channelShuffle: the number of channels \(5\) must be divisible by groups \(2\)/);
    expect(() => F.localResponseNorm(kd.ones([2, 3]), 2)).toThrow(/localResponseNorm: expected 3 or more dims/);
  });
});

describe('more modules', () => {
  it('Unflatten, the pad modules, Bilinear, CosineSimilarity and PairwiseDistance', () => {
    expect(new kd.nn.Unflatten(1, [2, 3]).forward(kd.ones([4, 6])).shape).toEqual([4, 2, 3]);
    const x = kd.arange(6).float().reshape([1, 2, 3]);
    expect(new kd.nn.ZeroPad1d([1, 0]).forward(x).tolist()).toEqual([[[0, 0, 1, 2], [0, 3, 4, 5]]]);
    expect(new kd.nn.ConstantPad1d(1, -1).forward(x).shape).toEqual([1, 2, 5]);
    expect(new kd.nn.ReflectionPad1d(2).forward(x).tolist()).toEqual([[[2, 1, 0, 1, 2, 1, 0], [5, 4, 3, 4, 5, 4, 3]]]);
    expect(new kd.nn.ReplicationPad2d([1, 1, 0, 1]).forward(kd.ones([1, 1, 2, 2])).shape).toEqual([1, 1, 3, 4]);
    expect(new kd.nn.CircularPad1d(1).forward(x).tolist()).toEqual([[[2, 0, 1, 2, 0], [5, 3, 4, 5, 3]]]);
    expect(() => new kd.nn.ZeroPad2d([1, 2])).toThrow(/ZeroPad2d: padding must be an integer or 4 integers/);
    kd.manualSeed(0);
    const bl = new kd.nn.Bilinear(3, 4, 5);
    expect(Object.keys(bl.stateDict())).toEqual(['weight', 'bias']);
    expect(bl.forward(kd.ones([2, 3]), kd.ones([2, 4])).shape).toEqual([2, 5]);
    expect(bl.weight.abs().max().item()).toBeLessThanOrEqual(1 / Math.sqrt(3));
    const u = kd.tensor([[1, 0], [1, 1]]);
    const v = kd.tensor([[1, 0], [-1, -1]]);
    expect((new kd.nn.CosineSimilarity(1).forward(u, v).tolist() as number[]).map((t) => +t.toFixed(5))).toEqual([1, -1]);
    expect(new kd.nn.PairwiseDistance({ p: 1, eps: 0 }).forward(u, v).tolist()).toEqual([0, 4]);
  });
});

// keep the type import used when only values are checked
export type { Tensor };
