/** The categorical distribution over the last dim (PyTorch's torch.distributions.Categorical). */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/shape.js';
import { fullTensor } from '../ops/alloc.js';
import { multinomial } from '../ops/sampling.js';
import { mul } from '../ops/binary.js';
import { softmax } from '../ops/softmax.js';
import { Distribution, param, sampleShapeOf } from './distribution.js';

const FLOAT32_MIN = -3.4028234663852886e38;

export class Categorical extends Distribution {
  /** Probabilities, normalised over the last dim. */
  readonly probs: Tensor;
  /** Log-probabilities, normalised (logsumexp 0) over the last dim. */
  readonly logits: Tensor;

  /**
   * From `{ probs }` (non-negative, normalised here) or `{ logits }` (unnormalised
   * log-probabilities), categories along the last dim. Throws when both or neither are given.
   */
  /** PyTorch's positional probs (`new Categorical(p)`) or `{ probs }` / `{ logits }`; throws TypeError for neither or both. */
  constructor(probsOrOptions: Tensor | { probs?: Tensor; logits?: Tensor }) {
    const options = probsOrOptions instanceof Tensor ? { probs: probsOrOptions } : checkOptions('Categorical', probsOrOptions, ['probs', 'logits']);
    if ((options.probs === undefined) === (options.logits === undefined)) throw new TypeError('Categorical: pass exactly one of { probs } or { logits }');
    const raw = param('Categorical', options.probs ? 'probs' : 'logits', options.probs ?? options.logits);
    if (raw.dim() === 0) throw new RangeError('Categorical: expected at least one dim of categories, but got a 0-d tensor');
    super(raw.shape.slice(0, -1));
    if (options.probs) {
      if (!(raw.detach().ge(0).all().item() === 1)) throw new RangeError('Categorical: expected probs to be non-negative');
      this.probs = raw.div(raw.sum(-1, true));
      this.logits = this.probs.log();
    } else {
      this.logits = raw.sub(raw.logsumexp(-1, true));
      this.probs = softmax(raw, -1);
    }
  }

  /** The number of categories. */
  get numEvents(): number {
    return this.probs.shape[this.probs.dim() - 1];
  }

  override sample(sampleShape?: number[]): Tensor {
    const shape = sampleShapeOf('Categorical', sampleShape);
    const n = shape.reduce((a, b) => a * b, 1);
    const rows = this.probs.detach().reshape([-1, this.numEvents]);
    // one row of draws per distribution, then samples first
    const draws = n === 0 ? rows.newZeros([rows.shape[0], 0], { dtype: 'int32' }) : multinomial(rows, n, true);
    return draws.t().contiguous().reshape([...shape, ...this.batchShape]);
  }

  logProb(value: Tensor): Tensor {
    const v = this.checkValue(value);
    if (v.dtype !== 'int32') throw new TypeError(`Categorical.logProb: expected int32 category indices, but got ${v.dtype}`);
    const k = this.numEvents;
    if (v.numel() > 0 && (v.min().item() < 0 || v.max().item() >= k)) {
      throw new RangeError(`Categorical.logProb: values must be category indices in [0, ${k}), but got values from ${v.min().item()} to ${v.max().item()}`);
    }
    const shape = broadcastShapes('Categorical.logProb', v.shape, this.batchShape);
    const logits = this.logits.expand([...shape, k]);
    return logits.gather(-1, v.expand(shape).unsqueeze(-1)).squeeze(-1);
  }

  entropy(): Tensor {
    // a zero probability's log is -inf, and 0 · -inf would be NaN
    return mul(this.logits.clamp(FLOAT32_MIN, null), this.probs).sum(-1).neg();
  }

  /** Undefined for categories: NaN, as PyTorch. */
  get mean(): Tensor { return fullTensor(this.batchShape, NaN, this.probs.dtype); }
  get variance(): Tensor { return fullTensor(this.batchShape, NaN, this.probs.dtype); }
}

