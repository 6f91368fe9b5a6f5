/** The gradient an update rule sees: negated to maximize, plus L2 weight decay (PyTorch's order). */
import type { Tensor } from '../tensor/tensor.js';

export function effectiveGrad(p: Tensor, grad: Tensor, weightDecay: number, maximize: boolean): Tensor {
  let g = maximize ? grad.neg() : grad;
  if (weightDecay !== 0) g = g.add(p, { alpha: weightDecay });
  return g;
}
