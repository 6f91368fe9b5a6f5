/**
 * The base of kd.distributions (PyTorch's torch.distributions.Distribution): a batch of
 * distributions of one family, with sample / rsample, logProb, entropy and the moments.
 */
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, describe, formatShape } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import { noGrad } from '../autograd/grad_mode.js';

/** A parameter as a float tensor: numbers become 0-d float32 tensors. */
export function param(family: string, name: string, v: unknown): Tensor {
  if (typeof v === 'number') return tensor(v);
  if (!(v instanceof Tensor)) throw new TypeError(`${family}: expected ${name} to be a Tensor or a number, but received ${describe(v)}`);
  if (!isFloating(v.dtype)) throw new TypeError(`${family}: expected ${name} to be floating point, but got ${v.dtype}`);
  return v;
}

export function sampleShapeOf(family: string, shape: unknown): number[] {
  if (shape === undefined) return [];
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new TypeError(`${family}.sample: expected sampleShape to be an array of non-negative integers, but received ${describe(shape)}`);
  }
  return shape.slice();
}

export abstract class Distribution {
  /** @internal */
  protected constructor(readonly batchShape: number[], readonly eventShape: number[] = []) {}

  /** Draws with reparameterisation (gradients flow to the parameters); families without one throw. */
  rsample(_sampleShape?: number[]): Tensor {
    throw new Error(`${this.constructor.name}: rsample is not available (the family has no reparameterised sampler); use sample()`);
  }

  /** Draws of shape [...sampleShape, ...batchShape, ...eventShape], outside the tape. */
  sample(sampleShape?: number[]): Tensor {
    return noGrad(() => this.rsample(sampleShape));
  }

  /** The log density (or mass) of value under each distribution of the batch. */
  abstract logProb(value: Tensor): Tensor;

  abstract entropy(): Tensor;

  abstract get mean(): Tensor;

  abstract get variance(): Tensor;

  get stddev(): Tensor {
    return this.variance.sqrt();
  }

  /** @internal The shape of `sampleShape` draws. */
  protected extendedShape(sampleShape: number[]): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /** @internal Throws unless value broadcasts against the batch. */
  protected checkValue(value: unknown): Tensor {
    if (!(value instanceof Tensor)) throw new TypeError(`${this.constructor.name}.logProb: expected value to be a Tensor, but received ${describe(value)}`);
    try {
      broadcastShapes('logProb', value.shape.slice(0, value.dim() - this.eventShape.length), this.batchShape);
    } catch {
      throw new RangeError(`${this.constructor.name}.logProb: value of shape ${formatShape(value.shape)} does not broadcast with the batch shape ${formatShape(this.batchShape)}`);
    }
    return value;
  }
}
