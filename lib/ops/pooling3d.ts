/**
 * 3-D max and average pooling (PyTorch's F.max_pool3d / avg_pool3d) over [N, C, D, H, W]: the
 * planes each depth tap reads are folded into the batch and pooled by the native 2-D kernels;
 * max takes the largest over the taps (the first, on ties, as ATen's scan), average sums them
 * and divides by ATen's divisor (the window clipped to the padded input, or to the input
 * itself without countIncludePad), which is a product of one count per dim.
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { checkFloat } from './loss.js';
import { avgPool2d, maxPool2d, pooledSize } from './pooling.js';
import { pad } from './pad.js';
import { add, div } from './binary.js';
import { stack } from './indexing.js';
import { triple, type Triple } from './conv3d.js';

export interface Pool3dOptions {
  stride?: Triple | null;
  padding?: Triple;
  dilation?: Triple;
  ceilMode?: boolean;
}

interface Plan3d { x: Tensor; k: [number, number, number]; s: [number, number, number]; p: [number, number, number]; d: [number, number, number]; od: number; batched: boolean }

function plan(op: string, input: Tensor, kernelSize: Triple, o: Pool3dOptions, fill: number): Plan3d {
  checkFloat(op, 'input', input);
  if (input.dim() !== 4 && input.dim() !== 5) throw new RangeError(`${op}: expected a 4-D [C, D, H, W] or 5-D [N, C, D, H, W] input, but got ${formatShape(input.shape)}`);
  const k = triple(op, 'kernelSize', kernelSize, [1, 1, 1], 1);
  const s = triple(op, 'stride', o.stride, k, 1);
  const p = triple(op, 'padding', o.padding, [0, 0, 0], 0);
  const d = triple(op, 'dilation', o.dilation, [1, 1, 1], 1);
  const x = input.dim() === 4 ? input.unsqueeze(0) : input;
  const depth = x.shape[2];
  const od = pooledSize(op, depth, k[0], p[0], s[0], d[0], o.ceilMode ?? false);
  if (od <= 0) throw new RangeError(`${op}: the output depth would be ${od} for input ${formatShape(input.shape)} and kernel ${k.join('×')}`);
  // depth padding (and, in ceil mode, room for the last window): -inf for max, 0 for the sums
  const right = Math.max(p[0], (od - 1) * s[0] + (k[0] - 1) * d[0] + 1 - p[0] - depth);
  const padded = p[0] > 0 || right > 0 ? pad(x, [0, 0, 0, 0, p[0], right], { value: fill }) : x;
  return { x: padded, k, s, p, d, od, batched: input.dim() === 5 };
}

/** The planes depth tap t reads for every output depth, folded into the batch: [N·oD, C, H, W]. */
function planes(q: Plan3d, t: number): Tensor {
  const [n, c, , h, w] = q.x.shape;
  const start = t * q.d[0];
  return q.x.slice(2, start, start + q.s[0] * (q.od - 1) + 1, q.s[0]).permute([0, 2, 1, 3, 4]).reshape([n * q.od, c, h, w]);
}

function unfold3d(q: Plan3d, y: Tensor): Tensor {
  const [n, c] = q.x.shape;
  const [, , oh, ow] = y.shape;
  const r = y.reshape([n, q.od, c, oh, ow]).permute([0, 2, 1, 3, 4]).contiguous();
  return q.batched ? r : r.squeeze(0);
}

/** Max over each kD×kH×kW window of [N, C, D, H, W] (or [C, D, H, W]); padding never wins. */
export function maxPool3d(input: Tensor, kernelSize: Triple, options: Pool3dOptions & { returnIndices?: false } = {}): Tensor {
  options = checkOptions('maxPool3d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  if ((options as { returnIndices?: boolean }).returnIndices) throw new RangeError('maxPool3d: returnIndices is not supported for 3-D pooling yet');
  const q = plan('maxPool3d', input, kernelSize, options, -Infinity);
  const taps = Array.from({ length: q.k[0] }, (_, t) => maxPool2d(planes(q, t), [q.k[1], q.k[2]], {
    stride: [q.s[1], q.s[2]], padding: [q.p[1], q.p[2]], dilation: [q.d[1], q.d[2]], ceilMode: options.ceilMode ?? false,
  }));
  return unfold3d(q, taps.length === 1 ? taps[0] : stack(taps, 0).max(0).values);
}

/**
 * Mean over each kD×kH×kW window of [N, C, D, H, W] (or [C, D, H, W]); countIncludePad (default
 * true) counts the zero padding in the divisor, divisorOverride replaces it.
 */
export function avgPool3d(input: Tensor, kernelSize: Triple, options: Omit<Pool3dOptions, 'dilation'> & { countIncludePad?: boolean; divisorOverride?: number | null } = {}): Tensor {
  options = checkOptions('avgPool3d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const op = 'avgPool3d';
  const q = plan(op, input, kernelSize, options, 0);
  const ceil = options.ceilMode ?? false;
  let sum: Tensor | null = null;
  for (let t = 0; t < q.k[0]; t++) {
    // sums over each window (divisor 1); the zero padding adds nothing
    const s2 = avgPool2d(planes(q, t), [q.k[1], q.k[2]], { stride: [q.s[1], q.s[2]], padding: [q.p[1], q.p[2]], ceilMode: ceil, divisorOverride: 1 });
    sum = sum === null ? s2 : add(sum, s2);
  }
  const [, , oh, ow] = sum!.shape;
  const override = options.divisorOverride;
  if (override !== undefined && override !== null) {
    if (!Number.isInteger(override) || override === 0) throw new RangeError(`${op}: divisorOverride must be a non-zero integer, but received ${describe(override)}`);
    return unfold3d(q, div(sum!, override));
  }
  const sizes = input.shape.slice(-3);
  const include = options.countIncludePad ?? true;
  // ATen's divisor per output position along one dim: the window clipped to input + padding, or to the input
  const counts = (dim: number, out: number) => Array.from({ length: out }, (_, i) => {
    const start = i * q.s[dim] - q.p[dim];
    const end = Math.min(start + q.k[dim], sizes[dim] + q.p[dim]);
    return include ? end - start : Math.min(end, sizes[dim]) - Math.max(start, 0);
  });
  const [cd, ch, cw] = [counts(0, q.od), counts(1, oh), counts(2, ow)];
  const divisor = tensor(cd.flatMap((a) => ch.flatMap((b) => cw.map((c) => a * b * c))), { dtype: input.dtype }).reshape([q.od, 1, oh, ow]);
  return unfold3d(q, div(sum!.reshape([-1, q.od, sum!.shape[1], oh, ow]), divisor.reshape([1, q.od, 1, oh, ow])).reshape([-1, sum!.shape[1], oh, ow]));
}
