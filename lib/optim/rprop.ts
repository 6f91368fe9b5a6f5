/** Rprop (resilient backpropagation, sign-based steps): PyTorch's rule, as tensor ops. */
import type { Tensor } from '../tensor/tensor.js';
import { fullTensor } from '../ops/alloc.js';
import { where } from '../ops/indexing.js';
import { Optimizer, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface RpropOptions {
  lr?: number;
  etas?: [number, number];
  stepSizes?: [number, number];
  maximize?: boolean;
}

type Full = Required<RpropOptions>;

export class Rprop extends Optimizer<Full> {
  /** Defaults: lr 1e-2, etas [0.5, 1.2], stepSizes [1e-6, 50]. */
  constructor(params: ParamsInput<Full>, options: RpropOptions = {}) {
    super(params, { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false }, options);
  }

  protected validate(o: Full): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(Array.isArray(o.etas) && o.etas.length === 2 && 0 < o.etas[0] && o.etas[0] < 1 && 1 < o.etas[1], 'eta values', o.etas);
    require(Array.isArray(o.stepSizes) && o.stepSizes.length === 2, 'step sizes', o.stepSizes);
  }

  protected update(p: Tensor, grad: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.prev === undefined) {
      s.step = 0;
      s.prev = this.zerosLike(p);
      s.stepSize = fullTensor(p.shape, o.lr, p.dtype);
    }
    s.step = (s.step as number) + 1;
    const g = o.maximize ? grad.neg() : grad;
    const prev = s.prev as Tensor;
    const size = s.stepSize as Tensor;
    const agree = g.mul(prev);
    // in the parameter's dtype: two numbers alone would make a float32 tensor, and 1.2 in
    // float32 put float64 parameters off by 4e-8 per step
    const eta = (v: number) => fullTensor([], v, p.dtype);
    const factor = where(agree.gt(0), eta(o.etas[1]), where(agree.lt(0), eta(o.etas[0]), eta(1)));
    size.copy_(size.mul(factor).clamp(o.stepSizes[0], o.stepSizes[1]));
    // after a sign change the step is skipped and the gradient forgotten
    const gEff = where(agree.lt(0), 0, g);
    p.sub_(gEff.sign().mul(size));
    prev.copy_(gEff);
  }
}
