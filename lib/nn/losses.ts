/** Loss modules: the nn.functional losses with their options fixed at construction. */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';

abstract class Loss<O extends F.ReductionOptions> extends Module {
  constructor(readonly options: O = {} as O) {
    super();
  }
  abstract override forward(input: Tensor, target: Tensor): Tensor;
  override extraRepr(): string {
    return Object.entries(this.options).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null)).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  }
}

export class MSELoss extends Loss<F.ReductionOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, this.options); }
}

export class L1Loss extends Loss<F.ReductionOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, this.options); }
}

export class HuberLoss extends Loss<F.ReductionOptions & { delta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.huberLoss(input, target, this.options); }
}

/** Logits [N, C] against int32 class indices [N] (or probabilities [N, C]). */
export class CrossEntropyLoss extends Loss<F.CrossEntropyOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return F.crossEntropy(input, target, this.options); }
}

/** Log-probabilities [N, C] against int32 class indices [N]. */
export class NLLLoss extends Loss<F.ClassLossOptions> {
  forward(input: Tensor, target: Tensor): Tensor { return F.nllLoss(input, target, this.options); }
}

export class BCELoss extends Loss<F.ReductionOptions & { weight?: Tensor | null }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropy(input, target, this.options); }
}

export class BCEWithLogitsLoss extends Loss<F.ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropyWithLogits(input, target, this.options); }
}
