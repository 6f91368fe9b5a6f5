/**
 * Data types and their storage: every tensor's elements live in one typed array of the
 * kind its dtype names. Also the type-promotion rule binary ops use.
 */
import type { Storage } from '../native.js';

/** A tensor's element type: `'float32'` (the default), `'float64'`, `'int32'` or `'bool'`. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type FloatDType = 'float32' | 'float64';

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

type StorageCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

const CTORS: Record<DType, StorageCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/** Storage below this many bytes is zero-allocated by V8 anyway; above it we skip the memset. */
const UNINITIALISED_FROM_BYTES = 4096;

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && (DTYPES as readonly string[]).includes(v);
}

export function isFloating(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}

export function bytesPerElement(d: DType): number {
  return CTORS[d].BYTES_PER_ELEMENT;
}

/** Zero-filled storage of n elements. */
export function zeroStorage(dtype: DType, n: number): Storage {
  return new CTORS[dtype](n);
}

/**
 * Storage whose contents are unspecified, for outputs a kernel writes in full: large
 * buffers skip V8's zero-fill, which costs as much as the kernel for memory-bound ops.
 */
export function uninitStorage(dtype: DType, n: number): Storage {
  const ctor = CTORS[dtype];
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes < UNINITIALISED_FROM_BYTES) return new ctor(n);
  const buf = Buffer.allocUnsafeSlow(bytes);
  return new ctor(buf.buffer, buf.byteOffset, n);
}

/** The dtype a typed array stores, or null for kinds kindling does not use. */
export function dtypeOfStorage(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  return null;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's promotion between two tensors' dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The result dtype of tensor (op) number: a number never widens a float tensor, an integral
 * number keeps int32, a fractional one makes an int or bool tensor float32 (PyTorch's
 * default dtype), and any number makes a bool tensor numeric.
 */
export function promoteWithScalar(t: DType, s: number): DType {
  if (isFloating(t)) return t;
  if (!Number.isInteger(s)) return 'float32';
  return t === 'bool' ? 'int32' : t;
}
