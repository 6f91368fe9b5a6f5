// The tape's behaviour: accumulation, reuse, noGrad/detach cutting the graph, in-place
// version checks, freed graphs and retainGraph, non-scalar backward.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

describe('backward', () => {
  it('accumulates into leaves across calls and flows through a tensor used on several paths', () => {
    const x = kd.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(x).add(x.mul(2)).sum();  // d/dx = 2x + 2
    y.backward();
    expect(x.grad!.tolist()).toEqual([4, 6, 8]);
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([7, 9, 11]);
  });

  it('gives each leaf its own contiguous gradient even when an op hands out one tensor twice', () => {
    const a = kd.tensor([1, 2], { requiresGrad: true });
    const b = kd.tensor([3, 4], { requiresGrad: true });
    a.add(b).sum().backward();
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    a.grad!.zero_();
    expect(b.grad!.tolist()).toEqual([1, 1]);
    const c = kd.tensor(5, { requiresGrad: true });
    c.expand(3).sum().backward();
    expect(c.grad!.item()).toBe(3);
    expect(c.grad!.isContiguous()).toBe(true);
  });

  it('takes a gradient for non-scalar outputs and checks its shape', () => {
    const x = kd.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/scalar outputs/);
    expect(() => y.backward(kd.ones([3]))).toThrow(/gradient has shape \[3\]/);
    y.backward(kd.tensor([[1, 0], [0, 1]]));
    expect(x.grad!.tolist()).toEqual([[2, 0], [0, 2]]);
  });

  it('refuses a second backward through a freed graph unless retainGraph was given', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward({ retainGraph: true });
    y.backward();
    expect(x.grad!.toTypedArray()[0]).toBeCloseTo(2 * Math.E, 5);
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });

  it('errors when nothing requires grad', () => {
    expect(() => kd.tensor([1, 2]).sum().backward()).toThrow(/does not require grad/);
  });

  it('only computes gradients for inputs that need them', () => {
    const x = kd.tensor([[1, 2]], { requiresGrad: true });
    const w = kd.tensor([[3], [4]]);
    x.matmul(w).sum().backward();
    expect(x.grad!.tolist()).toEqual([[3, 4]]);
    expect(w.grad).toBeNull();
  });
});

describe('noGrad and detach', () => {
  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    const y = kd.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(kd.isGradEnabled()).toBe(true);
    expect(() => kd.noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(kd.isGradEnabled()).toBe(true);
    kd.noGrad(() => expect(kd.enableGrad(() => x.mul(2)).requiresGrad).toBe(true));
  });

  it('detach cuts the tape but shares storage', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    const d = x.mul(3).detach();
    expect(d.requiresGrad).toBe(false);
    const z = x.mul(d).sum();
    z.backward();
    expect(x.grad!.tolist()).toEqual([3, 6]);
    const v = x.detach();
    kd.noGrad(() => x.add_(1));
    expect(v.tolist()).toEqual([2, 3]);
  });

  it('the manual SGD step of the lessons works: update under noGrad, zero the grad', () => {
    const w = kd.tensor([0.5], { requiresGrad: true });
    for (let i = 0; i < 3; i++) {
      const loss = w.sub(2).pow(2).sum();
      loss.backward();
      kd.noGrad(() => w.sub_(w.grad!.mul(0.25)));
      w.grad!.zero_();
    }
    expect(w.item()).toBeCloseTo(2 - 1.5 * 0.5 ** 3, 6);
  });
});

describe('in-place ops and the version counter', () => {
  it('refuse leaves that require grad outside noGrad', () => {
    const w = kd.tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(/leaf tensor that requires grad is being used in an in-place operation/);
    expect(() => w.zero_()).toThrow(/in-place/);
  });

  it('raise when a tensor backward needs was modified', () => {
    const x = kd.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.exp();
    const z = y.mul(2).sum();
    kd.noGrad(() => y.mul_(0));
    expect(() => z.backward()).toThrow(/modified by an in-place operation.*version 1; expected version 0/);
    const s = x.sigmoid();
    const loss = s.sum();
    s.add_(1);  // in place on a non-leaf under grad mode: recorded, and sigmoid's saved output is stale
    expect(() => loss.backward()).toThrow(/modified by an in-place operation/);
  });

  it('record themselves on the tape for non-leaf tensors', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(1);
    y.mul_(3).add_(1);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
    expect(y.version).toBe(2);
  });

  it('copy_, fill_, clamp_ and div_ write through views', () => {
    const a = kd.zeros([2, 3]);
    a.narrow(1, 1, 2).fill_(5);
    expect(a.tolist()).toEqual([[0, 5, 5], [0, 5, 5]]);
    a.t().copy_(kd.tensor([[1, 2], [3, 4], [5, 6]]));
    expect(a.tolist()).toEqual([[1, 3, 5], [2, 4, 6]]);
    a.clamp_(2, 5).div_(2);
    expect(a.tolist()).toEqual([[1, 1.5, 2.5], [1, 2, 2.5]]);
    expect(() => a.add_(kd.ones([2, 2, 3]))).toThrow(/doesn't match the broadcast shape/);
    expect(() => a.add_(kd.ones([3, 3]))).toThrow(/not broadcastable/);
    expect(() => kd.zeros([2], { dtype: 'int32' }).add_(0.5)).toThrow(/can't be cast/);
    expect(() => kd.zeros([1]).expand(2 ** 40).add_(1)).toThrow(/more than one element of the written-to tensor/);
    expect(() => kd.zeros([3, 1]).expand(3, 4).fill_(2)).toThrow(/clone\(\) it before writing/);
  });
});

describe('gradcheck itself', () => {
  it('catches a wrong gradient', () => {
    const x = kd.randn([4], { dtype: 'float64' }).requiresGrad_();
    expect(kd.autograd.gradcheck((t) => t.mul(t.detach()), [x], { raiseException: false })).toBe(false);
    expect(() => kd.autograd.gradcheck((t) => t.mul(t.detach()), [x])).toThrow(/Jacobian mismatch/);
  });
});
