// Bad input to the wider tensor surface: a clear error naming the op and what is wrong
// (shapes, dims, indices, dtypes), never a crash and never a silent clamp.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const x = () => kd.randn([3, 4]);
const i32 = (v: number[] | number[][]) => kd.tensor(v, { dtype: 'int32' });

describe('the wider surface refuses bad input clearly', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['cumsum dim out of range', () => x().cumsum(2), /cumsum: dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)/],
    ['cumsum without dim', () => (x() as unknown as { cumsum: () => unknown }).cumsum(), /cumsum: expected dim to be a number/],
    ['topk k too large', () => x().topk(5, 1), /topk: k \(5\) is out of range for dimension 1 of size 4/],
    ['topk of bool', () => x().gt(0).topk(1), /topk: not defined for bool tensors/],
    ['kthvalue k 0', () => x().kthvalue(0), /kthvalue: k \(0\) must be between 1 and the size of dimension 1 \(4\)/],
    ['sort dim', () => x().sort(-3), /sort: dimension out of range/],
    ['median empty', () => kd.zeros([0]).median(), /median: expected a non-empty tensor/],
    ['logsumexp without dim', () => (x() as unknown as { logsumexp: () => unknown }).logsumexp(), /logsumexp: expected dim/],
    ['norm of int', () => i32([1, 2]).norm(), /norm: expected a floating-point tensor, but got int32/],
    ['norm bad p', () => x().norm('nuc' as never), /norm: expected p to be a number, Infinity or 'fro'/],
    ['amax of empty', () => kd.zeros([0, 3]).amax(), /amax: expected a non-empty tensor/],
    ['chunk 0', () => x().chunk(0), /chunk: chunks must be greater than 0/],
    ['split sizes that do not add up', () => x().split([1, 2], 1), /split: sizes \[1, 2\] add up to 3, but dimension 1 has size 4/],
    ['repeat too few', () => x().repeat([2]), /repeat: number of repeat dims \(1\) can not be smaller than number of dimensions of tensor \(2\)/],
    ['flip duplicate dims', () => x().flip(0, -2), /flip: dims has duplicates/],
    ['roll mismatched', () => x().roll([1, 2], [0]), /roll: shifts \(2\) and dims \(1\) must have the same length/],
    ['tril of 1-D', () => kd.ones([3]).tril(), /tril: input tensor must have at least 2 dimensions, but has shape \[3\]/],
    ['diag of 3-D', () => kd.ones([2, 2, 2]).diag(), /diag: expected a 1-D or 2-D tensor, but got shape \[2, 2, 2\]/],
    ['trace of 1-D', () => kd.ones([3]).trace(), /trace: expected a 2-D tensor/],
    ['diagonal same dims', () => x().diagonal(0, 1, 1), /diagonal: dimensions cannot be identical/],
    ['maskedFill with a float mask', () => x().maskedFill(x(), 0), /maskedFill: expected mask to be a bool tensor, but received a float32 tensor/],
    ['maskedFill mask shape', () => x().maskedFill(kd.ones([5], { dtype: 'bool' }), 0), /maskedFill: shapes \[3, 4\] and \[5\] are not broadcastable/],
    ['scatter index out of range', () => x().scatter(1, i32([[4]]), x()), /scatter: index 4 is out of bounds for dimension 1 with size 4/],
    ['scatter index dims', () => x().scatter(1, i32([1]), x()), /scatter: index tensor must have the same number of dimensions as self tensor/],
    ['scatter index larger than src', () => x().scatter(1, i32([[0, 1, 2]]), kd.ones([1, 2])), /expected index \[1, 3\] to be smaller than src \[1, 2\]/],
    ['scatter dtype mismatch', () => x().scatter(1, i32([[0]]), kd.ones([1, 1], { dtype: 'float64' })), /scatter: expected self and src to have the same dtype, but got float32 and float64/],
    ['scatterReduce unknown', () => x().scatterReduce(1, i32([[0]]), x(), 'max' as never), /scatterReduce: reduce must be one of 'sum', 'prod', 'mean', 'amax', 'amin'/],
    ['indexAdd source shape', () => x().indexAdd(0, [0, 1], kd.ones([2, 3])), /indexAdd: source must have shape \[2, 4\]/],
    ['indexAdd 2-D index', () => x().indexAdd(0, i32([[0]]), kd.ones([1, 4])), /indexAdd: index must be 0-D or 1-D/],
    ['take out of range', () => x().take([12]), /take: out of range: tried to access index 12 on a tensor of 12 elements/],
    ['fractional index', () => x().take(kd.tensor([0.5])), /take: index must hold whole numbers to be used as indices, but element 0 is 0.5/],
    ['mm of 3-D', () => kd.ones([2, 2, 2]).mm(kd.ones([2, 2])), /mm: expected input to be 2-D, but got shape \[2, 2, 2\]/],
    ['bmm batch mismatch', () => kd.ones([2, 3, 4]).bmm(kd.ones([3, 4, 2])), /bmm: batch sizes differ/],
    ['dot lengths', () => kd.ones([3]).dot(kd.ones([4])), /dot: inconsistent tensor size/],
    ['cross without size 3', () => kd.ones([2, 2]).cross(kd.ones([2, 2])), /cross: inputs must have size 3/],
    ['einsum operand count', () => kd.einsum('ij,jk->ik', x()), /einsum: the equation has 2 operand subscripts but 1 tensors were given/],
    ['einsum dims', () => kd.einsum('ijk->i', x()), /einsum: the subscript 'ijk' has 3 dims but its operand has shape \[3, 4\]/],
    ['einsum size mismatch', () => kd.einsum('ij,ij->i', x(), kd.ones([3, 5])), /einsum: subscript 'j' has size 4 in one operand and 5 in the other/],
    ['einsum unknown output', () => kd.einsum('ij->k', x()), /einsum: output subscript 'k' does not appear in the inputs/],
    ['einsum bad character', () => kd.einsum('i1->i', x()), /einsum: invalid subscript character '1'/],
    ['index too many', () => x().index(0, 1, 2), /index: too many indices for a tensor of dimension 2 \(shape \[3, 4\]\)/],
    ['index out of range', () => x().index(3), /index: index 3 is out of bounds for dimension 0 with size 3/],
    ['index tensor out of range', () => x().index(':', [0, -5]), /index: index -5 is out of bounds for dimension 1 with size 4/],
    ['index negative step', () => x().index('::-1'), /slice: step must be greater than zero, but got -1/],
    ['index two ellipses', () => x().index('..., ...'), /index: an index can only have a single ellipsis/],
    ['index unreadable', () => x().index('1:a'), /index: cannot read '1:a' as an index/],
    ['index mask shape', () => x().index(kd.ones([3, 5], { dtype: 'bool' })), /index: the shape of the mask \[3, 5\] does not match the shape of the indexed tensor \[3, 4\] at dimension 0/],
    ['indexPut_ shape mismatch', () => x().indexPut_([[0, 1]], kd.ones([3, 4])), /indexPut_: shape mismatch|not broadcastable/],
    ['indexPut_ float into int', () => i32([1, 2]).indexPut_(0, kd.tensor(1.5)), /indexPut_: a float32 value cannot be written into a int32 tensor/],
    ['indexPut_ leaf requiring grad', () => x().requiresGrad_().indexPut_(0, 1), /leaf tensor that requires grad is being used in an in-place operation/],
    ['remainder by integer zero', () => i32([5, 6]).remainder(i32([1, 0])), /remainder: integer division by zero/],
    ['fmod by integer zero scalar', () => i32([5]).fmod(0), /fmod: integer division by zero/],
    ['searchsorted leading dims', () => kd.searchsorted(kd.ones([2, 3]), kd.ones([3, 1])), /searchsorted: the leading dims/],
    ['bincount negative', () => i32([1, -1]).bincount(), /bincount: input must hold non-negative integers, but element 1 is -1/],
    ['histc of int', () => i32([1]).histc(), /histc: expected a floating-point tensor/],
    ['oneHot too small', () => kd.nn.functional.oneHot(i32([3]), 2), /oneHot: class values must be smaller than numClasses \(2\)/],
    ['unbind 0-d', () => kd.tensor(1).unbind(), /unbind: dimension specified as 0 but tensor has no dimensions/],
    ['movedim repeated', () => kd.ones([2, 3, 4]).movedim([0, 0], [1, 2]), /movedim: repeated dim/],
    ['x.data assignment', () => { (x() as unknown as { data: unknown }).data = kd.ones([1]); }, /data: assigning x.data is not supported/],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      expect(fn).toThrow(message);
    });
  }
});

describe('clamp with tensor bounds, dist, nanmedian: in place, and bad input', () => {
  it('clamp_ with tensor bounds writes in place and keeps the gradient rules', () => {
    const x = kd.tensor([-2, 0.5, 3], { dtype: 'float64', requiresGrad: true });
    const lo = kd.tensor([-1, 1, 0], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(1).clamp_(lo, kd.tensor(2, { dtype: 'float64' }));
    expect(y.tolist()).toEqual([-1, 1, 2]);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
    expect(lo.grad!.tolist()).toEqual([1, 1, 0]);
  });
  it('refuses bounds that are not numbers or tensors, and shapes that do not broadcast', () => {
    const x = kd.zeros([2, 3]);
    expect(() => x.clamp(kd.zeros([3]), 'a' as never)).toThrow(/clamp: expected max to be a number or a Tensor/);
    expect(() => x.clamp(kd.zeros([4]))).toThrow(/\[2, 3\].*\[4\]|\[4\].*\[2, 3\]/);
    expect(() => kd.zeros([2]).dist(kd.zeros([3]))).toThrow(/\[2\].*\[3\]|\[3\].*\[2\]/);
    expect(() => kd.zeros([0]).nanmedian()).toThrow(/nanmedian: expected a non-empty tensor/);
    expect(() => kd.zeros([2, 0]).nanmedian(1)).toThrow(/nanmedian: expected reduction dim 1 to have non-zero size/);
  });
});

describe('cropping pads and adaptive max pooling indices', () => {
  it('crops with negative amounts in replicate and circular modes, and says why it cannot', () => {
    const x = kd.arange(5, { dtype: 'float32' }).reshape([1, 1, 5]);
    expect(kd.nn.functional.pad(x, [2, -1], { mode: 'replicate' }).reshape([-1]).tolist()).toEqual([0, 0, 0, 1, 2, 3]);
    // circular padding wraps around what the crop left
    expect(kd.nn.functional.pad(x, [-2, 2], { mode: 'circular' }).reshape([-1]).tolist()).toEqual([2, 3, 4, 2, 3]);
    // reflect crops what it reflected, over the whole input (PyTorch 1.13's values)
    const four = kd.arange(4, { dtype: 'float32' }).reshape([1, 1, 4]);
    const reflect = (p: number[]) => kd.nn.functional.pad(four, p, { mode: 'reflect' }).reshape([-1]).tolist();
    expect(reflect([-2, 2])).toEqual([2, 3, 2, 1]);
    expect(reflect([-1, 3])).toEqual([1, 2, 3, 2, 1, 0]);
    expect(reflect([2, -1])).toEqual([2, 1, 0, 1, 2]);
    expect(reflect([-3, 2])).toEqual([3, 2, 1]);
    const grid = kd.arange(24, { dtype: 'float32' }).reshape([1, 2, 3, 4]);
    expect(kd.nn.functional.pad(grid, [-1, -1, 1, 0], { mode: 'reflect' }).tolist()).toEqual([[[[5, 6], [1, 2], [5, 6], [9, 10]], [[17, 18], [13, 14], [17, 18], [21, 22]]]]);
    expect(() => kd.nn.functional.pad(four, [-5, 1], { mode: 'reflect' })).toThrow(/leaves an empty size/);
    expect(() => kd.nn.functional.pad(x, [-4, -2], { mode: 'replicate' })).toThrow(/cropping dim 2 of size 5 by \(-4, -2\) leaves a negative size/);
    expect(() => kd.nn.functional.pad(x, [-3, 3], { mode: 'circular' })).toThrow(/circular padding \(0, 3\) must not exceed the size 2 of dim 2 .* after cropping/);
  });
  it('adaptive max pools return PyTorch flat plane indices with returnIndices, and refuse unknown options', () => {
    const x = kd.tensor([[[1, 5, 2], [7, 0, 3]]]);
    const [out, idx] = kd.nn.functional.adaptiveMaxPool2d(x, [1, 2], { returnIndices: true });
    expect(out.tolist()).toEqual([[[7, 5]]]);
    expect(idx.tolist()).toEqual([[[3, 1]]]);
    const [o1, i1] = new kd.nn.AdaptiveMaxPool1d(2, { returnIndices: true }).forward(kd.tensor([[[4, 1, 9, 2]]])) as [kd.Tensor, kd.Tensor];
    expect([o1.tolist(), i1.tolist()]).toEqual([[[[4, 9]]], [[[0, 2]]]]);
    expect(() => kd.nn.functional.adaptiveMaxPool2d(x, 1, { return_indices: true } as never)).toThrow(/did you mean 'returnIndices'/);
  });
});

describe('index-building ops refuse sizes no tensor can hold, instead of exhausting the JS heap', () => {
  it('repeatInterleave, pad and adaptiveMaxPool2d name the size', () => {
    expect(() => kd.zeros([4]).repeatInterleave(1e9)).toThrow(/repeatInterleave: the repeated dim would have 4000000000 entries, more than the 2147483647/);
    expect(() => kd.nn.functional.pad(kd.zeros([1, 1, 4]), [3e9, 0], { mode: 'replicate' })).toThrow(/pad: the replicate-padded dim would have 3000000004 entries/);
    expect(() => kd.nn.functional.adaptiveMaxPool2d(kd.zeros([1, 1, 4, 4]), [1e8, 1])).toThrow(/adaptiveMaxPool2d: output size \[100000000, 1\] has 100000000 windows/);
    expect(kd.tensor([1, 2]).repeatInterleave(kd.tensor([2, 1], { dtype: 'int32' })).tolist()).toEqual([1, 1, 2]);
  });
});
