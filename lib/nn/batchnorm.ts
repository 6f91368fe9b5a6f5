/**
 * BatchNorm1d and BatchNorm2d (PyTorch's nn/modules/batchnorm.py) with PyTorch's state-dict
 * keys: weight, bias, running_mean, running_var, num_batches_tracked (int32 here, int64 in
 * PyTorch; kd.load reads PyTorch's int64 as int32).
 */
import { checkFloat } from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { ones, zeros, tensor } from '../tensor/create.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as F from './functional.js';
import { checkOptions } from '../options.js';

export interface BatchNormModuleOptions {
  eps?: number;
  /** Weight of each new batch in the running statistics; null = cumulative average. Default 0.1. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
  dtype?: DType;
}

abstract class BatchNormBase extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** Throws RangeError for a numFeatures that is not a positive integer. */
  constructor(readonly numFeatures: number, readonly options: BatchNormModuleOptions = {}) {
    super();
    this.options = options = checkOptions(new.target.name, options, ['eps', 'momentum', 'affine', 'trackRunningStats', 'dtype']);
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new RangeError(`${this.constructor.name}: expected numFeatures to be a positive integer, but received ${describe(numFeatures)}`);
    const dtype = options.dtype ?? 'float32';
    const affine = options.affine ?? true;
    this.weight = affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = options.trackRunningStats ?? true;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? ones([numFeatures], { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? tensor(0, { dtype: 'int32' }) : null);
  }

  /** The input ranks this layer accepts, for its error message. */
  protected abstract checkInput(x: Tensor): void;

  /** Running mean and variance back to 0 and 1, the batch count to 0. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.fill_(0);
      this.running_var?.fill_(1);
      this.num_batches_tracked?.fill_(0);
    });
  }

  forward(x: Tensor): Tensor {
    checkFloat(this.constructor.name, 'input', x);
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new RangeError(`${this.constructor.name}: expected input with ${this.numFeatures} channels (dim 1), but got shape ${formatShape(x.shape)}`);
    }
    let momentum = this.options.momentum === undefined ? 0.1 : this.options.momentum;
    if (this.training && this.num_batches_tracked) {
      noGrad(() => this.num_batches_tracked!.add_(1));
      if (momentum === null) momentum = 1 / this.num_batches_tracked.item();
    }
    // batch statistics when training, or in eval without running statistics (as PyTorch)
    const useBatch = this.training || this.running_mean === null;
    return F.batchNorm(x, this.running_mean, this.running_var, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: momentum ?? 0.1, eps: this.options.eps ?? 1e-5,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.options.eps ?? 1e-5}, momentum=${this.options.momentum === undefined ? 0.1 : String(this.options.momentum)}, affine=${this.weight !== null}, trackRunningStats=${this.running_mean !== null}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] inputs per channel C. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.dim() !== 2 && x.dim() !== 3) throw new RangeError(`BatchNorm1d: expected 2-D [N, C] or 3-D [N, C, L] input, but got shape ${formatShape(x.shape)}`);
  }
}

/** Batch normalisation of [N, C, H, W] inputs per channel C. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.dim() !== 4) throw new RangeError(`BatchNorm2d: expected 4-D [N, C, H, W] input, but got shape ${formatShape(x.shape)}`);
  }
}

/** Batch normalisation of [N, C, D, H, W] inputs per channel C. */
export class BatchNorm3d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.dim() !== 5) throw new RangeError(`BatchNorm3d: expected 5-D [N, C, D, H, W] input, but got shape ${formatShape(x.shape)}`);
  }
}
