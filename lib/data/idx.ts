/**
 * The IDX format of MNIST and Fashion-MNIST (gzipped or raw), read with every header field
 * checked against the file size before any data is used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses IDX bytes holding unsigned bytes; throws naming the file on any inconsistency. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) throw new RangeError(`${name}: too short to be an IDX file (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(`${name}: bad magic number 0x${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')} (an IDX file starts with two zero bytes)`);
  }
  if (bytes[2] !== 0x08) throw new RangeError(`${name}: element type 0x${bytes[2].toString(16)} is not supported (expected 0x08, unsigned bytes)`);
  const nd = bytes[3];
  if (nd < 1 || nd > 4) throw new RangeError(`${name}: ${nd} dimensions is not a valid IDX image or label file`);
  const headerLen = 4 + 4 * nd;
  if (bytes.length < headerLen) throw new RangeError(`${name}: truncated header (${bytes.length} bytes, needs ${headerLen})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < nd; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expected = headerLen + count;
  if (bytes.length < expected) throw new RangeError(`${name}: truncated: the header promises ${count} values (shape [${dims.join(', ')}]) but the file has ${bytes.length - headerLen}`);
  if (bytes.length > expected) throw new RangeError(`${name}: ${bytes.length - expected} unexpected bytes after the ${count} values the header describes`);
  return { dims, data: bytes.subarray(headerLen, expected) };
}

/** Reads an IDX file, gunzipping it when it starts with gzip's magic bytes. */
export function readIdx(path: string): IdxArray {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new RangeError(`${path}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  return parseIdx(bytes, path);
}

/** The first existing `<dir>/<base>` or `<dir>/<base>.gz` among the candidate folders, or null. */
export function findIdx(dirs: string[], base: string): string | null {
  for (const d of dirs) {
    for (const f of [base, `${base}.gz`]) {
      const p = join(d, f);
      if (existsSync(p)) return p;
    }
  }
  return null;
}
