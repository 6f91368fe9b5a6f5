// Random calls through the public API — tensor methods and functional ops on random shapes,
// dtypes, views (transposed, narrowed, expanded), NaN/Infinity values and mostly wrong
// arguments (bad dims, sizes, options, types) — in this worker, which must survive: each call
// works or throws an Error that says what was wrong, never an internal TypeError from reading
// a property of a value the API never checked.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

const INTERNAL = /is not a function|Cannot read prop|undefined is not|of undefined|of null|Maximum call stack|is not iterable/;

function run(seed: number, n: number): { calls: number; internal: string[] } {
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const F = kd.nn.functional;
  const dims = () => pick([0, 1, -1, 2, -3, 5, 1.5, NaN, undefined, null, [0, 1], [], [-1, -1]]);
  const nums = () => pick([0, 1, -1, 2, 3, 0.5, -0.5, 1e9, -1e9, NaN, Infinity, -Infinity, 2 ** 31, 7]);
  function tensor(): Tensor {
    const shape: number[] = pick([[], [0], [3], [2, 3], [2, 0, 3], [1, 1, 1, 1], [4, 5, 6], [2, 3, 4, 5], [1, 2, 3, 4, 5]]);
    const dtype = pick(['float32', 'float64', 'int32', 'bool'] as const);
    let t = kd.zeros(shape, { dtype });
    const n = t.numel();
    if (n > 0) t = kd.tensor(Array.from({ length: n }, () => (dtype === 'bool' ? rnd() < 0.5 : dtype === 'int32' ? Math.floor(rnd() * 7) - 3 : pick([rnd() * 4 - 2, 0, NaN, Infinity, -1e30]))), { dtype }).reshape(shape);
    const v = rnd();
    if (v < 0.2 && t.dim() >= 2) t = t.transpose(0, 1);
    else if (v < 0.3 && t.dim() >= 1 && t.shape[0] > 1) t = t.narrow(0, 1, t.shape[0] - 1);
    else if (v < 0.4 && t.dim() >= 1) t = t.expand([2, ...t.shape]);
    return t;
  }
  const arg = (): unknown => pick<() => unknown>([tensor, tensor, tensor, dims, nums, () => 'x', () => ({}), () => [1, 2]])();
  const methods: string[] = ['sum', 'mean', 'max', 'min', 'argmax', 'softmax', 'logSoftmax', 'cumsum', 'cumprod', 'sort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode', 'unique', 'flip', 'roll', 'transpose', 'permute', 'reshape', 'view', 'expand', 'repeat', 'tile', 'narrow', 'select', 'indexSelect', 'gather', 'scatter', 'scatterAdd', 'scatterReduce', 'indexAdd', 'indexFill', 'indexCopy', 'maskedFill', 'maskedSelect', 'matmul', 'mm', 'bmm', 'add', 'sub', 'mul', 'div', 'pow', 'clamp', 'norm', 'var', 'std', 'logsumexp', 'chunk', 'split', 'unbind', 'diagonal', 'tril', 'triu', 'trace', 'unfold', 'take', 'takeAlongDim', 'repeatInterleave', 'movedim', 'squeeze', 'unsqueeze', 'flatten', 'unflatten', 'where', 'lerp', 'atan2', 'remainder', 'fmod', 'bincount', 'histc', 'searchsorted', 'nonzero', 'argwhere', 'cummax', 'diff', 'rot90', 'tensorSplit', 'dist', 'addcmul', 'isin', 'bucketize', 'fill_', 'copy_', 'add_', 'mul_', 'clamp_', 'index', 'setIndex', 'sin', 'exp', 'sqrt', 'abs', 'relu', 'sigmoid', 'tanh', 'round', 'floor', 'sign', 'erfinv', 'bitwiseNot', 'bitwiseAnd', 'bitwiseOr', 'bitwiseXor', 'nanToNum', 'to', 'type', 'long', 'bool', 'double', 'contiguous', 'clone', 'detach', 'tolist', 'item', 'toTypedArray'];
  type Call = (a: any, b: any, c: any) => unknown;
  const fns: Call[] = [
    (a, b) => F.conv2d(a, b), (a, b) => F.conv1d(a, b), (a, b, c) => F.convTranspose2d(a, b, null, { stride: c }), (a, b) => F.maxPool2d(a, b), (a, b) => F.avgPool2d(a, b),
    (a, b) => F.interpolate(a, { size: b }), (a, b) => F.pad(a, b), (a, b) => F.crossEntropy(a, b), (a, b) => F.nllLoss(a, b), (a, b) => F.mseLoss(a, b),
    (a, b) => F.embedding(a, b), (a, b) => F.layerNorm(a, b), (a, b, c) => F.batchNorm(a, b, c), (a, b) => F.groupNorm(a, b), (a, b) => F.linear(a, b),
    (a, b) => F.unfold(a, b), (a, b, c) => F.fold(a, b, c), (a, b) => F.gridSample(a, b), (a, b) => F.affineGrid(a, b), (a, b) => F.pixelShuffle(a, b),
    (a, b) => F.adaptiveAvgPool2d(a, b), (a, b) => F.adaptiveMaxPool2d(a, b), (a, b) => F.oneHot(a, b), (a, b, c) => F.scaledDotProductAttention(a, b, c),
    (a, b) => kd.einsum(pick(['ij,jk->ik', 'i,i->', 'bij,bjk->bik', '...i,...i', 'ii->i', 'ij->ji', 'a,b,c']), a, b), (a, b) => kd.cat([a, b], pick([0, 1, -1, 3])),
    (a, b) => kd.stack([a, b]), (a, b) => kd.where(a, b, 0), (a, b) => kd.cdist(a, b), (a, b) => kd.tensordot(a, b, pick([0, 1, 2, [[0], [1]]])), (a, b) => kd.kron(a, b),
    (a, b) => kd.cross(a, b), (a, b) => F.cosineSimilarity(a, b, pick([0, 1, -1])), (a, b) => F.pairwiseDistance(a, b), (a, b) => kd.searchsorted(a, b),
    (a, b, c) => kd.addmm(a, b, c), (a, b, c) => kd.baddbmm(a, b, c), (a) => kd.meshgrid([a, a]), (a, b) => kd.broadcastTo(a, b), (a) => F.softmax(a, pick([0, 1, -1, 5])),
    (a, b) => kd.nn.utils.rnn.padSequence([a, b]), (a, b) => F.embeddingBag(a, b), (a, b) => F.localResponseNorm(a, b), (a, b) => F.multiMarginLoss(a, b), ];

  let calls = 0;
  const internal: string[] = [];
  for (let i = 0; i < n; i++) {
    try {
      if (rnd() < 0.6) {
        const t: any = tensor();
        const m = pick(methods);
        if (typeof t[m] !== 'function') continue;
        const args = Array.from({ length: Math.floor(rnd() * 4) }, arg);
        calls++;
        const r = t[m](...args);
        if (r instanceof kd.Tensor && r.requiresGrad && rnd() < 0.1) r.sum().backward();
      } else {
        const f: any = pick(fns);
        calls++;
        const a = tensor(), b = rnd() < 0.7 ? tensor() : arg(), c = rnd() < 0.5 ? tensor() : arg();
        if (rnd() < 0.3 && (a.dtype === 'float32' || a.dtype === 'float64')) a.requiresGrad_();
        const r = f(a, b, c);
        if (r instanceof kd.Tensor && r.requiresGrad && rnd() < 0.5) (r.numel() === 1 ? r : r.sum()).backward();
      }
    } catch (e) {
      if (!(e instanceof Error)) internal.push(`threw a non-Error: ${String(e)}`);
      else if (INTERNAL.test(e.message)) internal.push(`${e.message.split('\n')[0]} @ ${(e.stack ?? '').split('\n')[1]?.trim()}`);
    }
  }
  return { calls, internal };
}

describe('random calls through the public API', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every call works or throws an Error that explains it`, () => {
      const { calls, internal } = run(seed, 2500);
      expect(calls).toBeGreaterThan(2000);
      expect(internal).toEqual([]);
    });
  }
});

// Modules called with random inputs: wrong ranks, dtypes, views, empty tensors, missing or
// non-tensor arguments, in train and eval mode.
function runModules(seed: number, n: number): { calls: number; internal: string[] } {
  let s = seed >>> 0;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const nn = kd.nn;
  function tensor(): Tensor {
    const shape: number[] = pick([[], [0], [4], [2, 4], [3, 4, 5], [2, 4, 6, 6], [1, 4, 5, 5, 5], [2, 0, 4], [2, 4, 0, 3], [5, 3, 4]]);
    const dtype = pick(['float32', 'float32', 'float64', 'int32', 'bool'] as const);
    let t = kd.randn(shape, { dtype: dtype === 'float64' ? 'float64' : 'float32' });
    if (dtype === 'int32') t = t.abs().mul(3).int();
    if (dtype === 'bool') t = t.gt(0);
    if (rnd() < 0.3 && t.dim() >= 2) t = t.transpose(0, 1);
    if (rnd() < 0.2 && t.dim() >= 1 && t.shape[0] > 1) t = t.narrow(0, 1, t.shape[0] - 1);
    return t;
  }
  const arg = (): unknown => pick<() => unknown>([tensor, tensor, tensor, () => null, () => undefined, () => 3, () => [tensor(), tensor()], () => ({})])();
  const makers: (() => kd.nn.Module)[] = [
    () => new nn.Linear(4, 3), () => new nn.Conv1d(4, 2, 3), () => new nn.Conv2d(4, 2, 3, { padding: 1, paddingMode: pick(['zeros', 'reflect', 'circular', 'replicate'] as const) }),
    () => new nn.Conv3d(4, 2, 2), () => new nn.ConvTranspose1d(4, 2, 3), () => new nn.ConvTranspose2d(4, 2, 3, { stride: 2 }), () => new nn.BatchNorm1d(4), () => new nn.BatchNorm2d(4),
    () => new nn.BatchNorm3d(4), () => new nn.LayerNorm([4]), () => new nn.GroupNorm(2, 4), () => new nn.InstanceNorm1d(4), () => new nn.InstanceNorm2d(4, { affine: true }),
    () => new nn.LocalResponseNorm(2), () => new nn.MaxPool1d(2), () => new nn.MaxPool2d(2, { returnIndices: true }), () => new nn.MaxPool3d(2), () => new nn.AvgPool1d(2),
    () => new nn.AvgPool2d(2, { ceilMode: true }), () => new nn.AvgPool3d(2), () => new nn.AdaptiveAvgPool1d(2), () => new nn.AdaptiveAvgPool2d([2, 3]), () => new nn.AdaptiveMaxPool1d(2),
    () => new nn.AdaptiveMaxPool2d(2), () => new nn.LPPool1d(2, 2), () => new nn.LPPool2d(2, 2), () => new nn.Embedding(10, 4), () => new nn.EmbeddingBag(10, 4), () => new nn.RNN(4, 3),
    () => new nn.LSTM(4, 3, { batchFirst: true }), () => new nn.GRU(4, 3, { bidirectional: true }), () => new nn.RNNCell(4, 3), () => new nn.LSTMCell(4, 3), () => new nn.GRUCell(4, 3),
    () => new nn.MultiheadAttention(4, 2), () => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), () => new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 8 }),
    () => new nn.Dropout(0.5), () => new nn.Dropout2d(0.5), () => new nn.AlphaDropout(0.5), () => new nn.Flatten(), () => new nn.Unflatten(1, [2, 2]), () => new nn.PixelShuffle(2),
    () => new nn.PixelUnshuffle(2), () => new nn.ChannelShuffle(2), () => new nn.Upsample({ scaleFactor: 2 }), () => new nn.UpsamplingBilinear2d({ scaleFactor: 2 }), () => new nn.ZeroPad2d(1),
    () => new nn.ReflectionPad1d(1), () => new nn.ReplicationPad2d([1, 0, 2, 1]), () => new nn.CircularPad1d(2), () => new nn.Bilinear(4, 4, 3), () => new nn.PReLU(), () => new nn.Softmax(1),
    () => new nn.GLU(), () => new nn.CosineSimilarity(), () => new nn.PairwiseDistance(), () => new nn.CrossEntropyLoss(), () => new nn.NLLLoss(), () => new nn.BCELoss(),
  ];
  let calls = 0;
  const internal: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = pick(makers)();
    if (rnd() < 0.3) m.eval();
    const args = Array.from({ length: Math.floor(rnd() * 3) + 1 }, arg);
    calls++;
    try {
      const r = (m as unknown as (...a: unknown[]) => unknown)(...args);
      const outs = Array.isArray(r) ? r.flat(2) : [r];
      for (const o of outs) if (o instanceof kd.Tensor && o.requiresGrad && rnd() < 0.3) { o.sum().backward(); break; }
    } catch (e) {
      if (!(e instanceof Error)) internal.push(`${m.constructor.name} threw a non-Error: ${String(e)}`);
      else if (INTERNAL.test(e.message)) internal.push(`${m.constructor.name}: ${e.message.split('\n')[0]} @ ${(e.stack ?? '').split('\n')[1]?.trim()}`);
    }
  }
  return { calls, internal };
}

describe('random calls of nn modules', () => {
  for (const seed of [7, 11]) {
    it(`seed ${seed}: every call works or throws an Error that explains it`, () => {
      const { calls, internal } = runModules(seed, 2000);
      expect(calls).toBe(2000);
      expect(internal).toEqual([]);
    });
  }
});
