/**
 * Layer, group and instance normalisation (PyTorch's F.layer_norm, F.group_norm,
 * F.instance_norm): (x - mean) / sqrt(var + eps) with the biased variance over the normalised
 * dims, then an optional affine transform. Each is one native op (native/row_norm.cc: x as rows
 * normalised one by one) recorded as one node with its native gradient; instance norm with
 * running statistics in eval mode is composed of ops.
 */
import { checkOptions } from '../options.js';
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { emptyTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { checkFloat } from './loss.js';
import { noGrad } from '../autograd/grad_mode.js';

function checkAffine(op: string, name: string, t: Tensor | null | undefined, shape: number[], input?: Tensor): void {
  if (t === null || t === undefined) return;
  checkFloat(op, name, t);
  if (input && t.dtype !== input.dtype) throw new TypeError(`${op}: input is ${input.dtype} but ${name} is ${t.dtype}`);
  if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
    throw new RangeError(`${op}: expected ${name} of shape ${formatShape(shape)}, but got ${formatShape(t.shape)}`);
  }
}

/**
 * x as `rows` rows of m elements, each normalised by its own statistics; the affine parameter
 * of element j of row r is number ((r mod a) * m + j) / d of weight and bias (see
 * native/row_norm.cc). One native op each way, recorded as one node.
 */
function normaliseRows(name: string, x: Tensor, rows: number, m: number, a: number, d: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const op = name;
  const dtype = x.dtype;
  const xc = contiguous(x.detach());
  const wc = weight ? contiguous(weight.detach()) : null;
  const bc = bias ? contiguous(bias.detach()) : null;
  const stats = emptyTensor([2 * rows], dtype, op);
  const y = emptyTensor(x.shape, dtype, op);
  const st = (t: Tensor | null) => (t ? t.storage as FloatStorage : null);
  const layout = (xOff: number, yOff: number) => Float64Array.of(xOff, yOff, wc?.offset ?? 0, bc?.offset ?? 0, rows, m, a, d);
  native.rowNorm(st(xc)!, st(wc), st(bc), st(stats)!, st(y)!, layout(xc.offset, 0), eps);
  const params = (a * m) / d;
  return record(y, `Native${name[0].toUpperCase()}${name.slice(1)}Backward0`, [x, weight, bias], (g, needs) => {
    const gc = contiguous(g);
    const dx = needs[0] ? emptyTensor(x.shape, dtype, op) : null;
    const dwdb = needs[1] || needs[2] ? emptyTensor([2 * params], dtype, op) : null;
    native.rowNormBackward(st(xc)!, st(gc)!, st(wc), st(stats)!, st(dx), st(dwdb), layout(xc.offset, gc.offset));
    return [dx, needs[1] ? dwdb!.narrow(0, 0, params).reshape([...weight!.shape]) : null, needs[2] ? dwdb!.narrow(0, params, params).reshape([...bias!.shape]) : null];
  }, weight ? [x, weight] : [x]);
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
  checkAffine('layerNorm', 'weight', weight, shape, x);
  checkAffine('layerNorm', 'bias', bias, shape, x);
  const m = shape.reduce((p, q) => p * q, 1);
  return normaliseRows('layerNorm', x, x.numel() / m, m, 1, 1, weight ?? null, bias ?? null, eps);
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
  checkAffine('groupNorm', 'weight', weight, [c], x);
  checkAffine('groupNorm', 'bias', bias, [c], x);
  const spatial = x.shape.slice(2).reduce((p, q) => p * q, 1);
  return normaliseRows('groupNorm', x, n * numGroups, (c / numGroups) * spatial, numGroups, spatial, weight ?? null, bias ?? null, eps);
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
  options = checkOptions('instanceNorm', options, ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'eps']);
  checkFloat('instanceNorm', 'input', x);
  if (x.dim() < 3) throw new RangeError(`instanceNorm: expected an input of shape [N, C, ...] with spatial dims, but got ${formatShape(x.shape)}`);
  const c = x.shape[1];
  for (const [name, t] of [['runningMean', options.runningMean], ['runningVar', options.runningVar], ['weight', options.weight], ['bias', options.bias]] as const) {
    checkAffine('instanceNorm', name, t, [c], name === 'weight' || name === 'bias' ? x : undefined);
  }
  const eps = options.eps ?? 1e-5;
  const perChannel = [1, c, ...x.shape.slice(2).map(() => 1)];
  const spatial = x.shape.slice(2).map((_, i) => i + 2);
  if (options.useInputStats ?? true) {
    const count = x.shape.slice(2).reduce((a, b) => a * b, 1);
    if (count <= 1) throw new RangeError(`instanceNorm: expected more than 1 spatial element per channel, but got input of shape ${formatShape(x.shape)}`);
    const { runningMean, runningVar } = options;
    if (runningMean || runningVar) {
      const m = options.momentum ?? 0.1;
      noGrad(() => {
        const mean = x.mean(spatial, true);
        const centred = x.sub(mean);
        const variance = centred.mul(centred).mean(spatial, true);
        if (runningMean) runningMean.copy_(runningMean.mul(1 - m).add(mean.reshape([x.shape[0], c]).mean(0).mul(m)));
        if (runningVar) runningVar.copy_(runningVar.mul(1 - m).add(variance.reshape([x.shape[0], c]).mean(0).mul(m * count / (count - 1))));
      });
    }
    return normaliseRows('instanceNorm', x, x.shape[0] * c, count, c, count, options.weight ?? null, options.bias ?? null, eps);
  }
  if (!options.runningMean || !options.runningVar) throw new RangeError('instanceNorm: useInputStats false needs runningMean and runningVar');
  let y = x.sub(options.runningMean.reshape(perChannel)).mul(options.runningVar.reshape(perChannel).add(eps).rsqrt());
  if (options.weight) y = y.mul(options.weight.reshape(perChannel));
  if (options.bias) y = y.add(options.bias.reshape(perChannel));
  return y;
}
