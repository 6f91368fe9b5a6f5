/**
 * F.interpolate (PyTorch's upsample_* kernels): resizing the spatial dims of [N, C, *spatial]
 * by nearest, nearest-exact, (bi/tri)linear, bicubic or area sampling. Every mode is separable, so each
 * spatial dim is resized by one matrix product with an [out, in] sampling matrix built from
 * PyTorch's source-index formulas (ATen's UpSample.h); the gradient is the transposed product.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { checkFloat } from './loss.js';
import { matmul } from './matmul.js';
import { averaging } from './pooling.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | number[] | null;
  /** Multiplier of the spatial size (output = floor(input * scaleFactor)); one, or one per dim. */
  scaleFactor?: number | number[] | null;
  mode?: InterpolateMode;
  /** Linear and bicubic modes only: align the corner pixels' centres instead of their edges. */
  alignCorners?: boolean | null;
  /** Sample with input / output instead of 1 / scaleFactor (as PyTorch's recompute_scale_factor). */
  recomputeScaleFactor?: boolean | null;
}

const LINEAR_DIMS: Partial<Record<InterpolateMode, number>> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

// ATen's cubic convolution kernel (Keys, A = -0.75), for |x| <= 1 and 1 < |x| < 2
const CUBIC_A = -0.75;
const cubic1 = (x: number) => ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
const cubic2 = (x: number) => ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;

/** One value per spatial dim from a number or array, or a RangeError naming what is wrong. */
function perDim(name: string, v: number | number[], dims: number, input: Tensor): number[] {
  const arr = typeof v === 'number' ? new Array<number>(dims).fill(v) : v;
  if (!Array.isArray(arr) || arr.length !== dims || arr.some((s) => typeof s !== 'number' || !Number.isFinite(s))) {
    throw new RangeError(`interpolate: ${name} should be a number or ${dims} numbers for input of shape ${formatShape(input.shape)} (${dims} spatial dims), but received ${describe(v)}`);
  }
  return arr;
}

/** The [out, in] matrix sampling one dim, in float64. */
function samplingMatrix(mode: InterpolateMode, n: number, out: number, scaleFactor: number | null, alignCorners: boolean): Float64Array {
  const m = new Float64Array(out * n);
  if (mode === 'area') return averaging(n, out, 'float64').toTypedArray() as Float64Array;
  if (mode === 'nearest' || mode === 'nearest-exact') {
    // ATen computes these source indices in float32
    const scale = Math.fround(scaleFactor !== null ? 1 / scaleFactor : n / out);
    const shift = mode === 'nearest-exact' ? 0.5 : 0;
    for (let i = 0; i < out; i++) {
      const src = out === n ? i : mode === 'nearest' && out === 2 * n ? i >> 1 : Math.min(Math.floor(Math.fround((i + shift) * scale)), n - 1);
      m[i * n + src] = 1;
    }
    return m;
  }
  const scale = alignCorners ? (out > 1 ? (n - 1) / (out - 1) : 0) : scaleFactor !== null ? 1 / scaleFactor : n / out;
  if (mode === 'bicubic') {
    // four taps around the source (unclamped, as ATen's cubic source index), indices clamped to the edge
    for (let i = 0; i < out; i++) {
      const src = alignCorners ? scale * i : scale * (i + 0.5) - 0.5;
      const i0 = Math.floor(src);
      const t = src - i0;
      const w = [cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)];
      for (let k = 0; k < 4; k++) m[i * n + Math.min(Math.max(i0 - 1 + k, 0), n - 1)] += w[k];
    }
    return m;
  }
  for (let i = 0; i < out; i++) {
    const src = alignCorners ? scale * i : Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), n - 1);
    const i1 = i0 < n - 1 ? i0 + 1 : i0;
    const l1 = src - i0;
    m[i * n + i0] += 1 - l1;
    m[i * n + i1] += l1;
  }
  return m;
}

/**
 * Resizes input [N, C, *spatial] (1 to 3 spatial dims) to `size`, or by `scaleFactor`, with
 * `mode` ('nearest' by default). size may also come second, as PyTorch's positional argument.
 * Throws RangeError when neither or both of size and scaleFactor are given, for a mode that
 * does not fit the input's rank (linear needs 3-D, bilinear 4-D, trilinear 5-D), for
 * alignCorners with a non-linear mode, and for an output size below 1.
 */
export function interpolate(input: Tensor, sizeOrOptions: number | number[] | InterpolateOptions | null = null, maybeOptions: InterpolateOptions = {}): Tensor {
  const options: InterpolateOptions = sizeOrOptions !== null && typeof sizeOrOptions === 'object' && !Array.isArray(sizeOrOptions)
    ? sizeOrOptions : { ...maybeOptions, size: sizeOrOptions ?? maybeOptions.size };
  checkFloat('interpolate', 'input', input);
  const dims = input.dim() - 2;
  if (dims < 1 || dims > 3) throw new RangeError(`interpolate: expected a 3-D, 4-D or 5-D input [N, C, *spatial], but got ${formatShape(input.shape)}`);
  const mode = options.mode ?? 'nearest';
  const modes: InterpolateMode[] = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'];
  if (!modes.includes(mode)) throw new RangeError(`interpolate: mode must be one of ${modes.map((m) => `'${m}'`).join(', ')}, but got ${describe(mode)}`);
  const linearDims = LINEAR_DIMS[mode];
  if (linearDims !== undefined && linearDims !== dims) {
    throw new RangeError(`interpolate: mode '${mode}' needs a ${linearDims + 2}-D input, but got ${formatShape(input.shape)}`);
  }
  const alignCorners = options.alignCorners ?? null;
  if (alignCorners !== null && linearDims === undefined) {
    throw new RangeError(`interpolate: alignCorners can only be set with the linear and bicubic modes (linear, bilinear, bicubic, trilinear), not '${mode}'`);
  }
  const { size = null, scaleFactor = null } = options;
  if ((size === null) === (scaleFactor === null)) throw new RangeError('interpolate: give exactly one of size and scaleFactor');
  const spatial = input.shape.slice(2);
  let outSize: number[];
  let scales: (number | null)[];
  if (size !== null) {
    outSize = perDim('size', size, dims, input);
    scales = outSize.map(() => null);
  } else {
    const sf = perDim('scaleFactor', scaleFactor!, dims, input);
    if (sf.some((s) => !(s > 0))) throw new RangeError(`interpolate: scaleFactor must be positive, but received ${describe(scaleFactor)}`);
    outSize = spatial.map((n, i) => Math.floor(n * sf[i]));
    scales = options.recomputeScaleFactor || mode === 'area' ? outSize.map(() => null) : sf;
  }
  // area is adaptive average pooling, which PyTorch lets shrink a dim to nothing
  const least = mode === 'area' ? 0 : 1;
  if (outSize.some((s) => !Number.isInteger(s) || s < least)) {
    throw new RangeError(`interpolate: output size ${formatShape(outSize)} from input ${formatShape(input.shape)} must be ${least === 0 ? 'non-negative' : 'positive'} integers`);
  }
  let x = input;
  for (let d = 0; d < dims; d++) {
    const n = spatial[d], out = outSize[d];
    if (n === out && scales[d] === null && mode !== 'area') continue;
    if (out === 0) {
      x = x.narrow(2 + d, 0, 0);  // an empty view, so the input still gets its (zero) gradient
      continue;
    }
    const m = tensor(samplingMatrix(mode, n, out, scales[d], alignCorners ?? false), { dtype: 'float64' }).reshape([out, n]).to(input.dtype);
    // the last dim is x @ mᵀ and the one before m @ x (GEMM transpose flags, x as it is);
    // only trilinear's depth dim is moved last and back
    const axis = 2 + d;
    if (axis === x.dim() - 1) x = matmul(x, m.transpose(0, 1));
    else if (axis === x.dim() - 2) x = matmul(m, x);
    else x = matmul(x.transpose(axis, -1), m.transpose(0, 1)).transpose(axis, -1);
  }
  return x === input ? input.clone() : x.contiguous();
}
