/** Adagrad with learning-rate decay and weight decay: PyTorch's rule, one fused pass. */
import { native } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { fullTensor } from '../ops/alloc.js';
import { Optimizer, flat, require, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
  maximize?: boolean;
}

type Full = Required<AdagradOptions>;

export class Adagrad extends Optimizer<Full> {
  constructor(params: ParamsInput<Full>, options: AdagradOptions = {}) {
    super(params, { lr: 0.01, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, options);
  }

  protected validate(o: Full): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(o.lrDecay >= 0, 'lr_decay value', o.lrDecay);
    require(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
    require(o.initialAccumulatorValue >= 0, 'initial_accumulator_value value', o.initialAccumulatorValue);
    require(o.eps >= 0, 'epsilon value', o.eps);
  }

  protected update(p: Tensor, g: Tensor, s: ParamState, o: ParamGroup<Full>): void {
    if (s.sum === undefined) {
      s.step = 0;
      s.sum = fullTensor(p.shape, o.initialAccumulatorValue, p.dtype);
    }
    s.step = (s.step as number) + 1;
    const clr = o.lr / (1 + ((s.step as number) - 1) * o.lrDecay);
    native.adagrad(flat(p), flat(g), flat(s.sum as Tensor), clr, o.weightDecay, o.eps, o.maximize);
  }
}
