// Type promotion of binary ops against PyTorch 1.13 (test/fixtures/promotion.json, from
// make_promotion.py): every pair of float32, float64, int32 and bool tensors and int, float
// and negative numbers through add ... floorDivide and where — the result's dtype and values,
// and an error wherever PyTorch refuses (bool subtraction, integer to a negative power, ...).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor, TensorLike } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

interface Case { op: string; a: string; b: string; dtype?: string; val?: (number | string)[]; error?: string }
const here = dirname(fileURLToPath(import.meta.url));
const cases: Case[] = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'promotion.json'), 'utf8'));

const tensors: Record<string, () => Tensor> = {
  float32: () => kd.tensor([1.5, -2.0, 3.0]),
  float64: () => kd.tensor([0.5, 4.0, -3.0], { dtype: 'float64' }),
  int32: () => kd.tensor([3, -4, 7], { dtype: 'int32' }),
  bool: () => kd.tensor([true, false, true]),
};
const numbers: Record<string, number> = { int: 2, float: 2.5, neg: -3 };
const OPS: Record<string, (a: Tensor, b: TensorLike) => Tensor> = {
  add: (a, b) => kd.add(a, b), sub: (a, b) => kd.sub(a, b), mul: (a, b) => kd.mul(a, b), div: (a, b) => kd.div(a, b),
  pow: (a, b) => kd.pow(a, b), maximum: (a, b) => kd.maximum(a, b), eq: (a, b) => kd.eq(a, b), lt: (a, b) => kd.lt(a, b),
  remainder: (a, b) => kd.remainder(a, b), fmod: (a, b) => kd.fmod(a, b), atan2: (a, b) => kd.atan2(a, b),
  floorDivide: (a, b) => kd.floorDivide(a, b), where: (a, b) => kd.where(kd.tensor([true, false, true]), a, b),
};

describe('binary ops promote dtypes as PyTorch does', () => {
  for (const c of cases) {
    it(`${c.op}(${c.a}, ${c.b})${c.error ? ' is refused' : ` → ${c.dtype}`}`, () => {
      const a = tensors[c.a]();
      const b = c.b in tensors ? tensors[c.b]() : numbers[c.b];
      if (c.error) {
        expect(() => OPS[c.op](a, b)).toThrow();
        return;
      }
      const r = OPS[c.op](a, b);
      expect(r.dtype).toBe(c.dtype);
      expectClose(r.double().toTypedArray(), c.val!.map(Number), 1e-6, 1e-7);
    });
  }
});

describe('bool tensors through reductions and sorting, as PyTorch', () => {
  it('max/min/amax/amin are any/all, sort puts False first, clamp and sign work', () => {
    const b = kd.tensor([[true, false, true], [false, false, false]]);
    expect(b.max().dtype).toBe('bool');
    expect([b.max().item(), b.min().item()]).toEqual([1, 0]);
    expect(b.amax(1).tolist()).toEqual([true, false]);
    expect(b.amin(0).tolist()).toEqual([false, false, false]);
    const m = b.max(1);
    expect([m.values.tolist(), m.indices.tolist()]).toEqual([[true, false], [0, 0]]);
    const s = kd.tensor([true, false, true, false]).sort();
    expect([s.values.tolist(), s.values.dtype]).toEqual([[false, false, true, true], 'bool']);
    expect(kd.tensor([true, false]).clamp(-1, 2).dtype).toBe('int32');
    expect(kd.tensor([true, false]).clamp(0.5, 2).tolist()).toEqual([1, 0.5]);
    expect(kd.tensor([true, false]).sign().tolist()).toEqual([true, false]);
  });

  it('clamp of an int32 tensor with a non-integer bound is float32 (it used to clamp to whole numbers in int32)', () => {
    const x = kd.tensor([-2, 0, 3], { dtype: 'int32' });
    expect([x.clamp(-0.5, 1.5).dtype, x.clamp(-0.5, 1.5).tolist()]).toEqual(['float32', [-0.5, 0, 1.5]]);
    expect([x.clamp(-1, 1).dtype, x.clamp(-1, 1).tolist()]).toEqual(['int32', [-1, 0, 1]]);
    expect(x.clamp(-Infinity, 1).dtype).toBe('float32');
    expect(() => x.clone().clamp_(0.5)).toThrow(/clamp_: result type float32 can't be cast to the desired output type int32/);
  });
});

describe('bool tensors in place', () => {
  it('add_ and mul_ are logical or and and; sub_ and relu are refused with a clear message', () => {
    const x = kd.tensor([true, false, false]);
    x.add_(kd.tensor([false, false, true]));
    expect(x.tolist()).toEqual([true, false, true]);
    x.mul_(kd.tensor([true, true, false]));
    expect(x.tolist()).toEqual([true, false, false]);
    expect(() => x.sub_(kd.tensor([true, true, true]))).toThrow(/sub_: subtraction with a bool tensor is not supported/);
    expect(() => x.relu()).toThrow(/relu: not implemented for bool tensors/);
  });
});

describe('bitwiseNot', () => {
  it("is PyTorch's ~: not of a bool mask, two's complement of int32 (wrapping), refused for floats", () => {
    expect(kd.tensor([true, false]).bitwiseNot().tolist()).toEqual([false, true]);
    expect(kd.tensor([0, 5, -3, -(2 ** 31)], { dtype: 'int32' }).bitwiseNot().tolist()).toEqual([-1, -6, 2, 2 ** 31 - 1]);
    expect(() => kd.tensor([1.5]).bitwiseNot()).toThrow(/bitwiseNot: expected a bool or int32 tensor, but got float32/);
  });
});

describe('bitwiseAnd, bitwiseOr, bitwiseXor', () => {
  it("are PyTorch's &, |, ^: on bool masks, on int32 bits (negatives in two's complement), with bool promoted to int32", () => {
    const m = kd.tensor([true, false, true, false]);
    const n = kd.tensor([true, true, false, false]);
    expect(m.bitwiseAnd(n).tolist()).toEqual([true, false, false, false]);
    expect(m.bitwiseOr(n).tolist()).toEqual([true, true, true, false]);
    expect(m.bitwiseXor(n).tolist()).toEqual([false, true, true, false]);
    const v = [5, -3, 2 ** 31 - 1, -(2 ** 31), 0, 12];
    const w = [3, 6, -1, 1, 7, -12];
    const a = kd.tensor(v, { dtype: 'int32' });
    const b = kd.tensor(w, { dtype: 'int32' });
    expect(a.bitwiseAnd(b).tolist()).toEqual(v.map((x, i) => x & w[i]));
    expect(a.bitwiseOr(b).tolist()).toEqual(v.map((x, i) => x | w[i]));
    expect(kd.bitwiseXor(a, b).tolist()).toEqual(v.map((x, i) => x ^ w[i]));
    expect(a.bitwiseAnd(6).tolist()).toEqual(v.map((x) => x & 6));
    // broadcasting and a transposed view against its copy
    const big = kd.arange(0, 12, 1, { dtype: 'int32' }).reshape([3, 4]);
    expect(big.t().bitwiseXor(kd.tensor([1, 2, 3], { dtype: 'int32' })).tolist()).toEqual(big.t().clone().bitwiseXor(kd.tensor([1, 2, 3], { dtype: 'int32' })).tolist());
    const mixed = m.bitwiseOr(kd.tensor([2, 2, 2, 2], { dtype: 'int32' }));
    expect(mixed.dtype).toBe('int32');
    expect(mixed.tolist()).toEqual([3, 2, 3, 2]);
  });

  it('refuse floating-point operands and non-integers, naming the op', () => {
    const a = kd.tensor([1, 2], { dtype: 'int32' });
    expect(() => kd.ones([2]).bitwiseAnd(kd.ones([2]))).toThrow(/bitwiseAnd: expected bool or int32 operands \(or integers\), but got float32 and float32/);
    expect(() => a.bitwiseOr(1.5)).toThrow(/bitwiseOr: expected bool or int32 operands.*a non-integer number/);
    expect(() => a.bitwiseXor(kd.ones([2]))).toThrow(/bitwiseXor: expected bool or int32 operands/);
    expect(() => a.bitwiseAnd(kd.ones([3], { dtype: 'int32' }))).toThrow(/bitwiseAnd: shapes \[2\] and \[3\] are not broadcastable/);
  });
});

describe('bool inputs to the order statistics PyTorch defines for them', () => {
  it('cummax, cummin and mode take bool masks (values bool, indices as PyTorch: the latest of ties)', () => {
    // expected values printed by PyTorch 1.13
    const m = kd.tensor([[true, false, true], [false, false, true]]);
    const mx = m.cummax(1);
    expect(mx.values.tolist()).toEqual([[true, true, true], [false, false, true]]);
    expect(mx.indices.tolist()).toEqual([[0, 0, 2], [0, 1, 2]]);
    const mn = m.cummin(1);
    expect(mn.values.tolist()).toEqual([[true, false, false], [false, false, false]]);
    expect(mn.indices.tolist()).toEqual([[0, 1, 1], [0, 1, 1]]);
    const md = m.mode(1);
    expect(md.values.dtype).toBe('bool');
    expect(md.values.tolist()).toEqual([true, false]);
    expect(md.indices.tolist()).toEqual([2, 1]);
    expect(kd.tensor(true).mode(0).indices.item()).toBe(0);
    // the others stay refused, as in PyTorch
    expect(() => m.median(1)).toThrow(/median: not defined for bool tensors/);
    expect(() => m.topk(1, 1)).toThrow(/topk: not defined for bool tensors/);
  });
});

describe('int32 matrix products', () => {
  it("match PyTorch's int32 matmul, wrapping like its int32 arithmetic, on views and batches", () => {
    const a = kd.tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    // expected values printed by PyTorch 1.13
    expect(a.matmul(a).tolist()).toEqual([[7, 10], [15, 22]]);
    expect(a.mm(a.t()).tolist()).toEqual([[5, 11], [11, 25]]);
    expect(kd.dot(a.flatten(), a.flatten()).item()).toBe(30);
    const big = kd.tensor([[2147483647, 3], [-2147483648, 5]], { dtype: 'int32' });
    expect(big.matmul(big).tolist()).toEqual([[-2147483647, -2147483636], [0, -2147483623]]);
    expect(kd.addmm(a, a, a, { beta: 2, alpha: 3 }).tolist()).toEqual([[23, 34], [51, 74]]);
    expect(kd.einsum('ij,jk->ik', a, a).dtype).toBe('int32');
    // transposed and batched views against their copies, against a float64 product of small values
    const x = kd.randint(-50, 50, [3, 5, 4]);
    const y = kd.randint(-50, 50, [4, 6]);
    const viaFloat = x.double().matmul(y.double()).int();
    expect(x.matmul(y).tolist()).toEqual(viaFloat.tolist());
    expect(x.transpose(1, 2).contiguous().transpose(1, 2).matmul(y.t().contiguous().t()).tolist()).toEqual(viaFloat.tolist());
    expect(kd.bmm(x, y.unsqueeze(0).expand([3, 4, 6])).tolist()).toEqual(viaFloat.tolist());
    expect(kd.zeros([2, 0], { dtype: 'int32' }).matmul(kd.zeros([0, 3], { dtype: 'int32' })).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('refuse bool, mixed dtypes and non-integer scales, as PyTorch', () => {
    const a = kd.tensor([[1, 2], [3, 4]], { dtype: 'int32' });
    expect(() => a.bool().matmul(a.bool())).toThrow(/matmul: not defined for bool tensors/);
    expect(() => a.float().matmul(a)).toThrow(/matmul: expected both tensors to have the same dtype, but got float32 and int32/);
    expect(() => kd.addmm(a, a, a, { alpha: 1.5 })).toThrow(/addmm: for integer tensors, alpha and beta must be integers/);
  });
});

describe("PyTorch's keyword dtype= of reductions, scans and softmax", () => {
  it('casts the input first, as a trailing { dtype } (values from PyTorch 1.13)', () => {
    const i = kd.tensor([2147483647, 1, 2], { dtype: 'int32' });
    const s = i.sum(null, false, { dtype: 'float64' });
    expect(s.dtype).toBe('float64');
    expect(s.item()).toBe(2147483650);
    expect(kd.sum(i, 0, false, { dtype: 'float64' }).item()).toBe(2147483650);
    expect(i.cumsum(0, { dtype: 'float64' }).tolist()).toEqual([2147483647, 2147483648, 2147483650]);
    expect(i.mean(null, false, { dtype: 'float32' }).item()).toBeCloseTo(715827904, -1);
    expect(i.prod(0, false, { dtype: 'float64' }).item()).toBe(2147483647 * 2);
    expect(kd.tensor([NaN, 1, 2]).nansum(null, false, { dtype: 'float64' }).dtype).toBe('float64');
    const x = kd.randn([2, 3], { requiresGrad: true });
    const y = kd.nn.functional.softmax(x, 1, { dtype: 'float64' });
    expect(y.dtype).toBe('float64');
    expect(y.sum(1).sub(1).abs().max().item()).toBeLessThan(1e-12);
    y.mul(kd.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' })).sum().backward();
    expect(x.grad!.dtype).toBe('float32');  // the gradient is cast back to the input's type
    expect(x.logSoftmax(1, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('refuses unknown keys and dtypes, and non-float dtypes for softmax', () => {
    const i = kd.tensor([1, 2], { dtype: 'int32' });
    expect(() => i.sum(0, false, { dtpe: 'float64' } as never)).toThrow(/sum: unknown option 'dtpe'/);
    expect(() => i.cumsum(0, { dtype: 'float16' } as never)).toThrow(/cumsum: unknown dtype/);
    expect(() => kd.randn([2, 3]).logSoftmax(1, { dtype: 'int32' })).toThrow(/logSoftmax: dtype must be floating point, but got int32/);
  });
});
