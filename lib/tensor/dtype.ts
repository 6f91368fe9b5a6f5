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

/** Up to this size V8 keeps typed arrays on its own heap: allocation is already cheap. */
const ON_HEAP_BYTES = 64;
/** Small storages are carved from shared slabs: a new off-heap ArrayBuffer costs ~1 µs. */
const SLAB_MAX_BYTES = 4096;
const SLAB_BYTES = 64 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && (DTYPES as readonly string[]).includes(v);
}

export function isFloating(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}

export function bytesPerElement(d: DType): number {
  return CTORS[d].BYTES_PER_ELEMENT;
}

/**
 * Fresh zeroed storage from a slab (each slab is a new zero-filled ArrayBuffer, and slices
 * are never reused, so no storage ever sees another's data). Like Node's Buffer pool: a
 * long-lived small tensor keeps its slab alive, which is at most 64 KiB.
 */
function slabStorage(ctor: StorageCtor, n: number, bytes: number): Storage {
  const aligned = (bytes + 15) & ~15;
  if (slabUsed + aligned > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new ctor(slab, slabUsed, n);
  slabUsed += aligned;
  return out;
}

/** Zero-filled storage of n elements. */
export function zeroStorage(dtype: DType, n: number): Storage {
  const ctor = CTORS[dtype];
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes <= ON_HEAP_BYTES || bytes > SLAB_MAX_BYTES) return new ctor(n);
  return slabStorage(ctor, n, bytes);
}

/**
 * Storage whose contents are unspecified, for outputs a kernel writes in full: large
 * buffers skip V8's zero-fill, which costs as much as the kernel for memory-bound ops.
 */
export function uninitStorage(dtype: DType, n: number): Storage {
  const ctor = CTORS[dtype];
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes <= SLAB_MAX_BYTES) return zeroStorage(dtype, n);
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

/** True when two storages share any byte of memory. */
export function sharesMemory(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
