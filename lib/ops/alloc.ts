/** Allocation of fresh contiguous tensors, used by every op for its outputs. */
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import type { Storage } from '../native.js';
import { uninitStorage, zeroStorage, type DType } from '../tensor/dtype.js';
import { numelOf, type Shape } from '../tensor/shape.js';
import { elementwiseLayout, layoutOf } from './layout.js';

/**
 * A contiguous tensor whose elements the caller will overwrite in full. `op` names the caller
 * in the RangeError for a size no storage can hold.
 */
export function emptyTensor(shape: Shape, dtype: DType, op?: string): Tensor {
  return Tensor.fromStorage(uninitStorage(dtype, numelOf(shape), op), shape, dtype);
}

export function zerosTensor(shape: Shape, dtype: DType, op?: string): Tensor {
  return Tensor.fromStorage(zeroStorage(dtype, numelOf(shape), op), shape, dtype);
}

/** n elements of dtype, all `value` (already an element of dtype). */
export function fillStorage(dtype: DType, n: number, value: number, op?: string): Storage {
  if (value === 0) return zeroStorage(dtype, n, op);
  const s = uninitStorage(dtype, n, op);
  native.fill(s, value, layoutOf(1, n, 0, 1, 0, 0));
  return s;
}

export function fullTensor(shape: Shape, value: number, dtype: DType): Tensor {
  return Tensor.fromStorage(fillStorage(dtype, numelOf(shape), value), shape, dtype);
}

/** Writes value into every element of a view (no autograd, no version bump). */
export function fillView(t: Tensor, value: number): void {
  native.fill(t.storage, value, elementwiseLayout(t.shape, [t, null]));
}

/** Copies src (broadcast to dst's shape, any dtype) into the view dst (no autograd, no version bump). */
export function copyInto(dst: Tensor, src: Tensor): void {
  native.copy(dst.storage, src.storage, elementwiseLayout(dst.shape, [dst, src]));
}
