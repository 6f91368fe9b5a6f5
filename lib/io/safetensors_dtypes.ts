/**
 * The safetensors dtypes kindling reads, and how each becomes one of its own: F32, F64, I32
 * and BOOL as they are; F16, BF16 and the 8-bit floats widened to float32; smaller integers
 * widened to int32; 64-bit and unsigned 32-bit integers narrowed to int32 when every value
 * fits (a RangeError otherwise, never a wrapped value). What kind.save writes is the first four.
 */
import type { Storage } from '../native.js';
import type { DType } from '../tensor/dtype.js';

export interface StDType {
  /** Bytes per element in the file. */
  bytes: number;
  /** kindling's dtype for it. */
  to: DType;
  /**
   * Converts `count` elements from little-endian file bytes into dst from dstStart; null when the
   * bytes are copied as they are. Throws a message (without the file's name) for values that
   * do not fit.
   */
  convert: ((src: Buffer, dst: Storage, dstStart: number, count: number) => void) | null;
}

const f16Table = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? sign * m * 2 ** -24 : e === 31 ? (m ? NaN : sign * Infinity) : sign * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

/** An 8-bit float with `mBits` mantissa bits and exponent bias `bias`; e4m3fn has no infinities. */
function f8Table(mBits: number, bias: number, ieee: boolean): Float32Array {
  const t = new Float32Array(256);
  const eMax = (1 << (7 - mBits)) - 1;
  for (let v = 0; v < 256; v++) {
    const sign = v & 0x80 ? -1 : 1;
    const e = (v >> mBits) & eMax;
    const m = v & ((1 << mBits) - 1);
    if (ieee && e === eMax) t[v] = m ? NaN : sign * Infinity;
    else if (!ieee && e === eMax && m === (1 << mBits) - 1) t[v] = NaN;
    else t[v] = e === 0 ? sign * m * 2 ** (1 - bias - mBits) : sign * (1 + m / (1 << mBits)) * 2 ** (e - bias);
  }
  return t;
}
const e5m2 = f8Table(2, 15, true);
const e4m3 = f8Table(3, 7, false);

function integers(bytes: number, read: (src: Buffer, at: number) => number | bigint): StDType['convert'] {
  return (src, dst, start, count) => {
    for (let i = 0; i < count; i++) {
      const v = read(src, i * bytes);
      const n = typeof v === 'bigint' ? (v >= -2147483648n && v <= 2147483647n ? Number(v) : null) : v;
      if (n === null || n > 2147483647) throw new RangeError(`holds the value ${v}, which int32 (kindling's integer type) cannot represent`);
      dst[start + i] = n;
    }
  };
}

const table = (t: Float32Array): StDType['convert'] => (src, dst, start, count) => {
  for (let i = 0; i < count; i++) dst[start + i] = t[src[i]];
};

export const ST_DTYPES: ReadonlyMap<string, StDType> = new Map<string, StDType>([
  ['F32', { bytes: 4, to: 'float32', convert: null }],
  ['F64', { bytes: 8, to: 'float64', convert: null }],
  ['I32', { bytes: 4, to: 'int32', convert: null }],
  ['BOOL', { bytes: 1, to: 'bool', convert: (src, dst, start, count) => { for (let i = 0; i < count; i++) dst[start + i] = src[i] ? 1 : 0; } }],
  ['F16', { bytes: 2, to: 'float32', convert: (src, dst, start, count) => { for (let i = 0; i < count; i++) dst[start + i] = f16Table[src.readUInt16LE(2 * i)]; } }],
  ['BF16', { bytes: 2, to: 'float32', convert: (src, dst, start, count) => {
    const bits = new Uint32Array(1);
    const f = new Float32Array(bits.buffer);
    for (let i = 0; i < count; i++) {
      bits[0] = src.readUInt16LE(2 * i) << 16;
      dst[start + i] = f[0];
    }
  } }],
  ['F8_E5M2', { bytes: 1, to: 'float32', convert: table(e5m2) }],
  ['F8_E4M3', { bytes: 1, to: 'float32', convert: table(e4m3) }],
  ['I8', { bytes: 1, to: 'int32', convert: integers(1, (s, at) => s.readInt8(at)) }],
  ['U8', { bytes: 1, to: 'int32', convert: integers(1, (s, at) => s.readUInt8(at)) }],
  ['I16', { bytes: 2, to: 'int32', convert: integers(2, (s, at) => s.readInt16LE(at)) }],
  ['U16', { bytes: 2, to: 'int32', convert: integers(2, (s, at) => s.readUInt16LE(at)) }],
  ['U32', { bytes: 4, to: 'int32', convert: integers(4, (s, at) => s.readUInt32LE(at)) }],
  ['I64', { bytes: 8, to: 'int32', convert: integers(8, (s, at) => s.readBigInt64LE(at)) }],
  ['U64', { bytes: 8, to: 'int32', convert: integers(8, (s, at) => s.readBigUInt64LE(at)) }],
]);

/** The safetensors name of each dtype kindling writes. */
export const ST_NAME: Readonly<Record<DType, string>> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
