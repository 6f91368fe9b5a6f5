/**
 * Margin and embedding losses (PyTorch's F.cosine_embedding_loss, margin_ranking_loss,
 * triplet_margin_loss, hinge_embedding_loss, multilabel_soft_margin_loss, multi_margin_loss),
 * composed of ops so their gradients come from the tape.
 */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { add, mul, pow, sub } from './binary.js';
import { where } from './indexing.js';
import { logsigmoid } from './activations.js';
import { checkFloat, reduce, reductionOf, type ReductionOptions } from './loss.js';
import { gather } from './indexing.js';
import { asIndexTensor } from './index_tensor.js';
import { scatter } from './scatter.js';
import { fullTensor } from './alloc.js';

function sameShapes(op: string, ...named: [string, Tensor][]): void {
  const [n0, t0] = named[0];
  for (const [n, t] of named.slice(1)) {
    if (t.shape.length !== t0.shape.length || t.shape.some((s, i) => s !== t0.shape[i])) {
      throw new RangeError(`${op}: ${n} has shape ${formatShape(t.shape)} but ${n0} has ${formatShape(t0.shape)}`);
    }
  }
}

/** The ±1 labels: a Tensor of any dtype. */
function checkTarget(op: string, y: unknown): asserts y is Tensor {
  if (!(y instanceof Tensor)) throw new TypeError(`${op}: expected target to be a Tensor of 1 and -1, but received ${describe(y)}`);
}

/** 1 - cos(x1, x2) where y = 1, max(0, cos - margin) where y = -1 (rows of x1, x2 along dim 1). */
export function cosineEmbeddingLoss(x1: Tensor, x2: Tensor, y: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  options = checkOptions('cosineEmbeddingLoss', options, ['reduction', 'margin']);
  const reduction = reductionOf('cosineEmbeddingLoss', options);
  checkFloat('cosineEmbeddingLoss', 'input1', x1);
  checkFloat('cosineEmbeddingLoss', 'input2', x2);
  checkTarget('cosineEmbeddingLoss', y);
  sameShapes('cosineEmbeddingLoss', ['input1', x1], ['input2', x2]);
  const dim = x1.dim() - 1;
  // PyTorch's form: sum(x1 x2) / sqrt((|x1|^2 + 1e-12)(|x2|^2 + 1e-12))
  const EPS = 1e-12;
  const cos = mul(x1, x2).sum(dim).div(mul(mul(x1, x1).sum(dim).add(EPS), mul(x2, x2).sum(dim).add(EPS)).sqrt());
  const loss = where(y.eq(1), sub(1, cos), where(y.eq(-1), sub(cos, options.margin ?? 0).clampMin(0), 0));
  return reduce(loss, reduction);
}

/** max(0, -y (x1 - x2) + margin): y = 1 means x1 should rank higher. */
export function marginRankingLoss(x1: Tensor, x2: Tensor, y: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  options = checkOptions('marginRankingLoss', options, ['reduction', 'margin']);
  const reduction = reductionOf('marginRankingLoss', options);
  checkFloat('marginRankingLoss', 'input1', x1);
  checkFloat('marginRankingLoss', 'input2', x2);
  checkTarget('marginRankingLoss', y);
  return reduce(add(mul(y.neg(), sub(x1, x2)), options.margin ?? 0).clampMin(0), reduction);
}

/** ||a - b + eps||_p along the last dim (PyTorch's pairwise_distance). */
export function pairwiseDistance(a: Tensor, b: Tensor, options: { p?: number; eps?: number; keepdim?: boolean } = {}): Tensor {
  options = checkOptions('pairwiseDistance', options, ['p', 'eps', 'keepdim']);
  const p = options.p ?? 2;
  return add(sub(a, b), options.eps ?? 1e-6).norm(p, -1, options.keepdim ?? false);
}

/** max(d(a, p) - d(a, n) + margin, 0) with p-norm distances; swap uses d(p, n) when it is smaller. */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor,
  options: ReductionOptions & { margin?: number; p?: number; eps?: number; swap?: boolean } = {}): Tensor {
  options = checkOptions('tripletMarginLoss', options, ['reduction', 'margin', 'p', 'eps', 'swap']);
  const reduction = reductionOf('tripletMarginLoss', options);
  for (const [n, t] of [['anchor', anchor], ['positive', positive], ['negative', negative]] as const) checkFloat('tripletMarginLoss', n, t);
  const d = (a: Tensor, b: Tensor) => pairwiseDistance(a, b, { p: options.p ?? 2, eps: options.eps ?? 1e-6 });
  const dap = d(anchor, positive);
  let dan = d(anchor, negative);
  if (options.swap) dan = dan.minimum(d(positive, negative));
  return reduce(add(sub(dap, dan), options.margin ?? 1).clampMin(0), reduction);
}

/** x where y = 1, max(0, margin - x) where y = -1. */
export function hingeEmbeddingLoss(x: Tensor, y: Tensor, options: ReductionOptions & { margin?: number } = {}): Tensor {
  options = checkOptions('hingeEmbeddingLoss', options, ['reduction', 'margin']);
  const reduction = reductionOf('hingeEmbeddingLoss', options);
  checkFloat('hingeEmbeddingLoss', 'input', x);
  checkTarget('hingeEmbeddingLoss', y);
  const margin = options.margin ?? 1;
  const loss = add(where(y.eq(1), x, 0), where(y.eq(-1), sub(margin, x).clampMin(0), 0));
  return reduce(loss, reduction);
}

/** Per-class logistic loss averaged over classes: -(y log s(x) + (1 - y) log s(-x)), class weights optional. */
export function multilabelSoftMarginLoss(x: Tensor, y: Tensor, options: ReductionOptions & { weight?: Tensor | null } = {}): Tensor {
  options = checkOptions('multilabelSoftMarginLoss', options, ['reduction', 'weight']);
  const reduction = reductionOf('multilabelSoftMarginLoss', options);
  checkFloat('multilabelSoftMarginLoss', 'input', x);
  let loss = add(mul(y, logsigmoid(x)), mul(sub(1, y), logsigmoid(x.neg()))).neg();
  if (options.weight) loss = mul(loss, options.weight);
  return reduce(loss.mean(-1), reduction);
}

/**
 * Multi-class hinge loss: per sample, sum over classes i != y of max(0, margin - x[y] + x[i])^p,
 * divided by the number of classes (PyTorch's multi_margin_loss; p is 1 or 2).
 */
export function multiMarginLoss(x: Tensor, target: Tensor, options: ReductionOptions & { p?: number; margin?: number; weight?: Tensor | null } = {}): Tensor {
  options = checkOptions('multiMarginLoss', options, ['reduction', 'p', 'margin', 'weight']);
  const reduction = reductionOf('multiMarginLoss', options);
  checkFloat('multiMarginLoss', 'input', x);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new RangeError(`multiMarginLoss: only p = 1 and p = 2 are supported, but got ${p}`);
  const x2 = x.dim() === 1 ? x.unsqueeze(0) : x;
  const t = asIndexTensor('multiMarginLoss', target, 'target').reshape([-1, 1]);
  if (t.shape[0] !== x2.shape[0]) throw new RangeError(`multiMarginLoss: target has ${t.shape[0]} entries for ${x2.shape[0]} samples`);
  const C = x2.shape[1];
  const xy = gather(x2, 1, t);
  // PyTorch's kernel counts a class only where margin - x[y] + x[i] > 0 (strictly)
  const z = add(sub(options.margin ?? 1, xy), x2);
  let m = where(z.gt(0), z, 0);
  if (p === 2) m = pow(m, 2);
  if (options.weight) m = mul(m, gather(options.weight.reshape([1, -1]).expand([x2.shape[0], C]), 1, t));
  // the target's own class does not count
  const others = scatter(fullTensor(x2.shape, 1, m.dtype), 1, t, 0);
  const loss = mul(m, others).sum(1).div(C);
  return reduce(x.dim() === 1 ? loss.reshape([]) : loss, reduction);
}
