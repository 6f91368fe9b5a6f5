/**
 * Masking and scattering: maskedFill, maskedSelect, nonzero, scatter (with reductions),
 * scatterAdd, scatterReduce, indexAdd, indexFill, indexCopy, takeAlongDim and take. The
 * out-of-place forms are here, each with its gradient; the in-place forms (`scatter_`, …)
 * write these results back through lib/ops/inplace.ts.
 */
import { checkOptions } from '../options.js';
import { native } from '../native.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { broadcastShapes, describe, formatShape, normalizeDim, sameShape } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { copyInto, fullTensor, zerosTensor } from './alloc.js';
import { record } from '../autograd/record.js';
import { clone } from './copy.js';
import { checkTensor } from './unary.js';
import { div, eq, mul } from './binary.js';
import { gather, indexLayout, indexSelect, where, type IndexView } from './indexing.js';
import { expand, narrow, reshape } from './views.js';
import { asIndexTensor } from './index_tensor.js';

const MODES = native.scatterModes;

/** Zeros of `shape` with t in its leading corner (src tensors may be larger than the index). */
function padTo(t: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(t.shape, shape)) return t;
  const out = zerosTensor(shape, t.dtype);
  let view = out;
  t.shape.forEach((n, d) => (view = narrow(view, d, 0, n)));
  copyInto(view, t);
  return out;
}

function checkMask(op: string, mask: unknown): asserts mask is Tensor {
  if (!(mask instanceof Tensor) || mask.dtype !== 'bool') {
    throw new TypeError(`${op}: expected mask to be a bool tensor, but received ${mask instanceof Tensor ? `a ${mask.dtype} tensor` : describe(mask)}`);
  }
}

/** x with `value` where mask is true (mask broadcasts to x's shape). value: a number or a 0-d tensor. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkTensor('maskedFill', x);
  checkMask('maskedFill', mask);
  const shape = broadcastShapes('maskedFill', x.shape, mask.shape);
  if (!sameShape(shape, x.shape)) throw new RangeError(`maskedFill: mask of shape ${formatShape(mask.shape)} does not broadcast to the input's shape ${formatShape(x.shape)}`);
  if (value instanceof Tensor && value.dim() !== 0) throw new RangeError(`maskedFill: only supports a 0-dimensional value tensor, but got one of shape ${formatShape(value.shape)}`);
  if (typeof value !== 'number' && !(value instanceof Tensor)) throw new TypeError(`maskedFill: expected value to be a number or a 0-d tensor, but received ${describe(value)}`);
  const v = value instanceof Tensor ? value.to(x.dtype) : value;
  return where(mask, v, x);
}

/** The elements of x where mask is true, as a 1-D tensor (x and mask broadcast together). */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkTensor('maskedSelect', x);
  checkMask('maskedSelect', mask);
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape);
  const positions = flatPositions(expand(mask, shape));
  return indexSelect(reshape(expand(x, shape), [-1]), 0, positions);
}

/** The row-major positions of the true (non-zero) elements, as an int32 tensor. */
function flatPositions(x: Tensor): Tensor {
  const data = x.detach().toTypedArray();
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) out[k++] = i;
  return tensor(out, { dtype: 'int32' });
}

/**
 * The indices of the non-zero elements: an int32 tensor [count, ndim] (one row per element),
 * or with `{ asTuple: true }` one 1-D tensor per dim.
 */
export function nonzero(x: Tensor, options: { asTuple?: boolean } = {}): Tensor | Tensor[] {
  options = checkOptions('nonzero', options, ['asTuple']);
  checkTensor('nonzero', x);
  const flat = flatPositions(x).toTypedArray();
  const nd = x.dim();
  const out = new Int32Array(flat.length * nd);
  const strides = x.shape.map((_, d) => x.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < flat.length; i++) {
    let rest = flat[i];
    for (let d = 0; d < nd; d++) {
      out[i * nd + d] = Math.floor(rest / strides[d]);
      rest %= strides[d];
    }
  }
  const rows = tensor(out, { dtype: 'int32', shape: [flat.length, nd] });
  if (!options.asTuple) return rows;
  return nd === 0 ? [tensor(new Int32Array(flat.length), { dtype: 'int32' })] : x.shape.map((_, d) => narrow(rows, 1, d, 1).reshape([-1]).contiguous());
}

/** The indices of the non-zero elements as [count, ndim] int32 rows (PyTorch's argwhere). */
export const argwhere = (x: Tensor): Tensor => nonzero(x) as Tensor;

/** Checks PyTorch's shape rules for scatter-like ops and returns the normalised dim. */
function checkScatter(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): number {
  const d = normalizeDim(op, dim, x.dim());
  const nd = Math.max(x.dim(), 1);
  if (Math.max(index.dim(), 1) !== nd) {
    throw new RangeError(`${op}: index tensor must have the same number of dimensions as self tensor (index ${formatShape(index.shape)}, self ${formatShape(x.shape)})`);
  }
  if (src && Math.max(src.dim(), 1) !== nd) {
    throw new RangeError(`${op}: src tensor must have the same number of dimensions as self (src ${formatShape(src.shape)}, self ${formatShape(x.shape)})`);
  }
  for (let i = 0; i < index.dim(); i++) {
    if (i !== d && index.shape[i] > x.shape[i]) {
      throw new RangeError(`${op}: expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d}`);
    }
    if (src && index.shape[i] > src.shape[i]) {
      throw new RangeError(`${op}: expected index ${formatShape(index.shape)} to be smaller than src ${formatShape(src.shape)}`);
    }
  }
  return d;
}

/** target (fresh, contiguous) (mode)= src at index along d; src walks the index's shape. */
function scatterInto(mode: keyof typeof MODES, target: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  const tv = target.dim() === 0 ? reshape(target, [1]) : target;
  const iv = index.dim() === 0 ? reshape(index, [1]) : index;
  // the kernel walks src once per index element and refuses views that repeat elements (they
  // would let a tiny buffer drive an unbounded loop): a broadcast src is copied first
  const dense = src.strides.some((st, d) => st === 0 && src.shape[d] > 1) ? src.contiguous() : src;
  const sv = dense.dim() === 0 ? reshape(dense, [1]) : dense;
  const iview: IndexView = { storage: iv.storage as Int32Array, offset: iv.offset, strides: iv.strides };
  native.scatter(MODES[mode], tv.storage, sv.storage, iview.storage, indexLayout(d, iv.shape, iview, tv.shape[d], sv, tv));
  return target;
}

/** A source tensor of x's dtype, or a number filled over the index's shape. */
function sourceOf(op: string, x: Tensor, src: TensorLike, index: Tensor): Tensor {
  if (typeof src === 'number') return fullTensor(index.shape, src, x.dtype);
  if (!(src instanceof Tensor)) throw new TypeError(`${op}: expected src to be a Tensor or a number, but received ${describe(src)}`);
  if (src.dtype !== x.dtype) throw new TypeError(`${op}: expected self and src to have the same dtype, but got ${x.dtype} and ${src.dtype}`);
  return src;
}

/** Which positions of x the index writes: a float mask of x's shape (1 where written). */
function touched(x: Tensor, d: number, index: Tensor, dtype: 'float32' | 'float64'): Tensor {
  return scatterInto('assign', zerosTensor(x.shape, dtype), d, index, fullTensor(index.shape, 1, dtype));
}

export type ScatterReduction = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';

/**
 * x with src (or a number) written at index along dim: out[..., index[i], ...] = src[i]. With
 * `{ reduce: 'add' | 'multiply' }` the values are combined instead (as scatterReduce with
 * includeSelf). Several writes to one place: the last one wins.
 */
export function scatter(x: Tensor, dim: number, indexArg: Tensor | number[], src: TensorLike, options: { reduce?: 'add' | 'multiply' } = {}): Tensor {
  options = checkOptions('scatter', options, ['reduce']);
  checkTensor('scatter', x);
  if (options.reduce !== undefined) {
    if (options.reduce !== 'add' && options.reduce !== 'multiply') throw new RangeError(`scatter: reduce must be 'add' or 'multiply', but got ${String(options.reduce)}`);
    const index = asIndexTensor('scatter', indexArg);
    return scatterReduce(x, dim, index, sourceOf('scatter', x, src, index), options.reduce === 'add' ? 'sum' : 'prod');
  }
  const index = asIndexTensor('scatter', indexArg);
  const s = sourceOf('scatter', x, src, index);
  const d = checkScatter('scatter', x, dim, index, s);
  const out = scatterInto('assign', clone(x.detach()), d, index, s);
  const srcTensor = src instanceof Tensor ? src : null;
  return record(out, 'ScatterBackward', [x, srcTensor], (g, needs) => [
    needs[0] ? scatterInto('assign', clone(g), d, index, zerosTensor(index.shape, g.dtype)) : null,
    needs[1] ? padTo(gather(g, d, index), srcTensor!.shape) : null,
  ]);
}

/** x plus src added at index along dim (repeated indices accumulate). */
export function scatterAdd(x: Tensor, dim: number, indexArg: Tensor | number[], src: Tensor): Tensor {
  checkTensor('scatterAdd', x);
  const index = asIndexTensor('scatterAdd', indexArg);
  const s = sourceOf('scatterAdd', x, src, index);
  const d = checkScatter('scatterAdd', x, dim, index, s);
  if (x.dtype === 'bool') throw new TypeError('scatterAdd: not defined for bool tensors');
  const out = scatterInto('add', clone(x.detach()), d, index, s);
  return record(out, 'ScatterAddBackward', [x, s], (g, needs) => [needs[0] ? g : null, needs[1] ? padTo(gather(g, d, index), s.shape) : null]);
}

/**
 * x with src combined at index along dim by `reduce` ('sum', 'prod', 'mean', 'amax', 'amin');
 * with includeSelf false (default true) the positions written start from src alone.
 */
export function scatterReduce(x: Tensor, dim: number, indexArg: Tensor | number[], src: Tensor, reduce: ScatterReduction, options: { includeSelf?: boolean } = {}): Tensor {
  options = checkOptions('scatterReduce', options, ['includeSelf']);
  checkTensor('scatterReduce', x);
  const kinds: ScatterReduction[] = ['sum', 'prod', 'mean', 'amax', 'amin'];
  if (!kinds.includes(reduce)) throw new RangeError(`scatterReduce: reduce must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, but got ${String(reduce)}`);
  const index = asIndexTensor('scatterReduce', indexArg);
  const s = sourceOf('scatterReduce', x, src, index);
  const d = checkScatter('scatterReduce', x, dim, index, s);
  if (x.dtype === 'bool') throw new TypeError('scatterReduce: not defined for bool tensors');
  const includeSelf = options.includeSelf ?? true;
  const floatType = x.dtype === 'float64' ? 'float64' : 'float32';
  const written = touched(x, d, index, floatType);
  const writtenMask = written.ne(0);
  const identity = { sum: 0, mean: 0, prod: 1, amax: -Infinity, amin: Infinity }[reduce];
  let start = clone(x.detach());
  if (!includeSelf) {
    start = where(writtenMask, isFloating(x.dtype) ? identity : reduce === 'amax' ? -(2 ** 31) : reduce === 'amin' ? 2 ** 31 - 1 : identity, start);
  }
  const mode = ({ sum: 'add', mean: 'add', prod: 'multiply', amax: 'amax', amin: 'amin' } as const)[reduce];
  let out = scatterInto(mode, start, d, index, s);
  // mean divides by the number of values that met at each position (self counting once)
  const counts = reduce === 'mean' ? scatterInto('add', includeSelf ? fullTensor(x.shape, 1, floatType) : zerosTensor(x.shape, floatType), d, index, fullTensor(index.shape, 1, floatType)) : null;
  if (counts) {
    const c = where(counts.eq(0), 1, counts);
    out = isFloating(x.dtype) ? div(out, c) : div(out, c).floor().to(x.dtype);
  }
  if (!isFloating(x.dtype)) return out;
  return record(out, 'ScatterReduceBackward', [x, s], (g, needs) => {
    const keepSelf = (t: Tensor) => (includeSelf ? t : where(writtenMask, 0, t));
    if (reduce === 'sum') return [needs[0] ? keepSelf(g) : null, needs[1] ? padTo(gather(g, d, index), s.shape) : null];
    if (reduce === 'mean') {
      const gm = div(g, where(counts!.eq(0), 1, counts!));
      return [needs[0] ? keepSelf(gm) : null, needs[1] ? padTo(gather(gm, d, index), s.shape) : null];
    }
    if (reduce === 'prod') {
      // Each factor's derivative is the product of the others, as PyTorch computes it: out /
      // value where the value is not 0; at a 0, the product taken with that one factor as 1
      // (which is 0 again when another factor of the same position is 0 as well).
      const xd = x.detach();
      const srcN = narrowTo(s.detach(), index.shape);
      // the forward's starting values (scatterInto wrote the result over `start` itself)
      const base = includeSelf ? xd : where(writtenMask, 1, xd);
      let gradSelf: Tensor | null = null;
      if (needs[0]) {
        const xOnes = where(xd.eq(0), 1, xd);
        const withoutSelf = scatterInto('multiply', where(base.eq(0), 1, base), d, index, s.detach());
        gradSelf = keepSelf(div(mul(g, withoutSelf), xOnes));
      }
      let gradSrc: Tensor | null = null;
      if (needs[1]) {
        const srcZero = srcN.eq(0).to(g.dtype);
        const zerosAt = gather(scatterInto('add', zerosTensor(x.shape, g.dtype), d, index, srcZero), d, index);
        const onlyZero = eq(mul(srcZero, zerosAt), 1);  // this source is its position's only 0 source
        const withoutSrc = scatterInto('multiply', clone(base), d, index, where(onlyZero, 1, srcN));
        const viaQuotient = div(gather(mul(g, out), d, index), where(srcN.eq(0), 1, srcN));
        gradSrc = padTo(where(onlyZero, gather(mul(g, withoutSrc), d, index), viaQuotient), s.shape);
      }
      return [gradSelf, gradSrc];
    }
    // amax/amin: shared evenly among self (when included) and the sources equal to the result
    const srcHits = eq(narrowTo(s.detach(), index.shape), gather(out, d, index)).to(g.dtype);
    const selfHits = includeSelf ? eq(x.detach(), out).to(g.dtype) : where(writtenMask, 0, 1).to(g.dtype);
    const count = scatterInto('add', clone(selfHits), d, index, srcHits);
    const share = div(g, where(count.eq(0), 1, count));
    return [needs[0] ? mul(share, selfHits) : null, needs[1] ? padTo(mul(gather(share, d, index), srcHits), s.shape) : null];
  }, [x, s]);
}

/** The leading corner of t with the given shape (src may be larger than its index). */
function narrowTo(t: Tensor, shape: readonly number[]): Tensor {
  let v = t;
  shape.forEach((n, d) => (v = narrow(v, d, 0, n)));
  return v;
}

/** A 1-D index along d, broadcast over x's other dims (stride 0), as scatter reads it. */
function broadcastIndex(op: string, x: Tensor, d: number, indexArg: Tensor | number[], along: readonly number[]): Tensor {
  const index = asIndexTensor(op, indexArg);
  if (index.dim() > 1) throw new RangeError(`${op}: index must be 0-D or 1-D, but has shape ${formatShape(index.shape)}`);
  const shape = along.slice();
  shape[d] = index.numel();
  const strides = shape.map((_, i) => (i === d && index.dim() === 1 ? index.strides[0] : 0));
  return new Tensor(index.storage, shape, strides, index.offset, 'int32', index.versionCounter);
}

/** index_add/index_copy's rule: source is x's shape with dim d as long as the index. */
function checkSource(op: string, x: Tensor, d: number, index: Tensor, source: Tensor): void {
  const expected = x.shape.slice();
  if (x.dim() > 0) expected[d] = index.numel();
  if (!sameShape(source.shape, x.dim() === 0 ? source.shape : expected)) {
    throw new RangeError(`${op}: source must have shape ${formatShape(expected)} (self's with dim ${d} of the index's length), but has ${formatShape(source.shape)}`);
  }
}

/** x with alpha * source added at the positions index (1-D) along dim. */
export function indexAdd(x: Tensor, dim: number, indexArg: Tensor | number[], source: Tensor, options: { alpha?: number } = {}): Tensor {
  options = checkOptions('indexAdd', options, ['alpha']);
  checkTensor('indexAdd', x);
  checkTensor('indexAdd', source);
  const d = normalizeDim('indexAdd', dim, x.dim());
  const index = asIndexTensor('indexAdd', indexArg);
  checkSource('indexAdd', x, d, index, source);
  const alpha = options.alpha ?? 1;
  const src = alpha === 1 ? source.detach() : mul(source.detach(), alpha);
  const out = scatterInto('add', clone(x.detach()), d, broadcastIndex('indexAdd', x, d, index, source.shape), src.to(x.dtype));
  return record(out, 'IndexAddBackward', [x, source], (g, needs) => [
    needs[0] ? g : null,
    needs[1] ? mul(indexSelect(g, d, index), alpha) : null,
  ]);
}

/** x with `value` at the positions index (1-D) along dim. */
export function indexFill(x: Tensor, dim: number, indexArg: Tensor | number[], value: number | Tensor): Tensor {
  checkTensor('indexFill', x);
  const d = normalizeDim('indexFill', dim, x.dim());
  const v = value instanceof Tensor ? value.item() : value;
  if (typeof v !== 'number') throw new TypeError(`indexFill: expected value to be a number or a 0-d tensor, but received ${describe(value)}`);
  const index = asIndexTensor('indexFill', indexArg);
  const bshape = x.shape.slice();
  if (x.dim() > 0) bshape[d] = index.numel();
  const out = scatterInto('assign', clone(x.detach()), d, broadcastIndex('indexFill', x, d, index, x.shape), fullTensor(bshape, v, x.dtype));
  return record(out, 'IndexFillBackward', [x], (g) => [indexFill(g, d, index, 0)]);
}

/** x with source's slices copied to the positions index (1-D) along dim. */
export function indexCopy(x: Tensor, dim: number, indexArg: Tensor | number[], source: Tensor): Tensor {
  checkTensor('indexCopy', x);
  checkTensor('indexCopy', source);
  const d = normalizeDim('indexCopy', dim, x.dim());
  const index = asIndexTensor('indexCopy', indexArg);
  checkSource('indexCopy', x, d, index, source);
  const out = scatterInto('assign', clone(x.detach()), d, broadcastIndex('indexCopy', x, d, index, source.shape), source.detach().to(x.dtype));
  return record(out, 'IndexCopyBackward', [x, source], (g, needs) => [
    needs[0] ? indexFill(g, d, index, 0) : null,
    needs[1] ? indexSelect(g, d, index) : null,
  ]);
}

/**
 * Picks values along dim at `indices`, which broadcasts with x over the other dims (numpy's
 * take_along_axis); without dim, from the flattened x.
 */
export function takeAlongDim(x: Tensor, indicesArg: Tensor | number[], dim?: number | null): Tensor {
  checkTensor('takeAlongDim', x);
  const indices = asIndexTensor('takeAlongDim', indicesArg, 'indices');
  if (dim === undefined || dim === null) return gather(reshape(x, [-1]), 0, reshape(indices, [-1]));
  const d = normalizeDim('takeAlongDim', dim, x.dim());
  if (indices.dim() !== x.dim()) throw new RangeError(`takeAlongDim: input and indices should have the same number of dimensions, but got ${x.dim()} and ${indices.dim()}`);
  const xs = x.shape.slice();
  const is = indices.shape.slice();
  xs[d] = 1;
  is[d] = 1;
  const common = broadcastShapes('takeAlongDim', xs, is);
  const xShape = common.slice();
  xShape[d] = x.shape[d];
  const iShape = common.slice();
  iShape[d] = indices.shape[d];
  return gather(expand(x, xShape), d, expand(indices, iShape));
}

/** The elements of the flattened x at `index`, in index's shape. */
export function take(x: Tensor, indexArg: Tensor | number[]): Tensor {
  checkTensor('take', x);
  const index = asIndexTensor('take', indexArg);
  const n = x.numel();
  const flat = index.toTypedArray();
  for (let i = 0; i < flat.length; i++) {
    if (flat[i] < -n || flat[i] >= n) throw new RangeError(`take: out of range: tried to access index ${flat[i]} on a tensor of ${n} elements`);
  }
  const wrapped = index.lt(0).any().item() ? where(index.lt(0), index.add(n), index) : index;
  return reshape(indexSelect(reshape(x, [-1]), 0, reshape(wrapped, [-1])), index.shape.slice());
}


/** One-hot rows of an int tensor of class indices: shape [...x.shape, numClasses], int32. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  checkTensor('oneHot', x);
  if (x.dtype !== 'int32') throw new TypeError(`oneHot: expected class indices as an int32 tensor, but got ${x.dtype}`);
  const data = x.toTypedArray();
  let max = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0) throw new RangeError(`oneHot: class values must be non-negative, but element ${i} is ${data[i]}`);
    if (data[i] > max) max = data[i];
  }
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`oneHot: numClasses must be a non-negative integer or -1, but got ${numClasses}`);
  if (max >= n) throw new RangeError(`oneHot: class values must be smaller than numClasses (${n}), but ${max} occurs`);
  const out = zerosTensor([...x.shape, n], 'int32');
  for (let i = 0; i < data.length; i++) out.storage[i * n + data[i]] = 1;
  return out;
}
