// The op table (PyTorch's OpInfo idea): one row per public op, naming the callable and the
// inputs it is tried on. The view property test runs every row; adding an op is adding a row.
import * as kd from '../lib/index.js';
import type { Tensor } from '../lib/index.js';
import { rng } from './helpers.js';
import { gruLayer, lstmLayer, rnnLayer } from '../lib/ops/recurrent_layer.js';

const F = kd.nn.functional;

/**
 * One input: its shape and what its values must be. 'float' is any real in (-2, 2),
 * 'positive' is (0.5, 2.5), 'unit' is (0.05, 0.95) (probabilities), 'away' is |x| in (0.2, 2)
 * (away from a kink at 0), 'gt1' is (1.2, 3.2), 'index' an int32 in [0, bound), 'bool' a random
 * mask.
 */
export interface InputSpec {
  shape: number[];
  kind?: 'float' | 'positive' | 'unit' | 'away' | 'gt1' | 'index' | 'bool';
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
  /** Checked against finite differences in float64 (default: when some input takes a gradient). */
  gradcheck?: boolean;
}

/** Values of one input, contiguous, in `dtype` for floats (float32 by default). */
export function sampleInput(spec: InputSpec, shape: number[], seed: number, floatType: 'float32' | 'float64' = 'float32'): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const kind = spec.kind ?? 'float';
  const data = Array.from({ length: n }, () => {
    const u = r();
    switch (kind) {
      case 'positive': return 0.5 + 2 * u;
      case 'unit': return 0.05 + 0.9 * u;
      case 'away': return (u < 0.5 ? -1 : 1) * (0.2 + 3.6 * Math.abs(u - 0.5));
      case 'gt1': return 1.2 + 2 * u;
      case 'index': return Math.floor(u * (spec.bound ?? 1));
      case 'bool': return u < 0.5 ? 1 : 0;
      default: return 4 * u - 2;
    }
  });
  const dtype = kind === 'index' ? 'int32' : kind === 'bool' ? 'bool' : floatType;
  return kd.tensor(data, { dtype }).reshape(shape);
}

/** Whether an input of this spec takes a gradient in the backward checks. */
export const takesGrad = (spec: InputSpec): boolean => spec.kind !== 'index' && spec.kind !== 'bool' && spec.grad !== false;

/** The outputs of an op as a list. */
export function outputsOf(o: OpOutput): Tensor[] {
  if (Array.isArray(o)) return o;
  if ('values' in o && !(o instanceof kd.Tensor)) return [o.values, o.indices];
  return [o as Tensor];
}

const f = (...shape: number[]): InputSpec => ({ shape });
const pos = (...shape: number[]): InputSpec => ({ shape, kind: 'positive' });
const unit = (...shape: number[]): InputSpec => ({ shape, kind: 'unit' });
const idx = (bound: number, ...shape: number[]): InputSpec => ({ shape, kind: 'index', bound });
const mask = (...shape: number[]): InputSpec => ({ shape, kind: 'bool' });
const away = (...shape: number[]): InputSpec => ({ shape, kind: 'away' });
const unitG = (...shape: number[]): InputSpec => ({ shape, kind: 'unit' });
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
  { name: 'bitwiseNot', inputs: [mask(3, 4)], fn: (m) => m.bitwiseNot() },
  { name: 'bitwiseAnd masks', inputs: [mask(3, 4), mask(4)], fn: (a, b) => a.bitwiseAnd(b) },
  { name: 'bitwiseOr int32', inputs: [idx(50, 3, 4), idx(50, 3, 1)], fn: (a, b) => a.bitwiseOr(b) },
  { name: 'bitwiseXor int32 and mask', inputs: [idx(50, 3, 4), mask(3, 4)], fn: (a, b) => kd.bitwiseXor(a, b) },
  unary('clamp min', (x) => x.clamp(-0.5)),
  { name: 'clamp tensor bounds', inputs: [f(3, 4), f(4), f(3, 1)], fn: (x, lo, hi) => x.clamp(lo.sub(1), hi.add(1)) },
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
  // rows of 16 or more take the kernels' vector paths (softmax, max, logsumexp, topk)
  unary('softmax long rows', (x) => x.softmax(1), f(2, 37)),
  unary('logSoftmax long rows', (x) => x.logSoftmax(1), f(2, 37)),
  unary('logSoftmax', (x) => x.logSoftmax(-1)),
  unary('logSoftmax 3-D', (x) => x.logSoftmax(1), f(2, 3, 4)),
  // products
  { name: 'matmul', inputs: [f(3, 4), f(4, 5)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul vector', inputs: [f(3, 4), f(4)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul dot', inputs: [f(4), f(4)], fn: (a, b) => a.matmul(b) },
  { name: 'matmul int32', inputs: [idx(9, 2, 3, 4), idx(9, 4, 5)], fn: (a, b) => a.matmul(b) },
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
  // pointwise math
  unary('sin', (x) => x.sin()),
  unary('cos', (x) => x.cos()),
  unary('tan', (x) => x.tan(), unitG(3, 4)),
  unary('asin', (x) => x.asin(), unitG(3, 4)),
  unary('acos', (x) => x.acos(), unitG(3, 4)),
  unary('atan', (x) => x.atan()),
  unary('sinh', (x) => x.sinh()),
  unary('cosh', (x) => x.cosh()),
  unary('asinh', (x) => x.asinh()),
  unary('acosh', (x) => x.acosh(), { shape: [3, 4], kind: 'gt1' }),
  unary('atanh', (x) => x.atanh(), unitG(3, 4)),
  unary('exp2', (x) => x.exp2()),
  unary('expm1', (x) => x.expm1()),
  unary('log1p', (x) => x.log1p(), pos(3, 4)),
  unary('log2', (x) => x.log2(), pos(3, 4)),
  unary('log10', (x) => x.log10(), pos(3, 4)),
  unary('erf', (x) => x.erf()),
  unary('erfinv', (x) => x.erfinv(), unitG(3, 4)),
  unary('floor', (x) => x.floor()),
  unary('ceil', (x) => x.ceil()),
  unary('round', (x) => x.round()),
  unary('round decimals', (x) => x.round(1)),
  unary('trunc', (x) => x.trunc()),
  unary('frac', (x) => x.frac()),
  unary('sign', (x) => x.sign()),
  unary('reciprocal', (x) => x.reciprocal(), away(3, 4)),
  unary('rsqrt', (x) => x.rsqrt(), pos(3, 4)),
  unary('square', (x) => x.square()),
  unary('isnan', (x) => x.isnan()),
  unary('isfinite', (x) => x.isfinite()),
  unary('nanToNum', (x) => x.add(kd.where(x.gt(1), Infinity, kd.where(x.lt(-1), -Infinity, kd.where(x.abs().lt(0.3), NaN, 0)))).nanToNum(0, 5, -5)),
  unary('clampMax', (x) => x.clampMax(0.3)),
  ...binary('atan2', (a, b) => a.atan2(b), true),
  ...binary('remainder', (a, b) => a.remainder(b), true),
  ...binary('fmod', (a, b) => a.fmod(b), true),
  ...binary('hypot', (a, b) => a.hypot(b), true),
  ...binary('logaddexp', (a, b) => a.logaddexp(b)),
  { name: 'lerp', inputs: [f(3, 4), f(3, 4), unitG(4)], fn: (a, b, w) => a.lerp(b, w) },
  { name: 'addcmul', inputs: [f(3, 4), f(3, 1), f(4)], fn: (a, b, c) => a.addcmul(b, c, { value: -0.7 }) },
  { name: 'addcdiv', inputs: [f(3, 4), f(3, 4), pos(4)], fn: (a, b, c) => kd.addcdiv(a, b, c, { value: 1.5 }) },
  // more of the surface (surface_more.json has the PyTorch values)
  unary('erfc', (x) => x.erfc()),
  unary('logit', (x) => x.logit(), unit(3, 4)),
  unary('logit eps', (x) => x.logit(0.2), unit(3, 4)),
  { name: 'xlogy', inputs: [f(3, 4), pos(4)], fn: (a, b) => a.xlogy(b) },
  ...binary('fmax', (a, b) => a.fmax(b)),
  { name: 'fmin', inputs: [f(3, 4), f(3, 1)], fn: (a, b) => kd.fmin(a, b) },
  { name: 'copysign', inputs: [away(3, 4), f(4)], fn: (a, b) => a.copysign(b) },
  { name: 'div floor', inputs: [f(3, 4), pos(4)], fn: (a, b) => a.div(b, { roundingMode: 'floor' }) },
  unary('nansum', (x) => x.nansum(1)),
  unary('nanmean', (x) => x.nanmean([0, 1], true)),
  unary('diff', (x) => x.diff(2, 1)),
  { name: 'diff prepend', inputs: [f(3, 4), f(1, 4)], fn: (a, b) => a.diff(1, 0, b) },
  unary('unflatten', (x) => x.unflatten(1, [2, -1]).mul(1)),
  unary('rot90', (x) => x.rot90(1, [0, 1]).mul(1)),
  unary('rot90 k=3', (x) => x.rot90(3, [1, 0]).mul(1)),
  unary('tensorSplit', (x) => x.tensorSplit([1, 3], 1).map((t) => t.mul(1))),
  unary('hsplit', (x) => x.hsplit(2).map((t) => t.mul(1))),
  { name: 'hstack', inputs: [f(3, 2), f(3, 4)], fn: (a, b) => kd.hstack([a, b]) },
  { name: 'vstack', inputs: [f(4), f(2, 4)], fn: (a, b) => kd.vstack([a, b]) },
  { name: 'dstack', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => kd.dstack([a, b]) },
  { name: 'columnStack', inputs: [f(3), f(3, 2)], fn: (a, b) => kd.columnStack([a, b]) },
  unary('unfold windows', (x) => x.unfold(1, 2, 1).mul(1)),
  unary('unfold windows dim0', (x) => x.unfold(0, 2, 1).mul(1)),
  { name: 'cdist p2', inputs: [f(3, 4), f(5, 4)], fn: (a, b) => kd.cdist(a, b) },
  { name: 'cdist p1 batched', inputs: [f(2, 3, 4), f(2, 2, 4)], fn: (a, b) => kd.cdist(a, b, 1) },
  { name: 'cdist p3', inputs: [f(3, 4), f(2, 4)], fn: (a, b) => kd.cdist(a, b, 3) },
  { name: 'tensordot', inputs: [f(2, 3, 4), f(4, 3, 2)], fn: (a, b) => kd.tensordot(a, b, [[1, 2], [1, 0]]) },
  unary('softshrink', (x) => F.softshrink(x, 0.1), away(3, 4)),
  unary('hardshrink', (x) => F.hardshrink(x, 0.1), away(3, 4)),
  unary('tanhshrink', (x) => F.tanhshrink(x)),
  unary('pixelShuffle', (x) => F.pixelShuffle(x, 2), f(1, 8, 2, 3)),
  unary('pixelUnshuffle', (x) => F.pixelUnshuffle(x, 2), f(2, 1, 4, 2)),
  { name: 'bilinear', inputs: [f(3, 2), f(3, 4), f(5, 2, 4), f(5)], fn: (a, b, w, c) => F.bilinear(a, b, w, c) },
  { name: 'gridSample bilinear zeros', inputs: [f(2, 3, 4, 5), f(2, 3, 2, 2)], fn: (x, g) => F.gridSample(x, g) },
  { name: 'gridSample bilinear border aligned', inputs: [f(1, 2, 3, 4), f(1, 2, 3, 2)], fn: (x, g) => F.gridSample(x, g, { paddingMode: 'border', alignCorners: true }) },
  { name: 'gridSample bilinear reflection', inputs: [f(1, 2, 3, 4), f(1, 2, 3, 2)], fn: (x, g) => F.gridSample(x, g, { paddingMode: 'reflection' }) },
  { name: 'gridSample bicubic border', inputs: [f(1, 2, 3, 4), f(1, 2, 3, 2)], fn: (x, g) => F.gridSample(x, g, { mode: 'bicubic', paddingMode: 'border', alignCorners: true }) },
  { name: 'gridSample bicubic zeros', inputs: [f(1, 2, 3, 4), f(1, 2, 3, 2)], fn: (x, g) => F.gridSample(x, g, { mode: 'bicubic' }) },
  { name: 'gridSample nearest', inputs: [f(1, 2, 3, 4), f(1, 2, 3, 2)], fn: (x, g) => F.gridSample(x, g, { mode: 'nearest' }) },
  { name: 'affineGrid', inputs: [f(2, 2, 3)], fn: (t) => F.affineGrid(t, [2, 1, 3, 4]) },
  unary('localResponseNorm', (x) => F.localResponseNorm(x, 3, 0.1, 0.75, 2), f(2, 4, 3)),
  unary('channelShuffle', (x) => F.channelShuffle(x, 2), f(1, 4, 3)),
  unary('lpPool2d', (x) => F.lpPool2d(x, 2, 2), pos(1, 2, 4, 4)),
  unary('lpPool1d', (x) => F.lpPool1d(x, 3, 2, { stride: 1 }), pos(2, 2, 5)),
  unary('adaptiveMaxPool1d', (x) => F.adaptiveMaxPool1d(x, 3), f(2, 2, 7)),
  unary('rrelu eval', (x) => F.rrelu(x, 0.1, 0.3), away(3, 4)),
  unary('logcumsumexp', (x) => x.logcumsumexp(1), f(3, 5)),
  { name: 'conv3d', inputs: [f(1, 2, 4, 4, 3), f(3, 2, 2, 1, 2), f(3)], fn: (x, w, b) => F.conv3d(x, w, b, { stride: [1, 2, 1], padding: 1 }) },
  { name: 'conv3d groups dilation', inputs: [f(2, 2, 5, 3, 3), f(2, 1, 2, 2, 1)], fn: (x, w) => F.conv3d(x, w, null, { groups: 2, dilation: [2, 1, 1] }) },
  unary('maxPool3d', (x) => F.maxPool3d(x, 2, { stride: 1, padding: 1 }), f(1, 2, 3, 4, 3)),
  unary('avgPool3d', (x) => F.avgPool3d(x, [2, 2, 1], { padding: [1, 0, 0], ceilMode: true, countIncludePad: false }), f(2, 1, 3, 4, 3)),
  { name: 'isin', inputs: [idx(5, 3, 4), idx(5, 3)], fn: (a, b) => a.isin(b) },
  { name: 'bucketize', inputs: [f(3, 4)], fn: (x) => kd.bucketize(x, kd.tensor([-1, 0, 0.5, 1.5], { dtype: x.dtype })) },
  unary('argwhere', (x) => x.gt(0).argwhere()),
  { name: 'Normal.logProb', inputs: [f(4), pos(4), f(3, 4)], fn: (loc, scale, v) => new kd.distributions.Normal(loc, scale).logProb(v) },
  { name: 'Categorical.logProb', inputs: [pos(3, 4), idx(4, 2, 3)], fn: (p, v) => new kd.distributions.Categorical({ probs: p }).logProb(v) },
  // in-place twins, on a non-leaf (their gradient goes through the rebased tape)
  unary('exp_', (x) => x.mul(1).exp_()),
  unary('sigmoid_', (x) => x.mul(1).sigmoid_()),
  unary('log1p_', (x) => x.mul(1).log1p_(), pos(3, 4)),
  unary('round_ decimals', (x) => x.mul(1).round_(1)),
  unary('pow_', (x) => x.mul(1).pow_(3)),
  unary('clampMin_', (x) => x.mul(1).clampMin_(-0.5)),
  { name: 'lerp_', inputs: [f(3, 4), f(4), unitG(3, 1)], fn: (a, b, w) => a.mul(1).lerp_(b, w) },
  { name: 'hypot_', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => a.mul(1).hypot_(b) },
  { name: 'addcdiv_', inputs: [f(3, 4), f(4), pos(3, 4)], fn: (a, b, c) => a.mul(1).addcdiv_(b, c, { value: -2 }) },
  { name: 'addcmul_', inputs: [f(3, 4), f(3, 4), f(3, 1)], fn: (a, b, c) => a.mul(1).addcmul_(b, c) },
  { name: 'logicalAnd', inputs: [mask(3, 4), mask(4)], fn: (a, b) => a.logicalAnd(b) },
  { name: 'logicalOr', inputs: [f(3, 4), mask(3, 4)], fn: (a, b) => a.logicalOr(b) },
  { name: 'isclose', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => a.isclose(b, { atol: 0.5 }) },
  // activations
  unary('softplus', (x) => F.softplus(x, 2, 1.5)),
  unary('elu', (x) => F.elu(x, 0.7), away(3, 4)),
  unary('selu', (x) => F.selu(x), away(3, 4)),
  unary('celu', (x) => F.celu(x, 1.3), away(3, 4)),
  unary('silu', (x) => F.silu(x)),
  unary('mish', (x) => F.mish(x)),
  unary('logsigmoid', (x) => F.logsigmoid(x)),
  unary('hardtanh', (x) => F.hardtanh(x, -0.5, 0.6), away(3, 4)),
  unary('hardswish', (x) => F.hardswish(x.mul(2)), away(3, 4)),
  unary('hardsigmoid', (x) => F.hardsigmoid(x.mul(2)), away(3, 4)),
  unary('softsign', (x) => F.softsign(x)),
  // reductions and scans
  unary('prod', (x) => x.prod()),
  unary('prod dim', (x) => x.prod(1, true)),
  unary('prod with a zero', (x) => x.mul(x.gt(1.2).logicalNot().float()).prod(1)),
  unary('amax dims', (x) => x.amax([0, 2]), f(2, 3, 4)),
  unary('amin', (x) => x.amin(1)),
  unary('all dim', (x) => x.gt(0).all(1)),
  unary('any', (x) => x.gt(1.5).any()),
  unary('countNonzero', (x) => x.gt(0).countNonzero(0)),
  unary('logsumexp', (x) => x.logsumexp(1)),
  unary('logsumexp long rows', (x) => x.logsumexp(1), f(2, 37)),
  unary('amax long rows', (x) => x.amax(1), f(2, 37)),
  unary('logsumexp dims keepdim', (x) => x.logsumexp([0, 2], true), f(2, 3, 4)),
  unary('norm', (x) => x.norm()),
  unary('norm 1 dim', (x) => x.norm(1, 1), away(3, 4)),
  unary('norm inf', (x) => x.norm(Infinity, 0)),
  unary('norm 3', (x) => x.norm(3, 1, true)),
  unary('norm 0.5', (x) => x.norm(0.5, 1), away(3, 4)),
  { name: 'dist', inputs: [f(3, 4), f(4)], fn: (a, b) => a.dist(b, 3) },
  unary('cumsum', (x) => x.cumsum(1)),
  unary('cumsum dim 0', (x) => x.cumsum(0), f(2, 3, 4)),
  unary('cumprod', (x) => x.cumprod(1)),
  unary('cumprod with zeros', (x) => x.mul(x.gt(1.2).logicalNot().float()).cumprod(1), f(3, 6)),
  unary('cummax', (x) => x.cummax(1)),
  unary('cummin', (x) => x.cummin(0)),
  unary('var positional', (x) => x.var(1, false, true)),
  // sorting and selection
  unary('sort', (x) => x.sort(1)),
  unary('sort descending dim 0', (x) => x.sort(0, true)),
  unary('argsort', (x) => x.argsort(-1, true)),
  unary('topk', (x) => x.topk(2, 1)),
  unary('topk long rows', (x) => x.topk(5, 1), f(2, 37)),
  unary('topk smallest dim 0', (x) => x.topk(2, 0, false)),
  unary('kthvalue', (x) => x.kthvalue(2, 1)),
  unary('median', (x) => x.median()),
  unary('median dim', (x) => x.median(1, true)),
  unary('nanmedian', (x) => x.nanmedian()),
  unary('nanmedian dim', (x) => x.nanmedian(0)),
  unary('mode', (x) => x.round().mode(1)),
  unary('unique', (x) => x.round().unique({ returnInverse: true, returnCounts: true }) as Tensor[]),
  unary('nonzero', (x) => x.gt(0).nonzero() as Tensor),
  { name: 'searchsorted', inputs: [f(6), f(3, 2)], fn: (s, v) => kd.searchsorted(s.sort().values, v) },
  // shape
  unary('chunk', (x) => x.chunk(3, 1)),
  unary('split sizes', (x) => x.split([1, 3], 1)),
  unary('unbind', (x) => x.unbind(1)),
  unary('repeat', (x) => x.repeat(2, 1, 3)),
  unary('tile', (x) => x.tile([2])),
  unary('repeatInterleave', (x) => x.repeatInterleave(2, 0)),
  unary('repeatInterleave counts', (x) => x.repeatInterleave([1, 0, 2], 0)),
  unary('flip', (x) => x.flip(0, 1)),
  unary('roll', (x) => x.roll([1, -2], [0, 1])),
  unary('roll flat', (x) => x.roll(5)),
  unary('movedim', (x) => x.movedim(0, 2), f(2, 3, 4)),
  unary('swapaxes', (x) => x.swapaxes(0, 1)),
  unary('tril', (x) => x.tril(1)),
  unary('triu', (x) => x.triu(-1)),
  unary('diag 2-D', (x) => x.diag(1)),
  { name: 'diag 1-D', inputs: [f(4)], fn: (x) => x.diag(-1) },
  unary('diagonal', (x) => x.diagonal(0, 1, 2), f(2, 3, 4)),
  unary('trace', (x) => x.trace()),
  { name: 'meshgrid', inputs: [f(3), f(4)], fn: (a, b) => kd.meshgrid([a, b], { indexing: 'xy' }) },
  unary('broadcastTo', (x) => x.broadcastTo(2, 3, 4)),
  // masking and scattering
  { name: 'maskedFill', inputs: [f(3, 4), mask(4)], fn: (x, m) => x.maskedFill(m, -1.5) },
  { name: 'maskedSelect', inputs: [f(3, 4), mask(3, 4)], fn: (x, m) => x.maskedSelect(m) },
  // distinct indices per row: with repeats, which write wins (and so the gradient) is unspecified, as in PyTorch
  { name: 'scatter', inputs: [f(3, 4), f(3, 3), noGradF(3, 4)], fn: (x, s, r) => x.scatter(1, r.argsort(1).narrow(1, 0, 2), s) },
  { name: 'scatter value', inputs: [f(3, 4), idx(3, 2, 4)], fn: (x, i) => x.scatter(0, i, 2.5) },
  { name: 'scatterAdd', inputs: [f(3, 4), idx(4, 3, 5), f(3, 5)], fn: (x, i, s) => x.scatterAdd(1, i, s) },
  { name: 'scatterReduce sum', inputs: [f(3, 4), idx(4, 3, 5), f(3, 5)], fn: (x, i, s) => x.scatterReduce(1, i, s, 'sum', { includeSelf: false }) },
  { name: 'scatterReduce mean', inputs: [f(3, 4), idx(4, 3, 5), f(3, 5)], fn: (x, i, s) => x.scatterReduce(1, i, s, 'mean') },
  { name: 'scatterReduce amax', inputs: [f(3, 4), idx(4, 3, 5), f(3, 5)], fn: (x, i, s) => x.scatterReduce(1, i, s, 'amax') },
  { name: 'scatterReduce prod', inputs: [away(3, 4), idx(4, 3, 2), away(3, 2)], fn: (x, i, s) => x.scatterReduce(1, i, s, 'prod', { includeSelf: true }) },
  { name: 'indexAdd', inputs: [f(5, 3), idx(5, 4), f(4, 3)], fn: (x, i, s) => x.indexAdd(0, i, s, { alpha: 2 }) },
  { name: 'indexFill', inputs: [f(3, 5), idx(5, 2)], fn: (x, i) => x.indexFill(1, i, -2) },
  { name: 'indexCopy', inputs: [f(5, 3), { shape: [2], kind: 'index', bound: 5 }, f(2, 3)], fn: (x, i, s) => x.indexCopy(0, i.unique() as Tensor, s.narrow(0, 0, (i.unique() as Tensor).numel())) },
  { name: 'takeAlongDim', inputs: [f(3, 4), idx(4, 3, 2)], fn: (x, i) => x.takeAlongDim(i, 1) },
  { name: 'take', inputs: [f(3, 4), idx(12, 2, 3)], fn: (x, i) => x.take(i) },
  // linear algebra
  { name: 'mm', inputs: [f(3, 4), f(4, 2)], fn: (a, b) => a.mm(b) },
  { name: 'bmm', inputs: [f(2, 3, 4), f(2, 4, 2)], fn: (a, b) => a.bmm(b) },
  { name: 'dot', inputs: [f(5), f(5)], fn: (a, b) => a.dot(b) },
  { name: 'outer', inputs: [f(3), f(4)], fn: (a, b) => a.outer(b) },
  { name: 'addmm', inputs: [f(4), f(3, 2), f(2, 4)], fn: (c, a, b) => c.addmm(a, b, { beta: 0.5, alpha: 2 }) },
  { name: 'baddbmm', inputs: [f(2, 3, 4), f(2, 3, 2), f(2, 2, 4)], fn: (c, a, b) => c.baddbmm(a, b) },
  { name: 'kron', inputs: [f(2, 3), f(3, 2)], fn: (a, b) => a.kron(b) },
  { name: 'cross', inputs: [f(4, 3), f(4, 3)], fn: (a, b) => a.cross(b, 1) },
  { name: 'einsum matmul', inputs: [f(3, 4), f(4, 5)], fn: (a, b) => kd.einsum('ij,jk->ik', a, b) },
  { name: 'einsum attention', inputs: [f(2, 2, 3, 4), f(2, 2, 5, 4)], fn: (a, b) => kd.einsum('bhqd,bhkd->bhqk', a, b) },
  { name: 'einsum trace and diagonal', inputs: [f(3, 3)], fn: (a) => [kd.einsum('ii', a), kd.einsum('ii->i', a)] },
  { name: 'einsum ellipsis broadcast', inputs: [f(2, 3, 4), f(4, 5)], fn: (a, b) => kd.einsum('...ij,jk->...ik', a, b) },
  { name: 'einsum three operands', inputs: [f(2, 3), f(3, 4), f(4, 2)], fn: (a, b, c) => kd.einsum('ij,jk,kl->il', a, b, c) },
  { name: 'einsum outer and sum', inputs: [f(3), f(4)], fn: (a, b) => [kd.einsum('i,j->ij', a, b), kd.einsum('i,j', a, b)] },
  // python-style indexing
  unary('index slices', (x) => x.index(':, 1:3'), f(3, 4)),
  unary('index ellipsis last', (x) => x.index('..., -1'), f(2, 3, 4)),
  unary('index step', (x) => x.index('::2'), f(5, 4)),
  unary('index newaxis', (x) => x.index(null, ':', 2)),
  { name: 'index tensor', inputs: [f(3, 4), idx(3, 5)], fn: (x, i) => x.index(i) },
  { name: 'index tensors separated', inputs: [f(3, 4, 5), idx(3, 2), idx(5, 2)], fn: (x, i, j) => x.index(i, ':', j) },
  { name: 'index tensors adjacent', inputs: [f(3, 4, 5), idx(4, 2), idx(5, 2)], fn: (x, i, j) => x.index(':', i, j) },
  { name: 'index mask', inputs: [f(3, 4), mask(3, 4)], fn: (x, m) => x.index(m) },
  { name: 'indexPut_ out of place', inputs: [f(3, 4), f(2, 4)], fn: (x, v) => x.mul(1).indexPut_([[0, 2]], v) },
  { name: 'indexPut_ slice', inputs: [f(3, 4), f(2)], fn: (x, v) => x.mul(1).indexPut_(':, 1:3', v.mul(1)) },
  // losses
  { name: 'smoothL1Loss', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => F.smoothL1Loss(a, b, { beta: 0.5 }) },
  { name: 'klDiv batchmean', inputs: [f(3, 4), unitG(3, 4)], fn: (a, b) => F.klDiv(a.logSoftmax(1), b, { reduction: 'batchmean' }) },
  { name: 'klDiv logTarget', inputs: [f(3, 4), f(3, 4)], fn: (a, b) => F.klDiv(a, b.logSoftmax(1), { logTarget: true, reduction: 'sum' }) },
  { name: 'cosineSimilarity', inputs: [f(3, 4), f(4)], fn: (a, b) => F.cosineSimilarity(a, b, -1) },
  { name: 'cosineSimilarity broadcast dim', inputs: [f(1, 4), f(3, 4)], fn: (a, b) => F.cosineSimilarity(a, b, 0) },
  unary('normalize', (x) => F.normalize(x, { dim: 0 })),
  { name: 'oneHot', inputs: [idx(4, 5)], fn: (t) => F.oneHot(t, 4) },
  // layers (functional forms)
  { name: 'layerNorm', inputs: [f(3, 4, 5), f(4, 5), f(4, 5)], fn: (x, w, b) => F.layerNorm(x, [4, 5], w, b) },
  { name: 'layerNorm no affine', inputs: [f(3, 6)], fn: (x) => F.layerNorm(x, 6, null, null, 1e-3) },
  { name: 'batchNorm training', inputs: [f(4, 3, 2, 2), f(3), f(3)], fn: (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }) },
  // the running statistics are buffers, not differentiable inputs (as in PyTorch)
  { name: 'batchNorm eval', inputs: [f(4, 3), noGradF(3), { shape: [3], kind: 'positive', grad: false }, f(3), f(3)], fn: (x, m, v, w, b) => F.batchNorm(x, m, v, { training: false, weight: w, bias: b }) },
  { name: 'batchNorm training, no affine, running statistics', inputs: [f(5, 2, 3), noGradF(2), { shape: [2], kind: 'positive', grad: false }], fn: (x, m, v) => F.batchNorm(x, m.clone(), v.clone(), { training: true, momentum: 0.3 }) },
  { name: 'instanceNorm', inputs: [f(2, 3, 4, 2), f(3), f(3)], fn: (x, w, b) => F.instanceNorm(x, { weight: w, bias: b }) },
  { name: 'groupNorm', inputs: [f(2, 4, 3, 2), f(4), f(4)], fn: (x, w, b) => F.groupNorm(x, 2, w, b) },
  { name: 'groupNorm [N, C], weight only', inputs: [f(3, 6), f(6)], fn: (x, w) => F.groupNorm(x, 3, w, null) },
  { name: 'layerNorm bias only', inputs: [f(5, 4), f(4)], fn: (x, b) => F.layerNorm(x, 4, null, b) },
  { name: 'pad constant', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [1, 2, 0, 1], { value: 0.5 }) },
  { name: 'pad constant crop', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [-1, 2, 1, -2]) },
  { name: 'pad reflect', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [3, 2, 2, 1], { mode: 'reflect' }) },
  { name: 'pad reflect cropping', inputs: [f(2, 3, 5)], fn: (x) => F.pad(x, [-2, 3, 1, -1], { mode: 'reflect' }) },
  { name: 'pad replicate', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [2, 3, 1, 2], { mode: 'replicate' }) },
  { name: 'pad circular', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [4, 1, 3, 0], { mode: 'circular' }) },
  { name: 'pad replicate crop', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [2, -1, -1, 2], { mode: 'replicate' }) },
  { name: 'pad circular crop', inputs: [f(2, 3, 4)], fn: (x) => F.pad(x, [-1, 3, 1, -2], { mode: 'circular' }) },
  { name: 'conv2d', inputs: [f(2, 3, 5, 6), f(4, 3, 3, 2), f(4)], fn: (x, w, b) => F.conv2d(x, w, b, { padding: 1 }) },
  { name: 'conv2d stride dilation groups', inputs: [f(2, 4, 7, 6), f(6, 2, 2, 3)], fn: (x, w) => F.conv2d(x, w, null, { stride: [2, 1], dilation: [1, 2], padding: [1, 0], groups: 2 }) },
  { name: 'conv2d same even kernel', inputs: [f(1, 2, 4, 5), f(3, 2, 2, 4)], fn: (x, w) => F.conv2d(x, w, null, { padding: 'same' }) },
  { name: 'conv2d 1×1 groups (the image is its own columns)', inputs: [f(3, 4, 3, 3), f(6, 2, 1, 1), f(6)], fn: (x, w, b) => F.conv2d(x, w, b, { groups: 2 }) },
  { name: 'conv2d 1×1 stride 2', inputs: [f(3, 2, 5, 4), f(3, 2, 1, 1)], fn: (x, w) => F.conv2d(x, w, null, { stride: 2 }) },
  { name: 'conv2d unbatched', inputs: [f(2, 4, 4), f(3, 2, 3, 3), f(3)], fn: (x, w, b) => F.conv2d(x, w, b) },
  { name: 'lstmLayer packed steps [3, 2, 2, 1]', inputs: [f(8, 8), f(8, 2), f(3, 2), f(3, 2)], fn: (p, w, h, c) => lstmLayer(p, w, h, c, [3, 2, 2, 1], false) },
  { name: 'lstmLayer reverse', inputs: [f(8, 8), f(8, 2), f(3, 2), f(3, 2)], fn: (p, w, h, c) => lstmLayer(p, w, h, c, [3, 2, 2, 1], true) },
  { name: 'gruLayer packed steps [3, 2, 2, 1]', inputs: [f(8, 6), f(6, 2), f(6), f(3, 2)], fn: (p, w, b, h) => gruLayer(p, w, b, h, [3, 2, 2, 1], false) },
  { name: 'gruLayer reverse, no hidden bias', inputs: [f(8, 6), f(6, 2), f(3, 2)], fn: (p, w, h) => gruLayer(p, w, null, h, [3, 2, 2, 1], true) },
  { name: 'rnnLayer tanh packed steps [3, 2, 2, 1]', inputs: [f(8, 2), f(2, 2), f(3, 2)], fn: (p, w, h) => rnnLayer(p, w, h, [3, 2, 2, 1], false, 'tanh') },
  { name: 'rnnLayer relu reverse', inputs: [away(8, 2), f(2, 2), f(3, 2)], fn: (p, w, h) => rnnLayer(p, w, h, [3, 2, 2, 1], true, 'relu') },
  { name: 'conv1d', inputs: [f(2, 3, 9), f(4, 3, 3), f(4)], fn: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2 }) },
  { name: 'convTranspose2d', inputs: [f(2, 4, 3, 4), f(4, 3, 3, 2), f(6)], fn: (x, w, b) => F.convTranspose2d(x, w, b, { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], groups: 2 }) },
  { name: 'convTranspose2d dilation', inputs: [f(1, 2, 3, 3), f(2, 2, 2, 2)], fn: (x, w) => F.convTranspose2d(x, w, null, { dilation: 2, padding: 1 }) },
  { name: 'convTranspose2d outputPadding past the stride (below the dilation)', inputs: [f(2, 2, 3, 3), f(2, 3, 2, 2), f(3)], fn: (x, w, b) => F.convTranspose2d(x, w, b, { dilation: 3, outputPadding: [1, 2] }) },
  { name: 'convTranspose1d', inputs: [f(2, 3, 5), f(3, 2, 3), f(2)], fn: (x, w, b) => F.convTranspose1d(x, w, b, { stride: 2, outputPadding: 1 }) },
  { name: 'unfold', inputs: [f(2, 2, 5, 4)], fn: (x) => F.unfold(x, [2, 3], { padding: 1, stride: [2, 1], dilation: [1, 2] }) },
  { name: 'fold', inputs: [f(2, 8, 6)], fn: (x) => F.fold(x, [3, 4], 2, { padding: [0, 1], stride: [1, 2] }) },
  { name: 'maxPool2d', inputs: [f(2, 3, 7, 6)], fn: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }) as Tensor },
  { name: 'maxPool2d dilation indices', inputs: [f(1, 2, 6, 6)], fn: (x) => F.maxPool2d(x, 2, { dilation: 2, returnIndices: true }) as Tensor[] },
  { name: 'maxPool1d', inputs: [f(2, 3, 9)], fn: (x) => F.maxPool1d(x, 3, { stride: 2 }) as Tensor },
  { name: 'avgPool2d', inputs: [f(2, 3, 7, 6)], fn: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }) },
  { name: 'avgPool1d', inputs: [f(2, 3, 9)], fn: (x) => F.avgPool1d(x, 2) },
  { name: 'adaptiveAvgPool2d', inputs: [f(2, 3, 7, 5)], fn: (x) => F.adaptiveAvgPool2d(x, [3, 2]) },
  { name: 'adaptiveMaxPool2d', inputs: [f(2, 3, 7, 5)], fn: (x) => F.adaptiveMaxPool2d(x, [3, 2]) },
  { name: 'adaptiveMaxPool2d indices', inputs: [f(2, 3, 7, 5)], fn: (x) => F.adaptiveMaxPool2d(x, [3, 2], { returnIndices: true }) },
  { name: 'scaledDotProductAttention', inputs: [f(2, 3, 4), f(2, 5, 4), f(2, 5, 3)], fn: (q, k, v) => F.scaledDotProductAttention(q, k, v) },
  { name: 'scaledDotProductAttention causal', inputs: [f(2, 4, 4), f(2, 4, 4), f(2, 4, 3)], fn: (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }) },
  { name: 'embedding', inputs: [idx(5, 2, 3), f(5, 4)], fn: (i, w) => F.embedding(i, w) },
  // the padding row's gradient is zero by definition, not the finite difference: no gradcheck
  { name: 'embedding paddingIdx', inputs: [idx(5, 3, 3), f(5, 4)], fn: (i, w) => F.embedding(i, w, { paddingIdx: 1 }), gradcheck: false },
  { name: 'embeddingBag sum 2-D', inputs: [idx(6, 3, 4), f(6, 3)], fn: (i, w) => F.embeddingBag(i, w, null, { mode: 'sum' }) },
  { name: 'embeddingBag mean offsets', inputs: [idx(6, 7), f(6, 3)], fn: (i, w) => F.embeddingBag(i, w, [0, 2, 2, 5]) },
  { name: 'embeddingBag max offsets', inputs: [idx(6, 7), f(6, 3)], fn: (i, w) => F.embeddingBag(i, w, [0, 3, 4], { mode: 'max' }) },
  { name: 'embeddingBag perSampleWeights', inputs: [idx(6, 7), f(6, 3), f(7)], fn: (i, w, p) => F.embeddingBag(i, w, [0, 3], { mode: 'sum', perSampleWeights: p }) },
  { name: 'interpolate nearest', inputs: [f(2, 3, 4, 5)], fn: (x) => F.interpolate(x, { scaleFactor: [1.5, 2] }) },
  { name: 'interpolate bilinear', inputs: [f(2, 3, 4, 5)], fn: (x) => F.interpolate(x, [7, 3], { mode: 'bilinear' }) },
  { name: 'interpolate bilinear alignCorners', inputs: [f(1, 2, 3, 4)], fn: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }) },
  { name: 'interpolate linear', inputs: [f(2, 3, 5)], fn: (x) => F.interpolate(x, 8, { mode: 'linear' }) },
  { name: 'interpolate trilinear', inputs: [f(1, 2, 3, 2, 4)], fn: (x) => F.interpolate(x, [4, 3, 2], { mode: 'trilinear' }) },
  { name: 'interpolate area', inputs: [f(2, 2, 6, 5)], fn: (x) => F.interpolate(x, [3, 2], { mode: 'area' }) },
];
