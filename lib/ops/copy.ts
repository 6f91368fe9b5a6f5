/** Copies and conversions: clone, contiguous, to(dtype), with their gradients. */
import { Tensor } from '../tensor/tensor.js';
import { isDType, isFloating, type DType } from '../tensor/dtype.js';
import { copyInto, emptyTensor, fullTensor } from './alloc.js';
import { record } from '../autograd/record.js';

/** A copy with its own contiguous storage; gradients flow back unchanged. */
export function clone(x: Tensor): Tensor {
  const out = emptyTensor(x.shape, x.dtype, 'clone');
  copyInto(out, x);
  return record(out, 'CloneBackward', [x], (g) => [g]);
}

/** x itself when contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}

/** x converted to dtype (x itself when it already is). Float-to-float conversions keep gradients. */
export function to(x: Tensor, dtype: DType): Tensor {
  if (!isDType(dtype)) throw new TypeError(`to: unknown dtype ${String(dtype)} (expected 'float32', 'float64', 'int32' or 'bool')`);
  if (dtype === x.dtype) return x;
  const out = emptyTensor(x.shape, dtype, 'to');
  copyInto(out, x);
  if (!isFloating(dtype)) return out;
  return record(out, 'ToCopyBackward', [x], (g) => [g.to(x.dtype)]);
}

/**
 * x as int32, refusing (RangeError naming `op`) a value int32 cannot hold, or NaN, where a plain
 * conversion would wrap: for PyTorch code's .long(), whose int64 has room for them.
 */
export function toInt32Checked(x: Tensor, op: string): Tensor {
  if (isFloating(x.dtype) && x.numel() > 0) {
    const v = x.detach();
    const bad = v.isnan().logicalOr(v.lt(-2147483648.5)).logicalOr(v.gt(2147483647.5));
    if (bad.any().item() === 1) {
      const i = bad.flatten().int().argmax().item();
      const value = v.flatten().toTypedArray()[i];
      throw new RangeError(`${op}: element ${i} is ${value}, which int32 (kindling's integer type) cannot hold`);
    }
  }
  return to(x, 'int32');
}

export function onesLike(x: Tensor): Tensor {
  return fullTensor(x.shape, 1, x.dtype);
}
