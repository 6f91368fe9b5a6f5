// Bad inputs to each op: a clear error naming the op and the shapes, never a crash.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const x34 = () => kd.zeros([3, 4]);

describe('shape errors name the op and the shapes', () => {
  it('matmul', () => {
    expect(() => kd.zeros([64, 784]).matmul(kd.zeros([512, 784]))).toThrow('matmul: shapes [64, 784] and [512, 784] cannot be multiplied (784 != 512)');
    expect(() => kd.zeros([3]).matmul(kd.zeros([4]))).toThrow('matmul: shapes [3] and [4] cannot be multiplied (3 != 4)');
    expect(() => kd.zeros([2, 3, 4]).matmul(kd.zeros([3, 4, 5]))).toThrow(/matmul: shapes \[2\] and \[3\] are not broadcastable/);
    expect(() => kd.tensor(1).matmul(kd.zeros([1]))).toThrow(/at least 1 dimension/);
    expect(() => kd.zeros([2, 2], { dtype: 'bool' }).matmul(kd.zeros([2, 2], { dtype: 'bool' }))).toThrow(/matmul: not defined for bool tensors/);
    expect(() => kd.zeros([2, 2], { dtype: 'int32' }).matmul(kd.zeros([2, 2]))).toThrow(/same dtype/);
    expect(() => kd.zeros([2, 2]).matmul(kd.zeros([2, 2], { dtype: 'float64' }))).toThrow(/same dtype/);
    expect(() => kd.zeros([2, 2]).matmul([[1]] as never)).toThrow(/expected other to be a Tensor/);
  });

  it('broadcasting binary ops', () => {
    expect(() => x34().add(kd.zeros([2, 4]))).toThrow('add: shapes [3, 4] and [2, 4] are not broadcastable');
    expect(() => x34().mul(kd.zeros([3]))).toThrow('mul: shapes [3, 4] and [3] are not broadcastable');
    expect(() => kd.where(kd.zeros([3], { dtype: 'bool' }), kd.zeros([4]), 0)).toThrow(/where: shapes \[3\] and \[4\]/);
    expect(() => x34().add('1' as never)).toThrow(/add: expected other to be a Tensor or a number/);
    expect(() => kd.add(1 as never, 2 as never)).toThrow(/at least one argument must be a Tensor/);
    expect(() => kd.where(kd.zeros([3]), 1, 0)).toThrow(/bool tensor/);
  });

  it('dims out of range', () => {
    expect(() => x34().sum(2)).toThrow('sum: dimension out of range (expected to be in range of [-2, 1], but got 2)');
    expect(() => x34().softmax(-3)).toThrow(/softmax: dimension out of range/);
    expect(() => x34().transpose(0, 5)).toThrow(/transpose: dimension out of range/);
    expect(() => x34().sum([0, 0])).toThrow(/multiple times/);
    expect(() => x34().unsqueeze(3)).toThrow(/unsqueeze: dimension out of range/);
    expect(() => (x34().softmax as (d?: number) => unknown)()).toThrow(/expected dim to be a number/);
  });

  it('views', () => {
    expect(() => x34().reshape([5, 3])).toThrow('reshape: shape [5, 3] is invalid for input of size 12');
    expect(() => x34().view(-1, -1)).toThrow(/only one dimension can be inferred/);
    expect(() => x34().t().view(12)).toThrow(/view: size \[12\] is not compatible.*Use \.reshape/);
    expect(x34().t().reshape(12).shape).toEqual([12]);
    expect(() => x34().permute(0)).toThrow(/number of dims don't match/);
    expect(() => x34().permute(0, 0)).toThrow(/repeated dim/);
    expect(() => x34().expand(3, 5)).toThrow(/expanded size of the tensor \(5\) must match the existing size \(4\)/);
    expect(() => x34().narrow(1, 3, 2)).toThrow(/start \(3\) \+ length \(2\) exceeds dimension size \(4\)/);
    expect(() => kd.zeros([2, 2, 2]).t()).toThrow(/<= 2 dimensions/);
  });

  it('indexing and joining', () => {
    expect(() => x34().indexSelect(0, kd.tensor([0, 3], { dtype: 'int32' }))).toThrow(/index 3 is out of bounds for dimension 0 with size 3/);
    // float tensors of whole numbers are indices too (kd.tensor([0, 1]) is float32); fractions never truncate
    expect(x34().indexSelect(0, kd.tensor([2, 0])).tolist()).toEqual(x34().indexSelect(0, kd.tensor([2, 0], { dtype: 'int32' })).tolist());
    expect(() => x34().indexSelect(0, kd.tensor([0, 1.5]))).toThrow(/whole numbers to be used as indices, but element 1 is 1.5/);
    expect(() => x34().indexSelect(0, kd.tensor([true, false]))).toThrow(/bool tensor \(a mask\)/);
    expect(() => x34().gather(1, kd.tensor([[0, -1]], { dtype: 'int32' }))).toThrow(/index -1 is out of bounds/);
    expect(() => x34().gather(1, kd.tensor([0], { dtype: 'int32' }))).toThrow(/same number of dimensions/);
    expect(() => x34().gather(1, kd.zeros([4, 1], { dtype: 'int32' }))).toThrow(/size does not match at dimension 0/);
    expect(() => kd.cat([x34(), kd.zeros([3, 4, 1])])).toThrow(/same number of dimensions/);
    expect(() => kd.cat([x34(), kd.zeros([2, 5])], 0)).toThrow(/Expected size 4 but got size 5 for tensor number 1/);
    expect(() => kd.cat([])).toThrow(/non-empty array/);
    expect(() => kd.stack([x34(), kd.zeros([4, 3])])).toThrow(/equal size/);
  });

  it('reductions and element access', () => {
    expect(() => kd.zeros([0]).max()).toThrow(/non-empty/);
    expect(() => kd.zeros([2, 0]).max(1)).toThrow(/reduction dim 1 to have non-zero size/);
    expect(() => kd.zeros([2], { dtype: 'int32' }).mean()).toThrow(/floating point/);
    expect(() => x34().clamp()).toThrow(/at least one of min or max/);
    expect(kd.zeros([0]).sum().item()).toBe(0);
  });

  it('threads', () => {
    expect(() => kd.setNumThreads(0)).toThrow(/positive integer/);
    expect(() => kd.setNumThreads(1.5)).toThrow(RangeError);
    const n = kd.getNumThreads();
    kd.setNumThreads(1);
    expect(kd.getNumThreads()).toBe(1);
    kd.setNumThreads(n);
  });
});
