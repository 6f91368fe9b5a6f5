/** NAdam (Adam with Nesterov momentum and momentum decay): PyTorch's rule, as tensor ops. */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, require, requireAdamLike, type AdamLikeOptions, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { effectiveGrad } from './effective_grad.js';

export interface NAdamOptions extends AdamLikeOptions {
  momentumDecay?: number;
}

type Full = Required<NAdamOptions>;

export class NAdam extends Optimizer<Full> {
  /** Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8, momentumDecay 4e-3. */
  constructor(params: ParamsInput<Full>, options: NAdamOptions = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, maximize: false }, options);
  }

  protected validate(o: Full): void {
    requireAdamLike(o);
    require(o.momentumDecay >= 0, 'momentum_decay value', o.momentumDecay);
  }

  protected update(p: Tensor, grad: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.expAvg === undefined) {
      s.step = 0;
      s.muProduct = 1;
      s.expAvg = this.zerosLike(p);
      s.expAvgSq = this.zerosLike(p);
    }
    const step = (s.step as number) + 1;
    s.step = step;
    const [b1, b2] = o.betas;
    const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
    const mu = b1 * (1 - 0.5 * 0.96 ** (step * o.momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((step + 1) * o.momentumDecay));
    const muProduct = (s.muProduct as number) * mu;
    s.muProduct = muProduct;
    const m = s.expAvg as Tensor;
    const v = s.expAvgSq as Tensor;
    m.mul_(b1).add_(g, { alpha: 1 - b1 });
    v.mul_(b2).add_(g.mul(g), { alpha: 1 - b2 });
    const denom = v.div(1 - b2 ** step).sqrt().add(o.eps);
    p.sub_(g.div(denom), { alpha: (o.lr * (1 - mu)) / (1 - muProduct) });
    // PyTorch 1.13's rule (its single-tensor path, the default) multiplies mu in twice here;
    // later versions use muProduct * muNext. Kept so trajectories match 1.13 step for step.
    p.sub_(m.div(denom), { alpha: (o.lr * muNext) / (1 - muProduct * mu * muNext) });
  }
}
