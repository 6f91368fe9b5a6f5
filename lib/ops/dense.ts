/**
 * Hands a tensor's own elements to kernels that read a dense buffer from element 0 (class
 * targets, class weights, upstream gradients of the fused losses). Such kernels take no
 * layout for those operands, so they must never receive a whole storage: a view's elements
 * start at its offset, and a strided view's are not adjacent at all.
 */
import type { FloatStorage, Storage } from '../native.js';
import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { copyInto, emptyTensor } from './alloc.js';

/**
 * t's elements in row-major order, exactly numel of them: a subarray of its storage when t is
 * contiguous (no copy), else a dense copy.
 */
export function denseData(t: Tensor): Storage {
  const n = t.numel();
  let s = t;
  if (!t.isContiguous()) {
    s = emptyTensor(t.shape, t.dtype);
    copyInto(s, t);
  }
  const st = s.storage;
  return s.offset === 0 && st.length === n ? st : st.subarray(s.offset, s.offset + n);
}

/** denseData of a floating-point tensor, typed as such (throws a TypeError for other dtypes). */
export function denseFloat(t: Tensor): FloatStorage {
  if (!isFloating(t.dtype)) throw new TypeError(`expected a floating-point tensor, but got ${t.dtype}`);
  return denseData(t) as FloatStorage;
}

/** denseData of an int32 tensor. */
export function denseInt32(t: Tensor): Int32Array {
  if (t.dtype !== 'int32') throw new TypeError(`expected an int32 tensor, but got ${t.dtype}`);
  return denseData(t) as Int32Array;
}
