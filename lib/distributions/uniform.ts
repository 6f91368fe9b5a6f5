/** The continuous uniform distribution on [low, high) (PyTorch's torch.distributions.Uniform). */
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/shape.js';
import { rand } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { where } from '../ops/indexing.js';
import { Distribution, param, sampleShapeOf } from './distribution.js';

export class Uniform extends Distribution {
  readonly low: Tensor;
  readonly high: Tensor;

  /** Throws unless low < high everywhere. */
  constructor(low: Tensor | number, high: Tensor | number) {
    const l = param('Uniform', 'low', low);
    const h = param('Uniform', 'high', high);
    super(broadcastShapes('Uniform', l.shape, h.shape));
    if (!(l.detach().lt(h.detach()).all().item() === 1)) throw new RangeError('Uniform: expected low < high everywhere');
    this.low = l.expand(this.batchShape);
    this.high = h.expand(this.batchShape);
  }

  override rsample(sampleShape?: number[]): Tensor {
    const u = rand(this.extendedShape(sampleShapeOf('Uniform', sampleShape)), { dtype: this.low.dtype });
    return add(this.low, mul(u, sub(this.high, this.low)));
  }

  /** log(1 / (high - low)); a value outside [low, high) throws, as PyTorch validates it. */
  logProb(value: Tensor): Tensor {
    const v = this.checkValue(value);
    const inside = v.detach().ge(this.low.detach()).logicalAnd(v.detach().lt(this.high.detach()));
    if (inside.all().item() !== 1) throw new RangeError('Uniform.logProb: expected every value within the support [low, high)');
    return where(inside, sub(this.high, this.low).log().neg(), -Infinity);
  }

  entropy(): Tensor {
    return sub(this.high, this.low).log();
  }

  get mean(): Tensor { return add(this.high, this.low).div(2); }
  get variance(): Tensor { return sub(this.high, this.low).pow(2).div(12); }
}
