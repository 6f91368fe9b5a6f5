/** Adamax (Adam with the infinity norm): PyTorch's rule, as tensor ops. */
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, requireAdamLike, type AdamLikeOptions, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { effectiveGrad } from './effective_grad.js';

export type AdamaxOptions = AdamLikeOptions;

type Full = Required<AdamaxOptions>;

export class Adamax extends Optimizer<Full> {
  /** Defaults: lr 2e-3, betas [0.9, 0.999], eps 1e-8. */
  constructor(params: ParamsInput<Full>, options: AdamaxOptions = {}) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false }, options);
  }

  protected validate(o: Full): void {
    requireAdamLike(o);
  }

  protected update(p: Tensor, grad: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.expAvg === undefined) {
      s.step = 0;
      s.expAvg = this.zerosLike(p);
      s.expInf = this.zerosLike(p);
    }
    s.step = (s.step as number) + 1;
    const [b1, b2] = o.betas;
    const g = effectiveGrad(p, grad, o.weightDecay, o.maximize);
    const m = s.expAvg as Tensor;
    const u = s.expInf as Tensor;
    m.mul_(b1).add_(g, { alpha: 1 - b1 });
    u.copy_(u.mul(b2).maximum(g.abs().add(o.eps)));
    const clr = o.lr / (1 - b1 ** (s.step as number));
    p.sub_(m.div(u), { alpha: clr });
  }
}
