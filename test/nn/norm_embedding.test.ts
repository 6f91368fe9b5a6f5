// F.pad's modes, channel dropout, BatchNorm's running statistics, LayerNorm, GroupNorm and Embedding beyond the PyTorch fixtures: initialisation, state-dict
// keys, maxNorm, fromPretrained, and bad input naming the layer and the shapes.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const { nn } = kd;
const F = nn.functional;

describe('Embedding', () => {
  it('initialises N(0, 1) with the padding row zero, keyed "weight"', () => {
    kd.manualSeed(3);
    const e = new nn.Embedding(200, 16, { paddingIdx: -1 });
    expect(e.paddingIdx).toBe(199);
    expect(Object.keys(e.stateDict())).toEqual(['weight']);
    expect(e.weight.select(0, 199).abs().sum().item()).toBe(0);
    const w = e.weight.narrow(0, 0, 199);
    expect(Math.abs(w.mean().item())).toBeLessThan(0.05);
    expect(Math.abs(w.std().item() - 1)).toBeLessThan(0.05);
    expect(e(kd.tensor([[1, 2, 3]], { dtype: 'int32' })).shape).toEqual([1, 3, 16]);
  });

  it('maxNorm scales the looked-up rows above it down to it, in place, and leaves the others', () => {
    const w = kd.tensor([[3, 4], [0.3, 0.4], [6, 8], [1, 0]]);
    const before = w.clone();
    const e = nn.Embedding.fromPretrained(w, { maxNorm: 1, freeze: false });
    const out = e(kd.tensor([0, 1, 0], { dtype: 'int32' }));
    const rows = e.weight.detach();
    expect(rows.select(0, 0).norm().item()).toBeCloseTo(1, 5);
    expect(rows.select(0, 1).tolist()).toEqual(before.select(0, 1).tolist());
    expect(rows.select(0, 2).tolist()).toEqual([6, 8]);  // not looked up: unchanged
    expect([...out.select(0, 0).toTypedArray()].map((v) => +v.toFixed(5))).toEqual([0.6, 0.8]);
    expect(w.tolist()).toEqual(before.tolist());  // fromPretrained copied its argument
  });

  it('fromPretrained is frozen by default', () => {
    const e = nn.Embedding.fromPretrained(kd.ones([3, 2]));
    expect(e.weight.requiresGrad).toBe(false);
    expect(e(kd.tensor([2], { dtype: 'int32' })).requiresGrad).toBe(false);
  });

  it('refuses bad indices and tables with errors naming them', () => {
    const e = new nn.Embedding(5, 3);
    expect(() => e(kd.tensor([[1, 5]], { dtype: 'int32' }))).toThrow(/embedding: index 5 is out of range for 5 embeddings \(input of shape \[1, 2\]\)/);
    expect(() => e(kd.tensor([-1], { dtype: 'int32' }))).toThrow(/index -1 is out of range/);
    expect(() => e(kd.tensor([0.5]))).toThrow(/whole numbers/);
    expect(() => e(kd.tensor([true], { dtype: 'bool' }))).toThrow(/bool tensor/);
    expect(F.embedding(kd.tensor([1, 1]), kd.eye(3)).tolist()).toEqual([[0, 1, 0], [0, 1, 0]]);
    expect(() => F.embedding(kd.tensor([0], { dtype: 'int32' }), kd.ones([3]))).toThrow(/expected weight to be 2-D .* got \[3\]/);
    expect(() => new nn.Embedding(5, 3, { paddingIdx: 5 })).toThrow(/paddingIdx must be an integer within the 5 embeddings/);
    expect(() => new nn.Embedding(0, 3)).toThrow(/numEmbeddings to be a positive integer/);
    expect(() => F.embedding(kd.tensor([0], { dtype: 'int32' }), kd.ones([3, 2]), { maxNorm: -1 })).toThrow(/maxNorm must be positive/);
    expect(F.embedding(kd.zeros([0], { dtype: 'int32' }), kd.ones([3, 2])).shape).toEqual([0, 2]);
  });
});

describe('LayerNorm and GroupNorm', () => {
  it('have PyTorch keys and initial values, and normalise to mean 0, variance 1', () => {
    const ln = new nn.LayerNorm([2, 3]);
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(ln.weight!.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    const y = ln(kd.randn([4, 2, 3]).mul(5).add(2));
    expect(Math.abs(y.mean([1, 2]).abs().max().item())).toBeLessThan(1e-5);
    expect(Math.abs(y.var([1, 2], { unbiased: false }).sub(1).abs().max().item())).toBeLessThan(1e-3);
    expect(new nn.LayerNorm(3, { elementwiseAffine: false }).parameters()).toHaveLength(0);
    expect(Object.keys(new nn.LayerNorm(3, { bias: false }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.GroupNorm(2, 4).stateDict())).toEqual(['weight', 'bias']);
    expect(new nn.GroupNorm(2, 4, { affine: false }).parameters()).toHaveLength(0);
  });

  it('refuse shapes that do not fit, naming them', () => {
    expect(() => new nn.LayerNorm([4, 5])(kd.zeros([2, 5, 4]))).toThrow(/layerNorm: input of shape \[2, 5, 4\] does not end in normalizedShape \[4, 5\]/);
    expect(() => new nn.LayerNorm([4, 5])(kd.zeros([5]))).toThrow(/does not end in normalizedShape/);
    expect(() => F.layerNorm(kd.zeros([2, 3]), 3, kd.ones([4]))).toThrow(/expected weight of shape \[3\], but got \[4\]/);
    expect(() => new nn.LayerNorm(0)).toThrow(/normalizedShape/);
    expect(() => new nn.GroupNorm(3, 4)).toThrow(/numChannels \(4\) must be a positive multiple of numGroups \(3\)/);
    expect(() => new nn.GroupNorm(2, 4)(kd.zeros([2, 6, 3]))).toThrow(/expected input with 4 channels \(dim 1\), but got shape \[2, 6, 3\]/);
    expect(() => F.groupNorm(kd.zeros([4]), 2)).toThrow(/expected an input of shape \[N, C, \.\.\.\]/);
    expect(() => F.layerNorm(kd.zeros([2, 3], { dtype: 'int32' }), 3)).toThrow(/floating point/);
  });
});

describe('F.pad', () => {
  const x = kd.tensor([[[0, 1, 2, 3]]]);
  it('pads like PyTorch in each mode', () => {
    expect(F.pad(x, [2, 1]).tolist()).toEqual([[[0, 0, 0, 1, 2, 3, 0]]]);
    expect(F.pad(x, [2, 1], { value: -1 }).tolist()).toEqual([[[-1, -1, 0, 1, 2, 3, -1]]]);
    expect(F.pad(x, [2, 1], { mode: 'reflect' }).tolist()).toEqual([[[2, 1, 0, 1, 2, 3, 2]]]);
    expect(F.pad(x, [2, 1], { mode: 'replicate' }).tolist()).toEqual([[[0, 0, 0, 1, 2, 3, 3]]]);
    expect(F.pad(x, [2, 1], { mode: 'circular' }).tolist()).toEqual([[[2, 3, 0, 1, 2, 3, 0]]]);
    expect(F.pad(x, [-1, -2]).tolist()).toEqual([[[1]]]);
    expect(F.pad(kd.tensor([[1, 2], [3, 4]]).reshape([1, 2, 2]), [0, 0, 1, 1], { mode: 'reflect' }).tolist())
      .toEqual([[[3, 4], [1, 2], [3, 4], [1, 2]]]);
    const g = kd.tensor([[[1, 2, 3]]]).requiresGrad_();
    F.pad(g, [2, 2], { mode: 'reflect' }).sum().backward();
    expect(g.grad!.tolist()).toEqual([[[2, 3, 2]]]);  // [3 2 | 1 2 3 | 2 1]
  });

  it('refuses pads that do not fit, naming the dim and sizes', () => {
    expect(() => F.pad(x, [1])).toThrow(/even-length list of integers/);
    expect(() => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1])).toThrow(/pads 4 dims, but the input \[1, 1, 4\] has 3/);
    expect(() => F.pad(x, [4, 0], { mode: 'reflect' })).toThrow(/reflect padding \(4, 0\) must be smaller than the size 4 of dim 2/);
    expect(() => F.pad(x, [5, 0], { mode: 'circular' })).toThrow(/must not exceed the size 4/);
    expect(() => F.pad(x, [-4, 0], { mode: 'reflect' })).toThrow(/reflect padding dim 2 of size 4 by \(-4, 0\) leaves an empty size/);
    expect(() => F.pad(x, [-3, -2])).toThrow(/cropping dim 2 of size 4 by \(-3, -2\) leaves a negative size/);
    expect(() => F.pad(kd.zeros([4]), [1, 1], { mode: 'reflect' })).toThrow(/needs an input with a batch or channel dim/);
    expect(() => F.pad(x, [1, 1], { mode: 'wrap' as never })).toThrow(/mode must be one of constant, reflect, replicate, circular/);
  });
});

describe('Dropout1d and Dropout2d', () => {
  it('zero whole channels with probability p, scale the rest, and pass through in eval', () => {
    kd.manualSeed(5);
    const x = kd.ones([64, 32, 3, 3]);
    const d = new nn.Dropout2d(0.25);
    const y = d(x);
    const perChannel = y.amax([2, 3]);
    const values = new Set(y.toTypedArray());
    expect([...values].sort()).toEqual([0, Math.fround(1 / 0.75)]);
    expect(y.amin([2, 3]).tolist()).toEqual(perChannel.tolist());  // all or nothing per channel
    const dropped = perChannel.eq(0).float().mean().item();
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.04);
    d.eval();
    expect(d(x)).toBe(x);
    const y1 = new nn.Dropout1d(0.5)(kd.ones([8, 16, 5]));
    expect(y1.amin(2).tolist()).toEqual(y1.amax(2).tolist());
    expect(new nn.Dropout1d(0.5)(kd.ones([16, 5])).shape).toEqual([16, 5]);
  });

  it('refuse inputs of the wrong rank, saying what to do', () => {
    expect(() => new nn.Dropout2d()(kd.ones([3, 4, 4]))).toThrow(/dropout2d: expected a 4-D \[N, C, H, W\] input, but got shape \[3, 4, 4\] \(for \[N, C, L\] use dropout1d/);
    expect(() => new nn.Dropout1d()(kd.ones([3]))).toThrow(/dropout1d: expected a 2-D \[C, L\] or 3-D \[N, C, L\] input/);
    expect(() => new nn.Dropout2d(1.5)).toThrow(/Dropout2d: probability has to be between 0 and 1/);
    expect(() => F.dropout(3 as never)).toThrow(/dropout: expected input to be a Tensor/);
  });
});

describe('BatchNorm', () => {
  it('has PyTorch keys; momentum null averages all batches; eval uses the running statistics', () => {
    const bn = new nn.BatchNorm2d(3, { momentum: null });
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    kd.manualSeed(2);
    const batches = [kd.randn([4, 3, 2, 2]).add(1), kd.randn([4, 3, 2, 2]).mul(2), kd.randn([4, 3, 2, 2]).sub(3)];
    for (const b of batches) bn(b);
    const all = kd.stack(batches);
    const mean = kd.stack(batches.map((b) => b.mean([0, 2, 3]))).mean(0);
    const unbiased = kd.stack(batches.map((b) => b.var([0, 2, 3]))).mean(0);
    expectCloseTensor(bn.running_mean!, mean);
    expectCloseTensor(bn.running_var!, unbiased);
    expect(bn.num_batches_tracked!.item()).toBe(3);
    bn.eval();
    const x = all.select(0, 0);
    const expected = x.sub(mean.reshape([1, 3, 1, 1])).div(unbiased.reshape([1, 3, 1, 1]).add(1e-5).sqrt());
    expectCloseTensor(bn(x), expected);
    bn.resetRunningStats();
    expect(bn.running_var!.tolist()).toEqual([1, 1, 1]);
  });

  it('without running statistics normalises with the batch in eval too, and names bad input', () => {
    const bn = new nn.BatchNorm1d(2, { trackRunningStats: false, affine: false });
    expect(Object.keys(bn.stateDict())).toEqual([]);
    bn.eval();
    const y = bn(kd.tensor([[1, 10], [3, 30]]));
    expect([...y.toTypedArray()].map((v) => Math.round(v * 1000) / 1000)).toEqual([-1, -1, 1, 1]);
    const b2 = new nn.BatchNorm2d(3);
    expect(() => b2(kd.zeros([2, 4, 5, 5]))).toThrow(/BatchNorm2d: expected input with 3 channels \(dim 1\), but got shape \[2, 4, 5, 5\]/);
    expect(() => b2(kd.zeros([2, 3, 5]))).toThrow(/BatchNorm2d: expected 4-D \[N, C, H, W\] input, but got shape \[2, 3, 5\]/);
    expect(() => new nn.BatchNorm1d(3)(kd.zeros([1, 3]))).toThrow(/expected more than 1 value per channel when training, but got input of shape \[1, 3\]/);
    expect(() => new nn.BatchNorm1d(0)).toThrow(/numFeatures to be a positive integer/);
    expect(() => F.batchNorm(kd.zeros([2, 3]), kd.zeros([4]), kd.ones([3]))).toThrow(/expected runningMean of shape \[3\] \(one per channel\), but got \[4\]/);
  });
});

function expectCloseTensor(a: kd.Tensor, b: kd.Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.sub(b).abs().max().item()).toBeLessThan(1e-5);
}

describe('InstanceNorm', () => {
  it('has no parameters or statistics by default, and names bad input', () => {
    expect(Object.keys(new nn.InstanceNorm2d(3).stateDict())).toEqual([]);
    expect(Object.keys(new nn.InstanceNorm1d(3, { affine: true, trackRunningStats: true }).stateDict()))
      .toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(() => new nn.InstanceNorm2d(3)(kd.zeros([2, 4, 5, 5]))).toThrow(/InstanceNorm2d: expected input with 3 channels, but got shape \[2, 4, 5, 5\]/);
    expect(() => new nn.InstanceNorm2d(3)(kd.zeros([3, 5]))).toThrow(/expected 3-D \(unbatched\) or 4-D input, but got shape \[3, 5\]/);
    expect(() => new nn.InstanceNorm1d(3)(kd.zeros([2, 3, 1]))).toThrow(/more than 1 spatial element per channel/);
  });
});
