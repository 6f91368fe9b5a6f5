/**
 * Indexing that reads like Python's: `x.index(':, 2:5')`, `x.index('..., -1')`,
 * `x.index('::2')`, `x.index(null)` (a new dim), `x.index(idx)` (int tensor or array),
 * `x.index(mask)` (bool tensor), or one argument per dim mixing numbers, slice strings,
 * `kd.slice(…)`, '...', null and tensors; and the setter `x.indexPut_(indices, value)` for
 * `x[...] = value`. Basic indexing (numbers, slices, null, '...') gives views; tensor indices
 * follow PyTorch's advanced indexing (broadcast together; their dims replace the indexed
 * ones in place when adjacent, else go first). Gradients flow through both.
 */
import { checkOptions } from '../options.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { describe, formatShape, broadcastShapes } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { arange, tensor } from '../tensor/create.js';
import { needsGrad, record } from '../autograd/record.js';
import { checkInPlace } from './inplace.js';
import { copyInto, fullTensor } from './alloc.js';
import { clone } from './copy.js';
import { add, mul, sumToShape } from './binary.js';
import { indexSelect, where, indexLayout, type IndexView } from './indexing.js';
import { expand, permute, reshape, select, slice as sliceView, unsqueeze } from './views.js';
import { asIndexTensor } from './index_tensor.js';
import { native } from '../native.js';

/** Python's slice object: `kd.slice(1, 5)`, `kd.slice(null, null, 2)`. */
export class Slice {
  constructor(readonly start: number | null = null, readonly stop: number | null = null, readonly step: number | null = null) {}
  toString(): string {
    return `${this.start ?? ''}:${this.stop ?? ''}${this.step === null ? '' : `:${this.step}`}`;
  }
}

/** A slice for index(): `kd.slice(stop)`, `kd.slice(start, stop)`, `kd.slice(start, stop, step)`. */
export function slice(startOrStop?: number | null, stop?: number | null, step?: number | null): Slice {
  if (stop === undefined && step === undefined) return new Slice(null, startOrStop ?? null, null);
  return new Slice(startOrStop ?? null, stop ?? null, step ?? null);
}

/** One entry of an index expression. */
export type IndexItem = number | string | null | Slice | Tensor | number[] | boolean[] | NestedIndex;
interface NestedIndex extends Array<NestedIndex | number | boolean> {}

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'new' }
  | { kind: 'ellipsis' }
  | { kind: 'tensor'; t: Tensor };

const NUMBER = /^[+-]?\d+$/;

function parseString(s: string): Parsed {
  const t = s.trim();
  if (t === '...' || t === 'Ellipsis') return { kind: 'ellipsis' };
  if (t === 'None' || t === 'null' || t === 'newaxis') return { kind: 'new' };
  if (NUMBER.test(t)) return { kind: 'int', value: Number(t) };
  const parts = t.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.trim() !== '' && !NUMBER.test(p.trim()))) {
    throw new RangeError(`index: cannot read '${s}' as an index (expected an integer, a slice like '1:5' or '::2', '...' or 'None')`);
  }
  const num = (p: string | undefined) => (p === undefined || p.trim() === '' ? null : Number(p));
  const step = num(parts[2]) ?? 1;
  return { kind: 'slice', start: num(parts[0]), stop: num(parts[1]), step };
}

function parseItem(item: IndexItem): Parsed {
  if (item === null || item === undefined) return { kind: 'new' };
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new TypeError(`index: expected integer indices, but received ${item}`);
    return { kind: 'int', value: item };
  }
  if (typeof item === 'string') return parseString(item);
  if (item instanceof Slice) {
    for (const v of [item.start, item.stop, item.step]) {
      if (v !== null && !Number.isInteger(v)) throw new TypeError(`index: slice bounds must be integers or null, but received ${describe(v)}`);
    }
    return { kind: 'slice', start: item.start, stop: item.stop, step: item.step ?? 1 };
  }
  if (item instanceof Tensor) return { kind: 'tensor', t: item.dtype === 'bool' ? item : asIndexTensor('index', item) };
  if (Array.isArray(item)) {
    const flat = (item as unknown[]).flat(Infinity);
    if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) return { kind: 'tensor', t: tensor(item as boolean[]) };
    return { kind: 'tensor', t: asIndexTensor('index', item as number[]) };
  }
  throw new TypeError(`index: cannot index with ${describe(item)}`);
}

/** The items of `x.index(...)`: one string is a whole comma-separated expression. */
function parseItems(items: IndexItem[]): Parsed[] {
  if (items.length === 1 && typeof items[0] === 'string' && items[0].includes(',')) return items[0].split(',').map(parseString);
  return items.map(parseItem);
}

/** How many of x's dims an item uses. */
const consumes = (p: Parsed): number => (p.kind === 'int' || p.kind === 'slice' ? 1 : p.kind === 'tensor' ? (p.t.dtype === 'bool' ? Math.max(p.t.dim(), 1) : 1) : 0);

/** Applies basic indexing; returns the view and the tensor indices with the dim each applies to. */
function basic(x: Tensor, parsed: Parsed[]): { view: Tensor; advanced: { dim: number; t: Tensor }[] } {
  const ellipses = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1) throw new RangeError('index: an index can only have a single ellipsis (...)');
  const used = parsed.reduce((n, p) => n + consumes(p), 0);
  if (used > x.dim()) throw new RangeError(`index: too many indices for a tensor of dimension ${x.dim()} (shape ${formatShape(x.shape)})`);
  const items: Parsed[] = [];
  for (const p of parsed) {
    if (p.kind === 'ellipsis') for (let i = 0; i < x.dim() - used; i++) items.push({ kind: 'slice', start: null, stop: null, step: 1 });
    else items.push(p);
  }
  let view = x;
  let dim = 0;  // the dim of `view` the next item applies to
  let xDim = 0;  // and the dim of x it came from
  const advanced: { dim: number; t: Tensor }[] = [];
  for (const p of items) {
    switch (p.kind) {
      case 'new':
        view = unsqueeze(view, dim);
        dim++;
        break;
      case 'int': {
        const n = view.shape[dim];
        if (p.value < -n || p.value >= n) throw new RangeError(`index: index ${p.value} is out of bounds for dimension ${xDim} with size ${n}`);
        view = select(view, dim, p.value);
        xDim++;
        break;
      }
      case 'slice':
        view = sliceView(view, dim, p.start, p.stop, p.step);
        dim++;
        xDim++;
        break;
      case 'tensor': {
        if (p.t.dtype === 'bool') {
          const k = Math.max(p.t.dim(), 1);
          const want = view.shape.slice(dim, dim + k);
          const m = p.t.dim() === 0 ? reshape(p.t, [1]) : p.t;
          if (m.shape.some((s, i) => s !== want[i])) {
            throw new RangeError(`index: the shape of the mask ${formatShape(p.t.shape)} does not match the shape of the indexed tensor ${formatShape(want)} at dimension ${xDim}`);
          }
          if (p.t.dim() === 0) {
            view = unsqueeze(view, dim);  // a 0-d mask adds a dim of size 1 (true) or 0 (false)
          }
          const rows = nonzeroRows(m);
          rows.forEach((r, i) => advanced.push({ dim: dim + i, t: r }));
          dim += k;
          xDim += p.t.dim();
        } else {
          advanced.push({ dim, t: p.t });
          dim++;
          xDim++;
        }
        break;
      }
      case 'ellipsis':
        break;
    }
  }
  return { view, advanced };
}

/** The coordinates of a mask's true elements, one int32 tensor per dim. */
function nonzeroRows(mask: Tensor): Tensor[] {
  const data = mask.contiguous().toTypedArray();
  const nd = mask.dim();
  const coords = Array.from({ length: nd }, () => [] as number[]);
  const strides = mask.shape.map((_, d) => mask.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    if (!data[i]) continue;
    let rest = i;
    for (let d = 0; d < nd; d++) {
      coords[d].push(Math.floor(rest / strides[d]));
      rest %= strides[d];
    }
  }
  return coords.map((c) => tensor(Int32Array.from(c), { dtype: 'int32' }));
}

/** Applies the tensor indices to `view` (PyTorch's advanced indexing). */
function advancedIndex(view: Tensor, advanced: { dim: number; t: Tensor }[]): Tensor {
  const dims = advanced.map((a) => a.dim);
  let shape: number[] = [];
  for (const a of advanced) shape = broadcastShapes('index', shape, a.t.shape);
  const sizes = dims.map((d) => view.shape[d]);
  // wrap negative indices and check the range, naming the dim
  const idx = advanced.map((a, j) => {
    const n = sizes[j];
    const flat = a.t.toTypedArray();
    let negative = false;
    for (let i = 0; i < flat.length; i++) {
      if (flat[i] < -n || flat[i] >= n) throw new RangeError(`index: index ${flat[i]} is out of bounds for dimension ${a.dim} with size ${n}`);
      if (flat[i] < 0) negative = true;
    }
    const t = negative ? where(a.t.lt(0), a.t.add(n), a.t) : a.t;
    return expand(t, shape);
  });
  // one linear index over the advanced dims, moved to the front and flattened
  let linear: Tensor = idx[idx.length - 1];
  let scale = sizes[sizes.length - 1];
  for (let j = idx.length - 2; j >= 0; j--) {
    linear = add(linear, mul(idx[j], scale));
    scale *= sizes[j];
  }
  const rest = view.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const front = permute(view, [...dims, ...rest]);
  const flat = reshape(front, [scale, ...rest.map((i) => view.shape[i])]);
  const picked = indexSelect(flat, 0, reshape(linear, [-1]));
  const out = reshape(picked, [...shape, ...rest.map((i) => view.shape[i])]);
  // adjacent tensor indices keep their place; separated ones go first (PyTorch's rule)
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  if (!adjacent || dims[0] === 0) return out;
  const nb = shape.length;
  const before = dims[0];
  const order = [...Array.from({ length: before }, (_, i) => nb + i), ...Array.from({ length: nb }, (_, i) => i), ...Array.from({ length: rest.length - before }, (_, i) => nb + before + i)];
  return permute(out, order);
}

/** x indexed like Python's x[items]; see the module comment. */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`index: expected a Tensor, but received ${describe(x)}`);
  const { view, advanced } = basic(x, parseItems(items));
  return advanced.length === 0 ? view : advancedIndex(view, advanced);
}

/** Storage positions of x's elements, in x's shape (int32): what the setter scatters into. */
function positionsOf(x: Tensor): Tensor {
  if (x.storage.length > 2 ** 31 - 1) throw new RangeError('indexPut_: tensor indices into a storage of more than 2^31 elements are not supported');
  let p: Tensor = fullTensor([], x.offset, 'int32');
  x.shape.forEach((n, d) => {
    const shape = x.shape.map((_, i) => (i === d ? n : 1));
    p = add(p, reshape(mul(arange(0, n, 1, { dtype: 'int32' }), x.strides[d]), shape));
  });
  return expand(p, x.shape.slice());
}

/** Writes value at the selected positions of x's storage, in place, without autograd. */
function putInto(x: Tensor, parsed: Parsed[], value: TensorLike, accumulate: boolean): void {
  const { view, advanced } = basic(x.detach(), parsed);
  if (advanced.length === 0) {
    const v = value instanceof Tensor ? value.detach() : fullTensor([], value, x.dtype);
    if (accumulate) copyInto(view, add(view, v));
    else copyInto(view, expand(v.to(x.dtype), view.shape.slice()));
    return;
  }
  const pos = advancedIndex(basic(positionsOf(x), parsed).view, advanced);
  const v = value instanceof Tensor ? value.detach().to(x.dtype) : fullTensor([], value, x.dtype);
  const src = reshape(expand(v, broadcastShapes('indexPut_', pos.shape, v.shape)), [-1]).contiguous();
  const where1D = reshape(pos, [-1]).contiguous();
  if (src.numel() !== where1D.numel()) throw new RangeError(`indexPut_: shape mismatch: value of shape ${formatShape(v.shape)} cannot be broadcast to indexing result of shape ${formatShape(pos.shape)}`);
  const target = new Tensor(x.storage, [x.storage.length], [1], 0, x.dtype, x.versionCounter);
  const iview: IndexView = { storage: where1D.storage as Int32Array, offset: where1D.offset, strides: where1D.strides };
  native.scatter(native.scatterModes[accumulate ? 'add' : 'assign'], target.storage, src.storage, iview.storage,
    indexLayout(0, where1D.shape, iview, target.shape[0], src, target));
}

/**
 * x[items] = value, in place (PyTorch's index_put_ / __setitem__); with `{ accumulate: true }`
 * repeated positions add up (x[idx] += v). value is a number or a tensor broadcast to the
 * selection. Records a gradient for x's other elements and for value.
 */
export function indexPut_<T extends Tensor>(x: T, items: IndexItem | IndexItem[], value: TensorLike, options: { accumulate?: boolean } = {}): T {
  options = checkOptions('indexPut_', options, ['accumulate']);
  if (!(x instanceof Tensor)) throw new TypeError(`indexPut_: expected a Tensor, but received ${describe(x)}`);
  if (typeof value !== 'number' && !(value instanceof Tensor)) throw new TypeError(`indexPut_: expected value to be a Tensor or a number, but received ${describe(value)}`);
  if (value instanceof Tensor && isFloating(value.dtype) && !isFloating(x.dtype)) {
    throw new TypeError(`indexPut_: a ${value.dtype} value cannot be written into a ${x.dtype} tensor`);
  }
  checkInPlace('indexPut_', x);
  // an array lists the per-dim items (x[0, 2] is [0, 2]; x[[0, 2]] is [[0, 2]])
  const parsed = parseItems(Array.isArray(items) ? (items as IndexItem[]) : [items]);
  const accumulate = options.accumulate ?? false;
  const valueTensor = value instanceof Tensor ? value : null;
  if (needsGrad([x, valueTensor])) {
    const result = clone(x.detach());
    putInto(result, parsed, value, accumulate);
    const recorded = record(result, 'IndexPutBackward', [x, valueTensor], (g, needs) => {
      let gx: Tensor | null = null;
      if (needs[0]) {
        gx = clone(g);
        if (!accumulate) putInto(gx, parsed, 0, false);
      }
      const gv = needs[1] ? sumToShape(index(g, ...parsed.map(unparse)), valueTensor!.shape) : null;
      return [gx, gv];
    });
    copyInto(x, recorded.detach());
    x.versionCounter.value++;
    x.gradFn = recorded.gradFn;
    x.outputNr = recorded.outputNr;
    x.requiresGrad = true;
    return x;
  }
  putInto(x, parsed, value, accumulate);
  x.versionCounter.value++;
  return x;
}

/** A parsed item back as an index item (for re-indexing the gradient). */
function unparse(p: Parsed): IndexItem {
  switch (p.kind) {
    case 'int': return p.value;
    case 'slice': return new Slice(p.start, p.stop, p.step);
    case 'new': return null;
    case 'ellipsis': return '...';
    case 'tensor': return p.t;
  }
}


