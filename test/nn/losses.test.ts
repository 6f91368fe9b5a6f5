// Losses and F.linear against PyTorch (fixtures), the options the fixtures don't cover
// (class weights, ignoreIndex, soft targets) against compositions of tested ops, gradchecks,
// and stability for huge logits.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { checkCase, opCases } from '../op_fixtures.js';
import { expectClose } from '../helpers.js';

const F = kd.nn.functional;
type Opts = Record<string, any>;

const NN_OPS: Record<string, (xs: Tensor[], p: Opts) => Tensor> = {
  crossEntropy: ([x, t], p) => F.crossEntropy(x, t, p),
  nllLoss: ([x, t], p) => F.nllLoss(x, t, p),
  mseLoss: ([x, t], p) => F.mseLoss(x, t, p),
  l1Loss: ([x, t], p) => F.l1Loss(x, t, p),
  binaryCrossEntropy: ([x, t], p) => F.binaryCrossEntropy(x, t, p),
  binaryCrossEntropyWithLogits: ([x, t], p) => F.binaryCrossEntropyWithLogits(x, t, p),
  linear: ([x, w, b]) => F.linear(x, w, b ?? null),
  'graph:mlp': ([x, t, w1, b1, w2, b2]) => F.crossEntropy(F.linear(F.linear(x, w1, b1).relu(), w2, b2), t),
};

describe('losses and linear match PyTorch (test/fixtures/ops.json)', () => {
  for (const c of opCases.filter((c) => c.op in NN_OPS)) it(c.name, () => checkCase(c, NN_OPS));
});

function logits(n: number, c: number, seed: number): Tensor {
  kd.manualSeed(seed);
  return kd.randn([n, c], { dtype: 'float64' }).mul(3).detach().requiresGrad_();
}

/** The textbook formula, built from ops already checked against PyTorch. */
function referenceCE(x: Tensor, t: Tensor, w: Tensor | null, ignore: number, eps: number, reduction: string): Tensor {
  const C = x.shape[1];
  const logp = x.logSoftmax(1);
  const valid = t.ne(ignore);
  const safeT = kd.where(valid, t, 0);
  const wt = w ? w.indexSelect(0, safeT) : kd.onesLike(safeT, { dtype: x.dtype });
  const rowW = kd.where(valid, wt, 0);
  const nll = logp.gather(1, safeT.unsqueeze(1)).squeeze(1).neg().mul(rowW);
  const smooth = (w ? logp.mul(w) : logp).sum(1).neg().mul(valid.to(x.dtype));
  const per = nll.mul(1 - eps).add(smooth.mul(eps / C));
  if (reduction === 'none') return per;
  if (reduction === 'sum') return per.sum();
  return per.sum().div(rowW.sum());
}

describe('crossEntropy options', () => {
  const t = kd.tensor([0, 3, 1, -100, 2, 3, 4], { dtype: 'int32' });
  const w = kd.tensor([0.5, 1, 2, 0.25, 1.5], { dtype: 'float64' });
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    for (const eps of [0, 0.2]) {
      for (const weighted of [false, true]) {
        it(`${reduction}, labelSmoothing ${eps}, ${weighted ? 'class weights' : 'no weights'}, one ignored target`, () => {
          const opts = { reduction, labelSmoothing: eps, weight: weighted ? w : null, ignoreIndex: -100 };
          const x1 = logits(7, 5, 1);
          const x2 = logits(7, 5, 1);
          const ours = F.crossEntropy(x1, t, opts);
          const ref = referenceCE(x2, t, weighted ? w : null, -100, eps, reduction);
          expectClose(ours.toTypedArray(), ref.toTypedArray(), 1e-12, 1e-12);
          const g = kd.randn(ours.shape, { dtype: 'float64' });
          ours.backward(g);
          ref.backward(g);
          expectClose(x1.grad!.toTypedArray(), x2.grad!.toTypedArray(), 1e-10, 1e-12);
          expect(kd.autograd.gradcheck((x) => F.crossEntropy(x, t, opts), [logits(7, 5, 2)])).toBe(true);
        });
      }
    }
  }

  it('is stable for huge logits and handles [N, C, d] inputs and soft targets', () => {
    const x = kd.tensor([[1000, -1000, 0], [-5e4, 5e4, 0]], { requiresGrad: true });
    const loss = F.crossEntropy(x, kd.tensor([0, 0], { dtype: 'int32' }));
    expect(loss.item()).toBeCloseTo(5e4, -1);
    loss.backward();
    expect(Array.from(x.grad!.toTypedArray()).every(Number.isFinite)).toBe(true);
    const x3 = logits(2, 4, 3).reshape([2, 2, 2]).detach().requiresGrad_();
    const t3 = kd.tensor([[0, 1], [1, 0]], { dtype: 'int32' });
    const perPos = F.crossEntropy(x3, t3, { reduction: 'none' });
    expect(perPos.shape).toEqual([2, 2]);
    expect(kd.autograd.gradcheck((x) => F.crossEntropy(x, t3), [x3])).toBe(true);
    const probs = kd.tensor([[0.2, 0.8, 0, 0, 0]], { dtype: 'float64' });
    const xs = logits(1, 5, 4);
    expect(F.crossEntropy(xs, probs).item()).toBeCloseTo(xs.logSoftmax(1).mul(probs).sum().neg().item(), 12);
  });

  it('explains bad targets', () => {
    const x = kd.zeros([3, 4]);
    expect(() => F.crossEntropy(x, kd.tensor([0, 1, 2]))).toThrow(/int32/);
    expect(() => F.crossEntropy(x, kd.tensor([0, 1], { dtype: 'int32' }))).toThrow(/expected target of shape \[3\] for input of shape \[3, 4\], but got \[2\]/);
    expect(() => F.crossEntropy(x, kd.tensor([0, 1, 4], { dtype: 'int32' }))).toThrow(/target 4 at position 2 is out of bounds for 4 classes/);
    expect(() => F.crossEntropy(x, kd.tensor([0, 1, 2], { dtype: 'int32' }), { reduction: 'avg' as never })).toThrow(/reduction must be/);
    expect(() => F.crossEntropy(x, kd.tensor([0, 1, 2], { dtype: 'int32' }), { weight: kd.ones([3]) })).toThrow(/weight must have shape \[4\]/);
  });
});

describe('other losses', () => {
  it('nllLoss with weights and ignoreIndex equals the composed formula', () => {
    const x = logits(6, 4, 5).logSoftmax(1);
    const t = kd.tensor([0, 1, 2, 3, -1, 1], { dtype: 'int32' });
    const w = kd.tensor([1, 2, 3, 4], { dtype: 'float64' });
    const ours = F.nllLoss(x, t, { weight: w, ignoreIndex: -1 });
    const valid = t.ne(-1);
    const safeT = kd.where(valid, t, 0);
    const rowW = kd.where(valid, w.indexSelect(0, safeT), 0);
    const ref = x.gather(1, safeT.unsqueeze(1)).squeeze(1).neg().mul(rowW).sum().div(rowW.sum());
    expect(ours.item()).toBeCloseTo(ref.item(), 12);
    expect(kd.autograd.gradcheck((v) => F.nllLoss(v, t, { weight: w, ignoreIndex: -1 }), [logits(6, 4, 6)])).toBe(true);
  });

  it('huber, bce and bce-with-logits pass gradcheck; bce refuses values outside [0, 1]', () => {
    const y = kd.tensor([0, 1, 1, 0], { dtype: 'float64' });
    const p = () => kd.tensor([0.1, 0.7, 0.4, 0.9], { dtype: 'float64', requiresGrad: true });
    const s = () => kd.tensor([-3, 0.5, 2, 40], { dtype: 'float64', requiresGrad: true });
    expect(kd.autograd.gradcheck((v) => F.huberLoss(v, y.mul(3), { delta: 1.5 }), [s()])).toBe(true);
    expect(kd.autograd.gradcheck((v) => F.binaryCrossEntropy(v, y), [p()])).toBe(true);
    expect(kd.autograd.gradcheck((v) => F.binaryCrossEntropyWithLogits(v, y, { posWeight: kd.tensor([2], { dtype: 'float64' }) }), [s()])).toBe(true);
    expect(F.binaryCrossEntropyWithLogits(kd.tensor([1000, -1000]), kd.tensor([1, 0])).item()).toBe(0);
    expect(() => F.binaryCrossEntropy(kd.tensor([1.5]), kd.tensor([1]))).toThrow(/between 0 and 1/);
    expect(() => F.mseLoss(kd.zeros([4, 1]), kd.zeros([4]))).toThrow(/input shape \[4, 1\] and target shape \[4\] differ/);
  });

  it('bce-with-logits has the right gradient at a logit of exactly 0 (a zero-initialised layer\'s output)', () => {
    // PyTorch: d/dx = (1 + (pw - 1) y) sigmoid(x) - pw y, d/dy = -x + (pw - 1) softplus(-x); at x = 0, sigmoid = 1/2
    const y = kd.tensor([0, 1, 0.25], { dtype: 'float64', requiresGrad: true });
    const x = kd.zeros([3], { dtype: 'float64' }).requiresGrad_();
    F.binaryCrossEntropyWithLogits(x, y, { reduction: 'sum' }).backward();
    expect(x.grad!.tolist()).toEqual([0.5, -0.5, 0.25]);
    expect(y.grad!.tolist()).toEqual([-0, -0, -0]);
    const xp = kd.zeros([3], { dtype: 'float64' }).requiresGrad_();
    const yp = kd.tensor([0, 1, 0.25], { dtype: 'float64', requiresGrad: true });
    F.binaryCrossEntropyWithLogits(xp, yp, { reduction: 'sum', posWeight: kd.tensor([3], { dtype: 'float64' }) }).backward();
    expect(xp.grad!.tolist()).toEqual([0.5, -1.5, 0]);
    expect((yp.grad!.tolist() as number[]).map((v) => +v.toFixed(12))).toEqual([2 * Math.LN2, 2 * Math.LN2, 2 * Math.LN2].map((v) => +v.toFixed(12)));
    expect(kd.autograd.gradcheck((v) => F.binaryCrossEntropyWithLogits(v, y.detach()), [kd.tensor([0, 0, 0.5], { dtype: 'float64', requiresGrad: true })])).toBe(true);
  });
});
