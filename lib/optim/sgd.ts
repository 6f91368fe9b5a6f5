/** SGD with momentum, dampening, Nesterov, weight decay and maximize: PyTorch's rule, one fused pass. */
import { native } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, flat, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

type Full = Required<SGDOptions>;

export class SGD extends Optimizer<Full> {
  /** Throws RangeError for a negative lr, momentum or weightDecay, or Nesterov without momentum. */
  constructor(params: ParamsInput<Full>, options: SGDOptions) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false } as Full, options);
  }

  protected validate(o: Full): void {
    require(typeof o.lr === 'number' && o.lr >= 0, 'learning rate', o.lr);
    require(o.momentum >= 0, 'momentum value', o.momentum);
    require(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
  }

  protected update(p: Tensor, g: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    const first = s.momentumBuffer === undefined;
    if (o.momentum !== 0 && first) s.momentumBuffer = this.zerosLike(p);
    const buf = o.momentum !== 0 ? flat(s.momentumBuffer as Tensor) : null;
    native.sgd(flat(p), flat(g), buf, o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov, o.maximize, first);
  }
}
