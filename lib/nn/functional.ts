/** nn.functional: the stateless forms of layers and losses (PyTorch's torch.nn.functional). */
import { checkFlag } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { mul } from '../ops/binary.js';
import { emptyTensor } from '../ops/alloc.js';
import { defaultGenerator } from '../tensor/random.js';
import type { FloatStorage } from '../native.js';

export { relu, sigmoid, tanh, leakyRelu, gelu } from '../ops/unary.js';
export {
  softplus, elu, selu, celu, silu, mish, logsigmoid, hardtanh, relu6, hardswish, hardsigmoid, softsign, softmin, glu, threshold,
  prelu, softshrink, hardshrink, tanhshrink,
} from '../ops/activations.js';
export { pixelShuffle, pixelUnshuffle } from '../ops/pixel_shuffle.js';
export { bilinear } from '../ops/bilinear.js';
export { gridSample, affineGrid } from '../ops/grid_sample.js';
export { localResponseNorm, channelShuffle, lpPool1d, lpPool2d, adaptiveMaxPool1d, rrelu, alphaDropout, gumbelSoftmax } from '../ops/layer_extras.js';
export type { GridSampleOptions, GridSampleMode, GridSamplePadding } from '../ops/grid_sample.js';
export { cosineSimilarity, normalize } from '../ops/norms.js';
export { oneHot } from '../ops/scatter.js';
export {
  cosineEmbeddingLoss, marginRankingLoss, tripletMarginLoss, hingeEmbeddingLoss, multilabelSoftMarginLoss, multiMarginLoss,
  pairwiseDistance,
} from '../ops/margin_loss.js';
export { poissonNllLoss, gaussianNllLoss } from '../ops/likelihood_loss.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { linear } from '../ops/linear.js';
export { layerNorm, groupNorm, instanceNorm } from '../ops/normalization.js';
export { batchNorm } from '../ops/batch_norm.js';
export { scaledDotProductAttention } from '../ops/attention.js';
export type { AttentionOptions } from '../ops/attention.js';
export type { BatchNormOptions } from '../ops/batch_norm.js';
export { embedding } from '../ops/embedding.js';
export { embeddingBag } from '../ops/embedding_bag.js';
export type { EmbeddingBagOptions, EmbeddingBagMode } from '../ops/embedding_bag.js';
export { pad } from '../ops/pad.js';
export { interpolate } from '../ops/interpolate.js';
export type { InterpolateOptions, InterpolateMode } from '../ops/interpolate.js';
export { unfold, fold } from '../ops/unfold.js';
export { conv1d, conv2d, convTranspose1d, convTranspose2d } from '../ops/conv.js';
export { conv3d } from '../ops/conv3d.js';
export { maxPool3d, avgPool3d } from '../ops/pooling3d.js';
export type { Pool3dOptions } from '../ops/pooling3d.js';
export type { Conv3dOptions } from '../ops/conv3d.js';
export type { ConvOptions, ConvTransposeOptions } from '../ops/conv.js';
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d,
} from '../ops/pooling.js';
export type { MaxPoolOptions, AvgPoolOptions } from '../ops/pooling.js';
export type { PadMode } from '../ops/pad.js';
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
  checkInput('dropout', x);
  return maskedDropout('dropout', x, p, training, x.shape);
}

/** Zeroes whole channels of x with a mask of maskShape (broadcast over the rest), scaled by 1 / (1 - p). */
function maskedDropout(op: string, x: Tensor, p: number, training: boolean, maskShape: readonly number[]): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${op}: probability has to be between 0 and 1, but got ${String(p)}`);
  if (!checkFlag(op, 'training', training) || p === 0) return x;
  if (p === 1) return mul(x, 0);
  // the mask holds 0 or 1 / (1 - p) (what rand(...).ge(p) times the scale gives, in one pass)
  const mask = emptyTensor([...maskShape], x.dtype === 'float64' ? 'float64' : 'float32', op);
  defaultGenerator.fillDropoutMask(mask.storage as FloatStorage, 0, mask.numel(), p);
  return mul(x, mask);
}

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, but received ${describe(x)}`);
}

/** Zeroes entire channels: input [N, C, L] or [C, L], each channel with probability p (training only). */
export function dropout1d(x: Tensor, p = 0.5, training = true): Tensor {
  checkInput('dropout1d', x);
  if (x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`dropout1d: expected a 2-D [C, L] or 3-D [N, C, L] input, but got shape [${x.shape.join(', ')}]`);
  return maskedDropout('dropout1d', x, p, training, [...x.shape.slice(0, -1), 1]);
}

/**
 * Zeroes entire channels of a [N, C, H, W] input, each with probability p (training only).
 * A 3-D input is refused: PyTorch reads it as [N, C, L] (with a warning) although its
 * documentation says [C, H, W]; say which with dropout1d or unsqueeze(0).
 */
/** Zeroes entire channels of [N, C, D, H, W], each with probability p (training only). */
export function dropout3d(x: Tensor, p = 0.5, training = true): Tensor {
  checkInput('dropout3d', x);
  if (x.dim() !== 5) throw new RangeError(`dropout3d: expected a 5-D [N, C, D, H, W] input, but got shape [${x.shape.join(', ')}]`);
  return maskedDropout('dropout3d', x, p, training, [x.shape[0], x.shape[1], 1, 1, 1]);
}

export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  checkInput('dropout2d', x);
  if (x.dim() !== 4) {
    throw new RangeError(`dropout2d: expected a 4-D [N, C, H, W] input, but got shape [${x.shape.join(', ')}]` +
      (x.dim() === 3 ? ' (for [N, C, L] use dropout1d; for one [C, H, W] image, unsqueeze(0) first)' : ''));
  }
  return maskedDropout('dropout2d', x, p, training, [x.shape[0], x.shape[1], 1, 1]);
}
