/** Layers: Linear, the activations, Dropout, Flatten and Identity. */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty } from '../tensor/create.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as init from './init.js';
import * as F from './functional.js';

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

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return F.relu(x); }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return F.sigmoid(x); }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return F.tanh(x); }
}

export class GELU extends Module {
  forward(x: Tensor): Tensor { return F.gelu(x); }
}

export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** Zeroes each element with probability p during training and scales the rest by 1/(1-p). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`Dropout: probability has to be between 0 and 1, but got ${String(p)}`);
  }
  forward(x: Tensor): Tensor { return F.dropout(x, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}`; }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}
