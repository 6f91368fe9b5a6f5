/**
 * InstanceNorm1d and InstanceNorm2d (PyTorch's nn/modules/instancenorm.py): each channel of
 * each sample normalised over its positions. Defaults as PyTorch: no affine parameters and no
 * running statistics; with trackRunningStats, eval mode uses them (keys running_mean,
 * running_var, num_batches_tracked, as PyTorch).
 */
import { checkFloat } from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { ones, zeros, tensor } from '../tensor/create.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as F from './functional.js';
import { checkOptions } from '../options.js';

export interface InstanceNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class InstanceNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** Throws RangeError for a numFeatures that is not a positive integer. */
  constructor(readonly numFeatures: number, private readonly spatialDims: number, readonly options: InstanceNormOptions = {}) {
    super();
    this.options = options = checkOptions(new.target.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new RangeError(`${this.constructor.name}: expected numFeatures to be a positive integer, but received ${describe(numFeatures)}`);
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? false;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = options.trackRunningStats ?? false;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? tensor(0, { dtype: 'int32' }) : null);
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    checkFloat(name, 'input', x);
    const batched = this.spatialDims + 2;
    if (x.dim() !== batched && x.dim() !== batched - 1) {
      throw new RangeError(`${name}: expected ${batched - 1}-D (unbatched) or ${batched}-D input, but got shape ${formatShape(x.shape)}`);
    }
    const xb = x.dim() === batched ? x : x.unsqueeze(0);
    if (xb.shape[1] !== this.numFeatures) {
      throw new RangeError(`${name}: expected input with ${this.numFeatures} channels, but got shape ${formatShape(x.shape)}`);
    }
    const y = F.instanceNorm(xb, {
      runningMean: this.running_mean, runningVar: this.running_var, weight: this.weight, bias: this.bias,
      useInputStats: this.training || this.running_mean === null, momentum: this.options.momentum ?? 0.1, eps: this.options.eps ?? 1e-5,
    });
    return x.dim() === batched ? y : y.squeeze(0);
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.options.eps ?? 1e-5}, affine=${this.weight !== null}, trackRunningStats=${this.running_mean !== null}`;
  }
}

/** Instance normalisation of [N, C, L] (or [C, L]) inputs. */
export class InstanceNorm1d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) { super(numFeatures, 1, options); }
}

/** Instance normalisation of [N, C, H, W] (or [C, H, W]) inputs. */
export class InstanceNorm2d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) { super(numFeatures, 2, options); }
}

/** Instance normalisation of [N, C, D, H, W] (or [C, D, H, W]) inputs. */
export class InstanceNorm3d extends InstanceNormBase {
  constructor(numFeatures: number, options: InstanceNormOptions = {}) { super(numFeatures, 3, options); }
}
