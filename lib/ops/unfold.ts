/**
 * F.unfold and F.fold (PyTorch's im2col and col2im): an image batch [N, C, H, W] and its
 * sliding blocks [N, C*kH*kW, L]. They are each other's adjoint, so each one's gradient is
 * the other; convolutions are built on them plus a batched GEMM (lib/ops/conv.ts).
 */
import { checkOptions } from '../options.js';
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { emptyTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { checkFloat } from './loss.js';

/** A number or a pair, as PyTorch's _pair. */
export type Pair = number | [number, number];

/** A size option as a pair of integers of at least `min`; throws RangeError naming it. */
export function pair(op: string, name: string, v: Pair | undefined, fallback: number, min: number): [number, number] {
  const p = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min)) {
    throw new RangeError(`${op}: expected ${name} to be an integer ≥ ${min} or a pair of them, but received ${describe(v)}`);
  }
  return [p[0], p[1]];
}

/** The sliding-window geometry shared by unfold, fold and the convolutions. */
export interface Window {
  kernel: [number, number];
  padding: [number, number];
  stride: [number, number];
  dilation: [number, number];
}

export interface WindowOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

export function windowOf(op: string, kernelSize: Pair, o: WindowOptions): Window {
  return {
    kernel: pair(op, 'kernelSize', kernelSize, 1, 1),
    padding: pair(op, 'padding', o.padding, 0, 0),
    stride: pair(op, 'stride', o.stride, 1, 1),
    dilation: pair(op, 'dilation', o.dilation, 1, 1),
  };
}

/** Output positions along one dim (0 when the dilated kernel does not fit the padded input). */
export function slidingSize(size: number, k: number, pad: number, stride: number, dil: number): number {
  const span = size + 2 * pad - dil * (k - 1) - 1;
  return span < 0 ? 0 : Math.floor(span / stride) + 1;
}

function layoutOf(offset: number, n: number, c: number, h: number, w: number, win: Window, oh: number, ow: number): Float64Array {
  return Float64Array.from([offset, n, c, h, w, ...win.kernel, ...win.padding, ...win.stride, ...win.dilation, oh, ow]);
}

/** im2col of a contiguous-or-not [N, C, H, W] batch: columns [N, C*kH*kW, L]; no gradient recorded. */
export function im2col(op: string, x: Tensor, win: Window): Tensor {
  const [n, c, h, w] = x.shape;
  const oh = slidingSize(h, win.kernel[0], win.padding[0], win.stride[0], win.dilation[0]);
  const ow = slidingSize(w, win.kernel[1], win.padding[1], win.stride[1], win.dilation[1]);
  if (oh <= 0 || ow <= 0) {
    throw new RangeError(`${op}: the ${win.kernel.join('×')} kernel (dilation ${win.dilation.join('×')}) is larger than the input ${formatShape(x.shape)} padded by ${win.padding.join('×')}`);
  }
  const xc = contiguous(x.detach());
  const k = c * win.kernel[0] * win.kernel[1];
  const cols = emptyTensor([n, k, oh * ow], x.dtype, op);
  native.unfold(false, xc.storage as FloatStorage, cols.storage as FloatStorage, layoutOf(xc.offset, n, c, h, w, win, oh, ow));
  return cols;
}

/** col2im of [N, C*kH*kW, L] columns into [N, C, H, W]; no gradient recorded. */
export function col2im(op: string, cols: Tensor, c: number, h: number, w: number, win: Window): Tensor {
  const n = cols.shape[0];
  const oh = slidingSize(h, win.kernel[0], win.padding[0], win.stride[0], win.dilation[0]);
  const ow = slidingSize(w, win.kernel[1], win.padding[1], win.stride[1], win.dilation[1]);
  const cc = contiguous(cols.detach());
  const img = emptyTensor([n, c, h, w], cols.dtype, op);
  const dense = cc.offset === 0 ? cc.storage : cc.storage.subarray(cc.offset, cc.offset + cc.numel());
  native.unfold(true, img.storage as FloatStorage, dense as FloatStorage, layoutOf(0, n, c, h, w, win, oh, ow));
  return img;
}

function checkBatch(op: string, x: Tensor, what: string): Tensor {
  checkFloat(op, 'input', x);
  if (x.dim() === 3) return x.unsqueeze(0);
  if (x.dim() !== 4) throw new RangeError(`${op}: expected a ${what}, but got shape ${formatShape(x.shape)}`);
  return x;
}

/**
 * Sliding blocks of an image batch: [N, C, H, W] (or [C, H, W]) → [N, C*kH*kW, L], L the
 * number of block positions. Throws RangeError when the kernel does not fit the padded input.
 */
export function unfold(input: Tensor, kernelSize: Pair, options: WindowOptions = {}): Tensor {
  options = checkOptions('unfold', options, ['dilation', 'padding', 'stride']);
  const x = checkBatch('unfold', input, '4-D [N, C, H, W] (or 3-D [C, H, W]) input');
  const win = windowOf('unfold', kernelSize, options);
  const [, c, h, w] = x.shape;
  const cols = im2col('unfold', x, win);
  const out = record(cols, 'Im2ColBackward', [x], (g) => [col2im('unfold', g, c, h, w, win)]);
  return input.dim() === 3 ? out.squeeze(0) : out;
}

/**
 * Sums sliding blocks back into images: [N, C*kH*kW, L] (or [C*kH*kW, L]) → [N, C, oH, oW]
 * with outputSize [oH, oW]; overlapping blocks add. Throws RangeError when dim 1 is not a
 * multiple of kH*kW or L is not the number of block positions of outputSize.
 */
export function fold(input: Tensor, outputSize: Pair, kernelSize: Pair, options: WindowOptions = {}): Tensor {
  options = checkOptions('fold', options, ['dilation', 'padding', 'stride']);
  checkFloat('fold', 'input', input);
  const x = input.dim() === 2 ? input.unsqueeze(0) : input;
  if (x.dim() !== 3) throw new RangeError(`fold: expected a 3-D [N, C*kH*kW, L] (or 2-D) input, but got shape ${formatShape(input.shape)}`);
  const win = windowOf('fold', kernelSize, options);
  const [h, w] = pair('fold', 'outputSize', outputSize, 1, 1);
  const kk = win.kernel[0] * win.kernel[1];
  if (x.shape[1] % kk !== 0) {
    throw new RangeError(`fold: dim 1 of input ${formatShape(input.shape)} must be divisible by the kernel's ${kk} taps`);
  }
  const blocks = slidingSize(h, win.kernel[0], win.padding[0], win.stride[0], win.dilation[0]) *
    slidingSize(w, win.kernel[1], win.padding[1], win.stride[1], win.dilation[1]);
  if (x.shape[2] !== blocks || blocks === 0) {
    throw new RangeError(`fold: input ${formatShape(input.shape)} has ${x.shape[2]} blocks, but outputSize ${h}×${w} with this kernel, padding, stride and dilation gives ${blocks}`);
  }
  const c = x.shape[1] / kk;
  const img = col2im('fold', x, c, h, w, win);
  const out = record(img, 'Col2ImBackward', [x], (g) => [im2col('fold', g, win)]);
  return input.dim() === 2 ? out.squeeze(0) : out;
}
