/** Adam (optionally AMSGrad) and AdamW: PyTorch's rules, one fused pass per parameter. */
import { native } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, flat, type AdamLikeOptions, requireAdamLike, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface AdamOptions extends AdamLikeOptions {
  amsgrad?: boolean;
}

type Full = Required<AdamOptions>;

abstract class AdamBase extends Optimizer<Full> {
  protected abstract readonly decoupled: boolean;

  protected validate(o: Full): void {
    requireAdamLike(o);
  }

  protected update(p: Tensor, g: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.expAvg === undefined) {
      s.step = 0;
      s.expAvg = this.zerosLike(p);
      s.expAvgSq = this.zerosLike(p);
      if (o.amsgrad) s.maxExpAvgSq = this.zerosLike(p);
    }
    if (o.amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = this.zerosLike(p);
    s.step = (s.step as number) + 1;
    native.adam(flat(p), flat(g), flat(s.expAvg as Tensor), flat(s.expAvgSq as Tensor), o.amsgrad ? flat(s.maxExpAvgSq as Tensor) : null,
      o.lr, o.betas[0], o.betas[1], o.eps, o.weightDecay, s.step as number, this.decoupled, o.maximize);
  }
}

/** Adam: L2 weight decay added to the gradient. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<Full>, options: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, options);
  }
}

/** AdamW: weight decay applied to the parameter directly (decoupled), default 0.01. */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput<Full>, options: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false }, options);
  }
}
