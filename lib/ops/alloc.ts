/** Allocation of fresh contiguous tensors, used by every op for its outputs. */
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { uninitStorage, zeroStorage, type DType } from '../tensor/dtype.js';
import { numelOf, type Shape } from '../tensor/shape.js';
import { elementwiseLayout } from './layout.js';

/** A contiguous tensor whose elements the caller will overwrite in full. */
export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  return Tensor.fromStorage(uninitStorage(dtype, numelOf(shape)), shape, dtype);
}

export function zerosTensor(shape: Shape, dtype: DType): Tensor {
  return Tensor.fromStorage(zeroStorage(dtype, numelOf(shape)), shape, dtype);
}

export function fullTensor(shape: Shape, value: number, dtype: DType): Tensor {
  const t = emptyTensor(shape, dtype);
  fillView(t, value);
  return t;
}

/** Writes value into every element of a view (no autograd, no version bump). */
export function fillView(t: Tensor, value: number): void {
  native.fill(t.storage, value, elementwiseLayout(t.shape, [t, null]));
}

/** Copies src (broadcast to dst's shape, any dtype) into the view dst (no autograd, no version bump). */
export function copyInto(dst: Tensor, src: Tensor): void {
  native.copy(dst.storage, src.storage, elementwiseLayout(dst.shape, [dst, src]));
}
