/** nn.functional: the stateless forms of layers and losses (PyTorch's torch.nn.functional). */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { rand } from '../tensor/create.js';
import { mul } from '../ops/binary.js';

export { relu, sigmoid, tanh, leakyRelu, gelu } from '../ops/unary.js';
export {
  softplus, elu, selu, celu, silu, mish, logsigmoid, hardtanh, relu6, hardswish, hardsigmoid, softsign, softmin, glu, threshold,
  prelu,
} from '../ops/activations.js';
export { cosineSimilarity, normalize } from '../ops/norms.js';
export { oneHot } from '../ops/scatter.js';
export {
  cosineEmbeddingLoss, marginRankingLoss, tripletMarginLoss, hingeEmbeddingLoss, multilabelSoftMarginLoss, multiMarginLoss,
  pairwiseDistance,
} from '../ops/margin_loss.js';
export { poissonNllLoss, gaussianNllLoss } from '../ops/likelihood_loss.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { linear } from '../ops/linear.js';
export { layerNorm, groupNorm } from '../ops/normalization.js';
export { embedding } from '../ops/embedding.js';
export type { EmbeddingOptions } from '../ops/embedding.js';
export {
  crossEntropy, nllLoss, mseLoss, l1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, smoothL1Loss, klDiv,
} from '../ops/loss.js';
export type { Reduction, ReductionOptions, ClassLossOptions, CrossEntropyOptions, KlReduction } from '../ops/loss.js';

/**
 * Zeroes each element with probability p (when training) and scales the survivors by
 * 1 / (1 - p), so the expected value is unchanged; the mask comes from the seeded generator.
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`dropout: expected input to be a Tensor, but received ${describe(x)}`);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`dropout: probability has to be between 0 and 1, but got ${String(p)}`);
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const keep = rand(x.shape, { dtype: x.dtype === 'float64' ? 'float64' : 'float32' }).ge(p);
  return mul(x, mul(keep.to(x.dtype), 1 / (1 - p)));
}
