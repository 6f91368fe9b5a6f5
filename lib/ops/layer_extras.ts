/**
 * Smaller layers from PyTorch's nn.functional, composed of existing ops (so their gradients
 * are those ops'): local response normalisation, channel shuffle, power-average pooling,
 * adaptive max pooling in 1-D, randomized leaky ReLU, alpha dropout and Gumbel-softmax.
 */
import { checkOptions, checkFlag, checkNumber } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, normalizeDim } from '../tensor/shape.js';
import { defaultGenerator } from '../tensor/random.js';
import { checkTensor, relu } from './unary.js';
import { checkFloat } from './loss.js';
import { add, div, mul, pow, sub } from './binary.js';
import { where } from './indexing.js';
import { softmax } from './softmax.js';
import { pad } from './pad.js';
import { avgPool2d, adaptiveMaxPool2d } from './pooling.js';
import { narrow, reshape, transpose } from './views.js';
import { rand } from '../tensor/create.js';
import { oneHot } from './scatter.js';

/**
 * x / (k + alpha / size · Σ x² over `size` neighbouring channels)^beta, input [N, C, *] (PyTorch's
 * local_response_norm: the window is zero-padded, size // 2 before and (size - 1) // 2 after).
 */
export function localResponseNorm(x: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  checkFloat('localResponseNorm', 'input', x);
  if (x.dim() < 3) throw new RangeError(`localResponseNorm: expected 3 or more dims [N, C, *], but got ${formatShape(x.shape)}`);
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`localResponseNorm: size must be a positive integer, but got ${describe(size)}`);
  for (const [name, v] of [['alpha', alpha], ['beta', beta], ['k', k]] as const) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`localResponseNorm: expected ${name} to be a number, but received ${describe(v)}`);
  }
  const c = x.shape[1];
  const sq = mul(x, x);
  const padding = new Array<number>(2 * (x.dim() - 2)).fill(0);
  padding.push(Math.floor(size / 2), Math.floor((size - 1) / 2));
  const padded = pad(sq, padding);
  let windowSum = narrow(padded, 1, 0, c);
  for (let j = 1; j < size; j++) windowSum = add(windowSum, narrow(padded, 1, j, c));
  return div(x, pow(add(mul(windowSum, alpha / size), k), beta));
}

/** Channels of [N, C, *] regrouped: C = groups × (C / groups), the two factors swapped (PyTorch's channel_shuffle). */
export function channelShuffle(x: Tensor, groups: number): Tensor {
  checkTensor('channelShuffle', x);
  if (x.dim() < 3) throw new RangeError(`channelShuffle: expected 3 or more dims [N, C, *], but got ${formatShape(x.shape)}`);
  if (!Number.isInteger(groups) || groups <= 0 || x.shape[1] % groups !== 0) {
    throw new RangeError(`channelShuffle: the number of channels (${x.shape[1]}) must be divisible by groups (${typeof groups === 'number' ? groups : describe(groups)})`);
  }
  const [n, c, ...rest] = x.shape;
  return reshape(transpose(reshape(x, [n, groups, c / groups, ...rest]), 1, 2), [n, c, ...rest]);
}

/** The p-norm over each window: (Σ x^p)^(1/p), [N, C, H, W] (PyTorch's lp_pool2d). */
export function lpPool2d(x: Tensor, normType: number, kernelSize: number | [number, number], options: { stride?: number | [number, number] | null; ceilMode?: boolean } = {}): Tensor {
  options = checkOptions('lpPool2d', options, ['stride', 'ceilMode']);
  checkFloat('lpPool2d', 'input', x);
  if (typeof normType !== 'number' || !(normType > 0)) throw new RangeError(`lpPool2d: normType must be a positive number, but got ${describe(normType)}`);
  if (typeof kernelSize !== 'number' && !(Array.isArray(kernelSize) && kernelSize.length === 2)) {
    throw new TypeError(`lpPool2d: expected kernelSize to be a number or two numbers, but received ${describe(kernelSize)}`);
  }
  const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  const avg = avgPool2d(pow(x, normType), [kh, kw], { stride: options.stride ?? null, ceilMode: options.ceilMode ?? false });
  return pow(mul(mul(avg.sign(), relu(avg.abs())), kh * kw), 1 / normType);
}

/** lpPool2d over the last dim of [N, C, L] (PyTorch's lp_pool1d). */
export function lpPool1d(x: Tensor, normType: number, kernelSize: number, options: { stride?: number | null; ceilMode?: boolean } = {}): Tensor {
  options = checkOptions('lpPool1d', options, ['stride', 'ceilMode']);
  checkFloat('lpPool1d', 'input', x);
  if (x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`lpPool1d: expected a 2-D [C, L] or 3-D [N, C, L] input, but got ${formatShape(x.shape)}`);
  const stride = options.stride ?? kernelSize;
  return lpPool2d(x.unsqueeze(-2), normType, [1, kernelSize], { stride: [1, stride], ceilMode: options.ceilMode }).squeeze(-2);
}

/** Max over PyTorch's adaptive windows of [N, C, L] (or [C, L]) to outputSize. */
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: number, options: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  checkFloat('adaptiveMaxPool1d', 'input', x);
  if (x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`adaptiveMaxPool1d: expected a 2-D [C, L] or 3-D [N, C, L] input, but got ${formatShape(x.shape)}`);
  const r = adaptiveMaxPool2d(x.unsqueeze(-2), [1, outputSize], options);
  return Array.isArray(r) ? [r[0].squeeze(-2), r[1].squeeze(-2)] : r.squeeze(-2);
}

/**
 * Leaky ReLU whose negative slope is drawn uniformly from [lower, upper] per element in
 * training, and is their mean in eval (PyTorch's rrelu).
 */
export function rrelu(x: Tensor, lower = 1 / 8, upper = 1 / 3, training = false): Tensor {
  checkFloat('rrelu', 'input', x);
  checkNumber('rrelu', 'lower', lower);
  checkNumber('rrelu', 'upper', upper);
  if (!(lower <= upper)) throw new RangeError(`rrelu: expected lower <= upper, but got lower=${lower}, upper=${upper}`);
  const slope = checkFlag('rrelu', 'training', training) ? add(mul(rand(x.shape, { dtype: x.dtype }), upper - lower), lower) : (lower + upper) / 2;
  // at x = 0 the gradient is the slope's, as PyTorch's (x > 0 ? g : slope g)
  return where(x.gt(0), x, mul(x, slope));
}

const SELU_ALPHA_PRIME = -1.7580993408473766;  // -scale · alpha of SELU: where SELU saturates

/**
 * Dropout that keeps SELU's self-normalisation (PyTorch's alpha_dropout): dropped elements
 * take SELU's saturation value, and an affine map restores zero mean and unit variance.
 */
export function alphaDropout(x: Tensor, p = 0.5, training = false): Tensor {
  checkFloat('alphaDropout', 'input', x);
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`alphaDropout: probability has to be between 0 and 1, but got ${String(p)}`);
  if (!checkFlag('alphaDropout', 'training', training) || p === 0) return x;
  if (p === 1) return mul(x, 0);
  const keep = rand(x.shape, { dtype: x.dtype }).ge(p);
  const a = 1 / Math.sqrt((1 - p) * (1 + p * SELU_ALPHA_PRIME * SELU_ALPHA_PRIME));
  const b = -a * SELU_ALPHA_PRIME * p;
  return add(mul(where(keep, x, SELU_ALPHA_PRIME), a), b);
}

/**
 * Samples from the Gumbel-softmax distribution over dim (PyTorch's gumbel_softmax): softmax of
 * (logits + Gumbel noise) / tau; with hard, one-hot of the argmax whose gradient is the soft
 * sample's (straight-through).
 */
export function gumbelSoftmax(logits: Tensor, options: { tau?: number; hard?: boolean; dim?: number } = {}): Tensor {
  options = checkOptions('gumbelSoftmax', options, ['tau', 'hard', 'dim']);
  checkFloat('gumbelSoftmax', 'input', logits);
  const tau = options.tau ?? 1;
  if (!(tau > 0)) throw new RangeError(`gumbelSoftmax: tau must be positive, but got ${describe(tau)}`);
  const dim = normalizeDim('gumbelSoftmax', options.dim ?? -1, logits.dim());
  // -log(E) with E ~ Exp(1) = -log(-log(U)), U uniform in (0, 1)
  let u = rand(logits.shape, { dtype: logits.dtype, generator: defaultGenerator });
  u = where(u.eq(0), Number.MIN_VALUE, u);
  const gumbels = u.log().neg().log().neg();
  const y = softmax(div(add(logits, gumbels), tau), dim);
  if (!options.hard) return y;
  const index = y.detach().argmax(dim, true);
  const hardY = oneHot(index.squeeze(dim), logits.shape[dim]).to(logits.dtype).movedim(-1, dim);
  return add(sub(hardY, y.detach()), y);
}
