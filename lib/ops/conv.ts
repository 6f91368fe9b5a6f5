/**
 * Convolutions (PyTorch's F.conv1d, conv2d, conv_transpose1d, conv_transpose2d). conv2d is one
 * native op (native/conv.cc: im2col per image plus GEMM, threaded over the batch) with its two
 * gradients beside it; the transposed convolution is the same kernels in the adjoint roles
 * (its forward is conv2d's input gradient, its input gradient conv2d's forward).
 */
import { checkOptions } from '../options.js';
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { emptyTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { checkFloat } from './loss.js';
import { pad } from './pad.js';
import { pair, slidingSize, type Pair, type Window } from './unfold.js';

export interface ConvOptions {
  stride?: Pair;
  /** A number, a pair, 'valid' (0) or 'same' (output size = input size; stride 1 only). */
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
}

function groupsOf(op: string, groups: number | undefined): number {
  const g = groups ?? 1;
  if (!Number.isInteger(g) || g < 1) throw new RangeError(`${op}: expected groups to be a positive integer, but received ${describe(groups)}`);
  return g;
}

function checkBias(op: string, bias: Tensor | null | undefined, channels: number, input: Tensor): void {
  if (bias === null || bias === undefined) return;
  checkFloat(op, 'bias', bias);
  if (bias.dtype !== input.dtype) throw new TypeError(`${op}: input is ${input.dtype} but bias is ${bias.dtype}`);
  if (bias.dim() !== 1 || bias.shape[0] !== channels) {
    throw new RangeError(`${op}: expected bias of shape [${channels}], but got ${formatShape(bias.shape)}`);
  }
}

/** native.conv2d's layout: an input [N, C, H, W] → output [N, O, oH, oW] at the given storage offsets. */
function convLayout(offsets: [number, number, number, number], input: readonly number[], o: number, groups: number, win: Window, oh: number, ow: number): Float64Array {
  const [n, c, h, w] = input;
  return Float64Array.from([...offsets, n, c, h, w, o, groups, ...win.kernel, ...win.padding, ...win.stride, ...win.dilation, oh, ow]);
}

/**
 * The convolution of a checked 4-D input by the native kernels, recorded as one node whose
 * backward runs the two native gradients (input; weight and bias together).
 */
function convolution(x: Tensor, weight: Tensor, bias: Tensor | null, groups: number, win: Window, oh: number, ow: number): Tensor {
  const op = 'conv2d';
  const o = weight.shape[0];
  const xc = contiguous(x.detach());
  const wc = contiguous(weight.detach());
  const bc = bias ? contiguous(bias.detach()) : null;
  const y = emptyTensor([x.shape[0], o, oh, ow], x.dtype, op);
  native.conv2d(xc.storage as FloatStorage, wc.storage as FloatStorage, (bc?.storage ?? null) as FloatStorage | null, y.storage as FloatStorage,
    convLayout([xc.offset, wc.offset, bc?.offset ?? 0, 0], x.shape, o, groups, win, oh, ow));
  return record(y, 'ConvolutionBackward0', [x, weight, bias], (g, needs) => {
    const gc = contiguous(g);
    let gx: Tensor | null = null;
    if (needs[0]) {
      gx = emptyTensor(x.shape, x.dtype, op);
      native.conv2dBackwardInput(gc.storage as FloatStorage, wc.storage as FloatStorage, gx.storage as FloatStorage,
        convLayout([0, wc.offset, 0, gc.offset], x.shape, o, groups, win, oh, ow));
    }
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needs[1] || needs[2]) {
      gw = emptyTensor(weight.shape, weight.dtype, op);
      gb = bias && needs[2] ? emptyTensor([o], bias.dtype, op) : null;
      native.conv2dBackwardWeight(xc.storage as FloatStorage, gc.storage as FloatStorage, gw.storage as FloatStorage, (gb?.storage ?? null) as FloatStorage | null,
        convLayout([xc.offset, 0, 0, gc.offset], x.shape, o, groups, win, oh, ow));
    }
    return [gx, needs[1] ? gw : null, gb];
  }, [x, weight]);
}

/**
 * The transposed convolution of a checked 4-D input as the convolution's input gradient (its
 * adjoint), natively: x [N, Cin, H, W] is the "output side" of a convolution of a [N, Cout, oh,
 * ow] image by weight [Cin, Cout/g, kH, kW]. Its gradients are that convolution's forward (to
 * x) and weight gradient. Needs outputPadding below the stride, so the geometry maps back to H, W.
 */
function transposedConvolution(x: Tensor, weight: Tensor, groups: number, win: Window, cout: number, oh: number, ow: number): Tensor {
  const op = 'convTranspose2d';
  const [n, cin, h, w] = x.shape;
  const image = [n, cout, oh, ow];
  const xc = contiguous(x.detach());
  const wc = contiguous(weight.detach());
  const y = emptyTensor(image, x.dtype, op);
  native.conv2dBackwardInput(xc.storage as FloatStorage, wc.storage as FloatStorage, y.storage as FloatStorage,
    convLayout([0, wc.offset, 0, xc.offset], image, cin, groups, win, h, w));
  return record(y, 'ConvolutionBackward0', [x, weight], (g, needs) => {
    const gc = contiguous(g);
    let gx: Tensor | null = null;
    if (needs[0]) {
      gx = emptyTensor(x.shape, x.dtype, op);
      native.conv2d(gc.storage as FloatStorage, wc.storage as FloatStorage, null, gx.storage as FloatStorage,
        convLayout([gc.offset, wc.offset, 0, 0], image, cin, groups, win, h, w));
    }
    let gw: Tensor | null = null;
    if (needs[1]) {
      gw = emptyTensor(weight.shape, weight.dtype, op);
      native.conv2dBackwardWeight(gc.storage as FloatStorage, xc.storage as FloatStorage, gw.storage as FloatStorage, null,
        convLayout([gc.offset, 0, 0, xc.offset], image, cin, groups, win, h, w));
    }
    return [gx, gw];
  }, [x, weight]);
}

/**
 * 2-D convolution of input [N, C, H, W] (or [C, H, W]) with weight [O, C/groups, kH, kW] and
 * optional bias [O]. Throws RangeError naming the shapes when channels, groups or kernel and
 * input sizes do not fit.
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  options = checkOptions('conv2d', options, ['stride', 'padding', 'dilation', 'groups']);
  const op = 'conv2d';
  checkFloat(op, 'input', input);
  checkFloat(op, 'weight', weight);
  if (input.dtype !== weight.dtype) throw new TypeError(`${op}: input is ${input.dtype} but weight is ${weight.dtype}`);
  if (weight.dim() !== 4) throw new RangeError(`${op}: expected a 4-D weight [outChannels, inChannels/groups, kH, kW], but got ${formatShape(weight.shape)}`);
  if (input.dim() !== 3 && input.dim() !== 4) {
    throw new RangeError(`${op}: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input (weight ${formatShape(weight.shape)}), but got ${formatShape(input.shape)}`);
  }
  let x = input.dim() === 3 ? input.unsqueeze(0) : input;
  const g = groupsOf(op, options.groups);
  const [o, cg, kh, kw] = weight.shape;
  const c = x.shape[1];
  if (cg * g !== c) {
    const hint = input.dim() === 3 ? '; a 3-D input is one unbatched [C, H, W] image (for a batch of one-channel images [N, H, W], use x.unsqueeze(1))' : '';
    throw new RangeError(`${op}: weight ${formatShape(weight.shape)} with groups=${g} expects input to have ${cg * g} channels, but got ${c} channels (input ${formatShape(input.shape)})${hint}`);
  }
  if (o % g !== 0) throw new RangeError(`${op}: outChannels ${o} of weight ${formatShape(weight.shape)} must be divisible by groups=${g}`);
  checkBias(op, bias, o, input);
  const stride = pair(op, 'stride', options.stride, 1, 1);
  const dilation = pair(op, 'dilation', options.dilation, 1, 1);
  let padding: [number, number];
  if (options.padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new RangeError(`${op}: padding='same' is not supported for strided convolutions (stride ${stride.join('×')})`);
    const total = [dilation[0] * (kh - 1), dilation[1] * (kw - 1)];
    padding = [Math.floor(total[0] / 2), Math.floor(total[1] / 2)];
    const extra = [total[0] - 2 * padding[0], total[1] - 2 * padding[1]];
    // an odd total: PyTorch puts the extra row/column on the bottom/right
    if (extra[0] || extra[1]) x = pad(x, [0, extra[1], 0, extra[0]]);
  } else if (options.padding === 'valid') {
    padding = [0, 0];
  } else {
    padding = pair(op, 'padding', options.padding, 0, 0);
  }
  const [, , h, w] = x.shape;
  const oh = slidingSize(h, kh, padding[0], stride[0], dilation[0]);
  const ow = slidingSize(w, kw, padding[1], stride[1], dilation[1]);
  if (oh === 0 || ow === 0) {
    throw new RangeError(`${op}: kernel ${kh}×${kw} (dilation ${dilation.join('×')}) is larger than input ${formatShape(input.shape)} padded by ${padding.join('×')}`);
  }
  const y = convolution(x, weight, bias ?? null, g, { kernel: [kh, kw], padding, stride, dilation }, oh, ow);
  return input.dim() === 3 ? y.squeeze(0) : y;
}

/** The checks the 1-D forms share: float tensors, a 3-D weight, a 2-D or 3-D input. */
function check1d(op: string, input: Tensor, weight: Tensor, weightLayout: string): void {
  checkFloat(op, 'input', input);
  checkFloat(op, 'weight', weight);
  if (weight.dim() !== 3) throw new RangeError(`${op}: expected a 3-D weight ${weightLayout}, but got ${formatShape(weight.shape)}`);
  if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`${op}: expected a 2-D [C, L] or 3-D [N, C, L] input, but got ${formatShape(input.shape)}`);
}

/** A 1-D form's number option as the 2-D pair [fill, v] over a height of 1. */
function lift(op: string, v: Pair | undefined, name: string, fill: number): [number, number] | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number') throw new RangeError(`${op}: expected ${name} to be a number, but received ${describe(v)}`);
  return [fill, v];
}

/** 1-D convolution of input [N, C, L] (or [C, L]) with weight [O, C/groups, k]: conv2d over a height of 1. */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  options = checkOptions('conv1d', options, ['stride', 'padding', 'dilation', 'groups']);
  check1d('conv1d', input, weight, '[outChannels, inChannels/groups, k]');
  const one = (v: Pair | undefined, name: string, fill: number) => lift('conv1d', v, name, fill);
  const padding = options.padding === 'same' || options.padding === 'valid' ? options.padding : one(options.padding, 'padding', 0);
  try {
    const y = conv2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, {
      stride: one(options.stride, 'stride', 1), dilation: one(options.dilation, 'dilation', 1), padding, groups: options.groups,
    });
    return y.squeeze(-2);
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`conv1d (input ${formatShape(input.shape)}, weight ${formatShape(weight.shape)}): ${e.message.replace(/^conv2d: /, '')}`);
    throw e;
  }
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input) of input
 * [N, Cin, H, W] (or [Cin, H, W]) with weight [Cin, Cout/groups, kH, kW]; output size
 * (H - 1) * stride - 2 * padding + dilation * (kH - 1) + outputPadding + 1. Throws RangeError
 * naming the shapes when they do not fit, or when outputPadding is not below stride or dilation.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  options = checkOptions('convTranspose2d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  const op = 'convTranspose2d';
  checkFloat(op, 'input', input);
  checkFloat(op, 'weight', weight);
  if (input.dtype !== weight.dtype) throw new TypeError(`${op}: input is ${input.dtype} but weight is ${weight.dtype}`);
  if (weight.dim() !== 4) throw new RangeError(`${op}: expected a 4-D weight [inChannels, outChannels/groups, kH, kW], but got ${formatShape(weight.shape)}`);
  if (input.dim() !== 3 && input.dim() !== 4) throw new RangeError(`${op}: expected a 3-D or 4-D input, but got ${formatShape(input.shape)}`);
  const x = input.dim() === 3 ? input.unsqueeze(0) : input;
  const g = groupsOf(op, options.groups);
  const [cin, og, kh, kw] = weight.shape;
  const [, c, h, w] = x.shape;
  if (c !== cin) throw new RangeError(`${op}: weight ${formatShape(weight.shape)} expects input to have ${cin} channels, but got ${c} channels (input ${formatShape(input.shape)})`);
  if (cin % g !== 0) throw new RangeError(`${op}: inChannels ${cin} must be divisible by groups=${g}`);
  const cout = og * g;
  checkBias(op, bias, cout, input);
  const stride = pair(op, 'stride', options.stride, 1, 1);
  const padding = pair(op, 'padding', options.padding, 0, 0);
  const dilation = pair(op, 'dilation', options.dilation, 1, 1);
  const outputPadding = pair(op, 'outputPadding', options.outputPadding, 0, 0);
  for (let i = 0; i < 2; i++) {
    if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]) {
      throw new RangeError(`${op}: outputPadding ${outputPadding.join('×')} must be smaller than either stride ${stride.join('×')} or dilation ${dilation.join('×')}`);
    }
  }
  const oh = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outputPadding[0] + 1;
  const ow = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outputPadding[1] + 1;
  if (oh <= 0 || ow <= 0) throw new RangeError(`${op}: input ${formatShape(input.shape)} with padding ${padding.join('×')} gives an empty output (${oh}×${ow})`);
  // outputPadding at or past the stride (allowed below the dilation) adds rows and columns
  // that a convolution of the output would map past x's last row: zero rows appended to x
  // stand for them, so the native geometry matches (and the padding's gradient crops them).
  const extra = [Math.floor(outputPadding[0] / stride[0]), Math.floor(outputPadding[1] / stride[1])];
  const xe = extra[0] || extra[1] ? pad(x, [0, extra[1], 0, extra[0]]) : x;
  let y = transposedConvolution(xe, weight, g, { kernel: [kh, kw], padding, stride, dilation }, cout, oh, ow);
  if (bias) y = y.add(bias.reshape([cout, 1, 1]));
  return input.dim() === 3 ? y.squeeze(0) : y;
}

/** Transposed 1-D convolution of [N, Cin, L] (or [Cin, L]) with weight [Cin, Cout/groups, k]. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  options = checkOptions('convTranspose1d', options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  check1d('convTranspose1d', input, weight, '[inChannels, outChannels/groups, k]');
  const one = (v: Pair | undefined, name: string, fill: number) => lift('convTranspose1d', v, name, fill);
  return convTranspose2d(input.unsqueeze(-2), weight.unsqueeze(2), bias, {
    stride: one(options.stride, 'stride', 1), padding: one(options.padding, 'padding', 0), dilation: one(options.dilation, 'dilation', 1),
    outputPadding: one(options.outputPadding, 'outputPadding', 0), groups: options.groups,
  }).squeeze(-2);
}
