// The in-place twins of the pointwise ops (lib/ops/pointwise_inplace.ts): each equals its
// out-of-place op, writes through views only where the view reaches, bumps the version,
// refuses what PyTorch refuses, and keeps gradients right when the op needs self's original
// value (mul_, pow_, clamp_ on a non-leaf).
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { rng } from '../helpers.js';

type UnaryName = 'abs' | 'neg' | 'exp' | 'log' | 'sqrt' | 'relu' | 'sigmoid' | 'tanh' | 'sin' | 'cos' | 'tan' | 'asin'
  | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh' | 'exp2' | 'expm1' | 'log1p' | 'log2' | 'log10'
  | 'erf' | 'erfinv' | 'rsqrt' | 'reciprocal' | 'square' | 'floor' | 'ceil' | 'trunc' | 'frac' | 'sign';

// each op with a value map into its domain, applied to a uniform sample in (-1, 1)
const UNARY: [UnaryName, (u: number) => number][] = [
  ['abs', (u) => 2 * u], ['neg', (u) => 2 * u], ['exp', (u) => 2 * u], ['log', (u) => 1.1 + u], ['sqrt', (u) => 1.1 + u],
  ['relu', (u) => u], ['sigmoid', (u) => 3 * u], ['tanh', (u) => 3 * u], ['sin', (u) => 3 * u], ['cos', (u) => 3 * u],
  ['tan', (u) => u], ['asin', (u) => 0.9 * u], ['acos', (u) => 0.9 * u], ['atan', (u) => 3 * u], ['sinh', (u) => 2 * u],
  ['cosh', (u) => 2 * u], ['asinh', (u) => 3 * u], ['acosh', (u) => 2.1 + u], ['atanh', (u) => 0.9 * u], ['exp2', (u) => 3 * u],
  ['expm1', (u) => u], ['log1p', (u) => 0.9 * u], ['log2', (u) => 1.1 + u], ['log10', (u) => 1.1 + u], ['erf', (u) => 2 * u],
  ['erfinv', (u) => 0.9 * u], ['rsqrt', (u) => 1.1 + u], ['reciprocal', (u) => 1.1 + u], ['square', (u) => 3 * u],
  ['floor', (u) => 5 * u], ['ceil', (u) => 5 * u], ['trunc', (u) => 5 * u], ['frac', (u) => 5 * u], ['sign', (u) => u],
];

function sample(map: (u: number) => number, shape: number[], seed: number): Tensor {
  const r = rng(seed);
  const n = shape.reduce((p, q) => p * q, 1);
  return kd.tensor(Array.from({ length: n }, () => map(2 * r() - 1))).reshape(shape);
}

function call(t: Tensor, name: UnaryName): Tensor {
  return (t as unknown as Record<string, () => Tensor>)[`${name}_`]();
}

describe('unary in-place ops', () => {
  for (const [name, map] of UNARY) {
    it(`${name}_ equals ${name}() and writes through a strided view only`, () => {
      const base = sample(map, [6, 7], 3);
      const expected = base.clone();
      const view = base.t().narrow(0, 2, 4);  // [4, 6] with strides [1, 7], offset 2
      const want = (view as unknown as Record<string, () => Tensor>)[name]();
      const version = base.versionCounter.value;
      const back = call(view, name);
      expect(back).toBe(view);
      expect(base.versionCounter.value).toBe(version + 1);
      expect(view.tolist()).toEqual(want.tolist());
      // the elements outside the view are untouched
      expected.t().narrow(0, 2, 4).copy_(want);
      expect(base.tolist()).toEqual(expected.tolist());
    });
  }

  it('keeps integer tensors integer where PyTorch does, and refuses a float result in an integer tensor', () => {
    const i = kd.tensor([-3, 0, 4], { dtype: 'int32' });
    expect(i.clone().abs_().tolist()).toEqual([3, 0, 4]);
    expect(i.clone().neg_().dtype).toBe('int32');
    expect(i.clone().square_().tolist()).toEqual([9, 0, 16]);
    expect(i.clone().floor_().tolist()).toEqual([-3, 0, 4]);
    expect(() => i.clone().exp_()).toThrow(/exp_: result type float32 can't be cast to the desired output type int32/);
    expect(() => i.clone().sqrt_()).toThrow(/sqrt_: result type float32 can't be cast/);
    expect(() => i.clone().pow_(0.5)).toThrow(/pow_: result type float32 can't be cast/);
    expect(i.tolist()).toEqual([-3, 0, 4]);  // the refused writes left the clones' sources alone
  });

  it('refuses a leaf that requires grad unless grad mode is off, and an expanded view', () => {
    const w = kd.tensor([0.5, 1.5], { requiresGrad: true });
    expect(() => w.exp_()).toThrow(/exp_: a leaf tensor that requires grad/);
    expect(() => w.uniform_()).toThrow(/uniform_: a leaf tensor that requires grad/);
    kd.noGrad(() => w.exp_());
    expect((w.tolist() as number[])[0]).toBeCloseTo(Math.exp(0.5), 6);
    expect(() => kd.ones([3]).expand([2, 3]).sin_()).toThrow(/sin_: .*expanded view/);
    expect(() => (kd.ones([2]) as unknown as { sin_(): void }).sin_.call(null)).toThrow();
  });
});

describe('in-place ops on the tape', () => {
  it('flow the gradient through the rebased tape (sin_ on a non-leaf)', () => {
    const x = kd.tensor([0.3, -1.2, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.sin_();
    y.sum().backward();
    expect((x.grad!.tolist() as number[]).map((v) => +v.toFixed(5))).toEqual([0.3, -1.2, 2].map((v) => +(2 * Math.cos(2 * v)).toFixed(5)));
  });

  it('keep self\'s original value for backward: mul_, pow_, clamp_, hypot_ and addcmul_ on a non-leaf', () => {
    const run = (f: (y: Tensor, w: Tensor) => Tensor) => {
      const x = kd.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
      const w = kd.tensor([0.5, -2, 4], { dtype: 'float64', requiresGrad: true });
      f(x.mul(1), w).sum().backward();
      return [x.grad!.tolist(), w.grad?.tolist() ?? null];
    };
    expect(run((y, w) => y.mul_(w))).toEqual([[0.5, -2, 4], [1, 2, 3]]);
    expect(run((y) => y.pow_(2))).toEqual([[2, 4, 6], null]);
    expect(run((y) => y.clamp_(1.5, 2.5))).toEqual([[0, 1, 0], null]);
    expect(run((y, w) => y.addcmul_(w, w, { value: 3 }))).toEqual([[1, 1, 1], [3, -12, 24]]);
    const [gx, gw] = run((y, w) => y.hypot_(w));
    const h = [1, 2, 3].map((v, i) => Math.hypot(v, [0.5, -2, 4][i]));
    expect((gx as number[]).map((v, i) => v - [1, 2, 3][i] / h[i]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    expect((gw as number[]).map((v, i) => v - [0.5, -2, 4][i] / h[i]).every((d) => Math.abs(d) < 1e-12)).toBe(true);
  });

  it('make a saved output stale, as in PyTorch: sigmoid then exp_ in place fails in backward', () => {
    const x = kd.tensor([0.1, 0.2], { requiresGrad: true });
    const y = x.sigmoid();
    y.exp_();
    expect(() => y.sum().backward()).toThrow(/modified by an in-place operation/);
  });
});

describe('in-place ops with arguments', () => {
  const a = () => kd.tensor([[1.5, -2, 0.25], [3, -0.5, 2]]);
  const b = kd.tensor([0.5, 2, -1]);
  const c = kd.tensor([[2], [4]]);
  const cases: [string, (t: Tensor) => Tensor, (t: Tensor) => Tensor][] = [
    ['pow_', (t) => t.pow_(3), (t) => t.pow(3)],
    ['round_', (t) => t.round_(1), (t) => t.round(1)],
    ['clampMin_', (t) => t.clampMin_(0), (t) => t.clampMin(0)],
    ['clampMax_', (t) => t.clampMax_(1), (t) => t.clampMax(1)],
    ['lerp_', (t) => t.lerp_(b, 0.25), (t) => t.lerp(b, 0.25)],
    ['remainder_', (t) => t.remainder_(b), (t) => t.remainder(b)],
    ['fmod_', (t) => t.fmod_(b), (t) => t.fmod(b)],
    ['atan2_', (t) => t.atan2_(b), (t) => t.atan2(b)],
    ['hypot_', (t) => t.hypot_(c), (t) => t.hypot(c)],
    ['nanToNum_', (t) => t.div_(0).nanToNum_(0, 7, -7), (t) => t.div(0).nanToNum(0, 7, -7)],
    ['addcmul_', (t) => t.addcmul_(b, c, { value: 0.5 }), (t) => t.add(b.mul(c).mul(0.5))],
    ['addcdiv_', (t) => t.addcdiv_(b, c, { value: -2 }), (t) => t.add(b.div(c).mul(-2))],
  ];
  for (const [name, inPlace, outOfPlace] of cases) {
    it(`${name} equals its out-of-place form`, () => {
      const t = a();
      expect(inPlace(t)).toBe(t);
      expect(t.tolist()).toEqual(outOfPlace(a()).tolist());
    });
  }

  it('refuse an argument that would broadcast self to a bigger shape', () => {
    expect(() => kd.ones([3]).addcmul_(kd.ones([2, 1]), kd.ones([3]))).toThrow(/addcmul_: result shape \[2, 3\] does not match the tensor's \[3\]/);
    expect(() => kd.ones([3]).pow_(kd.ones([2, 3]))).toThrow(/pow_: result shape \[2, 3\]/);
  });

  it('addcmul/addcdiv name the bad argument', () => {
    expect(() => kd.addcmul(kd.ones([2]), [1, 2] as unknown as Tensor, kd.ones([2]))).toThrow(/addcmul: expected tensor1 to be a Tensor/);
    expect(() => kd.ones([2]).addcdiv(kd.ones([2]), kd.ones([2]), { value: '2' as unknown as number })).toThrow(/addcdiv: expected value to be a number/);
    const i = kd.tensor([1, 2], { dtype: 'int32' });
    expect(() => kd.addcdiv(kd.ones([2]), i, i)).toThrow(/addcdiv: integer division/);
  });
});

describe('uniform_ and normal_', () => {
  it('draw what nn.init draws from the same seed, into a view', () => {
    kd.manualSeed(11);
    const viaInit = kd.nn.init.uniform_(kd.empty([4, 5]), -0.1, 0.1);
    kd.manualSeed(11);
    const base = kd.zeros([5, 6]);
    const v = base.t().narrow(0, 1, 5).narrow(1, 0, 4).t();  // [4, 5], strided
    expect(v.uniform_(-0.1, 0.1)).toBe(v);
    expect(v.tolist()).toEqual(viaInit.tolist());
    expect(base.select(1, 0).tolist()).toEqual([0, 0, 0, 0, 0]);  // outside the view
    const flat = v.contiguous().flatten().tolist() as number[];
    expect(flat.every((x) => x >= -0.1 && x < 0.1)).toBe(true);
    kd.manualSeed(12);
    const n1 = kd.nn.init.normal_(kd.empty([300]), 2, 0.5);
    kd.manualSeed(12);
    const n2 = kd.empty([300], { dtype: 'float64' }).normal_(2, 0.5).float();
    expect(n2.sub(n1).abs().max().item()).toBeLessThan(1e-6);
    expect(Math.abs(n1.mean().item() - 2)).toBeLessThan(0.1);
  });

  it('take an explicit generator, and refuse bad bounds, integer tensors and non-generators', () => {
    const g1 = new kd.Generator().manualSeed(5);
    const g2 = new kd.Generator().manualSeed(5);
    expect(kd.empty([8]).uniform_(0, 1, { generator: g1 }).tolist()).toEqual(kd.empty([8]).uniform_(0, 1, { generator: g2 }).tolist());
    expect(() => kd.empty([2]).uniform_(1, 0)).toThrow(/uniform_: expected from <= to, but got from=1, to=0/);
    expect(() => kd.empty([2]).normal_(0, -1)).toThrow(/normal_: expected std >= 0/);
    expect(() => kd.zeros([2], { dtype: 'int32' }).uniform_()).toThrow(/uniform_: expected a floating-point tensor, but got int32/);
    expect(() => kd.empty([2]).normal_(0, 1, { generator: {} as kd.Generator })).toThrow(/normal_: expected generator to be a kd.Generator/);
  });
});
