// The op table (PyTorch's OpInfo idea): one row per public op, naming the callable and the
// inputs it is tried on. The view property test runs every row; adding an op is adding a row.
import * as kd from '../lib/index.js';
import type { Tensor } from '../lib/index.js';

const F = kd.nn.functional;

/**
 * One input: its shape and what its values must be. 'float' is any real, 'positive' is
 * (0.5, 2.5), 'unit' is (0.05, 0.95) (probabilities), 'index' an int32 in [0, bound), 'bool' a
 * random mask, 'label' a class index in [0, bound).
 */
export interface InputSpec {
  shape: number[];
  kind?: 'float' | 'positive' | 'unit' | 'index' | 'bool';
  /** Exclusive upper bound of 'index' values. */
  bound?: number;
  /** Receives a gradient in the backward checks (floats only; default true). */
  grad?: boolean;
}

/** What an op returns: a tensor, several, or PyTorch's named tuple. */
export type OpOutput = Tensor | Tensor[] | { values: Tensor; indices: Tensor };

export interface OpRow {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: Tensor[]) => OpOutput;
}

const f = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, kind: 'positive' });
const unit = (...shape: number[]): InputSpec => ({ shape, kind: 'unit' });
const idx = (bound: number, ...shape: number[]): InputSpec => ({ shape, kind: 'index', bound });
const mask = (...shape: number[]): InputSpec => ({ shape, kind: 'bool' });
const noGradF = (...shape: number[]): InputSpec => ({ shape, grad: false });

const unary = (name: string, fn: (x: Tensor) => OpOutput, spec: InputSpec = f(3, 4)): OpRow => ({ name, inputs: [spec], fn });
const binary = (name: string, fn: (a: Tensor, b: Tensor) => OpOutput, positive = false): OpRow[] =>
  [[[3, 4], [3, 4]], [[3, 4], [4]], [[2, 3, 4], [3, 1]]].map(([sa, sb]) => ({
    name: `${name} [${sa}] [${sb}]`,
    inputs: [positive ? pos(...sa) : f(...sa), positive ? pos(...sb) : f(...sb)],
    fn: fn as (...xs: Tensor[]) => OpOutput,
  }));

export const OPS: OpRow[] = [
  // pointwise
  unary('neg', (x) => x.neg()),
  unary('exp', (x) => x.exp()),
  unary('log', (x) => x.log(), pos(3, 4)),
  unary('sqrt', (x) => x.sqrt(), pos(3, 4)),
  unary('abs', (x) => x.abs()),
  unary('relu', (x) => x.relu()),
  unary('sigmoid', (x) => x.sigmoid()),
  unary('tanh', (x) => x.tanh()),
  unary('clamp', (x) => x.clamp(-0.5, 0.5)),
  unary('clamp min', (x) => x.clamp(-0.5)),
  unary('pow scalar', (x) => x.pow(3)),
  unary('pow fractional', (x) => x.pow(1.5), pos(3, 4)),
  unary('leakyRelu', (x) => F.leakyRelu(x, 0.1)),
  unary('gelu', (x) => F.gelu(x)),
  unary('to float64', (x) => x.double()),
  unary('clone', (x) => x.clone()),
  unary('contiguous', (x) => x.contiguous().mul(1)),
  ...binary('add', (a, b) => a.add(b)),
  ...binary('add alpha', (a, b) => a.add(b, { alpha: -2 })),
  ...binary('sub', (a, b) => a.sub(b)),
  ...binary('mul', (a, b) => a.mul(b)),
  ...binary('div', (a, b) => a.div(b), true),
  ...binary('pow', (a, b) => a.pow(b), true),
  ...binary('maximum', (a, b) => a.maximum(b)),
  ...binary('minimum', (a, b) => a.minimum(b)),
  ...binary('eq', (a, b) => a.eq(b)),
  ...binary('lt', (a, b) => a.lt(b)),
  ...binary('ge', (a, b) => a.ge(b)),
  unary('add scalar', (x) => x.add(2)),
  unary('rsub scalar', (x) => kd.sub(2, x)),
  unary('rdiv scalar', (x) => kd.div(2, x), pos(3, 4)),
  { name: 'where', inputs: [mask(3, 4), f(3, 4), f(4)], fn: (c, a, b) => kd.where(c, a, b) },
  { name: 'where scalar', inputs: [mask(3, 4), f(3, 4)], fn: (c, a) => kd.where(c, a, 0) },
  // reductions
  unary('sum', (x) => x.sum()),
  unary('sum dim', (x) => x.sum(1)),
  unary('sum dims keepdim', (x) => x.sum([0, 2], true), f(2, 3, 4)),
  unary('mean', (x) => x.mean()),
  unary('mean dim', (x) => x.mean(0, true)),
  unary('max', (x) => x.max()),
  unary('min', (x) => x.min()),
  unary('max dim', (x) => x.max(1)),
  unary('min dim', (x) => x.min(0, true)),
  unary('argmax', (x) => x.argmax(1)),
  unary('argmin', (x) => x.argmin()),
  unary('var', (x) => x.var()),
  unary('var dim', (x) => x.var(1, { correction: 0 })),
  unary('std dim', (x) => x.std(0, { keepdim: true })),
  unary('softmax', (x) => x.softmax(1)),
  unary('softmax dim 0', (x) => x.softmax(0)),
  unary('logSoftmax', (x) => x.logSoftmax(-1)),
  unary('logSoftmax 3-D', (x) => x.logSoftmax(1), f(2, 3, 4)),
  // products
  { name: 'matmul', inputs: [f(3, 4), f(4, 5)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul vector', inputs: [f(3, 4), f(4)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul dot', inputs: [f(4), f(4)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul batched', inputs: [f(2, 3, 4), f(2, 4, 5)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul broadcast batch', inputs: [f(2, 3, 4), f(4, 2)], fn: (a, b) => a.matmul(b) },
  { name: 'linear', inputs: [f(3, 4), f(5, 4), f(5)], fn: (x, w, b) => F.linear(x, w, b) },
  { name: 'linear 3-D no bias', inputs: [f(2, 3, 4), f(5, 4)], fn: (x, w) => F.linear(x, w) },
  // shape and views
  unary('reshape', (x) => x.reshape([4, 3])),
  unary('transpose', (x) => x.transpose(0, 1)),
  unary('t', (x) => x.t()),
  unary('permute', (x) => x.permute([2, 0, 1]), f(2, 3, 4)),
  unary('squeeze', (x) => x.squeeze(), f(3, 1, 4)),
  unary('unsqueeze', (x) => x.unsqueeze(1)),
  unary('flatten', (x) => x.flatten()),
  unary('expand', (x) => x.unsqueeze(0).expand([2, 3, 4])),
  unary('narrow', (x) => x.narrow(1, 1, 2)),
  unary('select', (x) => x.select(1, -1)),
  // indexing and combining
  { name: 'indexSelect', inputs: [f(3, 4), idx(4, 5)], fn: (x, i) => x.indexSelect(1, i) },
  { name: 'indexSelect dim 0', inputs: [f(3, 4), idx(3, 2)], fn: (x, i) => x.indexSelect(0, i) },
  { name: 'gather', inputs: [f(3, 4), idx(4, 3, 2)], fn: (x, i) => x.gather(1, i) },
  { name: 'cat', inputs: [f(3, 4), f(2, 4)], fn: (a, b) => kd.cat([a, b], 0) },
  { name: 'cat dim 1', inputs: [f(3, 4), f(3, 2)], fn: (a, b) => kd.cat([a, b], 1) },
  { name: 'stack', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => kd.stack([a, b], 1) },
  // losses
  { name: 'crossEntropy', inputs: [f(5, 4), idx(4, 5)], fn: (x, t) => F.crossEntropy(x, t) },
  { name: 'crossEntropy none', inputs: [f(5, 4), idx(4, 5)], fn: (x, t) => F.crossEntropy(x, t, { reduction: 'none' }) },
  { name: 'crossEntropy sum smoothing', inputs: [f(5, 4), idx(4, 5)], fn: (x, t) => F.crossEntropy(x, t, { reduction: 'sum', labelSmoothing: 0.1 }) },
  { name: 'crossEntropy weight', inputs: [f(5, 4), idx(4, 5), { shape: [4], kind: 'positive', grad: false }], fn: (x, t, w) => F.crossEntropy(x, t, { weight: w }) },
  { name: 'crossEntropy K-dim', inputs: [f(2, 4, 3), idx(4, 2, 3)], fn: (x, t) => F.crossEntropy(x, t, { reduction: 'none' }) },
  { name: 'crossEntropy probabilities', inputs: [f(5, 4), { shape: [5, 4], kind: 'unit', grad: false }], fn: (x, t) => F.crossEntropy(x, t) },
  { name: 'nllLoss', inputs: [f(5, 4), idx(4, 5)], fn: (x, t) => F.nllLoss(x, t) },
  { name: 'nllLoss none weight', inputs: [f(5, 4), idx(4, 5), { shape: [4], kind: 'positive', grad: false }], fn: (x, t, w) => F.nllLoss(x, t, { weight: w, reduction: 'none' }) },
  { name: 'nllLoss K-dim', inputs: [f(2, 4, 3), idx(4, 2, 3)], fn: (x, t) => F.nllLoss(x, t, { reduction: 'sum' }) },
  { name: 'mseLoss', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => F.mseLoss(a, b) },
  { name: 'l1Loss', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => F.l1Loss(a, b, { reduction: 'none' }) },
  { name: 'huberLoss', inputs: [f(3, 4), noGradF(3, 4)], fn: (a, b) => F.huberLoss(a, b, { delta: 0.5 }) },
  { name: 'binaryCrossEntropy', inputs: [unit(3, 4), { shape: [3, 4], kind: 'unit', grad: false }, { shape: [3, 4], kind: 'positive', grad: false }], fn: (p, y, w) => F.binaryCrossEntropy(p, y, { weight: w }) },
  { name: 'binaryCrossEntropyWithLogits', inputs: [f(3, 4), { shape: [3, 4], kind: 'unit', grad: false }, { shape: [4], kind: 'positive', grad: false }], fn: (x, y, pw) => F.binaryCrossEntropyWithLogits(x, y, { posWeight: pw }) },
];
