/** Upsample, UpsamplingNearest2d and UpsamplingBilinear2d (PyTorch's nn/modules/upsampling.py). */
import type { Tensor } from '../tensor/tensor.js';
import { interpolate, type InterpolateMode, type InterpolateOptions } from '../ops/interpolate.js';
import { Module } from './module.js';

type Size = number | number[] | null;

function optionsOf(sizeOrOptions: Size | InterpolateOptions | undefined, scaleFactor: number | number[] | null | undefined): InterpolateOptions {
  if (sizeOrOptions !== null && typeof sizeOrOptions === 'object' && !Array.isArray(sizeOrOptions)) return sizeOrOptions;
  return { size: sizeOrOptions ?? null, scaleFactor: scaleFactor ?? null };
}

/**
 * Resizes [N, C, *spatial] by F.interpolate with fixed settings: `new Upsample({ scaleFactor: 2,
 * mode: 'bilinear' })` or PyTorch's positional `new Upsample(size)`. Errors come from interpolate.
 */
export class Upsample extends Module {
  readonly settings: InterpolateOptions;

  constructor(sizeOrOptions: Size | InterpolateOptions = null, scaleFactor: number | number[] | null = null, mode: InterpolateMode = 'nearest') {
    super();
    const o = optionsOf(sizeOrOptions, scaleFactor);
    this.settings = { mode, ...o };
  }

  forward(input: Tensor): Tensor {
    return interpolate(input, this.settings);
  }

  override extraRepr(): string {
    const s = this.settings;
    return `${s.size != null ? `size=${JSON.stringify(s.size)}` : `scaleFactor=${JSON.stringify(s.scaleFactor)}`}, mode='${s.mode ?? 'nearest'}'`;
  }
}

/** Upsample with mode 'nearest' over [N, C, H, W]. */
export class UpsamplingNearest2d extends Upsample {
  constructor(sizeOrOptions: Size | { size?: Size; scaleFactor?: number | number[] | null } = null, scaleFactor: number | number[] | null = null) {
    super({ ...optionsOf(sizeOrOptions, scaleFactor), mode: 'nearest' });
  }
}

/** Upsample with mode 'bilinear' and alignCorners true over [N, C, H, W], as PyTorch's. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(sizeOrOptions: Size | { size?: Size; scaleFactor?: number | number[] | null } = null, scaleFactor: number | number[] | null = null) {
    super({ ...optionsOf(sizeOrOptions, scaleFactor), mode: 'bilinear', alignCorners: true });
  }
}
