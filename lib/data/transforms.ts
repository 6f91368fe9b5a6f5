/** Standardisation: fit mean and standard deviation on training data, apply to any split. */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { where } from '../ops/indexing.js';

export class Standardize {
  private constructor(readonly mean: Tensor, readonly std: Tensor) {}

  /**
   * Statistics of x over `dim` (default 0: one mean/std per feature of an [N, F] table; pass
   * all dims for one scalar pair, e.g. for images). Constant features get std 1.
   */
  static fit(x: Tensor, options: { dim?: number | number[] } = {}): Standardize {
    if (!(x instanceof Tensor)) throw new TypeError(`Standardize.fit: expected a Tensor, but received ${describe(x)}`);
    return noGrad(() => {
      const xf = x.dtype === 'float64' ? x : x.float();
      const dim = options.dim ?? 0;
      const mean = xf.mean(dim, true);
      const std = xf.std(dim, { correction: 0, keepdim: true });
      return new Standardize(mean, where(std.gt(0), std, 1));
    });
  }

  /** (x - mean) / std, broadcasting the fitted statistics. */
  apply(x: Tensor): Tensor {
    return x.sub(this.mean).div(this.std);
  }

  /** Back to the original units. */
  inverse(y: Tensor): Tensor {
    return y.mul(this.std).add(this.mean);
  }
}
