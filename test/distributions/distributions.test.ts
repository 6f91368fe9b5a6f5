// kd.distributions against PyTorch 1.13 (test/fixtures/distributions.json from
// make_distributions.py): log-probabilities, entropies, cdf/icdf, moments, KL divergences and
// the parameters' gradients; sampling checked by its statistics and its seed; bad input.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const D = kd.distributions;
const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const C: Record<string, any> = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'distributions.json'), 'utf8')).cases;

const t = (data: number[], shape: number[], requiresGrad = false) => kd.tensor(data).reshape(shape).detach().requiresGrad_(requiresGrad);
const ti = (data: number[], shape: number[]) => kd.tensor(data, { dtype: 'int32' }).reshape(shape);
const close = (x: Tensor, want: number[]) => expectClose(x.toTypedArray(), want, 1e-5, 1e-5);

describe('distributions match PyTorch', () => {
  it('Normal: logProb, entropy, cdf, icdf and the gradients of loc and scale', () => {
    const c = C.normal;
    const loc = t(c.loc, c.shape, true);
    const scale = t(c.scale, c.shape, true);
    const n = new D.Normal(loc, scale);
    const v = t(c.value, c.valueShape);
    const lp = n.logProb(v);
    const ent = n.entropy();
    close(lp, c.logProb);
    close(ent, c.entropy);
    close(n.cdf(v), c.cdf);
    close(n.icdf(kd.full(c.shape, 0.3)), c.icdf);
    lp.sum().add(ent.sum()).backward();
    close(loc.grad!, c.grads[0]);
    close(scale.grad!, c.grads[1]);
    expect(n.batchShape).toEqual([2, 3]);
    expect(n.stddev).toBe(n.scale);
  });

  it('Categorical from probs and from logits: normalisation, logProb, entropy, gradients', () => {
    const c = C.categoricalProbs;
    const probs = t(c.probs, c.shape, true);
    const cat = new D.Categorical({ probs });
    close(cat.probs, c.normProbs);
    const lp = cat.logProb(ti(c.value, c.valueShape));
    const ent = cat.entropy();
    close(lp, c.logProb);
    close(ent, c.entropy);
    lp.sum().add(ent.sum()).backward();
    close(probs.grad!, c.grads[0]);
    const d = C.categoricalLogits;
    const logits = t(d.logits, d.shape, true);
    const cl = new D.Categorical({ logits });
    close(cl.logits, d.normLogits);
    const lp2 = cl.logProb(ti(d.value, d.valueShape));
    close(lp2, d.logProb);
    lp2.sum().add(cl.entropy().sum()).backward();
    close(logits.grad!, d.grads[0]);
    // a zero probability contributes 0 to the entropy, not NaN
    close(new D.Categorical({ probs: t(C.categoricalZero.probs, C.categoricalZero.shape) }).entropy(), C.categoricalZero.entropy);
  });

  it('Bernoulli and Uniform', () => {
    const c = C.bernoulli;
    const probs = t(c.probs, c.shape, true);
    const b = new D.Bernoulli({ probs });
    const lp = b.logProb(t(c.value, c.valueShape));
    close(lp, c.logProb);
    close(b.entropy(), c.entropy);
    lp.sum().add(b.entropy().sum()).backward();
    close(probs.grad!, c.grads[0]);
    const u = C.uniform;
    const low = t(u.low, u.shape, true);
    const high = t(u.high, u.shape, true);
    const un = new D.Uniform(low, high);
    close(un.logProb(t(u.value, u.valueShape)), u.logProb);
    close(un.mean, u.mean);
    close(un.variance, u.variance);
    un.entropy().sum().backward();
    close(low.grad!, u.grads[0]);
    close(high.grad!, u.grads[1]);
  });

  it('klDivergence for Normal, Categorical and Bernoulli pairs', () => {
    const k = C.kl;
    close(D.klDivergence(new D.Normal(kd.tensor([0, 1]), kd.tensor([1, 2])), new D.Normal(kd.tensor([0.5, -1]), kd.tensor([0.5, 3]))), k.normal);
    close(D.klDivergence(new D.Categorical({ probs: kd.tensor([[0.2, 0.3, 0.5], [0, 0.4, 0.6]]) }), new D.Categorical({ probs: kd.tensor([[0.1, 0.6, 0.3], [0.3, 0.3, 0.4]]) })), k.categorical);
    close(D.klDivergence(new D.Bernoulli({ probs: kd.tensor([0.2, 0.7, 0]) }), new D.Bernoulli({ probs: kd.tensor([0.4, 0.1, 0.5]) })), k.bernoulli);
    expect(() => D.klDivergence(new D.Uniform(0, 1), new D.Normal(0, 1))).toThrow(/klDivergence: no closed form for Uniform ‖ Normal/);
  });
});

describe('sampling', () => {
  it('draws with the sample shape in front, repeatably from the seed, with the right statistics', () => {
    kd.manualSeed(4);
    const cat = new D.Categorical({ probs: kd.tensor([[0.1, 0.9, 0], [0.5, 0.25, 0.25]]) });
    const s = cat.sample([4000]);
    expect(s.shape).toEqual([4000, 2]);
    expect(s.dtype).toBe('int32');
    const first = s.select(1, 0);
    expect(first.eq(2).any().item()).toBe(0);  // probability 0 never drawn
    expect(Math.abs(first.eq(1).float().mean().item() - 0.9)).toBeLessThan(0.03);
    expect(Math.abs(s.select(1, 1).eq(0).float().mean().item() - 0.5)).toBeLessThan(0.03);
    kd.manualSeed(4);
    expect(cat.sample([4000]).tolist()).toEqual(s.tolist());
    expect(cat.sample().shape).toEqual([2]);
    const n = new D.Normal(kd.tensor([1, -2]), kd.tensor([0.5, 2]));
    const x = n.sample([5000]);
    expect(x.shape).toEqual([5000, 2]);
    expect(Math.abs(x.select(1, 0).mean().item() - 1)).toBeLessThan(0.05);
    expect(Math.abs(x.select(1, 1).std().item() - 2)).toBeLessThan(0.1);
    expect(x.requiresGrad).toBe(false);
    const b = new D.Bernoulli({ logits: kd.tensor([0]) }).sample([3000]);
    expect(Math.abs(b.mean().item() - 0.5)).toBeLessThan(0.05);
    const u = new D.Uniform(2, 3).sample([100]);
    expect(u.min().item() >= 2 && u.max().item() < 3).toBe(true);
  });

  it('rsample passes gradients to the parameters (the reparameterisation trick); Categorical has none', () => {
    const loc = kd.tensor([0.5], { requiresGrad: true });
    const scale = kd.tensor([2], { requiresGrad: true });
    kd.manualSeed(1);
    const z = new D.Normal(loc, scale).rsample([10]);
    z.sum().backward();
    expect(loc.grad!.item()).toBe(10);
    expect(scale.grad!.item()).toBeCloseTo(z.detach().sub(0.5).div(2).sum().item(), 5);
    expect(() => new D.Categorical({ probs: kd.tensor([0.5, 0.5]) }).rsample()).toThrow(/Categorical: rsample is not available/);
  });

  it('REINFORCE-style: the log-probability of a sampled action carries the policy gradient', () => {
    const logits = kd.tensor([[0.1, 0.2, 0.3]], { requiresGrad: true });
    const policy = new D.Categorical({ logits });
    const action = policy.sample();
    policy.logProb(action).mul(-1).sum().backward();
    const p = logits.detach().softmax(1).toTypedArray();
    const a = action.item();
    expectClose(logits.grad!.toTypedArray(), [0, 1, 2].map((k) => p[k] - (k === a ? 1 : 0)), 1e-5, 1e-6);
  });
});

describe('bad input', () => {
  it('names the family and what is wrong', () => {
    expect(() => new D.Normal(0, -1)).toThrow(/Normal: expected scale to be positive/);
    expect(() => new D.Normal(kd.zeros([2]), kd.ones([3]))).toThrow(/Normal/);
    expect(() => new D.Normal('a' as unknown as number, 1)).toThrow(/Normal: expected loc to be a Tensor or a number/);
    expect(() => new D.Categorical({})).toThrow(/Categorical: pass exactly one of \{ probs \} or \{ logits \}/);
    expect(() => new D.Categorical(null as never)).toThrow(/Categorical: pass exactly one/);
    expect(() => new D.Bernoulli({ prob: 0.5 } as never)).toThrow(/Bernoulli: unknown option 'prob'/);
    expect(() => kd.autograd.gradcheck(null as never, [])).toThrow(/gradcheck: expected fn to be a function/);
    expect(() => kd.autograd.gradcheck((x) => x, null as never)).toThrow(/gradcheck: expected inputs to be an array of Tensors/);
    // PyTorch's positional probs
    expect(new D.Bernoulli(0.25).mean.item()).toBe(0.25);
    expect(new D.Categorical(kd.tensor([1, 3])).probs.tolist()).toEqual([0.25, 0.75]);
    expect(() => new D.Categorical({ probs: kd.tensor([-0.1, 1.1]) })).toThrow(/Categorical: expected probs to be non-negative/);
    const cat = new D.Categorical({ probs: kd.tensor([0.5, 0.5]) });
    expect(() => cat.logProb(kd.tensor([2], { dtype: 'int32' }))).toThrow(/Categorical.logProb: values must be category indices in \[0, 2\)/);
    expect(() => cat.logProb(kd.tensor([1]))).toThrow(/Categorical.logProb: expected int32 category indices/);
    expect(() => cat.sample([-1])).toThrow(/Categorical.sample: expected sampleShape/);
    expect(() => new D.Bernoulli({ probs: kd.tensor([1.5]) })).toThrow(/Bernoulli: expected probs in \[0, 1\]/);
    expect(() => new D.Bernoulli({ probs: 0.5 }).logProb(kd.tensor([0.5]))).toThrow(/Bernoulli.logProb: expected values in \{0, 1\}/);
    expect(() => new D.Uniform(1, 1)).toThrow(/Uniform: expected low < high/);
    expect(() => D.klDivergence(null as unknown as kd.distributions.Distribution, new D.Normal(0, 1))).toThrow(/klDivergence: expected p to be a kd.distributions distribution/);
    expect(() => kd.normal(0, 1, null as unknown as number[], {})).toThrow(/normal: with a number mean and a number std, pass the shape/);
    expect(() => new D.Uniform(0, 1).logProb(kd.tensor([1.5]))).toThrow(/Uniform.logProb: expected every value within the support/);
    expect(() => new D.Normal(kd.zeros([2, 3]), 1).logProb(kd.zeros([4]))).toThrow(/Normal.logProb: value of shape \[4\] does not broadcast with the batch shape \[2, 3\]/);
  });
});
