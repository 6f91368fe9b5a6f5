/** KL(p ‖ q) for the pairs of families PyTorch's kl_divergence knows in closed form. */
import type { Tensor } from '../tensor/tensor.js';
import { where } from '../ops/indexing.js';
import { softplus } from '../ops/activations.js';
import { Distribution } from './distribution.js';
import { describe } from '../tensor/shape.js';
import { Normal } from './normal.js';
import { Categorical } from './categorical.js';
import { Bernoulli } from './bernoulli.js';

/**
 * KL(p ‖ q) per distribution of the batch: Normal‖Normal, Categorical‖Categorical,
 * Bernoulli‖Bernoulli. Throws for other pairs, naming them.
 */
export function klDivergence(p: Distribution, q: Distribution): Tensor {
  for (const [name, d] of [['p', p], ['q', q]] as const) {
    if (!(d instanceof Distribution)) throw new TypeError(`klDivergence: expected ${name} to be a kd.distributions distribution, but received ${describe(d)}`);
  }
  if (p instanceof Normal && q instanceof Normal) {
    const varRatio = p.scale.div(q.scale).pow(2);
    const t1 = p.loc.sub(q.loc).div(q.scale).pow(2);
    return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
  }
  if (p instanceof Categorical && q instanceof Categorical) {
    let t = p.probs.mul(p.logits.sub(q.logits));
    t = where(q.probs.eq(0).expand(t.shape.slice()), Infinity, t);
    t = where(p.probs.eq(0).expand(t.shape.slice()), 0, t);
    return t.sum(-1);
  }
  if (p instanceof Bernoulli && q instanceof Bernoulli) {
    let t1 = p.probs.mul(softplus(q.logits.neg()).sub(softplus(p.logits.neg())));
    t1 = where(p.probs.eq(0), 0, where(q.probs.eq(0), Infinity, t1));
    let t2 = p.probs.neg().add(1).mul(softplus(q.logits).sub(softplus(p.logits)));
    t2 = where(p.probs.eq(1), 0, where(q.probs.eq(1), Infinity, t2));
    return t1.add(t2);
  }
  throw new TypeError(`klDivergence: no closed form for ${p.constructor.name} ‖ ${q.constructor.name} (known: Normal, Categorical and Bernoulli pairs)`);
}
