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
