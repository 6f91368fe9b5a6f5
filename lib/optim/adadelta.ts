/** Adadelta: PyTorch's rule, as tensor ops (no fused kernel yet). */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { effectiveGrad } from './effective_grad.js';

export interface AdadeltaOptions {
  lr?: number;
  rho?: number;
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

type Full = Required<AdadeltaOptions>;

export class Adadelta extends Optimizer<Full> {
  /** Defaults: lr 1, rho 0.9, eps 1e-6. Throws RangeError naming a bad hyper-parameter. */
  constructor(params: ParamsInput<Full>, options: AdadeltaOptions = {}) {
    super(params, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }, options);
  }

  protected validate(o: Full): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(o.rho >= 0 && o.rho <= 1, 'rho value', o.rho);
    require(o.eps >= 0, 'epsilon value', o.eps);
    require(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
  }

  protected update(p: Tensor, grad: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.squareAvg === undefined) {
      s.step = 0;
      s.squareAvg = this.zerosLike(p);
      s.accDelta = this.zerosLike(p);
    }
    s.step = (s.step as number) + 1;
    const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
    const sq = s.squareAvg as Tensor;
    const acc = s.accDelta as Tensor;
    sq.mul_(o.rho).add_(g.mul(g), { alpha: 1 - o.rho });
    const delta = acc.add(o.eps).sqrt().div(sq.add(o.eps).sqrt()).mul(g);
    acc.mul_(o.rho).add_(delta.mul(delta), { alpha: 1 - o.rho });
    p.sub_(delta, { alpha: o.lr });
  }
}
