// Creating tensors: from data, fills, ranges, random draws under a seed, and dtype conversion.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

describe('kd.tensor', () => {
  it('infers shapes from nested arrays and copies typed arrays with { shape }', () => {
    const t = kd.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.numel()).toBe(6);
    expect(t.dim()).toBe(2);
    expect(kd.tensor(5).shape).toEqual([]);
    expect(kd.tensor(5).item()).toBe(5);
    const src = new Float64Array([1, 2, 3, 4]);
    const f = kd.tensor(src, { shape: [2, 2] });
    expect(f.dtype).toBe('float64');
    src[0] = 99;
    expect(f.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(kd.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(kd.tensor(new Uint8Array([200, 3])).tolist()).toEqual([200, 3]);
    expect(kd.tensor([true, false]).dtype).toBe('bool');
    expect(kd.tensor([[]]).shape).toEqual([1, 0]);
  });

  it('rejects ragged arrays, non-numbers, wrong shapes and gradients on integers', () => {
    expect(() => kd.tensor([[1, 2], [3]])).toThrow(/expected sequence of length 2 at dim 1 \(got 1\)/);
    expect(() => kd.tensor([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => kd.tensor(['a'] as never)).toThrow(TypeError);
    expect(() => kd.tensor(new Float32Array(5), { shape: [2, 2] })).toThrow(/needs 4 elements, but the typed array has 5/);
    expect(() => kd.tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(/floating-point/);
    expect(() => kd.tensor([1], { dtype: 'int64' as never })).toThrow(/unknown dtype/);
    expect(() => kd.tensor({} as never)).toThrow(TypeError);
  });

  it('toTypedArray returns the storage of a whole contiguous tensor and a copy of a view', () => {
    const t = kd.tensor([[1, 2], [3, 4]]);
    expect(t.toTypedArray()).toBe(t.storage);
    expect(Array.from(t.t().toTypedArray())).toEqual([1, 3, 2, 4]);
    expect(Array.from(t.narrow(0, 1, 1).toTypedArray())).toEqual([3, 4]);
    expect(() => t.item()).toThrow(/4 elements cannot be converted/);
  });
});

describe('fills and ranges', () => {
  it('zeros, ones, full, empty and the *Like forms', () => {
    expect(kd.zeros([2, 2]).tolist()).toEqual([[0, 0], [0, 0]]);
    expect(kd.ones(3, { dtype: 'int32' }).tolist()).toEqual([1, 1, 1]);
    expect(kd.full([2], 7.5).tolist()).toEqual([7.5, 7.5]);
    expect(kd.empty([3, 4]).shape).toEqual([3, 4]);
    const x = kd.zeros([2, 3], { dtype: 'float64' });
    expect(kd.onesLike(x).dtype).toBe('float64');
    expect(kd.fullLike(x, 2).tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
    expect(kd.zerosLike(x, { dtype: 'int32' }).dtype).toBe('int32');
    expect(() => kd.zeros([2, -1])).toThrow(/non-negative integers/);
    expect(() => kd.zeros([1.5])).toThrow(RangeError);
  });

  it('arange, linspace and eye follow PyTorch', () => {
    expect(kd.arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(kd.arange(1, 4).dtype).toBe('int32');
    // PyTorch's arange(end, dtype=…): the options may follow any of the numbers
    expect(kd.arange(3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(kd.arange(1, 3, { dtype: 'float32' }).tolist()).toEqual([1, 2]);
    expect(kd.arange(0, 4, 2, { dtype: 'int32' }).tolist()).toEqual([0, 2]);
    expect(kd.arange(0, 1, 0.25).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(kd.arange(5, 0, -2).tolist()).toEqual([5, 3, 1]);
    expect(() => kd.arange(0, 5, 0)).toThrow(/nonzero/);
    expect(() => kd.arange(0, 5, -1)).toThrow(/inconsistent/);
    expect(Array.from(kd.linspace(0, 1, 5).toTypedArray())).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(kd.linspace(-1, 1, 1).tolist()).toEqual([-1]);
    expect(kd.eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});

describe('random tensors', () => {
  it('are reproducible under manualSeed and have the right distribution', () => {
    kd.manualSeed(42);
    const a = kd.rand([1000]);
    const n = kd.randn([20000]);
    kd.manualSeed(42);
    expect(kd.rand([1000]).tolist()).toEqual(a.tolist());
    expect(kd.randn([20000]).tolist()).toEqual(n.tolist());
    const u = a.toTypedArray();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(n.mean().item()).toBeCloseTo(0, 1);
    expect(n.std().item()).toBeCloseTo(1, 1);
    const r = kd.randint(-3, 4, [5000]);
    expect(r.dtype).toBe('int32');
    expect(r.min().item()).toBe(-3);
    expect(r.max().item()).toBe(3);
    const g = new kd.Generator(7);
    expect(kd.rand([3], { generator: g }).tolist()).toEqual(kd.rand([3], { generator: new kd.Generator(7) }).tolist());
    expect(() => kd.randint(3, 3, [2])).toThrow(/low < high/);
    expect(() => kd.rand([2], { dtype: 'int32' })).toThrow(/floating-point dtype/);
  });

  it('rand draws in native code exactly the stream the Generator gives one call at a time', () => {
    const g = new kd.Generator(5);
    const h = new kd.Generator(5);
    const a = kd.rand([1001], { generator: g }).tolist() as number[];
    expect(a).toEqual(Array.from({ length: 1001 }, () => Math.fround(h.nextFloat32())));
    const b = kd.rand([777], { generator: g, dtype: 'float64' }).tolist() as number[];
    expect(b).toEqual(Array.from({ length: 777 }, () => h.nextFloat64()));
    expect(g.nextUint32()).toBe(h.nextUint32());
    expect(g.nextNormal()).toBe(h.nextNormal());
  });

  it('dropout masks come from the same stream as rand(...).ge(p) scaled, in either float type', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = kd.randn([999], { dtype });
      kd.manualSeed(9);
      const ours = kd.nn.functional.dropout(x, 0.3).tolist();
      kd.manualSeed(9);
      const keep = kd.rand([999], { dtype }).ge(0.3);
      expect(ours).toEqual(x.mul(keep.to(dtype).mul(1 / 0.7)).tolist());
    }
  });
});

describe('conversions', () => {
  it('float/double/int/bool/to convert like PyTorch; clone and contiguous copy', () => {
    const x = kd.tensor([-1.7, 0, 2.9]);
    expect(x.int().tolist()).toEqual([-1, 0, 2]);
    expect(x.bool().tolist()).toEqual([true, false, true]);
    expect(x.double().dtype).toBe('float64');
    expect(x.to('float32')).toBe(x);
    const t = kd.tensor([[1, 2], [3, 4]]).t();
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(c.tolist()).toEqual([[1, 3], [2, 4]]);
    expect(kd.tensor([1, 2]).clone().storage).not.toBe(kd.tensor([1, 2]).storage);
  });
});
