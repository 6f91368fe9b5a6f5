/**
 * Layer and group normalisation (PyTorch's F.layer_norm, F.group_norm), composed of ops so
 * their gradients come from the tape: (x - mean) / sqrt(var + eps) with the biased variance
 * over the normalised dims, then an optional elementwise affine transform.
 * Not yet fused into one native pass (issue 11 asks for that; these are the reference forms).
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { checkFloat } from './loss.js';

function checkAffine(op: string, name: string, t: Tensor | null | undefined, shape: number[]): void {
  if (t === null || t === undefined) return;
  checkFloat(op, name, t);
  if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
    throw new RangeError(`${op}: expected ${name} of shape ${formatShape(shape)}, but got ${formatShape(t.shape)}`);
  }
}

function normalise(x: Tensor, dims: number[], eps: number): Tensor {
  const mean = x.mean(dims, true);
  const centred = x.sub(mean);
  const variance = centred.mul(centred).mean(dims, true);
  return centred.mul(variance.add(eps).rsqrt());
}

/**
 * Normalises x over its last normalizedShape.length dims, which must equal normalizedShape;
 * weight and bias (optional) have that shape. Throws RangeError naming the shapes otherwise.
 */
export function layerNorm(x: Tensor, normalizedShape: number | number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkFloat('layerNorm', 'input', x);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new RangeError(`layerNorm: expected normalizedShape to be a positive integer or a list of them, but received ${describe(normalizedShape)}`);
  }
  const k = shape.length;
  const tail = x.shape.slice(x.dim() - k);
  if (x.dim() < k || tail.some((s, i) => s !== shape[i])) {
    throw new RangeError(`layerNorm: input of shape ${formatShape(x.shape)} does not end in normalizedShape ${formatShape(shape)}`);
  }
  checkAffine('layerNorm', 'weight', weight, shape);
  checkAffine('layerNorm', 'bias', bias, shape);
  let y = normalise(x, shape.map((_, i) => x.dim() - k + i), eps);
  if (weight) y = y.mul(weight);
  if (bias) y = y.add(bias);
  return y;
}

/**
 * Normalises x of shape [N, C, ...] over groups of C / numGroups channels (and all spatial
 * positions); weight and bias (optional) are per channel, shape [C]. Throws RangeError when C
 * is not divisible by numGroups or the shapes disagree.
 */
export function groupNorm(x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  checkFloat('groupNorm', 'input', x);
  if (x.dim() < 2) throw new RangeError(`groupNorm: expected an input of shape [N, C, ...], but got ${formatShape(x.shape)}`);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0) {
    throw new RangeError(`groupNorm: expected the ${c} channels of input ${formatShape(x.shape)} to be divisible by numGroups, but got ${describe(numGroups)}`);
  }
  checkAffine('groupNorm', 'weight', weight, [c]);
  checkAffine('groupNorm', 'bias', bias, [c]);
  const grouped = x.reshape([n, numGroups, -1]);
  let y = normalise(grouped, [2], eps).reshape([...x.shape]);
  const perChannel = [c, ...x.shape.slice(2).map(() => 1)];
  if (weight) y = y.mul(weight.reshape(perChannel));
  if (bias) y = y.add(bias.reshape(perChannel));
  return y;
}
