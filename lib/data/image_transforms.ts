/**
 * Image transforms for [C, H, W] (or [..., H, W]) float tensors, as torchvision's: Compose,
 * Normalize, RandomCrop (with padding), RandomHorizontalFlip, RandomRotation (nearest pixel),
 * ColorJitter (brightness, contrast). Each is a callable module (`t(x)`); the random ones draw
 * from a seedable generator (default: the one kd.manualSeed seeds).
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Module } from '../nn/module.js';
import { emptyTensor, fullTensor, copyInto } from '../ops/alloc.js';

function checkImage(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected an image tensor, but received ${describe(x)}`);
  if (x.dim() < 2) throw new RangeError(`${op}: expected an image of shape [..., H, W], but got ${formatShape(x.shape)}`);
}

/** A transform: a callable that maps one sample to another. */
export type Transform = ((x: Tensor) => Tensor) | Module;

/** Applies transforms in order. */
export class Compose extends Module {
  constructor(readonly transforms: Transform[]) {
    super();
    if (!Array.isArray(transforms)) throw new TypeError(`Compose: expected an array of transforms, but received ${describe(transforms)}`);
    transforms.forEach((t, i) => {
      if (typeof t !== 'function') throw new TypeError(`Compose: transform ${i} is ${describe(t)}, not callable`);
    });
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const t of this.transforms) y = (t as (v: Tensor) => Tensor)(y);
    return y;
  }
}

/** (x - mean[c]) / std[c] for each channel c (dim -3). */
export class Normalize extends Module {
  private readonly meanT: Tensor;
  private readonly stdT: Tensor;
  constructor(readonly mean: number[], readonly std: number[]) {
    super();
    if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== std.length || mean.length === 0) {
      throw new TypeError('Normalize: mean and std must be arrays of one number per channel, of the same length');
    }
    if (std.some((s) => !(s !== 0))) throw new RangeError(`Normalize: std evaluated to zero after conversion, leading to division by zero (std [${std.join(', ')}])`);
    this.meanT = tensor(mean).reshape([mean.length, 1, 1]);
    this.stdT = tensor(std).reshape([std.length, 1, 1]);
  }
  forward(x: Tensor): Tensor {
    checkImage('Normalize', x);
    const c = x.dim() >= 3 ? x.shape[x.dim() - 3] : 1;
    if (this.mean.length !== 1 && this.mean.length !== c) throw new RangeError(`Normalize: ${this.mean.length} means for an image with ${c} channels`);
    return x.sub(this.meanT.to(x.dtype)).div(this.stdT.to(x.dtype));
  }
}

/** A random crop of size [h, w], after padding the borders by `padding` (filled with `fill`). */
export class RandomCrop extends Module {
  readonly size: [number, number];
  constructor(size: number | [number, number], readonly options: { padding?: number; fill?: number; padIfNeeded?: boolean; generator?: Generator } = {}) {
    super();
    this.size = typeof size === 'number' ? [size, size] : size;
    if (!this.size.every((s) => Number.isInteger(s) && s > 0)) throw new RangeError(`RandomCrop: size must be positive integers, but got ${String(size)}`);
  }
  forward(x: Tensor): Tensor {
    checkImage('RandomCrop', x);
    return noGrad(() => {
      let img = x;
      const pad = this.options.padding ?? 0;
      const [h, w] = this.size;
      const H0 = x.shape[x.dim() - 2];
      const W0 = x.shape[x.dim() - 1];
      const extraH = this.options.padIfNeeded ? Math.max(0, h - (H0 + 2 * pad)) : 0;
      const extraW = this.options.padIfNeeded ? Math.max(0, w - (W0 + 2 * pad)) : 0;
      if (pad > 0 || extraH > 0 || extraW > 0) {
        const shape = x.shape.slice();
        shape[shape.length - 2] = H0 + 2 * pad + 2 * extraH;
        shape[shape.length - 1] = W0 + 2 * pad + 2 * extraW;
        img = fullTensor(shape, this.options.fill ?? 0, x.dtype);
        copyInto(img.narrow(-2, pad + extraH, H0).narrow(-1, pad + extraW, W0), x);
      }
      const H = img.shape[img.dim() - 2];
      const W = img.shape[img.dim() - 1];
      if (h > H || w > W) throw new RangeError(`RandomCrop: the crop [${h}, ${w}] is larger than the (padded) image [${H}, ${W}]`);
      const g = this.options.generator ?? defaultGenerator;
      const top = g.nextBelow(H - h + 1);
      const left = g.nextBelow(W - w + 1);
      return img.narrow(-2, top, h).narrow(-1, left, w).clone();
    });
  }
}

/** Flips the image left to right with probability p. */
export class RandomHorizontalFlip extends Module {
  constructor(readonly p = 0.5, readonly options: { generator?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`RandomHorizontalFlip: p must be in [0, 1], but got ${p}`);
  }
  forward(x: Tensor): Tensor {
    checkImage('RandomHorizontalFlip', x);
    const g = this.options.generator ?? defaultGenerator;
    return g.nextFloat64() < this.p ? x.flip(-1) : x;
  }
}

/** Rotates the image by a random angle in [-degrees, degrees] (or [lo, hi]) around its centre, nearest pixel, `fill` outside. */
export class RandomRotation extends Module {
  readonly range: [number, number];
  constructor(degrees: number | [number, number], readonly options: { fill?: number; generator?: Generator } = {}) {
    super();
    this.range = typeof degrees === 'number' ? [-Math.abs(degrees), Math.abs(degrees)] : degrees;
    if (!(this.range[0] <= this.range[1])) throw new RangeError(`RandomRotation: degrees must give a range [lo, hi] with lo <= hi, but got ${String(degrees)}`);
  }
  forward(x: Tensor): Tensor {
    checkImage('RandomRotation', x);
    const g = this.options.generator ?? defaultGenerator;
    const angle = this.range[0] + (this.range[1] - this.range[0]) * g.nextFloat64();
    return noGrad(() => rotateNearest(x, angle, this.options.fill ?? 0));
  }
}

/** x rotated counter-clockwise by `degrees` about the centre (torchvision's convention), nearest source pixel. */
function rotateNearest(x: Tensor, degrees: number, fill: number): Tensor {
  const H = x.shape[x.dim() - 2];
  const W = x.shape[x.dim() - 1];
  const planes = x.numel() / (H * W);
  const src = x.contiguous().toTypedArray();
  const out = emptyTensor(x.shape, x.dtype);
  const dst = out.storage;
  const rad = (degrees * Math.PI) / 180;
  const cos = Math.cos(rad);
  const sin = Math.sin(rad);
  const cy = (H - 1) / 2;
  const cx = (W - 1) / 2;
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      // the inverse rotation finds where output pixel (i, j) comes from
      const dy = i - cy;
      const dx = j - cx;
      const sy = Math.round(cy + dx * sin + dy * cos);
      const sx = Math.round(cx + dx * cos - dy * sin);
      const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
      for (let p = 0; p < planes; p++) dst[p * H * W + i * W + j] = inside ? src[p * H * W + sy * W + sx] : fill;
    }
  }
  return out;
}

/**
 * Random brightness and contrast changes (in that order): brightness multiplies by a factor in
 * [max(0, 1 - b), 1 + b]; contrast blends with the image's mean grey by a factor in
 * [max(0, 1 - c), 1 + c]; results are clamped to [0, 1] as for images in that range.
 */
export class ColorJitter extends Module {
  constructor(readonly options: { brightness?: number; contrast?: number; generator?: Generator } = {}) {
    super();
    for (const k of ['brightness', 'contrast'] as const) {
      const v = options[k];
      if (v !== undefined && !(v >= 0)) throw new RangeError(`ColorJitter: ${k} must be non-negative, but got ${v}`);
    }
  }
  forward(x: Tensor): Tensor {
    checkImage('ColorJitter', x);
    const g = this.options.generator ?? defaultGenerator;
    const factor = (amount: number) => Math.max(0, 1 - amount) + (1 + amount - Math.max(0, 1 - amount)) * g.nextFloat64();
    return noGrad(() => {
      let y = x;
      if (this.options.brightness) y = y.mul(factor(this.options.brightness)).clamp(0, 1);
      if (this.options.contrast) {
        const c = factor(this.options.contrast);
        const channels = y.dim() >= 3 ? y.shape[y.dim() - 3] : 1;
        // mean grey level: luminance weights for RGB, the plain mean otherwise (as torchvision)
        const grey = channels === 3
          ? y.narrow(-3, 0, 1).mul(0.299).add(y.narrow(-3, 1, 1).mul(0.587)).add(y.narrow(-3, 2, 1).mul(0.114))
          : y;
        const mean = grey.mean([-1, -2, ...(y.dim() >= 3 ? [-3] : [])], true);
        y = y.mul(c).add(mean.mul(1 - c)).clamp(0, 1);
      }
      return y;
    });
  }
}
