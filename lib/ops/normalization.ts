/**
 * Layer, group and instance normalisation (PyTorch's F.layer_norm, F.group_norm,
 * F.instance_norm), composed of ops so their gradients come from the tape:
 * (x - mean) / sqrt(var + eps) with the biased variance over the normalised dims, then an
 * optional elementwise affine transform.
 * Not yet fused into one native pass (issue 11 asks for that; these are the reference forms).
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { checkFloat } from './loss.js';
import { noGrad } from '../autograd/grad_mode.js';

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

/**
 * Normalises each channel of each sample of x [N, C, ...] over its spatial positions (PyTorch's
 * F.instance_norm). With running statistics and useInputStats (training), also blends the
 * batch's average instance mean and unbiased variance into them; without useInputStats it
 * normalises with the running statistics. Throws RangeError naming the shapes.
 */
export function instanceNorm(x: Tensor, options: {
  runningMean?: Tensor | null; runningVar?: Tensor | null; weight?: Tensor | null; bias?: Tensor | null;
  useInputStats?: boolean; momentum?: number; eps?: number;
} = {}): Tensor {
  checkFloat('instanceNorm', 'input', x);
  if (x.dim() < 3) throw new RangeError(`instanceNorm: expected an input of shape [N, C, ...] with spatial dims, but got ${formatShape(x.shape)}`);
  const c = x.shape[1];
  for (const [name, t] of [['runningMean', options.runningMean], ['runningVar', options.runningVar], ['weight', options.weight], ['bias', options.bias]] as const) {
    checkAffine('instanceNorm', name, t, [c]);
  }
  const eps = options.eps ?? 1e-5;
  const perChannel = [1, c, ...x.shape.slice(2).map(() => 1)];
  const spatial = x.shape.slice(2).map((_, i) => i + 2);
  let y: Tensor;
  if (options.useInputStats ?? true) {
    const count = x.shape.slice(2).reduce((a, b) => a * b, 1);
    if (count <= 1) throw new RangeError(`instanceNorm: expected more than 1 spatial element per channel, but got input of shape ${formatShape(x.shape)}`);
    const mean = x.mean(spatial, true);
    const centred = x.sub(mean);
    const variance = centred.mul(centred).mean(spatial, true);
    y = centred.mul(variance.add(eps).rsqrt());
    const { runningMean, runningVar } = options;
    if (runningMean || runningVar) {
      const m = options.momentum ?? 0.1;
      noGrad(() => {
        if (runningMean) runningMean.copy_(runningMean.mul(1 - m).add(mean.reshape([x.shape[0], c]).mean(0).mul(m)));
        if (runningVar) runningVar.copy_(runningVar.mul(1 - m).add(variance.reshape([x.shape[0], c]).mean(0).mul(m * count / (count - 1))));
      });
    }
  } else {
    if (!options.runningMean || !options.runningVar) throw new RangeError('instanceNorm: useInputStats false needs runningMean and runningVar');
    y = x.sub(options.runningMean.reshape(perChannel)).mul(options.runningVar.reshape(perChannel).add(eps).rsqrt());
  }
  if (options.weight) y = y.mul(options.weight.reshape(perChannel));
  if (options.bias) y = y.add(options.bias.reshape(perChannel));
  return y;
}
