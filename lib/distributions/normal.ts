/** The normal distribution (PyTorch's torch.distributions.Normal). */
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes } from '../tensor/shape.js';
import { randn } from '../tensor/create.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { erf, erfinv } from '../ops/math.js';
import { Distribution, param, sampleShapeOf } from './distribution.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export class Normal extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;

  /** loc and scale broadcast to the batch shape; throws for a non-positive scale. */
  constructor(loc: Tensor | number, scale: Tensor | number) {
    const l = param('Normal', 'loc', loc);
    const s = param('Normal', 'scale', scale);
    super(broadcastShapes('Normal', l.shape, s.shape));
    if (!(s.detach().gt(0).all().item() === 1)) throw new RangeError('Normal: expected scale to be positive everywhere');
    const shape = this.batchShape;
    this.loc = l.expand(shape);
    this.scale = s.expand(shape);
  }

  override rsample(sampleShape?: number[]): Tensor {
    const eps = randn(this.extendedShape(sampleShapeOf('Normal', sampleShape)), { dtype: this.loc.dtype });
    return add(this.loc, mul(eps, this.scale));
  }

  logProb(value: Tensor): Tensor {
    const v = this.checkValue(value);
    const z = div(sub(v, this.loc), this.scale);
    return sub(sub(mul(mul(z, z), -0.5), this.scale.log()), HALF_LOG_2PI);
  }

  entropy(): Tensor {
    return add(this.scale.log(), 0.5 + HALF_LOG_2PI);
  }

  /** P(X <= value). */
  cdf(value: Tensor): Tensor {
    return mul(add(erf(div(sub(this.checkValue(value), this.loc), mul(this.scale, Math.SQRT2))), 1), 0.5);
  }

  /** The value with P(X <= value) = p. */
  icdf(p: Tensor): Tensor {
    return add(this.loc, mul(this.scale, mul(erfinv(sub(mul(p, 2), 1)), Math.SQRT2)));
  }

  get mean(): Tensor { return this.loc; }
  get variance(): Tensor { return this.scale.pow(2); }
  override get stddev(): Tensor { return this.scale; }
}
