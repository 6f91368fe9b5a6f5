/**
 * Spatial transformers' sampling (PyTorch's F.affine_grid and F.grid_sample, 2-D): a grid of
 * normalised (x, y) points in [-1, 1] reads the input by bilinear or nearest interpolation,
 * with zeros, border or reflection padding. Composed of gather and pointwise ops, so the
 * input's gradient (scatter-add of the weights) and the grid's (through the weights and the
 * border clamp or reflection) come from theirs, as PyTorch's formulas give them.
 */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { arange } from '../tensor/create.js';
import { checkTensor } from './unary.js';
import { add, div, mul, sub } from './binary.js';
import { gather, stack, where } from './indexing.js';
import { matmul } from './matmul.js';
import { floor, fmod, round } from './math.js';
import { expand, reshape, select, unsqueeze } from './views.js';

export type GridSampleMode = 'bilinear' | 'nearest' | 'bicubic';
export type GridSamplePadding = 'zeros' | 'border' | 'reflection';

export interface GridSampleOptions {
  mode?: GridSampleMode;
  paddingMode?: GridSamplePadding;
  alignCorners?: boolean;
}

/** Normalised coordinates of `size` pixels: pixel centres, or the corner pixels at ±1 with alignCorners. */
function baseCoords(size: number, alignCorners: boolean, dtype: Tensor['dtype']): Tensor {
  const i = arange(size, { dtype });
  if (alignCorners) return size === 1 ? mul(i, 0) : sub(div(mul(i, 2), size - 1), 1);
  return sub(div(add(mul(i, 2), 1), size), 1);
}

/**
 * The sampling grid [N, H, W, 2] of the 2-D affine maps theta [N, 2, 3] for an output of size
 * [N, C, H, W] (PyTorch's affine_grid). Throws on a theta that isn't [N, 2, 3] or a size whose N
 * differs.
 */
export function affineGrid(theta: Tensor, size: number[], options: { alignCorners?: boolean } = {}): Tensor {
  options = checkOptions('affineGrid', options, ['alignCorners']);
  checkTensor('affineGrid', theta);
  if (!isFloating(theta.dtype)) throw new TypeError(`affineGrid: expected theta to be floating point, but got ${theta.dtype}`);
  if (!Array.isArray(size) || size.length !== 4 || size.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new RangeError(`affineGrid: only 2-D sizes [N, C, H, W] are supported, but got ${describe(size)}`);
  }
  const [n, , h, w] = size;
  if (theta.dim() !== 3 || theta.shape[0] !== n || theta.shape[1] !== 2 || theta.shape[2] !== 3) {
    throw new RangeError(`affineGrid: expected theta of shape [${n}, 2, 3] for size ${formatShape(size)}, but got ${formatShape(theta.shape)}`);
  }
  const align = options.alignCorners ?? false;
  const xs = expand(unsqueeze(baseCoords(w, align, theta.dtype), 0), [h, w]);
  const ys = expand(unsqueeze(baseCoords(h, align, theta.dtype), 1), [h, w]);
  const base = reshape(stack([xs, ys, add(mul(xs, 0), 1)], 2), [1, h * w, 3]);
  return reshape(matmul(base, theta.transpose(1, 2)), [n, h, w, 2]);
}

/** Pixel coordinates of normalised ones along a dim of `size` pixels. */
function unnormalize(coord: Tensor, size: number, alignCorners: boolean): Tensor {
  return alignCorners ? mul(add(coord, 1), (size - 1) / 2) : div(sub(mul(add(coord, 1), size), 1), 2);
}

/** PyTorch's reflect_coordinates: coord reflected into [twiceLow / 2, twiceHigh / 2]. */
function reflect(coord: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return mul(coord, 0);
  const low = twiceLow / 2;
  const span = (twiceHigh - twiceLow) / 2;
  const d = sub(coord, low).abs();
  const extra = fmod(d, span);
  const flips = floor(div(d.detach(), span));
  const even = fmod(flips, 2).eq(0);
  return where(even, add(extra, low), add(sub(span, extra), low));
}

/** A pixel coordinate moved inside [0, size - 1] by the padding mode ('zeros' leaves it as it is). */
function padCoord(c: Tensor, size: number, padding: GridSamplePadding, alignCorners: boolean): Tensor {
  if (padding === 'zeros') return c;
  const r = padding === 'reflection' ? (alignCorners ? reflect(c, 0, 2 * (size - 1)) : reflect(c, -1, 2 * size - 1)) : c;
  return r.clamp(0, size - 1);
}

/**
 * The values of flat [n, c, h * w] at integer-valued pixel coordinates x, y [n, points]:
 * [n, c, points], 0 where (x, y) falls outside the input (zeros padding).
 */
function pixelsAt(flat: Tensor, [n, c, h, w]: readonly number[], points: number, x: Tensor, y: Tensor): Tensor {
  const inside = x.ge(0).logicalAnd(x.le(w - 1)).logicalAnd(y.ge(0)).logicalAnd(y.le(h - 1));
  const at = add(mul(y.clamp(0, h - 1), w), x.clamp(0, w - 1)).int();
  return where(unsqueeze(inside, 1), gather(flat, 2, expand(unsqueeze(at, 1), [n, c, points])), 0);
}

// PyTorch's bicubic convolution weights for taps at offsets -1, 0, 1, 2 from floor(x), t = x - floor(x)
const CUBIC_A = -0.75;
function cubicWeights(t: Tensor): Tensor[] {
  const far = (d: Tensor) => sub(mul(add(mul(sub(mul(d, CUBIC_A), 5 * CUBIC_A), d), 8 * CUBIC_A), d), 4 * CUBIC_A);  // 1 < d < 2
  const near = (d: Tensor) => add(mul(mul(sub(mul(d, CUBIC_A + 2), CUBIC_A + 3), d), d), 1);  // d <= 1
  const u = sub(1, t);
  return [far(add(t, 1)), near(t), near(u), far(add(u, 1))];
}

/**
 * Bicubic sampling as PyTorch's grid_sample: the 4 x 4 taps around the unnormalised point,
 * each tap's integer coordinate moved inside by the padding mode (zeros: an outside tap is 0),
 * weighted by cubic convolution in x, then in y. Gradients reach the grid through the weights.
 */
function bicubic(flat: Tensor, dims: readonly number[], points: number, gx: Tensor, gy: Tensor, padding: GridSamplePadding, align: boolean): Tensor {
  const [, , h, w] = dims;
  const ux = unnormalize(gx, w, align);
  const uy = unnormalize(gy, h, align);
  const x0 = floor(ux.detach());
  const y0 = floor(uy.detach());
  const wx = cubicWeights(unsqueeze(sub(ux, x0), 1));
  const wy = cubicWeights(unsqueeze(sub(uy, y0), 1));
  let out: Tensor | null = null;
  for (let j = 0; j < 4; j++) {
    const y = padCoord(add(y0, j - 1), h, padding, align);
    let row: Tensor | null = null;
    for (let i = 0; i < 4; i++) {
      const term = mul(pixelsAt(flat, dims, points, padCoord(add(x0, i - 1), w, padding, align), y), wx[i]);
      row = row === null ? term : add(row, term);
    }
    const term = mul(row!, wy[j]);
    out = out === null ? term : add(out, term);
  }
  return out!;
}

function sourceCoord(coord: Tensor, size: number, padding: GridSamplePadding, alignCorners: boolean): Tensor {
  return padCoord(unnormalize(coord, size, alignCorners), size, padding, alignCorners);
}

/**
 * Samples input [N, C, H, W] at grid [N, Ho, Wo, 2] (x then y, normalised to [-1, 1]) into
 * [N, C, Ho, Wo] (PyTorch's grid_sample). Throws for other ranks, mismatched batch sizes or an
 * unknown mode.
 */
export function gridSample(input: Tensor, grid: Tensor, options: GridSampleOptions = {}): Tensor {
  options = checkOptions('gridSample', options, ['mode', 'paddingMode', 'alignCorners']);
  checkTensor('gridSample', input);
  checkTensor('gridSample', grid);
  const mode = options.mode ?? 'bilinear';
  const padding = options.paddingMode ?? 'zeros';
  const align = options.alignCorners ?? false;
  if (mode !== 'bilinear' && mode !== 'nearest' && mode !== 'bicubic') throw new RangeError(`gridSample: mode must be 'bilinear', 'nearest' or 'bicubic', but got ${describe(mode)}`);
  if (padding !== 'zeros' && padding !== 'border' && padding !== 'reflection') {
    throw new RangeError(`gridSample: paddingMode must be 'zeros', 'border' or 'reflection', but got ${describe(padding)}`);
  }
  if (input.dim() !== 4) throw new RangeError(`gridSample: only 4-D input [N, C, H, W] is supported, but got ${formatShape(input.shape)}`);
  if (grid.dim() !== 4 || grid.shape[3] !== 2 || grid.shape[0] !== input.shape[0]) {
    throw new RangeError(`gridSample: expected grid of shape [${input.shape[0]}, Ho, Wo, 2] for input ${formatShape(input.shape)}, but got ${formatShape(grid.shape)}`);
  }
  if (!isFloating(input.dtype) || grid.dtype !== input.dtype) throw new TypeError(`gridSample: input and grid must share a floating-point dtype, but got ${input.dtype} and ${grid.dtype}`);
  const [n, c, h, w] = input.shape;
  const [, ho, wo] = grid.shape;
  const flat = reshape(input, [n, c, h * w]);
  if (mode === 'bicubic') {
    const gx = reshape(select(grid, 3, 0), [n, ho * wo]);
    const gy = reshape(select(grid, 3, 1), [n, ho * wo]);
    return reshape(bicubic(flat, [n, c, h, w], ho * wo, gx, gy, padding, align), [n, c, ho, wo]);
  }
  const ix = sourceCoord(reshape(select(grid, 3, 0), [n, ho * wo]), w, padding, align);
  const iy = sourceCoord(reshape(select(grid, 3, 1), [n, ho * wo]), h, padding, align);
  const corner = (x: Tensor, y: Tensor): Tensor => pixelsAt(flat, input.shape, ho * wo, x, y);
  let out: Tensor;
  if (mode === 'nearest') {
    out = corner(round(ix.detach()), round(iy.detach()));
    // the grid gets a zero gradient (not none), as PyTorch's: a finite zero that depends on it
    if (grid.requiresGrad) out = add(out, unsqueeze(mul(add(where(ix.isfinite(), ix, 0), where(iy.isfinite(), iy, 0)), 0), 1));
  } else {
    const x0 = floor(ix.detach());
    const y0 = floor(iy.detach());
    const x1 = add(x0, 1);
    const y1 = add(y0, 1);
    const wx1 = unsqueeze(sub(ix, x0), 1);
    const wy1 = unsqueeze(sub(iy, y0), 1);
    const wx0 = sub(1, wx1);
    const wy0 = sub(1, wy1);
    out = add(
      add(mul(corner(x0, y0), mul(wx0, wy0)), mul(corner(x1, y0), mul(wx1, wy0))),
      add(mul(corner(x0, y1), mul(wx0, wy1)), mul(corner(x1, y1), mul(wx1, wy1))),
    );
  }
  return reshape(out, [n, c, ho, wo]);
}
