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

/** The most elements one storage can hold: V8's limit on a typed array's length. */
export const MAX_STORAGE_ELEMENTS = 2 ** 32;
/** Node's limit on one Buffer (uninitialised allocations go through Buffer). */
const MAX_BUFFER_BYTES = 2 ** 32;

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/** A RangeError for a storage no typed array can hold (or the machine refused), naming the op. */
function tooLarge(op: string, dtype: DType, n: number, cause?: unknown): RangeError {
  const bytes = n * CTORS[dtype].BYTES_PER_ELEMENT;
  const why = n > MAX_STORAGE_ELEMENTS
    ? `more than the ${MAX_STORAGE_ELEMENTS} elements one tensor can hold`
    : `the allocation failed${cause instanceof Error ? ` (${cause.message})` : ''}`;
  return new RangeError(`${op}: cannot allocate a ${dtype} tensor of ${n} elements (${formatBytes(bytes)}): ${why}`);
}

/** Zero-filled storage of n elements; `op` names the caller in the error for one too large. */
export function zeroStorage(dtype: DType, n: number, op = 'allocate'): Storage {
  const ctor = CTORS[dtype];
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes > ON_HEAP_BYTES && bytes <= SLAB_MAX_BYTES) return slabStorage(ctor, n, bytes);
  if (n > MAX_STORAGE_ELEMENTS) throw tooLarge(op, dtype, n);
  try {
    return new ctor(n);
  } catch (e) {
    throw tooLarge(op, dtype, n, e);
  }
}

/**
 * Storage whose contents are unspecified, for outputs a kernel writes in full: large
 * buffers skip V8's zero-fill, which costs as much as the kernel for memory-bound ops.
 */
export function uninitStorage(dtype: DType, n: number, op = 'allocate'): Storage {
  const ctor = CTORS[dtype];
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes <= SLAB_MAX_BYTES || bytes > MAX_BUFFER_BYTES) return zeroStorage(dtype, n, op);
  let buf;
  try {
    buf = Buffer.allocUnsafeSlow(bytes);
  } catch (e) {
    throw tooLarge(op, dtype, n, e);
  }
  return new ctor(buf.buffer, buf.byteOffset, n);
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** True when v is an integer int32 can hold. */
export function fitsInt32(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/**
 * A number as an element of dtype, as PyTorch converts Python numbers: floats unchanged,
 * int32 truncated toward zero (a non-finite value or one outside int32's range is a
 * RangeError naming the op, never a wrapped or clamped value), bool true for any non-zero.
 */
export function elementOf(op: string, dtype: DType, v: number): number {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  if (dtype !== 'int32') return v;
  const t = Math.trunc(v);
  if (!(t >= INT32_MIN && t <= INT32_MAX)) throw new RangeError(`${op}: value ${v} cannot be converted to type int32 without overflow`);
  return t;
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
