/**
 * CosineSimilarity and PairwiseDistance (PyTorch's nn/modules/distance.py), taking PyTorch's
 * positional parameters or one options object.
 */
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../options.js';
import { Module } from './module.js';
import * as F from './functional.js';

export class CosineSimilarity extends Module {
  readonly dim: number;
  readonly eps: number;
  constructor(dim: number | { dim?: number; eps?: number } = 1, eps = 1e-8) {
    super();
    const o = dim !== null && typeof dim === 'object' ? checkOptions('CosineSimilarity', dim, ['dim', 'eps']) : { dim: dim ?? undefined, eps };
    this.dim = o.dim ?? 1;
    this.eps = o.eps ?? 1e-8;
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return F.cosineSimilarity(x1, x2, this.dim, this.eps); }
  override extraRepr(): string { return `dim=${this.dim}, eps=${this.eps}`; }
}

export class PairwiseDistance extends Module {
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(p: number | { p?: number; eps?: number; keepdim?: boolean } = 2, eps = 1e-6, keepdim = false) {
    super();
    const o = p !== null && typeof p === 'object' ? checkOptions('PairwiseDistance', p, ['p', 'eps', 'keepdim']) : { p: p ?? undefined, eps, keepdim };
    this.norm = o.p ?? 2;
    this.eps = o.eps ?? 1e-6;
    this.keepdim = o.keepdim ?? false;
  }
  forward(x1: Tensor, x2: Tensor): Tensor { return F.pairwiseDistance(x1, x2, { p: this.norm, eps: this.eps, keepdim: this.keepdim }); }
  override extraRepr(): string { return `p=${this.norm}, eps=${this.eps}, keepdim=${this.keepdim}`; }
}
