/** RMSprop, plain or centered, with momentum and weight decay: PyTorch's rule, one fused pass. */
import { native } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, flat, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

type Full = Required<RMSpropOptions>;

export class RMSprop extends Optimizer<Full> {
  constructor(params: ParamsInput<Full>, options: RMSpropOptions = {}) {
    super(params, { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, options);
  }

  protected validate(o: Full): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(o.eps >= 0, 'epsilon value', o.eps);
    require(o.momentum >= 0, 'momentum value', o.momentum);
    require(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
    require(o.alpha >= 0, 'alpha value', o.alpha);
  }

  protected update(p: Tensor, g: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.squareAvg === undefined) {
      s.step = 0;
      s.squareAvg = this.zerosLike(p);
      if (o.momentum > 0) s.momentumBuffer = this.zerosLike(p);
      if (o.centered) s.gradAvg = this.zerosLike(p);
    }
    s.step = (s.step as number) + 1;
    if (o.momentum > 0 && s.momentumBuffer === undefined) s.momentumBuffer = this.zerosLike(p);
    if (o.centered && s.gradAvg === undefined) s.gradAvg = this.zerosLike(p);
    native.rmsprop(flat(p), flat(g), flat(s.squareAvg as Tensor), o.centered ? flat(s.gradAvg as Tensor) : null,
      o.momentum > 0 ? flat(s.momentumBuffer as Tensor) : null, o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, o.maximize);
  }
}
