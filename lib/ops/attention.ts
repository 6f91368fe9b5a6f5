/**
 * Scaled dot-product attention (PyTorch's F.scaled_dot_product_attention): softmax(q kᵀ /
 * sqrt(d) + mask) v over the last two dims, with a boolean mask (true = may attend) or an
 * additive float mask, a causal mask, and dropout on the weights. Composed of batched GEMMs
 * and the fused softmax, so the gradient comes from the tape.
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { full, ones, rand } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';
import { checkFloat } from './loss.js';

export interface AttentionOptions {
  /** Boolean (true where a query may attend to a key) or additive float, broadcast to [..., L, S]. */
  attnMask?: Tensor | null;
  dropoutP?: number;
  /** Each query attends only to keys at or before its position (no attnMask allowed with it). */
  isCausal?: boolean;
  /** Multiplies q kᵀ (default 1/sqrt(q's last dim)). */
  scale?: number;
  /** Dropout is applied only when training (default true, as the functional form). */
  training?: boolean;
}

/** Dropout on attention weights: each zeroed with probability p, the rest scaled by 1 / (1 - p). */
export function dropoutWeights(weights: Tensor, p: number): Tensor {
  if (p >= 1) return weights.mul(0);
  return weights.mul(rand(weights.shape, { dtype: weights.dtype }).ge(p).to(weights.dtype).mul(1 / (1 - p)));
}

/** Adds a mask to attention scores: bool masks put -inf where attending is not allowed. */
export function applyMask(scores: Tensor, mask: Tensor, allowedWhere: boolean): Tensor {
  if (mask.dtype === 'bool') return scores.maskedFill(allowedWhere ? mask.logicalNot() : mask, -Infinity);
  return scores.add(mask);
}

/**
 * Attention of query [..., L, E] over key [..., S, E] and value [..., S, Ev] → [..., L, Ev].
 * Throws RangeError naming the shapes when they do not line up.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: AttentionOptions = {}): Tensor {
  options = checkOptions('scaledDotProductAttention', options, ['attnMask', 'dropoutP', 'isCausal', 'scale', 'training']);
  const op = 'scaledDotProductAttention';
  checkFloat(op, 'query', query);
  checkFloat(op, 'key', key);
  checkFloat(op, 'value', value);
  if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2 || query.shape[query.dim() - 1] !== key.shape[key.dim() - 1] || key.shape[key.dim() - 2] !== value.shape[value.dim() - 2]) {
    throw new RangeError(`${op}: query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} do not line up (expected [..., L, E], [..., S, E], [..., S, Ev])`);
  }
  const l = query.shape[query.dim() - 2], s = key.shape[key.dim() - 2];
  const scale = options.scale ?? 1 / Math.sqrt(query.shape[query.dim() - 1]);
  let scores = matmul(query.mul(scale), key.transpose(-2, -1));
  if (options.isCausal) {
    if (options.attnMask) throw new RangeError(`${op}: give either attnMask or isCausal, not both`);
    scores = applyMask(scores, ones([l, s], { dtype: 'bool' }).tril(), true);
  } else if (options.attnMask) {
    scores = applyMask(scores, options.attnMask, true);
  }
  let weights = softmax(scores, -1);
  const p = options.dropoutP ?? 0;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropoutP must be in [0, 1], but got ${String(p)}`);
  if (p > 0 && (options.training ?? true)) weights = dropoutWeights(weights, p);
  return matmul(weights, value);
}

/**
 * A float mask [l, s] that is -Infinity above the diagonal and 0 elsewhere (PyTorch's
 * generate_square_subsequent_mask); the dtype comes third or in an options object second
 * (`generateSquareSubsequentMask(n, { dtype: 'float64' })`, as PyTorch's keyword).
 */
export function generateSquareSubsequentMask(l: number, sOrOptions: number | { dtype?: DType } = l, dtype: DType = 'float32'): Tensor {
  let s = l;
  if (typeof sOrOptions === 'object' && sOrOptions !== null) dtype = sOrOptions.dtype ?? dtype;
  else s = sOrOptions;
  if (!Number.isInteger(l) || l < 0 || !Number.isInteger(s) || s < 0) throw new RangeError(`generateSquareSubsequentMask: expected non-negative integer sizes, but got ${String(l)}, ${String(s)}`);
  return full([l, s], -Infinity, { dtype }).triu(1);
}
