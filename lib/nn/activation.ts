/** Activation modules (PyTorch's nn/modules/activation.py): each a thin module over its functional form. */
import type { Tensor } from '../tensor/tensor.js';
import { full } from '../tensor/create.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as F from './functional.js';

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

/** GELU, exact (erf) or with `approximate: 'tanh'`. */
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  forward(x: Tensor): Tensor { return F.gelu(x, { approximate: this.approximate }); }
  override extraRepr(): string { return this.approximate === 'none' ? '' : `approximate='${this.approximate}'`; }
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

export class SiLU extends Module {
  forward(x: Tensor): Tensor { return F.silu(x); }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(x: Tensor): Tensor { return F.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}

export class SELU extends Module {
  forward(x: Tensor): Tensor { return F.selu(x); }
}

export class CELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(x: Tensor): Tensor { return F.celu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}

export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(x: Tensor): Tensor { return F.softplus(x, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}

export class Softsign extends Module {
  forward(x: Tensor): Tensor { return F.softsign(x); }
}

export class Mish extends Module {
  forward(x: Tensor): Tensor { return F.mish(x); }
}

export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) { super(); }
  forward(x: Tensor): Tensor { return F.hardtanh(x, this.minVal, this.maxVal); }
  override extraRepr(): string { return `minVal=${this.minVal}, maxVal=${this.maxVal}`; }
}

export class ReLU6 extends Module {
  forward(x: Tensor): Tensor { return F.relu6(x); }
}

export class Hardswish extends Module {
  forward(x: Tensor): Tensor { return F.hardswish(x); }
}

export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor { return F.hardsigmoid(x); }
}

export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor { return F.logsigmoid(x); }
}

/** softmax(-x) along dim. */
export class Softmin extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return F.softmin(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** The gated linear unit: a * sigmoid(b) for the two halves of dim. */
export class GLU extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(x: Tensor): Tensor { return F.glu(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** x where x > threshold, else value. */
export class Threshold extends Module {
  constructor(readonly threshold: number, readonly value: number) { super(); }
  forward(x: Tensor): Tensor { return F.threshold(x, this.threshold, this.value); }
  override extraRepr(): string { return `threshold=${this.threshold}, value=${this.value}`; }
}

/** max(0, x) + a * min(0, x) with a learned slope a: one shared, or one per channel (dim 1). */
export class PReLU extends Module {
  weight: Parameter;
  constructor(readonly numParameters = 1, readonly init = 0.25) {
    super();
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new RangeError(`PReLU: numParameters must be a positive integer, but got ${numParameters}`);
    this.weight = new Parameter(full([numParameters], init));
  }
  forward(x: Tensor): Tensor { return F.prelu(x, this.weight); }
  override extraRepr(): string { return `numParameters=${this.numParameters}`; }
}

export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) { super(); }
  forward(x: Tensor): Tensor { return F.softshrink(x, this.lambd); }
  override extraRepr(): string { return `lambd=${this.lambd}`; }
}

export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) { super(); }
  forward(x: Tensor): Tensor { return F.hardshrink(x, this.lambd); }
  override extraRepr(): string { return `lambd=${this.lambd}`; }
}

export class Tanhshrink extends Module {
  forward(x: Tensor): Tensor { return F.tanhshrink(x); }
}

/** Softmax over the channels of [N, C, H, W] or [C, H, W] (dim -3). */
export class Softmax2d extends Module {
  forward(x: Tensor): Tensor {
    if (x.dim() !== 3 && x.dim() !== 4) throw new RangeError(`Softmax2d: expected a 3-D or 4-D input, but got shape [${x.shape.join(', ')}]`);
    return F.softmax(x, -3);
  }
}

/** Leaky ReLU with a random slope in [lower, upper] while training, their mean in eval. */
export class RReLU extends Module {
  constructor(readonly lower = 1 / 8, readonly upper = 1 / 3) { super(); }
  forward(x: Tensor): Tensor { return F.rrelu(x, this.lower, this.upper, this.training); }
  override extraRepr(): string { return `lower=${this.lower}, upper=${this.upper}`; }
}
