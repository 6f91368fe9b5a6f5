/**
 * Pooling (PyTorch's F.max_pool1d/2d, avg_pool1d/2d, adaptive_avg_pool1d/2d,
 * adaptive_max_pool2d). Max and average pooling run native kernels (native/pool.cc, ATen's CPU
 * formulas) with their gradients beside them: max pooling records each maximum's index and
 * routes the gradient there; average pooling spreads it over the window it divided by.
 * Adaptive average pooling is two small matrix products; adaptive max pooling reduces views.
 */
import { checkOptions } from '../options.js';
import { native, type FloatStorage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { needsGrad, record } from '../autograd/record.js';
import { emptyTensor } from './alloc.js';
import { contiguous } from './copy.js';
import { checkFloat } from './loss.js';
import { matmul } from './matmul.js';
import { stack } from './indexing.js';
import { pair, type Pair } from './unfold.js';

export interface MaxPoolOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Output size along one dim, PyTorch's pooling_output_shape (the last window must start inside input or left padding). */
export function pooledSize(op: string, size: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  if (p > Math.floor(k / 2)) throw new RangeError(`${op}: padding ${p} should be at most half of the kernel size ${k}`);
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = Math.floor((ceil ? span + s - 1 : span) / s) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

interface Geometry {
  kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number];
  out: [number, number];
}

function geometry(op: string, x: Tensor, kernelSize: Pair, o: { stride?: Pair | null; padding?: Pair; dilation?: Pair; ceilMode?: boolean }): Geometry {
  const kernel = pair(op, 'kernelSize', kernelSize, 1, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : pair(op, 'stride', o.stride, 1, 1);
  const padding = pair(op, 'padding', o.padding, 0, 0);
  const dilation = pair(op, 'dilation', o.dilation, 1, 1);
  const [h, w] = x.shape.slice(-2);
  const out: [number, number] = [
    pooledSize(op, h, kernel[0], padding[0], stride[0], dilation[0], o.ceilMode ?? false),
    pooledSize(op, w, kernel[1], padding[1], stride[1], dilation[1], o.ceilMode ?? false),
  ];
  if (out[0] <= 0 || out[1] <= 0) {
    throw new RangeError(`${op}: kernel ${kernel.join('×')} (dilation ${dilation.join('×')}) is larger than input ${formatShape(x.shape)} padded by ${padding.join('×')}: the output would be ${out.join('×')}`);
  }
  return { kernel, stride, padding, dilation, out };
}

function images(op: string, x: Tensor): Tensor {
  checkFloat(op, 'input', x);
  if (x.dim() !== 3 && x.dim() !== 4) throw new RangeError(`${op}: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, but got ${formatShape(x.shape)}`);
  return x;
}

const MAX = 0;
const AVG = 1;

/** native.pool2d's layout for x [..., H, W] pooled by g, its planes starting at `offset`. */
function poolLayout(offset: number, x: Tensor, g: Geometry, countIncludePad: boolean, divisor: number): Float64Array {
  const [h, w] = x.shape.slice(-2);
  const planes = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return Float64Array.from([offset, planes, h, w, ...g.kernel, ...g.stride, ...g.padding, ...g.dilation, ...g.out, countIncludePad ? 1 : 0, divisor]);
}

/** Runs one pooling kind over x's planes, recorded with its native gradient. */
function pool(op: string, kind: number, x: Tensor, g: Geometry, countIncludePad: boolean, divisor: number, wantIndices: boolean): [Tensor, Tensor | null] {
  const shape = [...x.shape.slice(0, -2), ...g.out];
  const xc = contiguous(x.detach());
  const out = emptyTensor(shape, x.dtype, op);
  const indices = kind === MAX && (wantIndices || needsGrad([x])) ? emptyTensor(shape, 'int32', op) : null;
  native.pool2d(kind, xc.storage as FloatStorage, out.storage as FloatStorage, (indices?.storage ?? null) as Int32Array | null,
    poolLayout(xc.offset, x, g, countIncludePad, divisor));
  const name = kind === MAX ? 'MaxPool2DWithIndicesBackward0' : 'AvgPool2DBackward0';
  record(out, name, [x], (grad) => {
    const gc = contiguous(grad);
    const gx = emptyTensor(x.shape, x.dtype, op);
    native.pool2dBackward(kind, gc.storage as FloatStorage, (indices?.storage ?? null) as Int32Array | null, gx.storage as FloatStorage,
      poolLayout(gc.offset, x, g, countIncludePad, divisor));
    return [gx];
  }, indices ? [indices] : []);  // the indices may be handed out: changing them in place is caught
  return [out, indices];
}

/**
 * Max over each window of [N, C, H, W] (or [C, H, W]); padding never wins. With
 * returnIndices, also each maximum's flat index into its H*W plane (int32), as PyTorch.
 * Throws RangeError when padding exceeds half the kernel or the kernel does not fit.
 */
export function maxPool2d(input: Tensor, kernelSize: Pair, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Pair, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  options = checkOptions('maxPool2d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const x = images('maxPool2d', input);
  const g = geometry('maxPool2d', x, kernelSize, options);
  const [out, indices] = pool('maxPool2d', MAX, x, g, true, 0, options.returnIndices ?? false);
  return options.returnIndices ? [out, indices as Tensor] : out;
}

type MaxPool1dOptions = Omit<MaxPoolOptions, 'stride' | 'padding' | 'dilation'> & { stride?: number | null; padding?: number; dilation?: number };

/** maxPool2d over the last dim of [N, C, L] (or [C, L]). */
export function maxPool1d(input: Tensor, kernelSize: number, options?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: number, options: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: number, options?: MaxPool1dOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: number, options: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  options = checkOptions('maxPool1d', options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  checkFloat('maxPool1d', 'input', input);
  if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`maxPool1d: expected a 2-D [C, L] or 3-D [N, C, L] input, but got ${formatShape(input.shape)}`);
  const r = maxPool2d(input.unsqueeze(-2), [1, kernelSize], {
    ...options, stride: options.stride === undefined || options.stride === null ? null : [1, options.stride],
    padding: [0, options.padding ?? 0], dilation: [1, options.dilation ?? 1],
  });
  return Array.isArray(r) ? [r[0].squeeze(-2), r[1].squeeze(-2)] : r.squeeze(-2);
}

/**
 * Mean over each window of [N, C, H, W] (or [C, H, W]). countIncludePad (default true)
 * counts zero padding in the divisor; divisorOverride replaces the divisor. Throws RangeError
 * when padding exceeds half the kernel or the kernel does not fit.
 */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPoolOptions = {}): Tensor {
  options = checkOptions('avgPool2d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  const x = images('avgPool2d', input);
  const g = geometry('avgPool2d', x, kernelSize, options);
  const override = options.divisorOverride;
  if (override !== undefined && override !== null && !(Number.isInteger(override) && override !== 0 && Math.abs(override) < 2 ** 31)) {
    throw new RangeError(`avgPool2d: divisorOverride must be a non-zero integer, but received ${describe(override)}`);
  }
  return pool('avgPool2d', AVG, x, g, options.countIncludePad ?? true, override ?? 0, false)[0];
}

/** avgPool2d over the last dim of [N, C, L] (or [C, L]). */
export function avgPool1d(input: Tensor, kernelSize: number, options: Omit<AvgPoolOptions, 'stride' | 'padding' | 'divisorOverride'> & { stride?: number | null; padding?: number } = {}): Tensor {
  options = checkOptions('avgPool1d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  checkFloat('avgPool1d', 'input', input);
  if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`avgPool1d: expected a 2-D [C, L] or 3-D [N, C, L] input, but got ${formatShape(input.shape)}`);
  return avgPool2d(input.unsqueeze(-2), [1, kernelSize], {
    ...options, stride: options.stride === undefined || options.stride === null ? null : [1, options.stride], padding: [0, options.padding ?? 0],
  }).squeeze(-2);
}

/** PyTorch's adaptive windows: output i covers [floor(i*n/out), ceil((i+1)*n/out)). */
function adaptiveWindows(n: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
}

function adaptiveSize(op: string, x: Tensor, outputSize: Pair | [number | null, number | null]): [number, number] {
  const [h, w] = x.shape.slice(-2);
  const raw = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize;
  if (!Array.isArray(raw) || raw.length !== 2) throw new RangeError(`${op}: expected outputSize to be a number or a pair, but received ${describe(outputSize)}`);
  const size = [raw[0] ?? h, raw[1] ?? w];
  if (size.some((s) => !Number.isInteger(s) || s <= 0)) throw new RangeError(`${op}: expected outputSize to be positive integers, but received ${describe(outputSize)}`);
  return [size[0], size[1]];
}

/** The averaging matrix [out, n] of one dim's adaptive windows. */
export function averaging(n: number, out: number, dtype: Tensor['dtype']): Tensor {
  const m = new Float64Array(out * n);
  adaptiveWindows(n, out).forEach(([a, b], i) => { for (let k = a; k < b; k++) m[i * n + k] = 1 / (b - a); });
  return tensor(m, { dtype: 'float64' }).reshape([out, n]).to(dtype);
}

/** Mean over PyTorch's adaptive windows of [N, C, H, W] (or [C, H, W]) to outputSize (null keeps a dim). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Pair | [number | null, number | null]): Tensor {
  const x = images('adaptiveAvgPool2d', input);
  const [oh, ow] = adaptiveSize('adaptiveAvgPool2d', x, outputSize);
  const [h, w] = x.shape.slice(-2);
  if (oh === 1 && ow === 1) return x.mean([-2, -1], true);
  return matmul(matmul(averaging(h, oh, x.dtype), x), averaging(w, ow, x.dtype).transpose(0, 1));
}

/** adaptiveAvgPool2d over the last dim of [N, C, L] (or [C, L]). */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number): Tensor {
  checkFloat('adaptiveAvgPool1d', 'input', input);
  if (input.dim() !== 2 && input.dim() !== 3) throw new RangeError(`adaptiveAvgPool1d: expected a 2-D [C, L] or 3-D [N, C, L] input, but got ${formatShape(input.shape)}`);
  return adaptiveAvgPool2d(input.unsqueeze(-2), [1, outputSize]).squeeze(-2);
}

/** The most windows adaptiveMaxPool2d takes (each is a few tensor ops; 65,536 take about a second). */
const MAX_ADAPTIVE_WINDOWS = 2 ** 16;

/**
 * Max over PyTorch's adaptive windows of [N, C, H, W] (or [C, H, W]) to outputSize; with
 * returnIndices, also each maximum's flat index into its H*W plane (int32), as PyTorch.
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: Pair | [number | null, number | null], options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: Pair | [number | null, number | null], options: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: Pair | [number | null, number | null], options?: { returnIndices?: boolean }): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: Pair | [number | null, number | null], options: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  checkOptions('adaptiveMaxPool2d', options, ['returnIndices']);
  const x = images('adaptiveMaxPool2d', input);
  const [oh, ow] = adaptiveSize('adaptiveMaxPool2d', x, outputSize);
  const [h, w] = x.shape.slice(-2);
  // every window is its own small op here, so a vast output would exhaust V8's heap (which
  // aborts the process) long before it filled memory: refuse it instead
  if (oh * ow > MAX_ADAPTIVE_WINDOWS) {
    throw new RangeError(`adaptiveMaxPool2d: output size [${oh}, ${ow}] has ${oh * ow} windows; kindling computes adaptive max pooling window by window and takes at most ${MAX_ADAPTIVE_WINDOWS}`);
  }
  // max with indices, so a tie sends the whole gradient to the first maximum (in row-major
  // window order) as PyTorch's kernel does, where amax would split it
  const values: Tensor[][] = [];
  const indices: Tensor[][] = [];
  for (const [a, b] of adaptiveWindows(h, oh)) {
    const vRow: Tensor[] = [];
    const iRow: Tensor[] = [];
    for (const [c, d] of adaptiveWindows(w, ow)) {
      const m = x.narrow(-2, a, b - a).narrow(-1, c, d - c).flatten(-2).max(-1);
      vRow.push(m.values);
      if (options.returnIndices) {
        // the window's row-major position back to the plane's: (a + i / width) * W + c + i % width
        const i = m.indices;
        const width = d - c;
        iRow.push(i.floorDivide(width).add(a).mul(w).add(i.remainder(width).add(c)));
      }
    }
    values.push(vRow);
    indices.push(iRow);
  }
  const out = stack(values.map((r) => stack(r, -1)), -2);
  if (!options.returnIndices) return out;
  return [out, stack(indices.map((r) => stack(r, -1)), -2)];
}
