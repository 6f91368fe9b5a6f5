/**
 * Moving samples and batches between threads: tensors travel as their own copied typed arrays
 * (transferred, not cloned), everything else by structured clone.
 */
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';

interface EncodedTensor {
  kindlingTensor: true;
  dtype: DType;
  shape: number[];
  data: ArrayBufferView;
}

/** The value with tensors replaced by transferable records; their buffers go into `transfer`. */
export function encode(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value instanceof Tensor) {
    // a copy of exactly its elements: its own storage may be a shared slab
    const data = value.detach().contiguous().toTypedArray().slice();
    transfer.push(data.buffer as ArrayBuffer);
    return { kindlingTensor: true, dtype: value.dtype, shape: value.shape.slice(), data } satisfies EncodedTensor;
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, transfer));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, transfer);
    return out;
  }
  return value;
}

/** The value with transferred tensors rebuilt. */
export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (typeof value === 'object' && value !== null) {
    const t = value as Partial<EncodedTensor>;
    if (t.kindlingTensor === true) return Tensor.fromStorage(t.data as Float32Array, t.shape!, t.dtype!);
    if (Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = decode(v);
      return out;
    }
  }
  return value;
}
