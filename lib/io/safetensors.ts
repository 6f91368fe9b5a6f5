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
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { Tensor } from '../tensor/tensor.js';
import { bytesPerElement, uninitStorage } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { writeFileAtomic } from './atomic_file.js';
import { ST_DTYPES, ST_NAME } from './safetensors_dtypes.js';

/** Larger headers are refused before parsing (the Python reader's limit). */
const MAX_HEADER = 100_000_000;
/** Deeper JSON nesting is refused before parsing: a header is two levels deep, a saved structure a few more. */
const MAX_DEPTH = 64;
const SKELETON_KEY = 'kindling.structure';
/** Tensor data is read in pieces of at most this many bytes (conversions need a staging buffer). */
const READ_CHUNK = 1 << 26;

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
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) Object.defineProperty(out, k, { value: split(v, path ? `${path}.${k}` : k, tensors), enumerable: true, writable: true, configurable: true });
    }
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
    // defineProperty, not assignment: a key named __proto__ must stay a key, never a prototype.
    const out: Record<string, Saveable> = {};
    for (const [k, v] of Object.entries(o)) Object.defineProperty(out, k, { value: join(v, tensors), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value as Saveable;
}

/** The safetensors bytes of named tensors plus string metadata, as pieces to write in order. */
function encode(tensors: Map<string, Tensor>, metadata: Record<string, string>): Uint8Array[] {
  if (endianness() !== 'LE') throw new Error('save: safetensors files are little-endian; big-endian machines are not supported');
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const c = t.contiguous();
    const bytes = c.numel() * bytesPerElement(c.dtype);
    chunks.push(new Uint8Array(c.storage.buffer, c.storage.byteOffset + c.offset * bytesPerElement(c.dtype), bytes));
    Object.defineProperty(header, name, {
      value: { dtype: ST_NAME[c.dtype], shape: c.shape.slice(), data_offsets: [offset, offset + bytes] },
      enumerable: true,
    });
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
 * The file appears complete or not at all: on any failure (a full disk, a missing folder) it
 * throws, naming the path and the cause, and the previous file at `path` is left unchanged.
 * Throws TypeError for values it cannot store.
 */
export function save(obj: Saveable | object, path: string): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`save: expected a file path, but received ${describe(path)}`);
  const tensors = new Map<string, Tensor>();
  const metadata: Record<string, string> = { format: 'pt' };
  if (isFlatTensorDict(obj)) {
    for (const [k, t] of Object.entries(obj)) {
      if (k === '__metadata__') throw new TypeError('save: "__metadata__" is reserved by the safetensors format; rename that tensor');
      tensors.set(k, t);
    }
  } else {
    metadata[SKELETON_KEY] = JSON.stringify(split(obj, '', tensors));
  }
  writeFileAtomic('save', path, encode(tensors, metadata));
}

function bad(path: string, what: string): never {
  throw new RangeError(`load: ${path} is not a valid safetensors file: ${what}`);
}

/** The deepest nesting of arrays and objects in JSON text, counted without parsing it. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;  // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) {
      depth--;
    }
  }
  return max;
}

/** Parses JSON after checking its nesting, so a hostile file can neither overflow the stack nor stall. */
function parseBounded(path: string, what: string, text: string): unknown {
  if (jsonDepth(text) > MAX_DEPTH) bad(path, `${what} nests deeper than ${MAX_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch (e) {
    bad(path, `${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** Reads exactly `length` bytes at `position` into `into`, or throws (the file shrank?). */
function readExactly(fd: number, into: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, Math.min(into.length - done, READ_CHUNK), position + done);
    if (n <= 0) bad(path, `the file ended after ${position + done} bytes while reading (was it truncated while loading?)`);
    done += n;
  }
}

interface Entry {
  name: string;
  stDType: string;
  shape: number[];
  begin: number;
  end: number;
}

function checkEntry(path: string, name: string, raw: unknown, dataLen: number): Entry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad(path, `entry "${name}" is not an object`);
  const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  const st = typeof e.dtype === 'string' ? ST_DTYPES.get(e.dtype) : undefined;
  if (!st) {
    bad(path, `tensor "${name}" has dtype ${JSON.stringify(e.dtype) ?? 'undefined'}, which kindling cannot read (it reads ${[...ST_DTYPES.keys()].join(', ')})`);
  }
  if (!Array.isArray(e.shape) || e.shape.some((s) => !Number.isSafeInteger(s) || s < 0)) bad(path, `tensor "${name}" has an invalid shape ${JSON.stringify(e.shape)}`);
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || off.some((o) => !Number.isSafeInteger(o) || o < 0)) bad(path, `tensor "${name}" has invalid data_offsets ${JSON.stringify(off)}`);
  const [begin, end] = off as number[];
  if (begin > end || end > dataLen) bad(path, `tensor "${name}" has data_offsets [${begin}, ${end}] outside the ${dataLen} data bytes`);
  const shape = e.shape as number[];
  let numel = 1;
  for (const s of shape) numel *= s;
  if (numel * st.bytes !== end - begin) bad(path, `tensor "${name}" of shape [${shape.join(', ')}] needs ${numel * st.bytes} bytes of ${e.dtype} but its offsets span ${end - begin}`);
  return { name, stDType: e.dtype as string, shape, begin, end };
}

/** Reads one tensor's bytes from the file into a new tensor of kindling's matching dtype. */
function readTensor(fd: number, dataStart: number, e: Entry, path: string): Tensor {
  const st = ST_DTYPES.get(e.stDType)!;
  const numel = (e.end - e.begin) / st.bytes;
  const storage = uninitStorage(st.to, numel, 'load');
  if (st.convert === null) {
    readExactly(fd, new Uint8Array(storage.buffer, storage.byteOffset, e.end - e.begin), dataStart + e.begin, path);
  } else {
    const per = Math.max(1, Math.floor(READ_CHUNK / st.bytes));
    const staging = Buffer.allocUnsafe(Math.min(numel, per) * st.bytes);
    for (let first = 0; first < numel; first += per) {
      const count = Math.min(per, numel - first);
      const piece = staging.subarray(0, count * st.bytes);
      readExactly(fd, piece, dataStart + e.begin + first * st.bytes, path);
      try {
        st.convert(piece, storage, first, count);
      } catch (err) {
        bad(path, `tensor "${e.name}" (${e.stDType}) ${(err as Error).message}`);
      }
    }
  }
  return Tensor.fromStorage(storage, e.shape, st.to);
}

/**
 * Reads a file written by kd.save or by another safetensors writer (Python's safetensors,
 * PyTorch checkpoints converted to it). F16, BF16 and 8-bit floats load as float32; 8- to
 * 64-bit integers as int32 when every value fits. Only regular files are read, in pieces, so
 * files over 2 GiB load too. Validates the header (size, nesting, UTF-8, JSON, dtypes, shapes,
 * offsets) against the file before reading any tensor, and throws a RangeError saying what is
 * wrong otherwise. T lets the caller name the shape it saved (e.g. `load<StateDict>(p)`); it is
 * not checked.
 */
export function load<T = Saveable>(path: string): T {
  if (typeof path !== 'string' || path === '') throw new TypeError(`load: expected a file path, but received ${describe(path)}`);
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) bad(path, 'it is not a regular file (a device, FIFO, socket or folder)');
    const size = stat.size;
    if (size < 8) bad(path, `${size} bytes is shorter than the 8-byte header length`);
    const lenBytes = Buffer.alloc(8);
    readExactly(fd, lenBytes, 0, path);
    const headerLen = lenBytes.readBigUInt64LE(0);
    if (headerLen > BigInt(MAX_HEADER)) bad(path, `header length ${headerLen} is over the ${MAX_HEADER}-byte limit`);
    const n = Number(headerLen);
    if (8 + n > size) bad(path, `header length ${n} runs past the end of the ${size}-byte file (truncated?)`);
    const headerBytes = Buffer.alloc(n);
    readExactly(fd, headerBytes, 8, path);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      bad(path, 'header is not valid UTF-8');
    }
    const header = parseBounded(path, 'header', text);
    if (typeof header !== 'object' || header === null || Array.isArray(header)) bad(path, 'header is not a JSON object');
    const dataStart = 8 + n;
    const dataLen = size - dataStart;
    const entries: Entry[] = [];
    let metadata: Record<string, string> = {};
    for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== 'string')) {
          bad(path, '__metadata__ must map strings to strings');
        }
        metadata = raw as Record<string, string>;
        continue;
      }
      entries.push(checkEntry(path, name, raw, dataLen));
    }
    const sorted = entries.slice().sort((a, b) => a.begin - b.begin);
    let pos = 0;
    for (const e of sorted) {
      if (e.begin !== pos) bad(path, e.begin < pos ? `tensor "${e.name}" overlaps the tensor before it` : `a gap of ${e.begin - pos} bytes precedes tensor "${e.name}"`);
      pos = e.end;
    }
    if (pos !== dataLen) bad(path, `${dataLen - pos} bytes after the last tensor`);
    const tensors = new Map<string, Tensor>();
    for (const e of entries) tensors.set(e.name, readTensor(fd, dataStart, e, path));
    const skeleton = Object.hasOwn(metadata, SKELETON_KEY) ? metadata[SKELETON_KEY] : undefined;
    if (skeleton === undefined) return Object.fromEntries(tensors) as T;
    return join(parseBounded(path, `metadata "${SKELETON_KEY}"`, skeleton), tensors) as T;
  } finally {
    closeSync(fd);
  }
}
