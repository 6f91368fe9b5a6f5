/**
 * kd.save / kd.load in the safetensors format (readable by Python's `safetensors`):
 * an 8-byte little-endian header length, a JSON header of dtypes, shapes and byte offsets,
 * then the raw data. Writes go to a temporary file renamed into place, so a crash never
 * leaves half a checkpoint; reads check every header field against the file before use.
 *
 * A flat { name: Tensor } object (a model's state dict) is stored as plain safetensors.
 * Nested objects with numbers, strings and arrays (an optimizer's state dict, a training
 * checkpoint) keep their structure in the header's `__metadata__`.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { Tensor } from '../tensor/tensor.js';
import { zeroStorage, type DType } from '../tensor/dtype.js';
import { describe, numelOf } from '../tensor/shape.js';

const TO_ST: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
const FROM_ST: Record<string, DType> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
/** Larger headers are refused before parsing (the Python reader's limit). */
const MAX_HEADER = 100_000_000;
const SKELETON_KEY = 'kindling.structure';

/** What kd.save accepts and kd.load returns. */
export type Saveable = Tensor | number | string | boolean | null | Saveable[] | { [key: string]: Saveable };

function isFlatTensorDict(obj: unknown): obj is Record<string, Tensor> {
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj) && !(obj instanceof Tensor) &&
    Object.values(obj).every((v) => v instanceof Tensor);
}

/** Replaces tensors by {"$tensor": path} markers and collects them under those paths. */
function split(value: unknown, path: string, tensors: Map<string, Tensor>): unknown {
  if (value instanceof Tensor) {
    tensors.set(path, value);
    return { $tensor: path };
  }
  if (Array.isArray(value)) return value.map((v, i) => (v === undefined ? null : split(v, path ? `${path}.${i}` : String(i), tensors)));
  if (typeof value === 'object' && value !== null) {
    if (value instanceof Map || ArrayBuffer.isView(value)) throw new TypeError(`save: cannot store ${describe(value)} at "${path}"; use tensors, numbers, strings, arrays and plain objects`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = split(v, path ? `${path}.${k}` : k, tensors);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) {
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  }
  throw new TypeError(`save: cannot store ${describe(value)} at "${path}"`);
}

function join(value: unknown, tensors: Map<string, Tensor>): Saveable {
  if (Array.isArray(value)) return value.map((v) => join(v, tensors));
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.$tensor === 'string') {
      const t = tensors.get(o.$tensor);
      if (!t) throw new RangeError(`load: the structure refers to tensor "${o.$tensor}", which the file does not hold`);
      return t;
    }
    if (typeof o.$number === 'string') return Number(o.$number);
    const out: Record<string, Saveable> = {};
    for (const [k, v] of Object.entries(o)) out[k] = join(v, tensors);
    return out;
  }
  return value as Saveable;
}

/** The safetensors bytes of named tensors plus string metadata. */
function encode(tensors: Map<string, Tensor>, metadata: Record<string, string>): Buffer[] {
  if (endianness() !== 'LE') throw new Error('save: safetensors files are little-endian; big-endian machines are not supported');
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const c = t.contiguous();
    const bytes = c.numel() * BYTES[c.dtype];
    const view = Buffer.from(c.storage.buffer, c.storage.byteOffset + c.offset * BYTES[c.dtype], bytes);
    header[name] = { dtype: TO_ST[c.dtype], shape: c.shape.slice(), data_offsets: [offset, offset + bytes] };
    chunks.push(view);
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);  // keep the data 8-byte aligned
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return [head, Buffer.from(json, 'utf8'), ...chunks];
}

/**
 * Saves tensors (and the numbers, strings and arrays around them) to `path` as safetensors.
 * Throws TypeError for values it cannot store; the file appears complete or not at all.
 */
export function save(obj: Saveable | object, path: string): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`save: expected a file path, but received ${describe(path)}`);
  const tensors = new Map<string, Tensor>();
  const metadata: Record<string, string> = { format: 'pt' };
  if (isFlatTensorDict(obj)) {
    for (const [k, t] of Object.entries(obj)) tensors.set(k, t);
  } else {
    metadata[SKELETON_KEY] = JSON.stringify(split(obj, '', tensors));
  }
  const parts = encode(tensors, metadata);
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    for (const p of parts) writeSync(fd, p);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

function bad(path: string, what: string): never {
  throw new RangeError(`load: ${path} is not a valid safetensors file: ${what}`);
}

/**
 * Reads a file written by kd.save (or by Python's safetensors). Validates the header length,
 * JSON, dtypes, shapes and offsets against the file size before reading any tensor, and
 * throws a RangeError saying what is wrong otherwise. T lets the caller name the shape it
 * saved (e.g. `load<StateDict>(p)`); it is not checked.
 */
export function load<T = Saveable>(path: string): T {
  if (typeof path !== 'string' || path === '') throw new TypeError(`load: expected a file path, but received ${describe(path)}`);
  const file = readFileSync(path);
  if (file.length < 8) bad(path, `${file.length} bytes is shorter than the 8-byte header length`);
  const headerLen = file.readBigUInt64LE(0);
  if (headerLen > BigInt(MAX_HEADER)) bad(path, `absurd header length ${headerLen}`);
  const n = Number(headerLen);
  if (8 + n > file.length) bad(path, `header length ${n} runs past the end of the ${file.length}-byte file (truncated?)`);
  let header: unknown;
  try {
    header = JSON.parse(file.subarray(8, 8 + n).toString('utf8'));
  } catch (e) {
    bad(path, `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) bad(path, 'header is not a JSON object');
  const dataStart = 8 + n;
  const dataLen = file.length - dataStart;
  const entries: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Object.values(raw).some((v) => typeof v !== 'string')) bad(path, '__metadata__ must map strings to strings');
      metadata = raw as Record<string, string>;
      continue;
    }
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) bad(path, `entry "${name}" is not an object`);
    const dtype = FROM_ST[String(e.dtype)];
    if (!dtype) bad(path, `tensor "${name}" has unsupported dtype ${JSON.stringify(e.dtype)} (kindling reads F32, F64, I32, BOOL)`);
    if (!Array.isArray(e.shape) || e.shape.some((s) => !Number.isSafeInteger(s) || s < 0)) bad(path, `tensor "${name}" has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || off.some((o) => !Number.isSafeInteger(o) || o < 0)) bad(path, `tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as number[];
    if (begin > end || end > dataLen) bad(path, `tensor "${name}" has data_offsets [${begin}, ${end}] outside the ${dataLen} data bytes`);
    const shape = e.shape as number[];
    const numel = numelOf(shape);
    if (numel * BYTES[dtype] !== end - begin) bad(path, `tensor "${name}" of shape [${shape.join(', ')}] needs ${numel * BYTES[dtype]} bytes but its offsets span ${end - begin}`);
    entries.push({ name, dtype, shape, begin, end });
  }
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin);
  let pos = 0;
  for (const e of sorted) {
    if (e.begin !== pos) bad(path, e.begin < pos ? `tensor "${e.name}" overlaps the tensor before it` : `a gap of ${e.begin - pos} bytes precedes tensor "${e.name}"`);
    pos = e.end;
  }
  if (pos !== dataLen) bad(path, `${dataLen - pos} bytes after the last tensor`);
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const storage = zeroStorage(e.dtype, numelOf(e.shape));
    new Uint8Array(storage.buffer, storage.byteOffset, e.end - e.begin).set(file.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, Tensor.fromStorage(storage, e.shape, e.dtype));
  }
  const skeleton = metadata[SKELETON_KEY];
  if (skeleton === undefined) return Object.fromEntries(tensors) as T;
  let structure: unknown;
  try {
    structure = JSON.parse(skeleton);
  } catch {
    bad(path, `metadata "${SKELETON_KEY}" is not valid JSON`);
  }
  return join(structure, tensors) as T;
}
