// Finite-difference gradient checks (float64) for every differentiable op, over several
// shapes including every kind of broadcasting.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';

function input(shape: number[], seed: number, opts: { positive?: boolean; awayFromZero?: boolean } = {}): Tensor {
  kd.manualSeed(seed);
  let t = kd.randn(shape, { dtype: 'float64' });
  if (opts.positive) t = t.abs().add(0.5);
  if (opts.awayFromZero) t = kd.where(t.ge(0), t.add(0.2), t.sub(0.2));
  return t.detach().requiresGrad_();
}

const gc = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) => expect(kd.autograd.gradcheck(fn, inputs)).toBe(true);

const SHAPES: number[][] = [[], [1], [5], [3, 4], [2, 3, 4]];
const PAIRS: [number[], number[]][] = [
  [[3, 4], [3, 4]], [[3, 4], [4]], [[3, 1], [1, 4]], [[2, 3, 4], [3, 1]], [[4], [2, 3, 4]], [[], [3]],
];

describe('gradcheck: unary ops', () => {
  const unary: [string, (x: Tensor) => Tensor, { positive?: boolean; awayFromZero?: boolean }][] = [
    ['neg', (x) => x.neg(), {}],
    ['exp', (x) => x.exp(), {}],
    ['log', (x) => x.log(), { positive: true }],
    ['sqrt', (x) => x.sqrt(), { positive: true }],
    ['abs', (x) => x.abs(), { awayFromZero: true }],
    ['relu', (x) => x.relu(), { awayFromZero: true }],
    ['sigmoid', (x) => x.sigmoid(), {}],
    ['tanh', (x) => x.tanh(), {}],
    ['clamp', (x) => x.clamp(-0.5, 0.7), { awayFromZero: true }],
    ['pow 3', (x) => x.pow(3), {}],
    ['pow 0.5', (x) => x.pow(0.5), { positive: true }],
    ['softmax', (x) => (x.dim() ? x.softmax(-1) : x.softmax(0)), {}],
    ['logSoftmax', (x) => (x.dim() ? x.logSoftmax(0) : x.logSoftmax(0)), {}],
  ];
  for (const [name, fn, opts] of unary) {
    it(name, () => {
      SHAPES.forEach((s, i) => gc(fn, [input(s, i + 1, opts)]));
    });
  }
});

describe('gradcheck: binary ops with broadcasting', () => {
  const binary: [string, (a: Tensor, b: Tensor) => Tensor, boolean][] = [
    ['add', (a, b) => a.add(b), false],
    ['add alpha', (a, b) => a.add(b, { alpha: -2 }), false],
    ['sub', (a, b) => a.sub(b), false],
    ['mul', (a, b) => a.mul(b), false],
    ['div', (a, b) => a.div(b), true],
    ['pow', (a, b) => a.pow(b), true],
    ['maximum', (a, b) => a.maximum(b), false],
    ['minimum', (a, b) => a.minimum(b), false],
  ];
  for (const [name, fn, positive] of binary) {
    it(name, () => {
      PAIRS.forEach(([sa, sb], i) => gc(fn, [input(sa, 10 + i, { positive }), input(sb, 20 + i, { positive })]));
    });
  }

  it('scalar-first and scalar-second forms', () => {
    gc((x) => kd.sub(1, x), [input([3, 4], 1)]);
    gc((x) => kd.div(2, x), [input([3, 4], 2, { positive: true })]);
    gc((x) => kd.pow(2, x), [input([3, 4], 3)]);
    gc((x) => x.mul(3).add(1).div(4), [input([3, 4], 4)]);
  });
});

describe('gradcheck: matmul in every form', () => {
  const forms: [number[], number[]][] = [
    [[4], [4]], [[3, 4], [4]], [[4], [4, 5]], [[3, 4], [4, 5]], [[2, 3, 4], [2, 4, 5]], [[2, 3, 4], [4, 5]],
    [[4, 5], [2, 5, 3]], [[2, 1, 3, 4], [5, 4, 2]],
  ];
  for (const [sa, sb] of forms) {
    it(`[${sa}] @ [${sb}]`, () => gc((a, b) => a.matmul(b), [input(sa, 1), input(sb, 2)]));
  }
  it('through transposed views (no copies)', () => {
    gc((a, b) => a.t().matmul(b.t()), [input([4, 3], 1), input([5, 4], 2)]);
    gc((a, b) => a.transpose(1, 2).matmul(b), [input([2, 4, 3], 3), input([4, 2], 4)]);
  });
});

describe('gradcheck: reductions', () => {
  const x = () => input([2, 3, 4], 7);
  it('sum and mean over all, one dim, several dims, keepdim', () => {
    for (const dim of [undefined, 0, 1, -1, [0, 2], [1, 2]] as (number | number[] | undefined)[]) {
      for (const keep of [false, true]) {
        gc((t) => t.sum(dim, keep), [x()]);
        gc((t) => t.mean(dim, keep), [x()]);
      }
    }
  });
  it('max and min (all and along a dim)', () => {
    gc((t) => t.max(), [x()]);
    gc((t) => t.min(), [x()]);
    for (const d of [0, 1, 2]) {
      gc((t) => t.max(d).values, [x()]);
      gc((t) => t.min(d, true).values, [x()]);
    }
  });
  it('var and std', () => {
    for (const dim of [undefined, 1, [0, 2]] as (number | number[] | undefined)[]) {
      gc((t) => t.var(dim), [x()]);
      gc((t) => t.std(dim, { keepdim: true }), [x()]);
      gc((t) => t.var(dim, { correction: 0 }), [x()]);
    }
  });
});

describe('gradcheck: views and indexing', () => {
  const x = () => input([2, 3, 4], 9);
  it('reshape, view, transpose, permute, squeeze, unsqueeze, flatten, expand, narrow, t', () => {
    gc((t) => t.reshape([4, 6]), [x()]);
    gc((t) => t.view(6, -1), [x()]);
    gc((t) => t.transpose(0, 2).reshape([-1]), [x()]);
    gc((t) => t.permute(2, 0, 1).mul(t.permute(2, 0, 1)), [x()]);
    gc((t) => t.unsqueeze(1).squeeze(1), [x()]);
    gc((t) => t.flatten(1), [x()]);
    gc((t) => t.narrow(2, 1, 2), [x()]);
    gc((t) => t.expand(5, 2, 3, 4), [x()]);
    gc((t) => t.t(), [input([3, 5], 1)]);
    gc((t) => t.contiguous().clone(), [x()]);
  });
  it('indexSelect, gather, cat, stack, where', () => {
    const idx = kd.tensor([2, 0, 2, 1], { dtype: 'int32' });
    gc((t) => t.indexSelect(1, idx), [x()]);
    gc((t) => t.indexSelect(0, kd.tensor([1, 1], { dtype: 'int32' })), [x()]);
    gc((t) => t.gather(2, kd.tensor([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 1], [2, 2]]], { dtype: 'int32' })), [x()]);
    gc((a, b) => kd.cat([a, b], 1), [input([2, 3], 1), input([2, 5], 2)]);
    gc((a, b) => kd.stack([a, b], 2), [input([2, 3], 1), input([2, 3], 2)]);
    const cond = kd.tensor([[true, false, true], [false, false, true]]);
    gc((a, b) => kd.where(cond, a, b), [input([2, 3], 3), input([3], 4)]);
  });
});
