/**
 * Loss functions. Cross-entropy and NLL run on the fused native kernels (log-softmax and
 * NLL in one pass, stable for large logits); the elementwise losses are compositions of ops
 * whose gradients the tape already knows.
 */
import { checkOptions } from '../options.js';
import { native, type FloatStorage } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { describe, formatShape, sameShape } from '../tensor/shape.js';
import { emptyTensor, fullTensor } from './alloc.js';
import { layoutOf } from './layout.js';
import { record } from '../autograd/record.js';
import { denseFloat, denseInt32 } from './dense.js';
import { add, div, mul, sub, sumToShape } from './binary.js';
import { where } from './indexing.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface ReductionOptions {
  reduction?: Reduction;
}

export interface ClassLossOptions extends ReductionOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (default -100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε) one-hot + ε / C (default 0). */
  labelSmoothing?: number;
}

/** The reduction an options object asks for (default 'mean'), or a RangeError naming the op. */
export function reductionOf(op: string, options: ReductionOptions | undefined): Reduction {
  const r = options?.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', but got ${String(r)}`);
  }
  return r;
}

/** A per-element loss reduced as asked. */
export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'mean' ? loss.mean() : reduction === 'sum' ? loss.sum() : loss;
}

export function checkFloat(op: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, but received ${describe(t)}`);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected ${name} to be floating point, but got ${t.dtype}`);
}

/** Input [N, C] (or [C], or [N, C, d...]) and int32 targets [N] (or [], or [N, d...]) as rows. */
function classRows(op: string, input: Tensor, target: Tensor): { x: Tensor; t: Tensor; restore: (l: Tensor) => Tensor } {
  checkFloat(op, 'input', input);
  if (!(target instanceof Tensor)) throw new TypeError(`${op}: expected target to be a Tensor, but received ${describe(target)}`);
  if (target.dtype !== 'int32') {
    throw new TypeError(`${op}: expected target to hold class indices as an int32 tensor, but got ${target.dtype}; use .int() (or pass probabilities of input's shape for soft targets)`);
  }
  if (input.dim() === 1) {
    if (target.dim() !== 0) throw new RangeError(`${op}: for an unbatched input ${formatShape(input.shape)} the target must be 0-d, but has shape ${formatShape(target.shape)}`);
    return { x: input.unsqueeze(0), t: target.reshape([1]), restore: (l) => l.reshape([]) };
  }
  if (input.dim() < 1) throw new RangeError(`${op}: input must have a class dimension, but has shape ${formatShape(input.shape)}`);
  const expected = [input.shape[0], ...input.shape.slice(2)];
  if (!sameShape(expected, target.shape)) {
    throw new RangeError(`${op}: expected target of shape ${formatShape(expected)} for input of shape ${formatShape(input.shape)}, but got ${formatShape(target.shape)}`);
  }
  if (input.dim() === 2) return { x: input, t: target, restore: (l) => l };
  const C = input.shape[1];
  const perm = [0, ...input.shape.slice(2).map((_, i) => i + 2), 1];
  return { x: input.permute(perm).reshape([-1, C]), t: target.reshape([-1]), restore: (l) => l.reshape(target.shape.slice()) };
}

function classWeight(op: string, weight: Tensor | null | undefined, like: Tensor, C: number): Tensor | null {
  if (weight === undefined || weight === null) return null;
  checkFloat(op, 'weight', weight);
  if (weight.dim() !== 1 || weight.shape[0] !== C) throw new RangeError(`${op}: weight must have shape [${C}] (one per class), but has shape ${formatShape(weight.shape)}`);
  return weight.to(like.dtype).detach();
}

/** What both class-index losses start from: rows, dense data for the kernels, weights. */
function classLossInputs(op: string, input: Tensor, target: Tensor, options: ClassLossOptions) {
  const { x, t, restore } = classRows(op, input, target);
  const [N, C] = x.shape;
  const xd = denseFloat(x.detach());
  const w = classWeight(op, options.weight, x, C);
  return { x, xd, td: denseInt32(t), restore, N, C, wd: w ? denseFloat(w) : null, ignore: options.ignoreIndex ?? -100 };
}

function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** The upstream gradient of a class loss as N per-row values, or 1 for a reduced loss. */
function rowGrads(g: Tensor, reduction: Reduction, N: number): FloatStorage {
  return denseFloat(reduction === 'none' ? g.reshape([N]) : g);
}

/**
 * Cross-entropy of logits against class indices (int32), or against class probabilities
 * of the input's shape. Mean reduction divides by the summed weights of non-ignored targets.
 */
export function crossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  options = checkOptions('crossEntropy', options, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']);
  const reduction = reductionOf('crossEntropy', options);
  const eps = options.labelSmoothing ?? 0;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], but got ${String(eps)}`);
  if (target instanceof Tensor && isFloating(target.dtype) && input instanceof Tensor && sameShape(input.shape, target.shape)) {
    return softCrossEntropy(input, target, options, reduction, eps);
  }
  const { x, xd, td, restore, N, C, wd, ignore } = classLossInputs('crossEntropy', input, target, options);
  const dtype = x.dtype;
  const stats = emptyTensor([2 * N], dtype).storage as FloatStorage;
  const nll = emptyTensor([N], dtype).storage as FloatStorage;
  const smooth = emptyTensor([N], dtype).storage as FloatStorage;
  const rowWeight = emptyTensor([N], dtype).storage as FloatStorage;
  native.crossEntropy(xd, td, wd, ignore, layoutOf(0, N, C), stats, nll, smooth, rowWeight);
  const a = 1 - eps;
  const b = eps / C;
  // Without smoothing the smoothing term is left out, not weighted by 0: a masked (-Infinity)
  // logit makes it infinite, and 0 * Infinity would turn the loss into NaN.
  const rowLoss = (n: number) => (b === 0 ? a * nll[n] : a * nll[n] + b * smooth[n]);
  let out: Tensor;
  let scale = 1;
  if (reduction === 'none') {
    out = emptyTensor([N], dtype);
    for (let n = 0; n < N; n++) out.storage[n] = rowLoss(n);
  } else {
    let total = 0;
    for (let n = 0; n < N; n++) total += rowLoss(n);
    if (reduction === 'mean') scale = 1 / sumOf(rowWeight);
    out = fullTensor([], total * scale, dtype);
  }
  const result = reduction === 'none' ? restore(out) : out;
  return record(result, 'CrossEntropyBackward', [x], (g) => {
    const gx = emptyTensor([N, C], dtype);
    native.crossEntropyBackward(gx.storage as FloatStorage, xd, td, wd, ignore, layoutOf(0, N, C), stats,
      rowGrads(g, reduction, N), a * scale, b * scale);
    return [gx];
  }, [x]);
}

/** Cross-entropy against probabilities: -sum_c w_c t_c log p_c per sample. */
function softCrossEntropy(input: Tensor, target: Tensor, options: CrossEntropyOptions, reduction: Reduction, eps: number): Tensor {
  const classDim = input.dim() === 1 ? 0 : 1;
  const C = input.shape[classDim];
  let t = target;
  if (eps > 0) t = add(mul(t, 1 - eps), eps / C);
  let prod = mul(input.logSoftmax(classDim), t);
  const w = classWeight('crossEntropy', options.weight, input, C);
  if (w) prod = mul(prod, classDim === 1 ? w.reshape([C, ...input.shape.slice(2).map(() => 1)]) : w);
  const loss = prod.sum(classDim).neg();
  if (reduction === 'mean') return input.dim() === 1 ? loss : loss.sum().div(loss.numel());
  return reduce(loss, reduction);
}

/** Negative log-likelihood of log-probabilities [N, C] at class indices (int32). */
export function nllLoss(input: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  options = checkOptions('nllLoss', options, ['reduction', 'weight', 'ignoreIndex']);
  const reduction = reductionOf('nllLoss', options);
  const { x, xd, td, restore, N, C, wd, ignore } = classLossInputs('nllLoss', input, target, options);
  const nll = emptyTensor([N], x.dtype);
  const rowWeight = emptyTensor([N], x.dtype).storage as FloatStorage;
  native.nllLoss(xd, td, wd, ignore, layoutOf(0, N, C), nll.storage as FloatStorage, rowWeight);
  let scale = 1;
  let out = nll;
  if (reduction !== 'none') {
    if (reduction === 'mean') scale = 1 / sumOf(rowWeight);
    out = fullTensor([], sumOf(nll.storage) * scale, x.dtype);
  }
  const result = reduction === 'none' ? restore(out) : out;
  return record(result, 'NllLossBackward', [x], (g) => {
    const gx = emptyTensor([N, C], x.dtype);
    native.nllLossBackward(gx.storage as FloatStorage, td, wd, ignore, layoutOf(0, N, C), rowGrads(g, reduction, N), scale);
    return [gx];
  });
}

/** Input and target must be floating point of one shape (broadcasting a loss is almost always a bug). */
export function pair(op: string, input: Tensor, target: Tensor): void {
  checkFloat(op, 'input', input);
  checkFloat(op, 'target', target);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(
      `${op}: input shape ${formatShape(input.shape)} and target shape ${formatShape(target.shape)} differ; ` +
        'reshape one of them (broadcasting here is almost always a bug, e.g. [N, 1] against [N])',
    );
  }
}

/** Mean (or sum) of squared differences. */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  options = checkOptions('mseLoss', options, ['reduction']);
  const reduction = reductionOf('mseLoss', options);
  pair('mseLoss', input, target);
  const d = sub(input, target);
  return reduce(mul(d, d), reduction);
}

/** Mean (or sum) of absolute differences. */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): Tensor {
  options = checkOptions('l1Loss', options, ['reduction']);
  const reduction = reductionOf('l1Loss', options);
  pair('l1Loss', input, target);
  return reduce(sub(input, target).abs(), reduction);
}

/** Squared error below `delta`, linear above it (default delta 1). */
export function huberLoss(input: Tensor, target: Tensor, options: ReductionOptions & { delta?: number } = {}): Tensor {
  options = checkOptions('huberLoss', options, ['reduction', 'delta']);
  const reduction = reductionOf('huberLoss', options);
  pair('huberLoss', input, target);
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, but got ${delta}`);
  const d = sub(input.detach(), target.detach());
  const a = d.abs();
  const loss = where(a.lt(delta), mul(mul(d, d), 0.5), mul(sub(a, 0.5 * delta), delta));
  // The gradient is d clamped to [-delta, delta]: finite at an infinite difference, where the
  // unselected quadratic branch of a composed where() would send 0 * Infinity = NaN.
  const recorded = record(loss, 'HuberLossBackward', [input, target], (g, needs) => {
    const gd = mul(g, d.clamp(-delta, delta));
    return [needs[0] ? gd : null, needs[1] ? gd.neg() : null];
  }, [input, target]);
  return reduce(recorded, reduction);
}

function elementWeight(op: string, weight: Tensor | null | undefined, loss: Tensor): Tensor {
  if (!weight) return loss;
  checkFloat(op, 'weight', weight);
  return mul(loss, weight);
}

/**
 * Binary cross-entropy of probabilities in [0, 1]; log terms are clamped at -100 and the
 * gradient's denominator x (1 - x) at 1e-12, as in PyTorch, so a saturated probability of
 * exactly 0 or 1 gives a finite gradient.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: ReductionOptions & { weight?: Tensor | null } = {}): Tensor {
  options = checkOptions('binaryCrossEntropy', options, ['reduction', 'weight']);
  const reduction = reductionOf('binaryCrossEntropy', options);
  pair('binaryCrossEntropy', input, target);
  const x = input.detach();
  const y = target.detach();
  const lo = x.min().item();
  const hi = x.max().item();
  if (input.numel() > 0 && !(lo >= 0 && hi <= 1)) {
    throw new RangeError(`binaryCrossEntropy: all elements of input should be between 0 and 1 (found ${lo < 0 || Number.isNaN(lo) ? lo : hi}); use binaryCrossEntropyWithLogits for raw scores`);
  }
  const logP = x.log().clamp(-100, null);
  const log1mP = sub(1, x).log().clamp(-100, null);
  const loss = add(mul(y, logP), mul(sub(1, y), log1mP)).neg();
  const recorded = record(loss, 'BinaryCrossEntropyBackward', [input, target], (g, needs) => [
    needs[0] ? div(mul(g, sub(x, y)), mul(sub(1, x), x).clamp(1e-12, null)) : null,
    needs[1] ? mul(g, sub(log1mP, logP)) : null,
  ], [input, target]);
  return reduce(elementWeight('binaryCrossEntropy', options.weight, recorded), reduction);
}

/**
 * Binary cross-entropy of raw scores, computed stably: sigmoid and log never overflow. Its
 * gradients are PyTorch's closed forms ((1 + (pw - 1) y) sigmoid(x) - pw y for the input): the
 * stable formula's |x| and max(-x, 0) have kinks at 0 whose one-sided derivatives are wrong
 * there (a logit of exactly 0, as a zero-initialised layer gives, got twice its gradient).
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
  options = checkOptions('binaryCrossEntropyWithLogits', options, ['reduction', 'weight', 'posWeight']);
  const reduction = reductionOf('binaryCrossEntropyWithLogits', options);
  pair('binaryCrossEntropyWithLogits', input, target);
  const x = input.detach();
  const y = target.detach();
  const pw = options.posWeight ? options.posWeight.detach() : null;
  // (1 - y) x + L (log(1 + exp(-|x|)) + max(-x, 0)), L = 1 + (pw - 1) y
  const softplusNeg = add(x.abs().neg().exp().add(1).log(), x.neg().relu());
  const logWeight = pw ? add(mul(sub(pw, 1), y), 1) : null;
  const loss = add(mul(sub(1, y), x), logWeight ? mul(logWeight, softplusNeg) : softplusNeg);
  const recorded = record(loss, 'BinaryCrossEntropyWithLogitsBackward', [input, target, options.posWeight ?? null], (g, needs) => {
    const s = x.sigmoid();
    const gx = needs[0] ? mul(g, pw && logWeight ? sub(mul(logWeight, s), mul(pw, y)) : sub(s, y)) : null;
    // d/dy: -x + (pw - 1) softplus(-x), which is log(1 - sigmoid(x)) - pw log(sigmoid(x))
    const gy = needs[1] ? mul(g, pw ? add(x.neg(), mul(sub(pw, 1), softplusNeg)) : x.neg()) : null;
    // d/dpw: y softplus(-x) (PyTorch leaves pos_weight without one; this is the exact derivative)
    const gp = needs[2] && options.posWeight ? sumToShape(mul(g, mul(y, softplusNeg)), options.posWeight.shape) : null;
    return [gx ? sumToShape(gx, input.shape) : null, gy ? sumToShape(gy, target.shape) : null, gp];
  });
  return reduce(elementWeight('binaryCrossEntropyWithLogits', options.weight, recorded), reduction);
}

/**
 * Squared error scaled by 1/beta below beta, absolute error minus beta/2 above it (PyTorch's
 * smooth_l1_loss; beta 0 is the L1 loss). Gradient clamp((x - y) / beta, -1, 1).
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: ReductionOptions & { beta?: number } = {}): Tensor {
  options = checkOptions('smoothL1Loss', options, ['reduction', 'beta']);
  const reduction = reductionOf('smoothL1Loss', options);
  pair('smoothL1Loss', input, target);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, but got ${beta}`);
  const d = sub(input.detach(), target.detach());
  const a = d.abs();
  const loss = beta === 0 ? a : where(a.lt(beta), div(mul(mul(d, d), 0.5), beta), sub(a, 0.5 * beta));
  const recorded = record(loss, 'SmoothL1LossBackward', [input, target], (g, needs) => {
    const gd = mul(g, beta === 0 ? d.sign() : div(d, beta).clamp(-1, 1));
    return [needs[0] ? gd : null, needs[1] ? gd.neg() : null];
  }, [input, target]);
  return reduce(recorded, reduction);
}

/** Reductions of the KL divergence: 'batchmean' divides the sum by the batch size (the mathematically right mean). */
export type KlReduction = Reduction | 'batchmean';

/**
 * KL divergence of `target` from the distribution whose log-probabilities are `input`:
 * target (log target - input) pointwise, 0 where target is 0; with logTarget, target is
 * itself given as log-probabilities. Default reduction 'mean' (PyTorch's, averaging every
 * element); 'batchmean' is usually what is meant.
 */
export function klDiv(input: Tensor, target: Tensor, options: { reduction?: KlReduction; logTarget?: boolean } = {}): Tensor {
  options = checkOptions('klDiv', options, ['reduction', 'logTarget']);
  const r = options.reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none' && r !== 'batchmean') throw new RangeError(`klDiv: reduction must be 'mean', 'batchmean', 'sum' or 'none', but got ${String(r)}`);
  checkFloat('klDiv', 'input', input);
  checkFloat('klDiv', 'target', target);
  let loss: Tensor;
  if (options.logTarget) {
    loss = mul(target.exp(), sub(target, input));
  } else {
    const t = target;
    // xlogy: 0 * log(0) is 0, not NaN
    const tlogt = where(t.detach().eq(0), 0, mul(t, where(t.detach().eq(0), 1, t).log()));
    loss = sub(tlogt, mul(t, input));
  }
  if (r === 'batchmean') return input.dim() === 0 ? loss.sum() : loss.sum().div(input.shape[0]);
  return reduce(loss, r);
}
