/**
 * Shape ops that copy or combine views: chunk, split, unbind, repeat, tile, repeatInterleave,
 * flip, roll, movedim, swapaxes, tril, triu, diag, trace, meshgrid, broadcastTo, unflatten,
 * rot90, diff. Each is a
 * composition of views and copying ops, so its gradient comes from theirs.
 */
import { checkOptions } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, normalizeDim } from '../tensor/shape.js';
import { arange } from '../tensor/create.js';
import { zerosTensor, copyInto } from './alloc.js';
import { record, recordMulti } from '../autograd/record.js';
import { checkTensor } from './unary.js';
import { cat, indexSelect, stack, where } from './indexing.js';
import { diagonal, expand, narrow, permute, reshape, select, transpose } from './views.js';
import { sum } from './reduce.js';
import { asIndexTensor, indexBuffer } from './index_tensor.js';

function checkInt(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${op}: expected ${name} to be an integer, but received ${describe(v)}`);
}

/** `chunks` views of nearly equal size along dim (the last may be smaller; fewer when dim is short). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  checkTensor('chunk', x);
  checkInt('chunk', 'chunks', chunks);
  if (chunks <= 0) throw new RangeError(`chunk: chunks must be greater than 0, but got ${chunks}`);
  const d = normalizeDim('chunk', dim, x.dim());
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, 1), d);
}

/** Views along dim of `size` each (the last may be smaller), or of the given sizes (which must add up). */
export function split(x: Tensor, sizes: number | number[], dim = 0): Tensor[] {
  checkTensor('split', x);
  if (x.dim() === 0) throw new RangeError('split: cannot split a 0-d tensor');
  const d = normalizeDim('split', dim, x.dim());
  const n = x.shape[d];
  let parts: number[];
  if (Array.isArray(sizes)) {
    sizes.forEach((s) => {
      checkInt('split', 'each size', s);
      if (s < 0) throw new RangeError(`split: sizes must be non-negative, but got ${formatShape(sizes)}`);
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new RangeError(`split: sizes ${formatShape(sizes)} add up to ${total}, but dimension ${d} has size ${n}`);
    parts = sizes;
  } else {
    checkInt('split', 'splitSize', sizes);
    if (sizes <= 0) throw new RangeError(`split: splitSize must be positive, but got ${sizes}`);
    parts = [];
    for (let s = 0; s < n; s += sizes) parts.push(Math.min(sizes, n - s));
    if (parts.length === 0) parts.push(0);
  }
  // plain views recorded as one node, whose backward concatenates the pieces' gradients: a
  // narrow per piece would each build a zero-filled gradient of all of x (quadratic in pieces)
  const out: Tensor[] = [];
  let start = 0;
  for (const len of parts) {
    const shape = x.shape.slice();
    shape[d] = len;
    out.push(new Tensor(x.storage, shape, x.strides.slice(), x.offset + start * x.strides[d], x.dtype, x.versionCounter));
    start += len;
  }
  if (out.length === 1) return [narrow(x, d, 0, n)];
  return recordMulti(out, 'SplitBackward', [x], (grads) => [cat(grads, d)]) as Tensor[];
}

/** The slices along dim, each without that dim (PyTorch's unbind). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  checkTensor('unbind', x);
  if (x.dim() === 0) throw new RangeError('unbind: dimension specified as 0 but tensor has no dimensions');
  const d = normalizeDim('unbind', dim, x.dim());
  if (x.shape[d] === 1) return [select(x, d, 0)];
  // views recorded as one node (its backward stacks the gradients), as split
  const shape = x.shape.filter((_, i) => i !== d);
  const strides = x.strides.filter((_, i) => i !== d);
  const out = Array.from({ length: x.shape[d] }, (_, i) => new Tensor(x.storage, shape.slice(), strides.slice(), x.offset + i * x.strides[d], x.dtype, x.versionCounter));
  return recordMulti(out, 'UnbindBackward', [x], (grads) => [stack(grads, d)]) as Tensor[];
}

/** x repeated sizes[i] times along each dim (more sizes than dims add leading dims). */
export function repeat(x: Tensor, sizes: number[]): Tensor {
  checkTensor('repeat', x);
  if (!Array.isArray(sizes)) throw new TypeError(`repeat: expected sizes as an array of integers, but received ${describe(sizes)}`);
  sizes.forEach((s) => {
    checkInt('repeat', 'each size', s);
    if (s < 0) throw new RangeError(`repeat: sizes must be non-negative, but got ${formatShape(sizes)}`);
  });
  if (sizes.length < x.dim()) {
    throw new RangeError(`repeat: number of repeat dims (${sizes.length}) can not be smaller than number of dimensions of tensor (${x.dim()})`);
  }
  const lead = sizes.length - x.dim();
  const padded = reshape(x, [...new Array<number>(lead).fill(1), ...x.shape]);
  // [a, b] repeated [r, s]: view as [1, a, 1, b], expand to [r, a, s, b], copy into [r*a, s*b]
  const interleaved: number[] = [];
  const expanded: number[] = [];
  padded.shape.forEach((n, i) => {
    interleaved.push(1, n);
    expanded.push(sizes[i], n);
  });
  return reshape(expand(reshape(padded, interleaved), expanded).contiguous(), padded.shape.map((n, i) => n * sizes[i]));
}

/** Like repeat, with fewer sizes than dims meaning leading 1s (numpy's tile). */
export function tile(x: Tensor, dims: number[]): Tensor {
  checkTensor('tile', x);
  if (!Array.isArray(dims)) throw new TypeError(`tile: expected dims as an array of integers, but received ${describe(dims)}`);
  const full = dims.length < x.dim() ? [...new Array<number>(x.dim() - dims.length).fill(1), ...dims] : dims;
  return repeat(x, full);
}

/**
 * Each element repeated `repeats` times (a number, or one count per element along dim), along
 * dim (or over the flattened tensor when dim is omitted).
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor | number[], dim?: number | null): Tensor {
  checkTensor('repeatInterleave', x);
  const src = dim === undefined || dim === null ? reshape(x, [-1]) : x;
  const d = dim === undefined || dim === null ? 0 : normalizeDim('repeatInterleave', dim, x.dim());
  const n = src.dim() === 0 ? 1 : src.shape[d];
  let counts: number[];
  if (typeof repeats === 'number') {
    checkInt('repeatInterleave', 'repeats', repeats);
    if (repeats < 0) throw new RangeError(`repeatInterleave: repeats must be non-negative, but got ${repeats}`);
    counts = new Array<number>(n).fill(repeats);
  } else {
    const r = asIndexTensor('repeatInterleave', repeats, 'repeats');
    counts = Array.from(r.reshape([-1]).toTypedArray());
    if (counts.length === 1 && n !== 1) counts = new Array<number>(n).fill(counts[0]);
    if (counts.length !== n) throw new RangeError(`repeatInterleave: repeats must have the same size as input along dim (${n}), but got ${counts.length}`);
    if (counts.some((c) => c < 0)) throw new RangeError('repeatInterleave: repeats must be non-negative');
  }
  const index = indexBuffer('repeatInterleave', 'repeated dim', counts.reduce((a, c) => a + c, 0));
  let at = 0;
  counts.forEach((c, i) => {
    index.fill(i, at, at + c);
    at += c;
  });
  return indexSelect(src, d, asIndexTensor('repeatInterleave', index, 'index'));
}

/** The elements in reverse order along each of dims (a copy, as in PyTorch). */
export function flip(x: Tensor, dims: number | number[]): Tensor {
  checkTensor('flip', x);
  const list = (Array.isArray(dims) ? dims : [dims]).map((d) => normalizeDim('flip', d, x.dim()));
  if (new Set(list).size !== list.length) throw new RangeError(`flip: dims has duplicates: ${formatShape(list)}`);
  let out = x;
  for (const d of list) {
    if (x.dim() === 0) break;
    out = indexSelect(out, d, arange(x.shape[d] - 1, -1, -1, { dtype: 'int32' }));
  }
  return out === x ? x.clone() : out;
}

/** Elements shifted by shifts along dims, wrapping around; without dims, over the flattened tensor. */
export function roll(x: Tensor, shifts: number | number[], dims?: number | number[] | null): Tensor {
  checkTensor('roll', x);
  const sh = Array.isArray(shifts) ? shifts : [shifts];
  sh.forEach((s) => checkInt('roll', 'shifts', s));
  if (dims === undefined || dims === null) {
    if (sh.length !== 1) throw new RangeError('roll: without dims, shifts must be a single number');
    return reshape(roll(reshape(x, [-1]), sh[0], 0), x.shape.slice());
  }
  const ds = Array.isArray(dims) ? dims : [dims];
  if (ds.length !== sh.length) throw new RangeError(`roll: shifts (${sh.length}) and dims (${ds.length}) must have the same length`);
  let out = x;
  ds.forEach((dim, i) => {
    const d = normalizeDim('roll', dim, x.dim());
    const n = x.shape[d];
    if (n === 0) return;
    const s = ((sh[i] % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
  });
  return out === x ? x.clone() : out;
}

/** Moves dims from `source` to `destination`, keeping the others in order (a view). */
export function movedim(x: Tensor, source: number | number[], destination: number | number[]): Tensor {
  checkTensor('movedim', x);
  const src = (Array.isArray(source) ? source : [source]).map((d) => normalizeDim('movedim', d, x.dim()));
  const dst = (Array.isArray(destination) ? destination : [destination]).map((d) => normalizeDim('movedim', d, x.dim()));
  if (src.length !== dst.length) throw new RangeError(`movedim: Invalid source or destination dims: source (${formatShape(src)}) and destination (${formatShape(dst)}) must have the same number of elements`);
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) throw new RangeError('movedim: repeated dim in source or destination');
  const order = new Array<number>(x.dim()).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = x.shape.map((_, i) => i).filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}

/** Swaps two dims (numpy's swapaxes; PyTorch's transpose). */
export const swapaxes = (x: Tensor, axis0: number, axis1: number): Tensor => transpose(x, axis0, axis1);

/** The positions of the last two dims on or below (tril) / above (triu) a diagonal. */
function triangle(op: 'tril' | 'triu', x: Tensor, diagonalOffset: number): Tensor {
  checkTensor(op, x);
  checkInt(op, 'diagonal', diagonalOffset);
  if (x.dim() < 2) throw new RangeError(`${op}: input tensor must have at least 2 dimensions, but has shape ${formatShape(x.shape)}`);
  const [rows, cols] = x.shape.slice(-2);
  const r = arange(0, rows, 1, { dtype: 'int32' }).reshape([rows, 1]);
  const c = arange(0, cols, 1, { dtype: 'int32' }).reshape([1, cols]);
  const offset = c.sub(r);
  const keep = op === 'tril' ? offset.le(diagonalOffset) : offset.ge(diagonalOffset);
  return where(keep, x, 0);
}

/** The lower triangle of the last two dims (on and below `diagonal`), zeros elsewhere. */
export const tril = (x: Tensor, diagonalOffset = 0): Tensor => triangle('tril', x, diagonalOffset);
/** The upper triangle of the last two dims (on and above `diagonal`), zeros elsewhere. */
export const triu = (x: Tensor, diagonalOffset = 0): Tensor => triangle('triu', x, diagonalOffset);

/** A 1-D tensor's elements on a diagonal of a new square matrix; a 2-D tensor's diagonal (a copy). */
export function diag(x: Tensor, diagonalOffset = 0): Tensor {
  checkTensor('diag', x);
  checkInt('diag', 'diagonal', diagonalOffset);
  if (x.dim() === 2) return diagonal(x, diagonalOffset, 0, 1).clone();
  if (x.dim() !== 1) throw new RangeError(`diag: expected a 1-D or 2-D tensor, but got shape ${formatShape(x.shape)}`);
  const n = x.shape[0] + Math.abs(diagonalOffset);
  const out = zerosTensor([n, n], x.dtype);
  copyInto(diagonal(out, diagonalOffset, 0, 1), x.detach());
  return record(out, 'DiagEmbedBackward', [x], (g) => [diagonal(g, diagonalOffset, 0, 1)]);
}

/** The sum of a 2-D tensor's main diagonal. */
export function trace(x: Tensor): Tensor {
  checkTensor('trace', x);
  if (x.dim() !== 2) throw new RangeError(`trace: expected a 2-D tensor, but got shape ${formatShape(x.shape)}`);
  return sum(diagonal(x, 0, 0, 1));
}

/**
 * Coordinate grids from 1-D tensors: output i varies along dim i ('ij', the default) or, with
 * indexing 'xy', the first two swapped (numpy's meshgrid). Views, not copies.
 */
export function meshgrid(tensors: Tensor[], options: { indexing?: 'ij' | 'xy' } = {}): Tensor[] {
  options = checkOptions('meshgrid', options, ['indexing']);
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError('meshgrid: expected a non-empty array of 1-D tensors');
  tensors.forEach((t, i) => {
    checkTensor('meshgrid', t);
    if (t.dim() > 1) throw new RangeError(`meshgrid: expected 0-D or 1-D tensors, but tensor ${i} has shape ${formatShape(t.shape)}`);
  });
  const xy = (options.indexing ?? 'ij') === 'xy' && tensors.length >= 2;
  const list = xy ? [tensors[1], tensors[0], ...tensors.slice(2)] : tensors;
  const shape = list.map((t) => t.numel());
  const out = list.map((t, i) => {
    const s = shape.map((_, j) => (j === i ? t.numel() : 1));
    return expand(reshape(t, s), shape);
  });
  // 'xy' built the grid from (y, x, ...): its shape is [ny, nx, ...]; hand back x's grid first
  return xy ? [out[1], out[0], ...out.slice(2)] : out;
}

/** x broadcast to shape, as a view (PyTorch's broadcast_to). */
export function broadcastTo(x: Tensor, shape: number[]): Tensor {
  checkTensor('broadcastTo', x);
  return expand(x, shape);
}


/** dim split into `sizes` (one may be -1), as a view where strides allow (PyTorch's unflatten). */
export function unflatten(x: Tensor, dim: number, sizes: number[]): Tensor {
  checkTensor('unflatten', x);
  if (x.dim() === 0) throw new RangeError('unflatten: cannot unflatten a 0-d tensor');
  const d = normalizeDim('unflatten', dim, x.dim());
  if (!Array.isArray(sizes) || sizes.length === 0) throw new TypeError(`unflatten: expected sizes to be a non-empty array, but received ${describe(sizes)}`);
  const known = sizes.reduce((p, s) => (s === -1 ? p : p * s), 1);
  const inferred = sizes.map((s) => (s === -1 && known > 0 ? x.shape[d] / known : s));
  if (inferred.reduce((p, s) => p * s, 1) !== x.shape[d] || inferred.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new RangeError(`unflatten: sizes ${formatShape(sizes)} don't multiply up to the size of dim ${d} (${x.shape[d]}) in the input ${formatShape(x.shape)}`);
  }
  return reshape(x, [...x.shape.slice(0, d), ...inferred, ...x.shape.slice(d + 1)]);
}

/** x rotated by 90° k times in the plane of dims (from the first towards the second), as PyTorch's rot90. */
export function rot90(x: Tensor, k = 1, dims: [number, number] = [0, 1]): Tensor {
  checkTensor('rot90', x);
  checkInt('rot90', 'k', k);
  if (!Array.isArray(dims) || dims.length !== 2) throw new RangeError(`rot90: expected dims to hold 2 dims, but received ${describe(dims)}`);
  if (x.dim() < 2) throw new RangeError(`rot90: expected a tensor with at least 2 dims, but got ${formatShape(x.shape)}`);
  const d0 = normalizeDim('rot90', dims[0], x.dim());
  const d1 = normalizeDim('rot90', dims[1], x.dim());
  if (d0 === d1) throw new RangeError(`rot90: the rotation dims must differ, but got ${d0} twice`);
  const turns = ((k % 4) + 4) % 4;
  if (turns === 1) return transpose(flip(x, [d1]), d0, d1);
  if (turns === 2) return flip(x, [d0, d1]);
  if (turns === 3) return transpose(flip(x, [d0]), d0, d1);
  return x.clone();
}

/**
 * The n-th forward difference along dim (PyTorch's diff): out[i] = x[i + 1] - x[i], after
 * concatenating `prepend` and `append` along dim. Bool tensors give their logical xor.
 */
export function diff(x: Tensor, n = 1, dim = -1, prepend: Tensor | null = null, append: Tensor | null = null): Tensor {
  checkTensor('diff', x);
  checkInt('diff', 'n', n);
  if (n < 0) throw new RangeError(`diff: order must be non-negative, but got ${n}`);
  if (x.dim() === 0) throw new RangeError('diff: expected at least a 1-dimensional tensor');
  const d = normalizeDim('diff', dim, x.dim());
  let y = prepend || append ? cat([prepend, x, append].filter((t): t is Tensor => t !== null), d) : x;
  for (let i = 0; i < n && y.shape[d] > 0; i++) {
    const len = y.shape[d] - 1;
    const hi = narrow(y, d, 1, len);
    const lo = narrow(y, d, 0, len);
    y = y.dtype === 'bool' ? hi.ne(lo) : hi.sub(lo);
  }
  return y;
}
