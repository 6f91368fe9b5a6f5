/**
 * 3-D convolution (PyTorch's F.conv3d) over [N, C, D, H, W] as kD native 2-D convolutions:
 * for each depth tap kd, the input planes that tap reads for every output depth (a strided
 * view along D) are folded into the batch and convolved with the kernel's kd-th [kH, kW]
 * slice; the kD results add up. Each is one batched call of the threaded conv2d kernel, and the
 * gradients are conv2d's, through the views.
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { checkFloat } from './loss.js';
import { conv2d } from './conv.js';
import { pad } from './pad.js';
import { add } from './binary.js';

export type Triple = number | [number, number, number];

export interface Conv3dOptions {
  stride?: Triple;
  /** A number, a triple, 'valid' (0) or 'same' (output size = input size; stride 1 only). */
  padding?: Triple | 'same' | 'valid';
  dilation?: Triple;
  groups?: number;
}

/** A size given as one number or three (for depth, height, width), checked to be integers >= min. */
export function triple(op: string, name: string, v: unknown, fallback: [number, number, number], min: number): [number, number, number] {
  const t = v === undefined || v === null ? fallback : typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(t) || t.length !== 3 || t.some((k) => !Number.isInteger(k) || k < min)) {
    throw new RangeError(`${op}: expected ${name} to be an integer >= ${min} or three of them, but received ${describe(v)}`);
  }
  return t as [number, number, number];
}

/**
 * input [N, C, D, H, W] (or [C, D, H, W]) convolved with weight [O, C/groups, kD, kH, kW], plus
 * an optional bias [O]. Throws RangeError naming the shapes when channels, groups or sizes do
 * not fit.
 */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv3dOptions = {}): Tensor {
  options = checkOptions('conv3d', options, ['stride', 'padding', 'dilation', 'groups']);
  const op = 'conv3d';
  checkFloat(op, 'input', input);
  checkFloat(op, 'weight', weight);
  if (weight.dim() !== 5) throw new RangeError(`${op}: expected a 5-D weight [outChannels, inChannels/groups, kD, kH, kW], but got ${formatShape(weight.shape)}`);
  if (input.dim() !== 4 && input.dim() !== 5) {
    throw new RangeError(`${op}: expected a 4-D [C, D, H, W] or 5-D [N, C, D, H, W] input (weight ${formatShape(weight.shape)}), but got ${formatShape(input.shape)}`);
  }
  let x = input.dim() === 4 ? input.unsqueeze(0) : input;
  const [o, cg, kd, kh, kw] = weight.shape;
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0 || cg * groups !== x.shape[1] || o % groups !== 0) {
    throw new RangeError(`${op}: weight ${formatShape(weight.shape)} with groups=${describe(groups)} expects input to have ${cg * groups} channels (and outChannels divisible by groups), but got input ${formatShape(input.shape)}`);
  }
  const stride = triple(op, 'stride', options.stride, [1, 1, 1], 1);
  const dilation = triple(op, 'dilation', options.dilation, [1, 1, 1], 1);
  const k = [kd, kh, kw];
  let padding: [number, number, number];
  if (options.padding === 'same' || options.padding === 'valid') {
    if (options.padding === 'same' && stride.some((s) => s !== 1)) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions (stride ${stride.join('×')})`);
    if (options.padding === 'same') {
      // PyTorch's 'same': half the total on each side, an odd one more at the end
      const total = k.map((n, i) => dilation[i] * (n - 1));
      const before = total.map((t) => Math.floor(t / 2));
      x = pad(x, [before[2], total[2] - before[2], before[1], total[1] - before[1], before[0], total[0] - before[0]]);
    }
    padding = [0, 0, 0];
  } else {
    padding = triple(op, 'padding', options.padding, [0, 0, 0], 0);
  }
  // depth padding here; height and width padding in conv2d
  if (padding[0] > 0) x = pad(x, [0, 0, 0, 0, padding[0], padding[0]]);
  const [n, c, depth, h, w] = x.shape;
  const span = dilation[0] * (kd - 1) + 1;
  if (depth < span) throw new RangeError(`${op}: the kernel's depth extent (${span}) is larger than the padded input depth (${depth}) of input ${formatShape(input.shape)}`);
  const od = Math.floor((depth - span) / stride[0]) + 1;
  let out: Tensor | null = null;
  for (let t = 0; t < kd; t++) {
    const start = t * dilation[0];
    // the planes this tap reads for output depths 0..od-1, folded into the batch
    const planes = x.slice(2, start, start + stride[0] * (od - 1) + 1, stride[0]).permute([0, 2, 1, 3, 4]).reshape([n * od, c, h, w]);
    const y = conv2d(planes, weight.select(2, t), null, {
      stride: [stride[1], stride[2]], padding: [padding[1], padding[2]], dilation: [dilation[1], dilation[2]], groups: options.groups,
    });
    out = out === null ? y : add(out, y);
  }
  const [, , oh, ow] = out!.shape;
  let result = out!.reshape([n, od, o, oh, ow]).permute([0, 2, 1, 3, 4]);
  if (bias) {
    if (bias.dim() !== 1 || bias.shape[0] !== o) throw new RangeError(`${op}: expected bias of shape [${o}], but got ${formatShape(bias.shape)}`);
    result = add(result, bias.reshape([o, 1, 1, 1]));
  }
  result = result.contiguous();
  return input.dim() === 4 ? result.squeeze(0) : result;
}
