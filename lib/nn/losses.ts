/** Loss modules: the nn.functional losses with their options fixed at construction. */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';

// Options are checked by the functional form at the first call; null (PyTorch's None) means defaults.
abstract class Loss<O extends F.ReductionOptions> extends Module {
  readonly options: O;
  constructor(options: O | null = {} as O) {
    super();
    this.options = options ?? ({} as O);
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

export class SmoothL1Loss extends Loss<F.ReductionOptions & { beta?: number }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, this.options); }
}

/** KL divergence of target from input's log-probabilities; reduction 'batchmean' is the true mean. */
export class KLDivLoss extends Module {
  readonly options: { reduction?: F.KlReduction; logTarget?: boolean };
  constructor(options: { reduction?: F.KlReduction; logTarget?: boolean } | null = {}) { super(); this.options = options ?? {}; }
  forward(input: Tensor, target: Tensor): Tensor { return F.klDiv(input, target, this.options); }
}

/** A loss of three tensors (two inputs and a label or a third embedding). */
abstract class TripleLoss<O extends F.ReductionOptions> extends Module {
  readonly options: O;
  constructor(options: O | null = {} as O) { super(); this.options = options ?? ({} as O); }
  abstract override forward(a: Tensor, b: Tensor, c: Tensor): Tensor;
}

export class CosineEmbeddingLoss extends TripleLoss<F.ReductionOptions & { margin?: number }> {
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor { return F.cosineEmbeddingLoss(x1, x2, y, this.options); }
}

export class MarginRankingLoss extends TripleLoss<F.ReductionOptions & { margin?: number }> {
  forward(x1: Tensor, x2: Tensor, y: Tensor): Tensor { return F.marginRankingLoss(x1, x2, y, this.options); }
}

export class TripletMarginLoss extends TripleLoss<F.ReductionOptions & { margin?: number; p?: number; eps?: number; swap?: boolean }> {
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor { return F.tripletMarginLoss(anchor, positive, negative, this.options); }
}

export class HingeEmbeddingLoss extends Loss<F.ReductionOptions & { margin?: number }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.hingeEmbeddingLoss(input, target, this.options); }
}

export class MultiLabelSoftMarginLoss extends Loss<F.ReductionOptions & { weight?: Tensor | null }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.multilabelSoftMarginLoss(input, target, this.options); }
}

export class MultiMarginLoss extends Loss<F.ReductionOptions & { p?: number; margin?: number; weight?: Tensor | null }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.multiMarginLoss(input, target, this.options); }
}

export class PoissonNLLLoss extends Loss<F.ReductionOptions & { logInput?: boolean; full?: boolean; eps?: number }> {
  forward(input: Tensor, target: Tensor): Tensor { return F.poissonNllLoss(input, target, this.options); }
}

export class GaussianNLLLoss extends TripleLoss<F.ReductionOptions & { full?: boolean; eps?: number }> {
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor { return F.gaussianNllLoss(input, target, variance, this.options); }
}
