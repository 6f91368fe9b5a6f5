/**
 * Sorting and selection: sort (stable), argsort, topk, kthvalue, median, mode on the native
 * `order` kernel; unique, searchsorted, bucketize, isin, bincount and histc over the sorted or flat data.
 * Results with indices are PyTorch's named tuples, `{ values, indices }`.
 */
import { checkFlag, checkOptions, checkNumber } from '../options.js';
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { describe, formatShape, normalizeDim } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { emptyTensor } from './alloc.js';
import { axisLayout, axisSplit } from './layout.js';
import { record } from '../autograd/record.js';
import { contiguous } from './copy.js';
import { checkTensor } from './unary.js';
import { scatterToIndices } from './reduce.js';
import { reshape, squeeze } from './views.js';
import { gather } from './indexing.js';

const O = native.orderOps;

/** `{ values, indices }`, as PyTorch's named tuples. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function orderDim(op: string, x: Tensor, dim: number): number {
  checkTensor(op, x);
  if (x.dtype === 'bool') throw new TypeError(`${op}: not defined for bool tensors; convert with .int()`);
  if (typeof dim !== 'number') throw new TypeError(`${op}: expected dim to be a number, but received ${describe(dim)}`);
  return x.dim() === 0 ? 0 : normalizeDim(op, dim, x.dim());
}

/** Runs the order kernel along d with n outputs per lane; values get x's gradient through their indices. */
function runOrder(op: keyof typeof O, name: string, x: Tensor, d: number, n: number, k: number, descending: boolean): ValuesIndices {
  const xv = x.dim() === 0 ? reshape(x, [1]) : x;
  const xc = contiguous(xv.detach());
  const shape = xv.shape.slice();
  shape[d] = n;
  const values = emptyTensor(shape, x.dtype, name);
  const indices = emptyTensor(shape, 'int32', name);
  native.order(O[op], values.storage, indices.storage as Int32Array, xc.storage, axisLayout(xc, d, k), descending);
  if (isFloating(x.dtype)) {
    record(values, `${name[0].toUpperCase()}${name.slice(1)}Backward`, [xv], (g) => [scatterToIndices(g, indices, xv, d)]);
  }
  if (x.dim() === 0) return { values: reshape(values, []), indices: reshape(indices, []) };
  return { values, indices };
}

/** Options of sort: PyTorch's keyword-only `stable` (kindling's sort is always stable). */
export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

/**
 * The elements sorted along dim (default -1), ascending unless descending; equal elements keep
 * their order (stable), NaN sorts above every number. Returns `{ values, indices }`.
 */
export function sort(x: Tensor, dim: number | SortOptions = -1, descending = false): ValuesIndices {
  if (typeof dim === 'object' && dim !== null) ({ dim = -1, descending = false } = checkOptions('sort', dim, ['dim', 'descending', 'stable']));
  descending = checkFlag('sort', 'descending', descending);
  if (x instanceof Tensor && x.dtype === 'bool') {
    // PyTorch sorts bools (False first); through int32, back to bool
    const r = sort(x.to('int32'), dim, descending);
    return { values: r.values.to('bool'), indices: r.indices };
  }
  const d = orderDim('sort', x, dim as number);
  const n = x.dim() === 0 ? 1 : x.shape[d];
  return runOrder('sort', 'sort', x, d, n, n, descending);
}

/** The indices that sort x along dim (int32). */
export function argsort(x: Tensor, dim: number | SortOptions = -1, descending = false): Tensor {
  return sort(x, dim, descending).indices;
}

/** Options of topk (PyTorch's positional dim, largest, sorted, also by name). */
export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** The k largest (or smallest) elements along dim (default -1), in order: `{ values, indices }`. */
export function topk(x: Tensor, k: number, dim: number | TopkOptions = -1, largest = true, sorted = true): ValuesIndices {
  if (typeof dim === 'object' && dim !== null) ({ dim = -1, largest = true, sorted = true } = checkOptions('topk', dim, ['dim', 'largest', 'sorted']));
  largest = checkFlag('topk', 'largest', largest);
  checkFlag('topk', 'sorted', sorted);
  void sorted;  // always sorted: the kernel orders the k it selects
  const d = orderDim('topk', x, dim as number);
  const n = x.dim() === 0 ? 1 : x.shape[d];
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`topk: k (${String(k)}) is out of range for dimension ${d} of size ${n} in a tensor of shape ${formatShape(x.shape)}`);
  }
  return runOrder('topk', 'topk', x, d, k, k, largest);
}

function keepOrSqueeze(op: string, r: ValuesIndices, d: number, keepdim: boolean, x: Tensor): ValuesIndices {
  if (checkFlag(op, 'keepdim', keepdim) || x.dim() === 0) return r;
  return { values: squeeze(r.values, d), indices: squeeze(r.indices, d) };
}

/** The k-th smallest element (k from 1) along dim (default -1): `{ values, indices }`. */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  const d = orderDim('kthvalue', x, dim);
  const n = x.dim() === 0 ? 1 : x.shape[d];
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`kthvalue: k (${String(k)}) must be between 1 and the size of dimension ${d} (${n})`);
  }
  return keepOrSqueeze('kthvalue', runOrder('kthvalue', 'kthvalue', x, d, 1, k, false), d, keepdim, x);
}

/**
 * value, a reduction of all of x to one of its elements, recorded with PyTorch's full median
 * gradient: shared evenly by every element equal to it (NaN by every NaN).
 */
function sharedEvenly(name: string, x: Tensor, value: Tensor): Tensor {
  return record(value, name, [x], (g) => {
    const v = x.detach();
    const hit = value.isnan().item() === 1 ? v.isnan() : v.eq(value);
    return [hit.to(g.dtype).mul(g.div(hit.sum().to(g.dtype)))];
  });
}

/**
 * The median (the lower one of an even count, as PyTorch): of all elements as a 0-d tensor, or
 * along dim as `{ values, indices }`. A lane holding NaN has median NaN.
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  checkTensor('median', x);
  if (dim === undefined) {
    if (x.numel() === 0) throw new RangeError('median: expected a non-empty tensor');
    return sharedEvenly('MedianBackward', x, runOrder('median', 'median', reshape(x.detach(), [-1]), 0, 1, 0, false).values.reshape([]));
  }
  const d = orderDim('median', x, dim);
  if (x.dim() > 0 && x.shape[d] === 0) throw new RangeError(`median: expected reduction dim ${d} to have non-zero size`);
  return keepOrSqueeze('median', runOrder('median', 'median', x, d, 1, 0, false), d, keepdim, x);
}

/**
 * The median of the elements that are not NaN (PyTorch's nanmedian): of all of them (its
 * gradient spread evenly over the elements equal to it, as median's), or along dim as
 * `{ values, indices }`, the lower middle one for an even count, NaN at index 0 for a slice of
 * NaN only. Throws for an empty tensor or reduced dim.
 */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function nanmedian(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  checkTensor('nanmedian', x);
  if (dim === undefined) {
    if (x.numel() === 0) throw new RangeError('nanmedian: expected a non-empty tensor');
    return sharedEvenly('NanmedianBackward', x, nanmedian(reshape(x.detach(), [-1]), 0).values.reshape([]));
  }
  const d = orderDim('nanmedian', x, dim);
  if (x.dim() > 0 && x.shape[d] === 0) throw new RangeError(`nanmedian: expected reduction dim ${d} to have non-zero size`);
  const xv = x.dim() === 0 ? reshape(x, [1]) : x;
  // NaN sorts last, so the k-th of a slice's c numbers is at k = (c - 1) / 2 of its sorted order
  const order = sort(xv.detach(), d).indices;
  const counts = xv.detach().isnan().logicalNot().sum(d, true);
  const k = tensor(Int32Array.from(counts.toTypedArray(), (c) => Math.max(0, Math.floor((Number(c) - 1) / 2))), { dtype: 'int32' }).reshape([...counts.shape]);
  const indices = gather(order, d, k);
  return keepOrSqueeze('nanmedian', { values: gather(xv, d, indices), indices }, d, keepdim, x);
}

/**
 * The most frequent value along dim (default -1) and the index of its last occurrence:
 * `{ values, indices }`. Among equally frequent values, the smallest.
 */
export function mode(x: Tensor, dim = -1, keepdim = false): ValuesIndices {
  if (x instanceof Tensor && x.dtype === 'bool') {
    // PyTorch's mode takes bools (the other order statistics do not): through int32
    const r = mode(x.to('int32'), dim, keepdim);
    return { values: r.values.to('bool'), indices: r.indices };
  }
  const d = orderDim('mode', x, dim);
  const xv = x.dim() === 0 ? reshape(x, [1]) : x;
  const sorted = sort(xv.detach(), d);
  const [outer, R, inner] = axisSplit(xv.shape, d);
  if (R === 0) throw new RangeError(`mode: expected reduction dim ${d} to have non-zero size`);
  const sv = sorted.values.toTypedArray();
  const si = sorted.indices.toTypedArray();
  const shape = xv.shape.slice();
  shape[d] = 1;
  const values = emptyTensor(shape, x.dtype);
  const indices = emptyTensor(shape, 'int32');
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (r: number) => o * R * inner + r * inner + j;
      let best = 0;
      let bestLen = 0;
      let bestIndex = 0;
      for (let r = 0; r < R;) {
        let e = r;
        let last = si[at(r)];
        while (e + 1 < R && (sv[at(e + 1)] === sv[at(r)] || (Number.isNaN(sv[at(e + 1)]) && Number.isNaN(sv[at(r)])))) {
          e++;
          last = Math.max(last, si[at(e)]);
        }
        if (e - r + 1 > bestLen) {
          bestLen = e - r + 1;
          best = sv[at(r)];
          bestIndex = last;
        }
        r = e + 1;
      }
      values.storage[o * inner + j] = best;
      indices.storage[o * inner + j] = bestIndex;
    }
  }
  if (isFloating(x.dtype)) record(values, 'ModeBackward', [xv], (g) => [scatterToIndices(g, indices, xv, d)]);
  const r = x.dim() === 0 ? { values: reshape(values, []), indices: reshape(indices, []) } : { values, indices };
  return keepOrSqueeze('mode', r, d, keepdim, x);
}

/** Options of unique (PyTorch's keywords). */
export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
}

/**
 * The distinct elements of the flattened x, in ascending order. With returnInverse and/or
 * returnCounts, an array [values, inverse?, counts?] as PyTorch's tuple: inverse maps each
 * element of x (in x's shape) to its position in values; counts how often each occurs.
 */
export function unique(x: Tensor, options: UniqueOptions = {}): Tensor | Tensor[] {
  options = checkOptions('unique', options, ['sorted', 'returnInverse', 'returnCounts']);
  checkTensor('unique', x);
  const flat = reshape(x.detach(), [-1]);
  const src = flat.dtype === 'bool' ? flat.to('int32') : flat;
  const { values: sv, indices: si } = sort(src, 0);
  const v = sv.toTypedArray();
  const idx = si.toTypedArray();
  const out: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const same = out.length > 0 && (v[i] === out[out.length - 1] || (Number.isNaN(v[i]) && Number.isNaN(out[out.length - 1])));
    if (!same) {
      out.push(v[i]);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[idx[i]] = out.length - 1;
  }
  const values = tensor(out, { dtype: x.dtype });
  if (!options.returnInverse && !options.returnCounts) return values;
  const result = [values];
  if (options.returnInverse) result.push(tensor(inverse, { dtype: 'int32' }).reshape(x.shape.slice()));
  if (options.returnCounts) result.push(tensor(counts, { dtype: 'int32' }));
  return result;
}

/**
 * For each value, the index where it would be inserted into `sortedSequence` (sorted along its
 * last dim) to keep it sorted: the first such place, or the last with `{ right: true }` (or
 * `side: 'right'`). A 1-D sequence serves every value; an N-D one matches values row by row.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options: { right?: boolean; side?: 'left' | 'right' } = {}): Tensor {
  options = checkOptions('searchsorted', options, ['right', 'side']);
  checkTensor('searchsorted', sortedSequence);
  const right = options.right ?? options.side === 'right';
  const vals = values instanceof Tensor ? values : tensor(values);
  const seq = contiguous(sortedSequence.detach()).toTypedArray();
  const n = sortedSequence.dim() === 0 ? 1 : sortedSequence.shape[sortedSequence.dim() - 1];
  const rows = sortedSequence.dim() <= 1 ? 1 : seq.length / Math.max(n, 1);
  if (sortedSequence.dim() > 1 && (vals.dim() !== sortedSequence.dim() || vals.shape.slice(0, -1).some((s, i) => s !== sortedSequence.shape[i]))) {
    throw new RangeError(`searchsorted: the leading dims of sortedSequence ${formatShape(sortedSequence.shape)} and values ${formatShape(vals.shape)} must match`);
  }
  const v = contiguous(vals.detach()).toTypedArray();
  const perRow = rows === 1 ? v.length : vals.shape[vals.dim() - 1];
  const out = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const base = rows === 1 ? 0 : Math.floor(i / perRow) * n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const s = seq[base + mid];
      // negated comparisons, as PyTorch's: a NaN value (or NaN in the sequence) sorts last
      if (right ? !(s > v[i]) : !(s >= v[i])) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return tensor(out, { dtype: 'int32' }).reshape(vals.shape.slice());
}

/**
 * How often each non-negative integer occurs in a 1-D int tensor (length max + 1, at least
 * minlength); with weights, their sums instead of counts.
 */
export function bincount(x: Tensor, options: { weights?: Tensor | null; minlength?: number } = {}): Tensor {
  options = checkOptions('bincount', options, ['weights', 'minlength']);
  checkTensor('bincount', x);
  if (x.dim() !== 1 || (x.dtype !== 'int32' && x.dtype !== 'bool')) throw new TypeError(`bincount: expected a 1-D int32 tensor, but got a ${x.dtype} tensor of shape ${formatShape(x.shape)}`);
  const data = x.toTypedArray();
  let max = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) throw new RangeError(`bincount: input must hold non-negative integers, but element ${i} is ${data[i]}`);
    if (data[i] > max) max = data[i];
  }
  const minlength = options.minlength ?? 0;
  const len = Math.max(max + 1, minlength);
  const w = options.weights;
  if (w && (w.dim() !== 1 || w.shape[0] !== data.length)) throw new RangeError(`bincount: weights must have shape [${data.length}], but has ${formatShape(w.shape)}`);
  const out = w ? new Float64Array(len) : new Int32Array(len);
  const wv = w ? w.detach().toTypedArray() : null;
  for (let i = 0; i < data.length; i++) out[data[i]] += wv ? wv[i] : 1;
  return w ? tensor(out, { dtype: w.dtype === 'float32' ? 'float32' : 'float64' }) : tensor(out, { dtype: 'int32' });
}

/**
 * A histogram of x's elements in `bins` equal bins over [min, max] (both 0: the data's own
 * range); elements outside are ignored. Float result, as PyTorch.
 */
export function histc(x: Tensor, bins = 100, min = 0, max = 0): Tensor {
  checkTensor('histc', x);
  if (!isFloating(x.dtype)) throw new TypeError(`histc: expected a floating-point tensor, but got ${x.dtype}`);
  if (!Number.isInteger(bins) || bins <= 0) throw new RangeError(`histc: bins must be a positive integer, but got ${bins}`);
  checkNumber('histc', 'min', min);
  checkNumber('histc', 'max', max);
  const data = x.detach().toTypedArray();
  let lo = min;
  let hi = max;
  if (lo === 0 && hi === 0 && data.length > 0) {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < data.length; i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
  }
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  if (!(lo < hi)) throw new RangeError(`histc: max must be larger than min (got min ${min}, max ${max})`);
  const out = new Float64Array(bins);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = v === hi ? bins - 1 : Math.floor(((v - lo) / (hi - lo)) * bins);
    out[b]++;
  }
  return tensor(out, { dtype: x.dtype });
}

/** For each value of input, the bucket of the 1-D sorted `boundaries` it falls in (PyTorch's bucketize). */
export function bucketize(input: Tensor | number, boundaries: Tensor, options: { right?: boolean } = {}): Tensor {
  options = checkOptions('bucketize', options, ['right']);
  checkTensor('bucketize', boundaries);
  if (boundaries.dim() !== 1) throw new RangeError(`bucketize: boundaries must be 1-D, but got ${formatShape(boundaries.shape)}`);
  return searchsorted(boundaries, input, { right: options.right ?? false });
}

/** True where an element of `elements` occurs in `testElements` (false with invert), as PyTorch's isin. */
export function isin(elements: Tensor | number, testElements: Tensor | number, options: { invert?: boolean } = {}): Tensor {
  options = checkOptions('isin', options, ['invert']);
  for (const [name, v] of [['elements', elements], ['testElements', testElements]] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new TypeError(`isin: expected ${name} to be a Tensor or a number, but received ${describe(v)}`);
  }
  const e = elements instanceof Tensor ? elements : tensor(elements);
  const pool = new Set<number>(testElements instanceof Tensor ? Array.from(contiguous(testElements.detach()).toTypedArray()) : [testElements]);
  const values = contiguous(e.detach()).toTypedArray();
  const out = new Uint8Array(values.length);
  const hit = options.invert ? 0 : 1;
  // NaN equals nothing, itself included
  for (let i = 0; i < values.length; i++) out[i] = pool.has(values[i]) && values[i] === values[i] ? hit : 1 - hit;
  return tensor(out, { dtype: 'bool' }).reshape(e.shape.slice());
}
