/** Dropout (PyTorch's nn/modules/dropout.py). */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';

/** Zeroes each element with probability p during training and scales the rest by 1/(1-p). */
export class Dropout extends Module {
  /** Throws RangeError for p outside [0, 1]. */
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${this.constructor.name}: probability has to be between 0 and 1, but got ${String(p)}`);
  }
  forward(x: Tensor): Tensor { return F.dropout(x, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}`; }
}

/** Zeroes whole channels of [N, C, L] (or [C, L]) inputs with probability p during training. */
export class Dropout1d extends Dropout {
  override forward(x: Tensor): Tensor { return F.dropout1d(x, this.p, this.training); }
}

/** Zeroes whole channels of [N, C, H, W] inputs with probability p during training. */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor { return F.dropout2d(x, this.p, this.training); }
}

/** Zeroes whole channels of [N, C, D, H, W] inputs with probability p during training. */
export class Dropout3d extends Dropout {
  override forward(x: Tensor): Tensor { return F.dropout3d(x, this.p, this.training); }
}

/** Dropout for SELU networks: keeps zero mean and unit variance (training only). */
export class AlphaDropout extends Dropout {
  override forward(x: Tensor): Tensor { return F.alphaDropout(x, this.p, this.training); }
}
