/**
 * Reductions over all elements, one dim or several: sum, mean, max/min (with indices),
 * argmax/argmin, var and std, each with its gradient. The native kernel reduces the middle
 * axis of [outer, R, inner]; reduced dims that are not adjacent are first permuted to the end.
 */
import { castForOp, type DTypeOption } from './dtype_option.js';
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { describe, keptShape, normalizeDim } from '../tensor/shape.js';
import { copyInto, emptyTensor, zerosTensor } from './alloc.js';
import { layoutOf } from './layout.js';
import { record } from '../autograd/record.js';
import { contiguous } from './copy.js';
import { reshape } from './views.js';
import { div, eq, mul, sub } from './binary.js';
import { where } from './indexing.js';
import { checkFlag, checkOptions } from '../options.js';

const R = native.reduceOps;

interface Plan {
  /** The input with reduced dims adjacent (a view); made contiguous only when a kernel runs. */
  source: Tensor;
  outer: number;
  r: number;
  inner: number;
  /** The result's shape with reduced dims kept as 1 (keepdim), and as returned. */
  keptShape: number[];
  outShape: number[];
  /** The tensor reduced, and its reduced dims (normalised, sorted). */
  x: Tensor;
  dims: number[];
  contiguousInput?: Tensor;
}

/** Normalised, sorted, distinct dims; null or undefined means all dims. */
/** The dims a reduction over `dim` (all when absent or []) covers, normalised and sorted; throws for repeats. */
export function reducedDims(op: string, x: Tensor, dim: number | number[] | null | undefined): number[] {
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  if (list.length === 0) return x.shape.map((_, i) => i);
  const dims = list.map((d) => {
    if (typeof d !== 'number') throw new TypeError(`${op}: expected dim to be a number or an array of numbers, but received ${describe(d)}`);
    return normalizeDim(op, d, x.dim());
  });
  const sorted = [...new Set(dims)].sort((a, b) => a - b);
  if (sorted.length !== dims.length) throw new RangeError(`${op}: dim ${dims.join(', ')} appears multiple times in the list of dims`);
  return sorted;
}

function plan(x: Tensor, dims: number[], keepdim: boolean, op = 'reduction'): Plan {
  checkFlag(op, 'keepdim', keepdim);
  const nd = x.dim();
  const kept = keptShape(x.shape, dims);
  const outShape = keepdim ? kept : x.shape.filter((_, i) => !dims.includes(i));
  if (nd === 0) return { source: x, outer: 1, r: 1, inner: 1, keptShape: [], outShape: [], x, dims };
  const adjacent = dims.length === 0 || dims[dims.length - 1] - dims[0] === dims.length - 1;
  let source = x;
  let first = dims[0] ?? nd;
  let last = dims[dims.length - 1] ?? nd - 1;
  if (!adjacent) {
    const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
    source = x.permute([...kept, ...dims]);
    first = kept.length;
    last = nd - 1;
  }
  const prod = (a: number, b: number) => {
    let p = 1;
    for (let i = a; i < b; i++) p *= source.shape[i];
    return p;
  };
  return { source, outer: prod(0, first), r: prod(first, last + 1), inner: prod(last + 1, nd), keptShape: kept, outShape, x, dims };
}

/** The plan's input as the kernel reads it: contiguous, [outer, r, inner]. */
function inputOf(p: Plan): Tensor {
  p.contiguousInput ??= contiguous(p.source.detach());
  return p.contiguousInput;
}

function runPlan(code: number, p: Plan, dtype: DType, correction?: number): Tensor {
  const out = emptyTensor(p.outShape, dtype);
  const input = inputOf(p);
  native.reduce(code, out.storage, input.storage, layoutOf(input.offset, 0, p.outer, p.r, p.inner), correction);
  return out;
}

/**
 * A broadcast (stride-0) dim holds one value many times, so sum, mean, max and min need not
 * copy the expansion (x.expand([1e9]).sum() would otherwise allocate gigabytes). Returns x
 * with every such dim collapsed to size 1, a view of the same elements, and how many copies
 * the reduced ones held; null when x has none.
 */
function collapseBroadcast(x: Tensor, dims: number[]): { base: Tensor; copies: number } | null {
  let copies = 1;
  let any = false;
  const shape = x.shape.map((s, i) => {
    if (s <= 1 || x.strides[i] !== 0) return s;
    any = true;
    if (dims.includes(i)) copies *= s;
    return 1;
  });
  if (!any) return null;
  return { base: new Tensor(x.storage, shape, x.strides.slice(), x.offset, x.dtype, x.versionCounter), copies };
}

/** Runs a reduction, over the collapsed base when x is a broadcast view (sum, mean, max, min). */
function run(code: number, p: Plan, dtype: DType, correction?: number): Tensor {
  const c = code === R.sum || code === R.mean || code === R.max || code === R.min ? collapseBroadcast(p.x, p.dims) : null;
  if (c === null) return runPlan(code, p, dtype, correction);
  // The kernel sums float32 in double, where copies * partial sum is exact: do the same, so
  // the result equals the materialised sum bit for bit.
  const wide = code === R.sum && c.copies > 1 && c.base.dtype === 'float32';
  const base = wide ? c.base.to('float64') : c.base;
  let r = runPlan(code, plan(base, p.dims, true), wide ? 'float64' : dtype);
  if (code === R.sum && c.copies > 1) r = mul(r, c.copies);
  const out = emptyTensor(p.keptShape, dtype);
  copyInto(out, r);  // converts back to dtype, and expands the broadcast dims that were kept
  return reshape(out, p.outShape);
}

/** The gradient of a reduced result, broadcast back over x's shape (a stride-0 view). */
function expandBack(g: Tensor, p: Plan, x: Tensor): Tensor {
  return g.reshape(p.keptShape).expand(x.shape.slice());
}

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, but received ${describe(x)}`);
}

/** Sum over all elements or the given dims. Bool and int32 sum to int32. */
export function sum(x: Tensor, dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor {
  checkInput('sum', x);
  if (options !== undefined) x = castForOp('sum', x, options);
  const src = x.dtype === 'bool' ? x.to('int32') : x;
  const p = plan(src, reducedDims('sum', x, dim), keepdim, 'sum');
  const out = run(R.sum, p, src.dtype);
  return record(out, 'SumBackward', [x], (g) => [expandBack(g, p, x)]);
}

/** Mean over all elements or the given dims (floating-point inputs only). */
export function mean(x: Tensor, dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor {
  checkInput('mean', x);
  if (options !== undefined) x = castForOp('mean', x, options);
  if (!isFloating(x.dtype)) {
    throw new TypeError(`mean: could not infer output dtype. Input dtype must be floating point, but got ${x.dtype}; convert with .float()`);
  }
  const p = plan(x, reducedDims('mean', x, dim), keepdim, 'mean');
  const out = run(R.mean, p, x.dtype);
  return record(out, 'MeanBackward', [x], (g) => [div(expandBack(g, p, x), p.r)]);
}

function checkNonEmpty(op: string, x: Tensor, p: Plan, dim?: number): void {
  if (p.r === 0 && p.outer * p.inner > 0) {
    throw new RangeError(
      dim === undefined
        ? `${op}: expected a non-empty tensor, but the input has shape [${x.shape.join(', ')}]`
        : `${op}: expected reduction dim ${dim} to have non-zero size, but the input has shape [${x.shape.join(', ')}]`,
    );
  }
}

function extremeAll(op: 'max' | 'min', x: Tensor): Tensor {
  checkInput(op, x);
  if (x.dtype === 'bool') return extremeAll(op, x.to('int32')).to('bool');  // any / all, as PyTorch's bool max and min
  const p = plan(x, reducedDims(op, x, null), false);
  checkNonEmpty(op, x, p);
  const out = run(op === 'max' ? R.max : R.min, p, x.dtype);
  // The gradient is shared evenly among the elements that reach the extreme.
  return record(out, op === 'max' ? 'MaxBackward' : 'MinBackward', [x], (g) => {
    const hits = eq(x, out).to(g.dtype);
    return [mul(div(hits, sum(hits)), g)];
  }, [x, out]);
}

export const maxAll = (x: Tensor): Tensor => extremeAll('max', x);
export const minAll = (x: Tensor): Tensor => extremeAll('min', x);

function extremeDim(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): { values: Tensor; indices: Tensor } {
  checkInput(op, x);
  if (x.dtype === 'bool') {
    const r = extremeDim(op, x.to('int32'), dim, keepdim);
    return { values: r.values.to('bool'), indices: r.indices };
  }
  const d = normalizeDim(op, dim, x.dim());
  const p = plan(x, x.dim() === 0 ? [] : [d], keepdim, op);
  checkNonEmpty(op, x, p, d);
  const indices = run(op === 'max' ? R.argmax : R.argmin, p, 'int32');
  const values = run(op === 'max' ? R.max : R.min, p, x.dtype);
  record(values, op === 'max' ? 'MaxBackward' : 'MinBackward', [x], (g) => [
    scatterToIndices(g.reshape(p.keptShape), indices.reshape(p.keptShape), x, d),
  ]);
  return { values, indices };
}

/**
 * Zeros of x's shape with g added at the given indices along dim (g and index share a shape
 * with x's number of dims): the gradient of every op that picks elements by index (max over a
 * dim, topk, sort, kthvalue, cummax).
 */
export function scatterToIndices(g: Tensor, index: Tensor, x: Tensor, dim: number): Tensor {
  const gx = zerosTensor(x.shape, g.dtype);
  if (x.dim() === 0) return g.reshape([]).clone();
  const gc = contiguous(g);
  const nd = x.dim();
  const layout = [nd, dim, ...index.shape, x.shape[dim], gc.offset, ...gc.strides, index.offset, ...index.strides, 0, ...gx.strides];
  native.scatterAdd(gx.storage as Float32Array, gc.storage as Float32Array, index.storage as Int32Array, layoutOf(...layout));
  return gx;
}

export const maxDim = (x: Tensor, dim: number, keepdim = false) => extremeDim('max', x, dim, keepdim);
export const minDim = (x: Tensor, dim: number, keepdim = false) => extremeDim('min', x, dim, keepdim);

function argExtreme(op: 'argmax' | 'argmin', x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  checkInput(op, x);
  if (dim === undefined || dim === null) {
    const p = plan(x, reducedDims(op, x, null), false);
    checkNonEmpty(op, x, p);
    const out = run(op === 'argmax' ? R.argmax : R.argmin, p, 'int32');
    return checkFlag(op, 'keepdim', keepdim) ? out.reshape(x.shape.map(() => 1)) : out;
  }
  const d = normalizeDim(op, dim, x.dim());
  const p = plan(x, x.dim() === 0 ? [] : [d], keepdim, op);
  checkNonEmpty(op, x, p, d);
  return run(op === 'argmax' ? R.argmax : R.argmin, p, 'int32');
}

/** Index of the largest element (of the flattened tensor, or along dim); int32. */
export const argmax = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argExtreme('argmax', x, dim, keepdim);
/** Index of the smallest element (of the flattened tensor, or along dim); int32. */
export const argmin = (x: Tensor, dim?: number | null, keepdim = false): Tensor => argExtreme('argmin', x, dim, keepdim);

/** var/std options: Bessel's correction (default 1, i.e. unbiased), and keepdim. */
export interface VarOptions {
  correction?: number;
  /** PyTorch's older spelling: unbiased false means correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

function spread(op: 'var' | 'std', x: Tensor, dim: number | number[] | null | undefined, options: VarOptions = {}): Tensor {
  checkInput(op, x);
  options = checkOptions(op, options, ['correction', 'unbiased', 'keepdim']);
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating-point input, but got ${x.dtype}; convert with .float()`);
  const correction = options.correction ?? (options.unbiased === false ? 0 : 1);
  const p = plan(x, reducedDims(op, x, dim), options.keepdim ?? false, op);
  const out = run(op === 'var' ? R.var : R.std, p, x.dtype, correction);
  // d var / dx = 2 (x - mean) / (N - correction); d std = d var / (2 std)
  return record(out, op === 'var' ? 'VarBackward' : 'StdBackward', [x], (g) => {
    const centered = sub(x, mean(x, reducedDims(op, x, dim), true));
    const scale = Math.max(0, p.r - correction);
    const gk = expandBack(g, p, x);
    if (op === 'var') return [mul(mul(centered, gk), 2 / scale)];
    // A zero std (constant input) gets gradient 0 rather than 0 / 0, as in PyTorch.
    const s = expandBack(out, p, x);
    return [where(eq(s, 0), 0, div(mul(centered, gk), mul(s, scale)))];
  }, [x, out]);
}

export const variance = (x: Tensor, dim?: number | number[] | null, options?: VarOptions) => spread('var', x, dim, options);
export const std = (x: Tensor, dim?: number | number[] | null, options?: VarOptions) => spread('std', x, dim, options);

/** Product over all elements or the given dims. Bool and int32 give int32 (wrapping on overflow). */
export function prod(x: Tensor, dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor {
  checkInput('prod', x);
  if (options !== undefined) x = castForOp('prod', x, options);
  const src = x.dtype === 'bool' ? x.to('int32') : x;
  const dims = reducedDims('prod', x, dim);
  const p = plan(src, dims, keepdim, 'prod');
  const out = runPlan(R.prod, p, src.dtype);
  // d prod / dx_i is the product of the others: out / x_i without zeros; with one zero in a
  // group, only that zero's gradient is non-zero (the product of the rest); with two, none.
  return record(out, 'ProdBackward', [x], (g) => {
    const isZero = eq(x, 0);
    const zeros = expandBack(sum(isZero, dims, true), p, x);
    const others = expandBack(prod(where(isZero, 1, x.detach()), dims, true), p, x);
    const gk = expandBack(g, p, x);
    const noZero = mul(gk, div(expandBack(out, p, x), x));
    return [where(eq(zeros, 0), noZero, where(eq(zeros, 1).mul(isZero), mul(gk, others), 0))];
  }, [x, out]);
}

function extremeOver(op: 'amax' | 'amin', x: Tensor, dim: number | number[] | null | undefined, keepdim: boolean): Tensor {
  checkInput(op, x);
  if (x.dtype === 'bool') return extremeOver(op, x.to('int32'), dim, keepdim).to('bool');
  const dims = reducedDims(op, x, dim);
  const p = plan(x, dims, keepdim, op);
  checkNonEmpty(op, x, p);
  const out = run(op === 'amax' ? R.max : R.min, p, x.dtype);
  // shared evenly among the elements of a group that reach the extreme, as PyTorch's amax
  return record(out, op === 'amax' ? 'AmaxBackward' : 'AminBackward', [x], (g) => {
    const hits = eq(x, expandBack(out, p, x)).to(g.dtype);
    return [div(mul(hits, expandBack(g, p, x)), expandBack(sum(hits, dims, true), p, x))];
  }, [x, out]);
}

/** The largest element over all elements or the given dims (no indices). */
export const amax = (x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor => extremeOver('amax', x, dim, keepdim);
/** The smallest element over all elements or the given dims (no indices). */
export const amin = (x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor => extremeOver('amin', x, dim, keepdim);

/** `{ min, max }` over all elements or one dim (PyTorch's aminmax). */
export function aminmax(x: Tensor, options: { dim?: number | null; keepdim?: boolean } = {}): { min: Tensor; max: Tensor } {
  options = checkOptions('aminmax', options, ['dim', 'keepdim']);
  return { min: amin(x, options.dim ?? null, options.keepdim ?? false), max: amax(x, options.dim ?? null, options.keepdim ?? false) };
}

/** How many elements are non-zero, over all elements or the given dims (int32). */
export function countNonzero(x: Tensor, dim?: number | number[] | null): Tensor {
  checkInput('countNonzero', x);
  return sum(x.dtype === 'bool' ? x : x.ne(0), dim, false);
}

function truthReduce(op: 'all' | 'any', x: Tensor, dim: number | number[] | null | undefined, keepdim: boolean): Tensor {
  checkInput(op, x);
  const dims = reducedDims(op, x, dim);
  const p = plan(x, dims, keepdim, op);
  const count = sum(x.dtype === 'bool' ? x : x.ne(0), dims, keepdim);
  return op === 'all' ? count.eq(p.r) : count.gt(0);
}

/** True when every element (over all or the given dims) is non-zero; a bool tensor. */
export const all = (x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor => truthReduce('all', x, dim, keepdim);
/** True when some element (over all or the given dims) is non-zero; a bool tensor. */
export const any = (x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor => truthReduce('any', x, dim, keepdim);

/** A native reduction over the given dims, its value only: for ops that record their own gradient. */
export function reduceDims(code: number, x: Tensor, dims: number[], keepdim: boolean): Tensor {
  return run(code, plan(x, dims, keepdim), x.dtype);
}
