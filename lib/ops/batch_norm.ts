/**
 * Batch normalisation (PyTorch's F.batch_norm): per channel (dim 1), normalise with the
 * batch's mean and biased variance when training (updating the running statistics in place:
 * the mean, and the unbiased variance, blended by momentum), or with the running statistics
 * in eval. One native op each way (native/batch_norm.cc, ATen's formulas), recorded as one node.
 */
import { checkOptions } from '../options.js';
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { record } from '../autograd/record.js';
import { emptyTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { cat } from './indexing.js';
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

function checkChannelVector(name: string, t: Tensor | null | undefined, c: number, input?: Tensor): void {
  if (t === null || t === undefined) return;
  checkFloat('batchNorm', name, t);
  if (input && t.dtype !== input.dtype) throw new TypeError(`batchNorm: input is ${input.dtype} but ${name} is ${t.dtype}`);
  if (t.dim() !== 1 || t.shape[0] !== c) throw new RangeError(`batchNorm: expected ${name} of shape [${c}] (one per channel), but got ${formatShape(t.shape)}`);
}

/**
 * Normalises input [N, C, ...] per channel. Throws RangeError naming the shapes when a
 * statistic or affine tensor is not [C], or when training sees one value per channel.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  options = checkOptions('batchNorm', options, ['weight', 'bias', 'training', 'momentum', 'eps']);
  checkFloat('batchNorm', 'input', input);
  if (input.dim() < 2) throw new RangeError(`batchNorm: expected an input of shape [N, C, ...], but got ${formatShape(input.shape)}`);
  const c = input.shape[1];
  checkChannelVector('runningMean', runningMean, c);
  checkChannelVector('runningVar', runningVar, c);
  checkChannelVector('weight', options.weight, c, input);
  checkChannelVector('bias', options.bias, c, input);
  const eps = options.eps ?? 1e-5;
  const training = options.training ?? false;
  const n = input.shape[0];
  const count = input.numel() / Math.max(c, 1);
  if (training && count <= 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, but got input of shape ${formatShape(input.shape)}`);
  if (!training && (!runningMean || !runningVar)) throw new RangeError('batchNorm: eval mode (training false) needs runningMean and runningVar');
  const dtype = input.dtype;
  const xc = contiguous(input.detach());
  const weight = options.weight ?? null;
  const bias = options.bias ?? null;
  const wc = weight ? contiguous(weight.detach()) : null;
  const bc = bias ? contiguous(bias.detach()) : null;
  // [mean, invstd, biased variance] per channel: the kernel fills them when training, and
  // reads the running statistics' otherwise
  const stats = training ? emptyTensor([3 * c], dtype, 'batchNorm') : noGrad(() => cat([
    runningMean!.to(dtype), runningVar!.to(dtype).add(eps).rsqrt(), runningVar!.to(dtype),
  ], 0));
  const layout = (xOff: number, yOff: number) => Float64Array.of(xOff, yOff, wc?.offset ?? 0, bc?.offset ?? 0, n, c, c === 0 || n === 0 ? 0 : count / n);
  const y = emptyTensor(input.shape, dtype, 'batchNorm');
  const st = (t: Tensor | null) => (t ? t.storage as FloatStorage : null);
  native.batchNorm(st(xc)!, st(wc), st(bc), st(stats)!, st(y)!, layout(xc.offset, 0), training, eps);
  if (training) {
    const m = options.momentum ?? 0.1;
    noGrad(() => {
      if (runningMean) runningMean.copy_(runningMean.mul(1 - m).add(stats.narrow(0, 0, c).mul(m)));
      if (runningVar) runningVar.copy_(runningVar.mul(1 - m).add(stats.narrow(0, 2 * c, c).mul(m * count / (count - 1))));
    });
  }
  return record(y, 'NativeBatchNormBackward0', [input, weight, bias], (g, needs) => {
    const gc = contiguous(g);
    const dx = needs[0] ? emptyTensor(input.shape, dtype, 'batchNorm') : null;
    const dwdb = needs[1] || needs[2] ? emptyTensor([2 * c], dtype, 'batchNorm') : null;
    native.batchNormBackward(st(xc)!, st(gc)!, st(wc), st(stats)!, st(dx), st(dwdb), layout(xc.offset, gc.offset), training);
    return [dx, needs[1] ? dwdb!.narrow(0, 0, c) : null, needs[2] ? dwdb!.narrow(0, c, c) : null];
  }, weight ? [input, weight] : [input]);
}
