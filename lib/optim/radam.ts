/** RAdam (Adam with a rectified adaptive learning rate): PyTorch's rule, as tensor ops. */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireAdamLike, type AdamLikeOptions, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { effectiveGrad } from './effective_grad.js';

export type RAdamOptions = AdamLikeOptions;

type Full = Required<RAdamOptions>;

export class RAdam extends Optimizer<Full> {
  /** Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8. */
  constructor(params: ParamsInput<Full>, options: RAdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false }, options);
  }

  protected validate(o: Full): void {
    requireAdamLike(o);
  }

  protected update(p: Tensor, grad: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.expAvg === undefined) {
      s.step = 0;
      s.expAvg = this.zerosLike(p);
      s.expAvgSq = this.zerosLike(p);
    }
    const step = (s.step as number) + 1;
    s.step = step;
    const [b1, b2] = o.betas;
    const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
    const m = s.expAvg as Tensor;
    const v = s.expAvgSq as Tensor;
    m.mul_(b1).add_(g, { alpha: 1 - b1 });
    v.mul_(b2).add_(g.mul(g), { alpha: 1 - b2 });
    const bc1 = 1 - b1 ** step;
    const bc2 = 1 - b2 ** step;
    const corrected = m.div(bc1);
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * step * b2 ** step) / bc2;
    if (rhoT > 5) {
      // the variance of the adaptive rate is tractable: rectify it
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      const adaptive = v.sqrt().add(o.eps).reciprocal().mul(Math.sqrt(bc2));
      p.sub_(corrected.mul(adaptive), { alpha: o.lr * rect });
    } else {
      p.sub_(corrected, { alpha: o.lr });
    }
  }
}
