// Printing follows PyTorch's formatter: precision 4, integer-valued floats as `1.`,
// scientific notation for wide ranges, alignment, summarisation, and attributes.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

describe('printing', () => {
  it('matches PyTorch for the common cases', () => {
    expect(String(kd.tensor([[0.1, 0.2]], { requiresGrad: true }))).toBe('tensor([[0.1000, 0.2000]], requiresGrad=true)');
    expect(String(kd.tensor([1, 2, 3]))).toBe('tensor([1., 2., 3.])');
    expect(String(kd.tensor([-1.5, 2.25]))).toBe('tensor([-1.5000,  2.2500])');
    expect(String(kd.tensor([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(String(kd.tensor(3.5))).toBe('tensor(3.5000)');
    expect(String(kd.tensor([1, 2], { dtype: 'int32' }))).toBe('tensor([1, 2], dtype=int32)');
    expect(String(kd.tensor([true, false]))).toBe('tensor([ True, False])');
    expect(String(kd.tensor([1, 2], { dtype: 'float64' }))).toBe('tensor([1., 2.], dtype=float64)');
    expect(String(kd.tensor([NaN, Infinity, 1.5]))).toBe('tensor([   nan,    inf, 1.5000])');
    expect(String(kd.zeros([2, 0]))).toBe('tensor([], size=[2, 0])');
    expect(String(kd.zeros([0]))).toBe('tensor([])');
  });

  it('lays out matrices and 3-D tensors with aligned rows and blank lines between blocks', () => {
    expect(String(kd.tensor([[1, 2], [3, 4]]))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(kd.arange(8).reshape([2, 2, 2]))).toBe(
      'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]], dtype=int32)',
    );
  });

  it('summarises tensors of more than 1000 elements', () => {
    expect(String(kd.arange(2000))).toBe('tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)');
    const s = String(kd.zeros([100, 100]));
    expect(s.split('\n')).toHaveLength(7);
    expect(s).toContain('...');
  });

  it('shows the gradFn of recorded results and works with console.log / util.inspect', () => {
    const x = kd.tensor([1, 2], { requiresGrad: true });
    expect(inspect(x.mul(2))).toBe('tensor([2., 4.], gradFn=<MulBackward>)');
  });
});
