// The public autograd surface: custom Functions, autograd.grad/backward, tensor hooks,
// retainGrad, inferenceMode, anomaly detection and modules' full backward hooks.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { Function } = kd.autograd;
type Ctx = kd.autograd.FunctionCtx;

class MyExp extends Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [y] = ctx.savedTensors;
    return g.mul(y);
  }
}

/** Two outputs, a non-tensor argument, and an index output without gradient. */
class ScaledMaxAndSum extends Function {
  static override forward(ctx: Ctx, x: Tensor, scale: number): Tensor[] {
    ctx.scale = scale;
    ctx.saveForBackward(x);
    const { values, indices } = x.max(0);
    ctx.markNonDifferentiable(indices);
    ctx.indices = indices;
    return [values.mul(scale), x.sum(0).mul(scale), indices];
  }
  static override backward(ctx: Ctx, gMax: Tensor, gSum: Tensor): (Tensor | null)[] {
    const [x] = ctx.savedTensors;
    const scale = ctx.scale as number;
    const onMax = kd.zeros(x.shape.slice(), { dtype: x.dtype }).scatter(0, (ctx.indices as Tensor).unsqueeze(0), gMax.unsqueeze(0));
    return [onMax.add(gSum.unsqueeze(0).expand(x.shape.slice())).mul(scale), null];
  }
}

describe('kd.autograd.Function', () => {
  it('records a custom backward, checked against finite differences', () => {
    expect(kd.autograd.gradcheck((x) => MyExp.apply(x) as Tensor, [kd.randn([3, 2], { dtype: 'float64' }).requiresGrad_()])).toBe(true);
    const x = kd.randn([3]).requiresGrad_();
    const y = MyExp.apply(x) as Tensor;
    expect(y.gradFn!.name).toBe('MyExpBackward');
    expect(kd.noGrad(() => (MyExp.apply(x) as Tensor).requiresGrad)).toBe(false);
  });

  it('handles several outputs, unused outputs, non-tensor arguments and non-differentiable outputs', () => {
    const x = kd.randn([4, 3], { dtype: 'float64' }).requiresGrad_();
    const [mx, sm, idx] = ScaledMaxAndSum.apply(x, 2) as Tensor[];
    expect(idx.requiresGrad).toBe(false);
    mx.sum().backward();  // sm's gradient never arrives: backward sees zeros for it
    const expected = kd.zeros([4, 3], { dtype: 'float64' }).scatter(0, x.argmax(0).unsqueeze(0), kd.full([1, 3], 2, { dtype: 'float64' }));
    expect(x.grad!.tolist()).toEqual(expected.tolist());
    expect(sm.requiresGrad).toBe(true);
    expect(kd.autograd.gradcheck((t) => kd.cat((ScaledMaxAndSum.apply(t, 3) as Tensor[]).slice(0, 2)), [kd.randn([4, 3], { dtype: 'float64' }).requiresGrad_()])).toBe(true);
  });

  it('tells needsInputGrad, and names the Function in errors', () => {
    let seen: readonly boolean[] = [];
    class Probe extends Function {
      static override forward(ctx: Ctx, a: Tensor, b: Tensor): Tensor {
        seen = ctx.needsInputGrad;
        return a.add(b);
      }
      static override backward(_ctx: Ctx, g: Tensor): (Tensor | null)[] { return [g, g]; }
    }
    Probe.apply(kd.ones([2]).requiresGrad_(), kd.ones([2]));
    expect(seen).toEqual([true, false]);
    class WrongCount extends Function {
      static override forward(_ctx: Ctx, a: Tensor, b: Tensor): Tensor { return a.mul(b); }
      static override backward(_ctx: Ctx, g: Tensor): Tensor { return g; }
    }
    expect(() => (WrongCount.apply(kd.ones([2]).requiresGrad_(), kd.ones([2])) as Tensor).sum().backward())
      .toThrow(/WrongCount.backward returned 1 gradient, but forward took 2 arguments/);
    class WrongShape extends Function {
      static override forward(_ctx: Ctx, a: Tensor): Tensor { return a.sum(); }
      static override backward(_ctx: Ctx, g: Tensor): Tensor { return g; }
    }
    expect(() => (WrongShape.apply(kd.ones([2]).requiresGrad_()) as Tensor).backward())
      .toThrow(/WrongShape.backward returned a gradient of shape \[\] for argument 0, which has shape \[2\]/);
    class NotTensor extends Function {
      static override forward(): Tensor[] { return [3 as never]; }
    }
    expect(() => NotTensor.apply()).toThrow(/NotTensor.forward must return a Tensor or an array of Tensors, but output 0 is number 3/);
  });

  it("markDirty: an input modified in place takes the function's place in the graph", () => {
    class AddOne_ extends Function {
      static override forward(ctx: Ctx, x: Tensor): Tensor {
        x.add_(1);
        ctx.markDirty(x);
        return x;
      }
      static override backward(_ctx: Ctx, g: Tensor): Tensor { return g.mul(2); }
    }
    const a = kd.ones([2]).requiresGrad_();
    const b = a.mul(1);
    const out = AddOne_.apply(b) as Tensor;
    expect(out).toBe(b);
    expect(b.tolist()).toEqual([2, 2]);
    b.sum().backward();
    expect(a.grad!.tolist()).toEqual([2, 2]);
    expect(() => AddOne_.apply(kd.ones([1]).requiresGrad_())).toThrow(/leaf tensor that requires grad was modified in place/);
  });
});

describe('autograd.grad, autograd.backward, hooks', () => {
  it('grad returns gradients of leaves and intermediates without touching .grad', () => {
    const x = kd.tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(x);
    const y = h.sum();
    const [gx, gh] = kd.autograd.grad(y, [x, h], { retainGraph: true });
    expect(gx!.tolist()).toEqual([2, 4, 6]);
    expect(gh!.tolist()).toEqual([1, 1, 1]);
    expect(x.grad).toBeNull();
    const z = kd.tensor([1], { requiresGrad: true });
    expect(() => kd.autograd.grad(y, [x, z], { retainGraph: true })).toThrow(/input 1 appears to not have been used in the graph/);
    expect(kd.autograd.grad(y, [z], { allowUnused: true, retainGraph: true })).toEqual([null]);
    const [gv] = kd.autograd.grad(h, x, { gradOutputs: kd.tensor([1, 0, 2]) });
    expect(gv!.tolist()).toEqual([2, 0, 12]);
    expect(() => kd.autograd.grad(x.mul(2), x)).toThrow(/implicitly created only for one-element outputs/);
  });

  it("grad takes the output gradients third, as PyTorch's positional grad_outputs, and refuses unknown options", () => {
    const x = kd.tensor([1, 2, 3], { requiresGrad: true });
    const s = x.mul(x).sum();
    // a one-element output with an explicit gradient: ignoring it would silently give 2x instead of 0.5 * 2x
    const [g1] = kd.autograd.grad(s, x, kd.tensor(0.5), { retainGraph: true });
    expect(g1!.tolist()).toEqual([1, 2, 3]);
    const [g2] = kd.autograd.grad([s], [x], [kd.tensor(-1)], { retainGraph: true });
    expect(g2!.tolist()).toEqual([-2, -4, -6]);
    expect(kd.autograd.grad(s, x, null, { retainGraph: true })[0]!.tolist()).toEqual([2, 4, 6]);
    expect(() => kd.autograd.grad(s, x, kd.tensor(1), { gradOutputs: kd.tensor(1) })).toThrow(/given twice/);
    expect(() => kd.autograd.grad(s, x, { create_graph: true } as never)).toThrow(/unknown option 'create_graph'/);
    expect(() => kd.autograd.grad(s, x, { createGraph: true } as never)).toThrow(/unknown option 'createGraph'/);
    expect(() => kd.autograd.backward(s, null, { retain_graph: true } as never)).toThrow(/did you mean 'retainGraph'/);
    expect(() => s.backward({ retain_graph: true } as never)).toThrow(/backward: unknown option 'retain_graph'/);
  });

  it('backward of several outputs sums their gradients into .grad', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    kd.autograd.backward([x.mul(3).sum(), x.pow(2)], [null, kd.tensor([1, 1])]);
    expect(x.grad!.tolist()).toEqual([5, 7]);
  });

  it('sums of many gradient terms are right, and a hook or retainGrad keeps the sum it was given', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(1);
    const kept: kd.Tensor[] = [];
    h.registerHook((g) => { kept.push(g); });
    h.retainGrad();
    // five uses of h: the engine sums five terms into h's slot, then four into x's .grad
    const uses = [1, 2, 3, 4, 5].map((k) => h.mul(k).sum());
    kd.autograd.backward(uses.slice(0, 4).concat([uses[4].add(x.sum().mul(0))]));
    expect(kept[0].tolist()).toEqual([15, 15]);
    expect(h.grad!.tolist()).toEqual([15, 15]);
    expect(x.grad!.tolist()).toEqual([15, 15]);
    x.sum().mul(2).backward();
    expect(kept[0].tolist()).toEqual([15, 15]);
    expect(x.grad!.tolist()).toEqual([17, 17]);
  });

  it('a summed gradient that one node passes on to several inputs is never added into in place', () => {
    // s = a + b gets two terms (a sum the engine made), and add hands that one tensor to both a
    // and b; a and b each get one more term, in every order the engine may meet them
    for (let da = 0; da < 3; da++) {
      for (const perm of [[0, 1, 2, 3], [2, 3, 0, 1], [2, 0, 1, 3], [3, 0, 1, 2]]) {
        const x = kd.tensor([1, 2], { requiresGrad: true });
        const a = x.mul(2);
        const b = x.mul(3);
        const s = a.add(b);
        let ea = a;
        for (let i = 0; i < da; i++) ea = ea.mul(1);
        const terms = [s.sum(), s.sum(), ea.sum(), b.sum()];
        kd.stack(perm.map((i) => terms[i])).sum().backward();
        expect(x.grad!.tolist()).toEqual([15, 15]);  // 2 * (2 + 1) + 3 * (2 + 1)
      }
    }
  });

  it("tensor hooks see and may replace gradients; retainGrad keeps a non-leaf's", () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    const seen: number[][] = [];
    const handle = h.registerHook((g) => {
      seen.push(g.tolist() as number[]);
      return g.mul(10);
    });
    x.registerHook((g) => g.add(1));
    h.retainGrad();
    h.sum().backward();
    expect(seen).toEqual([[1, 1]]);
    expect(h.grad!.tolist()).toEqual([10, 10]);
    expect(x.grad!.tolist()).toEqual([21, 21]);
    handle.remove();
    expect(() => kd.ones([1]).registerHook((g) => g)).toThrow(/doesn't require gradient/);
    const y = kd.tensor([1], { requiresGrad: true });
    const w = y.mul(1);
    w.registerHook(() => kd.ones([3]));
    expect(() => w.sum().backward()).toThrow(/hook returned a gradient of shape \[3\] for one of shape \[1\]/);
  });

  it('inferenceMode records nothing; detectAnomaly names the op whose backward made NaN', () => {
    const x = kd.tensor([0, 1], { requiresGrad: true });
    expect(kd.inferenceMode(() => x.mul(2).requiresGrad)).toBe(false);
    expect(() => kd.autograd.detectAnomaly(() => x.sqrt().mul(0).sum().backward()))
      .toThrow(/detectAnomaly: Function 'SqrtBackward' returned (nan|inf) values in its gradient for input 0[\s\S]*was created here/);
    expect(kd.autograd.isAnomalyEnabled()).toBe(false);
  });
});

describe("modules' full backward hooks", () => {
  it('see input and output gradients and may replace the input gradients', () => {
    kd.manualSeed(3);
    const lin = new kd.nn.Linear(3, 2);
    const calls: [number[], number[]][] = [];
    const handle = lin.registerFullBackwardHook((_m, gIn, gOut) => {
      calls.push([gIn[0]!.shape.slice(), gOut[0]!.shape.slice()]);
      return [gIn[0]!.mul(0)];
    });
    const x = kd.randn([4, 3]).requiresGrad_();
    lin(x).sum().backward();
    expect(calls).toEqual([[[4, 3], [4, 2]]]);
    expect(x.grad!.abs().sum().item()).toBe(0);
    expect(lin.weight.grad).not.toBeNull();
    handle.remove();
    x.grad = null;
    lin(x).sum().backward();
    expectClose(x.grad!.toTypedArray(), lin.weight.detach().sum(0).expand([4, 3]).contiguous().toTypedArray());
  });
});
