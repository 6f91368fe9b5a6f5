/** nn.Parameter: a leaf tensor that a Module registers as one of its learnable weights. */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';

export class Parameter extends Tensor {
  /**
   * Wraps `data`'s storage (no copy) as a leaf that requires grad by default. Throws a
   * TypeError for non-tensors and for integer tensors that should require grad.
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new TypeError(`Parameter: expected a Tensor, but received ${describe(data)}`);
    if (requiresGrad && !isFloating(data.dtype)) {
      throw new TypeError(`Parameter: only floating-point tensors can require gradients, but got ${data.dtype}`);
    }
    super(data.storage, data.shape, data.strides, data.offset, data.dtype, data.versionCounter);
    this.requiresGrad = requiresGrad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
