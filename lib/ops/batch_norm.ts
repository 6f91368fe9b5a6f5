/**
 * Batch normalisation (PyTorch's F.batch_norm): per channel (dim 1), normalise with the
 * batch's mean and biased variance when training (updating the running statistics in place:
 * the mean, and the unbiased variance, blended by momentum), or with the running statistics
 * in eval. Composed of ops, so the gradient comes from the tape (not yet a fused kernel).
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { checkFloat } from './loss.js';

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use the batch's statistics (and update the running ones, when given). Default false. */
  training?: boolean;
  /** Weight of the new batch in the running statistics (default 0.1). */
  momentum?: number;
  eps?: number;
}

function checkChannelVector(name: string, t: Tensor | null | undefined, c: number): void {
  if (t === null || t === undefined) return;
  checkFloat('batchNorm', name, t);
  if (t.dim() !== 1 || t.shape[0] !== c) throw new RangeError(`batchNorm: expected ${name} of shape [${c}] (one per channel), but got ${formatShape(t.shape)}`);
}

/**
 * Normalises input [N, C, ...] per channel. Throws RangeError naming the shapes when a
 * statistic or affine tensor is not [C], or when training sees one value per channel.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  checkFloat('batchNorm', 'input', input);
  if (input.dim() < 2) throw new RangeError(`batchNorm: expected an input of shape [N, C, ...], but got ${formatShape(input.shape)}`);
  const c = input.shape[1];
  checkChannelVector('runningMean', runningMean, c);
  checkChannelVector('runningVar', runningVar, c);
  checkChannelVector('weight', options.weight, c);
  checkChannelVector('bias', options.bias, c);
  const eps = options.eps ?? 1e-5;
  const shape = [1, c, ...input.shape.slice(2).map(() => 1)];
  const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (options.training) {
    const count = input.numel() / Math.max(c, 1);
    if (count <= 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, but got input of shape ${formatShape(input.shape)}`);
    const mean = input.mean(dims, true);
    const centred = input.sub(mean);
    const variance = centred.mul(centred).mean(dims, true);
    y = centred.mul(variance.add(eps).rsqrt());
    const m = options.momentum ?? 0.1;
    noGrad(() => {
      if (runningMean) runningMean.copy_(runningMean.mul(1 - m).add(mean.reshape([c]).mul(m)));
      if (runningVar) runningVar.copy_(runningVar.mul(1 - m).add(variance.reshape([c]).mul(m * count / (count - 1))));
    });
  } else {
    if (!runningMean || !runningVar) throw new RangeError('batchNorm: eval mode (training false) needs runningMean and runningVar');
    y = input.sub(runningMean.reshape(shape)).mul(runningVar.reshape(shape).add(eps).rsqrt());
  }
  if (options.weight) y = y.mul(options.weight.reshape(shape));
  if (options.bias) y = y.add(options.bias.reshape(shape));
  return y;
}
