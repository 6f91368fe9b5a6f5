/** ASGD (averaged SGD): PyTorch's rule, as tensor ops; the running average is state.ax. */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { effectiveGrad } from './effective_grad.js';

export interface ASGDOptions {
  lr?: number;
  lambd?: number;
  alpha?: number;
  t0?: number;
  weightDecay?: number;
  maximize?: boolean;
}

type Full = Required<ASGDOptions>;

export class ASGD extends Optimizer<Full> {
  /** Defaults: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6. */
  constructor(params: ParamsInput<Full>, options: ASGDOptions = {}) {
    super(params, { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false }, options);
  }

  protected validate(o: Full): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
  }

  protected update(p: Tensor, grad: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.ax === undefined) {
      s.step = 0;
      s.eta = o.lr;
      s.mu = 1;
      s.ax = this.zerosLike(p);
    }
    const step = (s.step as number) + 1;
    s.step = step;
    const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
    const eta = s.eta as number;
    p.mul_(1 - o.lambd * eta);
    p.sub_(g, { alpha: eta });
    const ax = s.ax as Tensor;
    if (s.mu !== 1) ax.add_(p.sub(ax).mul(s.mu as number));
    else ax.copy_(p);
    s.eta = o.lr / (1 + o.lambd * o.lr * step) ** o.alpha;
    s.mu = 1 / Math.max(1, step - o.t0);
  }
}
