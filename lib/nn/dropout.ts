/** Dropout (PyTorch's nn/modules/dropout.py). */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';

/** Zeroes each element with probability p during training and scales the rest by 1/(1-p). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`Dropout: probability has to be between 0 and 1, but got ${String(p)}`);
  }
  forward(x: Tensor): Tensor { return F.dropout(x, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}`; }
}

