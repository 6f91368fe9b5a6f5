/** LayerNorm and GroupNorm (PyTorch's nn/modules/normalization.py), state-dict keys as PyTorch's. */
import { checkFloat } from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { ones, zeros } from '../tensor/create.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as F from './functional.js';
import { checkOptions } from '../options.js';

/** Normalises over the trailing normalizedShape dims; weight (ones) and bias (zeros) of that shape when elementwiseAffine. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  weight: Parameter | null;
  bias: Parameter | null;

  /** Throws RangeError for a normalizedShape that is not positive integers. */
  constructor(normalizedShape: number | number[], readonly options: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType } = {}) {
    super();
    this.options = options = checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s <= 0)) {
      throw new RangeError(`LayerNorm: expected normalizedShape to be a positive integer or a list of them, but received ${describe(normalizedShape)}`);
    }
    this.normalizedShape = [...shape];
    const affine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = affine ? new Parameter(ones(shape, { dtype })) : null;
    this.bias = affine && options.bias !== false ? new Parameter(zeros(shape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.options.eps ?? 1e-5}, elementwiseAffine=${this.weight !== null}`;
  }
}

/** Normalises [N, C, ...] over groups of channels; per-channel weight (ones) and bias (zeros) when affine. */
export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;

  /** Throws RangeError when numChannels is not divisible by numGroups. */
  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    this.options = options = checkOptions('GroupNorm', options, ['eps', 'affine', 'dtype']);
    if (!Number.isInteger(numGroups) || numGroups <= 0 || !Number.isInteger(numChannels) || numChannels <= 0 || numChannels % numGroups !== 0) {
      throw new RangeError(`GroupNorm: numChannels (${String(numChannels)}) must be a positive multiple of numGroups (${String(numGroups)})`);
    }
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    checkFloat('GroupNorm', 'input', x);
    if (x.dim() >= 2 && x.shape[1] !== this.numChannels) {
      throw new RangeError(`GroupNorm: expected input with ${this.numChannels} channels (dim 1), but got shape [${x.shape.join(', ')}]`);
    }
    return F.groupNorm(x, this.numGroups, this.weight, this.bias, this.options.eps ?? 1e-5);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.options.eps ?? 1e-5}, affine=${this.weight !== null}`;
  }
}

/** Local response normalisation across `size` neighbouring channels (PyTorch's nn.LocalResponseNorm). */
export class LocalResponseNorm extends Module {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) { super(); }
  forward(x: Tensor): Tensor { return F.localResponseNorm(x, this.size, this.alpha, this.beta, this.k); }
  override extraRepr(): string { return `size=${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`; }
}
