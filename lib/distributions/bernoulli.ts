/** The Bernoulli distribution (PyTorch's torch.distributions.Bernoulli). */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryCrossEntropyWithLogits } from '../ops/loss.js';
import { bernoulli } from '../ops/sampling.js';
import { Distribution, param, sampleShapeOf } from './distribution.js';

export class Bernoulli extends Distribution {
  readonly probs: Tensor;
  readonly logits: Tensor;

  /** From `{ probs }` in [0, 1] or `{ logits }` (log-odds). Throws when both or neither are given. */
  /** PyTorch's positional probs (`new Bernoulli(p)`) or `{ probs }` / `{ logits }`; throws TypeError for neither or both. */
  constructor(probsOrOptions: Tensor | number | { probs?: Tensor | number; logits?: Tensor | number }) {
    const options = probsOrOptions instanceof Tensor || typeof probsOrOptions === 'number'
      ? { probs: probsOrOptions }
      : checkOptions('Bernoulli', probsOrOptions, ['probs', 'logits']);
    if ((options.probs === undefined) === (options.logits === undefined)) throw new TypeError('Bernoulli: pass exactly one of { probs } or { logits }');
    const raw = param('Bernoulli', options.probs !== undefined ? 'probs' : 'logits', options.probs ?? options.logits);
    super(raw.shape.slice());
    if (options.probs !== undefined) {
      const d = raw.detach();
      if (!(d.ge(0).logicalAnd(d.le(1)).all().item() === 1)) throw new RangeError('Bernoulli: expected probs in [0, 1]');
      this.probs = raw;
      // PyTorch's probs_to_logits: clamped away from 0 and 1 so the log-odds stay finite
      const eps = raw.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7;
      const p = raw.clamp(eps, 1 - eps);
      this.logits = p.log().sub(p.neg().log1p());
    } else {
      this.logits = raw;
      this.probs = raw.sigmoid();
    }
  }

  override sample(sampleShape?: number[]): Tensor {
    const shape = this.extendedShape(sampleShapeOf('Bernoulli', sampleShape));
    return bernoulli(this.probs.detach().expand(shape).contiguous());
  }

  /** The log-probability of 0/1 values; any other value throws, as PyTorch validates it. */
  logProb(value: Tensor): Tensor {
    const v = this.checkValue(value);
    const d = v.detach();
    if (d.eq(0).logicalOr(d.eq(1)).all().item() !== 1) throw new RangeError('Bernoulli.logProb: expected values in {0, 1}');
    const shape = [...v.shape.length >= this.batchShape.length ? v.shape : this.batchShape];
    return binaryCrossEntropyWithLogits(this.logits.expand(shape), v.expand(shape).to(this.logits.dtype), { reduction: 'none' }).neg();
  }

  entropy(): Tensor {
    return binaryCrossEntropyWithLogits(this.logits, this.probs, { reduction: 'none' });
  }

  get mean(): Tensor { return this.probs; }
  get variance(): Tensor { return this.probs.mul(this.probs.neg().add(1)); }
}
