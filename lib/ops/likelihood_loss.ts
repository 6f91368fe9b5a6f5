/** Likelihood losses (PyTorch's F.poisson_nll_loss and gaussian_nll_loss), composed of ops. */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from './binary.js';
import { where } from './indexing.js';
import { noGrad } from '../autograd/grad_mode.js';
import { checkFloat, reduce, reductionOf, type ReductionOptions } from './loss.js';

/**
 * Negative log-likelihood of a Poisson target: exp(input) - target input with logInput (the
 * default), else input - target log(input + eps); full adds Stirling's term for targets > 1.
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options: ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number } = {}): Tensor {
  options = checkOptions('poissonNllLoss', options, ['reduction', 'logInput', 'full', 'eps']);
  const reduction = reductionOf('poissonNllLoss', options);
  checkFloat('poissonNllLoss', 'input', input);
  checkFloat('poissonNllLoss', 'target', target);
  let loss = options.logInput ?? true
    ? sub(input.exp(), mul(target, input))
    : sub(input, mul(target, add(input, options.eps ?? 1e-8).log()));
  if (options.full) {
    const t = target.detach();
    const stirling = add(sub(mul(t, t.log()), t), mul(mul(t, 2 * Math.PI).log(), 0.5));
    loss = add(loss, where(t.gt(1), stirling, 0));
  }
  return reduce(loss, reduction);
}

/**
 * Negative log-likelihood of a Gaussian with predicted mean `input` and variance `variance`:
 * 0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2pi with full). The variance is clamped
 * at eps without a gradient through the clamp, as PyTorch does.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options: ReductionOptions & { full?: boolean; eps?: number } = {}): Tensor {
  options = checkOptions('gaussianNllLoss', options, ['reduction', 'full', 'eps']);
  const reduction = reductionOf('gaussianNllLoss', options);
  checkFloat('gaussianNllLoss', 'input', input);
  checkFloat('gaussianNllLoss', 'var', variance);
  const eps = options.eps ?? 1e-6;
  if (variance.detach().lt(0).any().item()) throw new RangeError('gaussianNllLoss: var has negative entries');
  // clamp the values, keep the gradient: var + (clamped - var) with the difference detached
  const clampedDelta = noGrad(() => variance.clamp(eps, null).sub(variance));
  const v = add(variance, clampedDelta);
  const d = sub(input, target);
  let loss = mul(add(v.log(), div(mul(d, d), v)), 0.5);
  if (options.full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}
