/** Linear, Bilinear and Identity (PyTorch's nn/modules/linear.py). */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty } from '../tensor/create.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as init from './init.js';
import * as F from './functional.js';
import { checkOptions } from '../options.js';

function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${op}: expected ${name} to be a positive integer, but received ${describe(v)}`);
  }
  return v;
}

/** y = x Wᵀ + b, with PyTorch's default initialisation (uniform in ±1/sqrt(inFeatures)). */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super();
    options = checkOptions('Linear', options, ['bias', 'dtype']);
    positiveInt('Linear', 'inFeatures', inFeatures);
    positiveInt('Linear', 'outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, inFeatures], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(empty([outFeatures], { dtype }));
    this.resetParameters();
  }

  /** PyTorch's init: kaiming-uniform with a = sqrt(5) for the weight, uniform ±1/sqrt(fanIn) for the bias. */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = 1 / Math.sqrt(this.inFeatures);
      init.uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input unchanged (a placeholder layer). */
export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}

/**
 * y = x1ᵀ W x2 + b for each output feature (PyTorch's nn.Bilinear): weight [out, in1, in2]
 * and bias [out], both uniform in ±1/sqrt(in1Features) as PyTorch initialises them.
 */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, options: { bias?: boolean; dtype?: DType } = {}) {
    super();
    options = checkOptions('Bilinear', options, ['bias', 'dtype']);
    positiveInt('Bilinear', 'in1Features', in1Features);
    positiveInt('Bilinear', 'in2Features', in2Features);
    positiveInt('Bilinear', 'outFeatures', outFeatures);
    const dtype = options.dtype ?? 'float32';
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = options.bias === false ? null : new Parameter(empty([outFeatures], { dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    init.uniform_(this.weight, -bound, bound);
    if (this.bias) init.uniform_(this.bias, -bound, bound);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return F.bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1Features=${this.in1Features}, in2Features=${this.in2Features}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
