/** Flatten and Unflatten (PyTorch's nn/modules/flatten.py). */
import { checkTensor } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor {
    checkTensor('Flatten', x);
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}


/** Splits one dim into `unflattenedSize` (PyTorch's nn.Unflatten). */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: number[]) { super(); }
  forward(x: Tensor): Tensor {
    checkTensor('Unflatten', x);
    return x.unflatten(this.dim, this.unflattenedSize);
  }
  override extraRepr(): string { return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(', ')}]`; }
}
