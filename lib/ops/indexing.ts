/** Selecting and combining along a dim: indexSelect, gather, cat, stack and where. */
import { native } from '../native.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { fitsInt32, promoteTypes, promoteWithScalar, type DType } from '../tensor/dtype.js';
import { broadcastShapes, describe, formatShape, normalizeDim } from '../tensor/shape.js';
import { copyInto, emptyTensor, zerosTensor } from './alloc.js';
import { elementwiseLayout, layoutOf } from './layout.js';
import { record } from '../autograd/record.js';
import { sumToShape } from './binary.js';
import { asIndexTensor } from './index_tensor.js';

/** An index read through its own strides (stride 0 broadcasts it). */
export interface IndexView {
  storage: Int32Array;
  offset: number;
  strides: readonly number[];
}

/** Layout for gather/scatter: `dense` walks `shape`, `target` is indexed along dim. */
export function indexLayout(dim: number, shape: readonly number[], index: IndexView, targetDimSize: number, dense: Tensor, target: Tensor): Float64Array {
  return layoutOf(
    shape.length, dim, ...shape, targetDimSize,
    dense.offset, ...dense.strides,
    index.offset, ...index.strides,
    target.offset, ...target.strides,
  );
}

/** target[i with i[dim] = index[i]] += src[i], in place on target (a fresh gradient buffer). */
export function scatterAddInto(target: Tensor, dim: number, index: IndexView, src: Tensor): Tensor {
  const tv = target.dim() === 0 ? target.reshape([1]) : target;
  const sc = src.contiguous();
  native.scatterAdd(tv.storage as Float32Array, sc.storage as Float32Array, index.storage,
    indexLayout(dim, sc.shape, index, tv.shape[dim], sc, tv));
  return target;
}

/** out[i] = x[i with i[dim] = index[i]]; index has x's number of dims. */
export function gather(x: Tensor, dim: number, indexArg: Tensor | number[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`gather: expected input to be a Tensor, but received ${describe(x)}`);
  const index = asIndexTensor('gather', indexArg);
  const nd = Math.max(x.dim(), 1);
  const d = normalizeDim('gather', dim, x.dim());
  const xv = x.dim() === 0 ? x.reshape([1]) : x;
  const iv = index.dim() === 0 ? index.reshape([1]) : index;
  if (iv.dim() !== nd) {
    throw new RangeError(`gather: index tensor must have the same number of dimensions as input tensor (index ${formatShape(index.shape)}, input ${formatShape(x.shape)})`);
  }
  for (let i = 0; i < nd; i++) {
    if (i !== d && iv.shape[i] > xv.shape[i]) {
      throw new RangeError(`gather: size does not match at dimension ${i}: expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(x.shape)} apart from dimension ${d}`);
    }
  }
  const out = emptyTensor(iv.shape, x.dtype, 'gather');
  const iview: IndexView = { storage: iv.storage as Int32Array, offset: iv.offset, strides: iv.strides };
  native.gather(out.storage, xv.storage, iview.storage, indexLayout(d, iv.shape, iview, xv.shape[d], out, xv));
  const result = index.dim() === 0 ? out.reshape([]) : out;
  return record(result, 'GatherBackward', [x], (g) => [scatterAddInto(zerosTensor(x.shape, g.dtype), d, iview, g.reshape(iv.shape.slice()))], [index]);
}

/** The entries of x at positions `index` (1-D) along dim. */
export function indexSelect(x: Tensor, dim: number, indexArg: Tensor | number[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`indexSelect: expected input to be a Tensor, but received ${describe(x)}`);
  const index = asIndexTensor('indexSelect', indexArg);
  if (index.dim() > 1) throw new RangeError(`indexSelect: index must be 0-D or 1-D, but has shape ${formatShape(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, x.dim());
  const xv = x.dim() === 0 ? x.reshape([1]) : x;
  const n = index.numel();
  const shape = xv.shape.slice();
  shape[d] = n;
  // A gather through the index broadcast over every other dim (stride 0).
  const iview: IndexView = {
    storage: index.storage as Int32Array,
    offset: index.offset,
    strides: shape.map((_, i) => (i === d && index.dim() === 1 ? index.strides[0] : 0)),
  };
  const out = emptyTensor(shape, x.dtype, 'indexSelect');
  native.gather(out.storage, xv.storage, iview.storage, indexLayout(d, shape, iview, xv.shape[d], out, xv));
  const result = x.dim() === 0 ? out.reshape(index.dim() === 0 ? [] : [n]) : out;
  return record(result, 'IndexSelectBackward', [x], (g) => [scatterAddInto(zerosTensor(x.shape, g.dtype), d, iview, g.reshape(shape))], [index]);
}

function checkTensorList(op: string, tensors: unknown): asserts tensors is Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`${op}: expected a non-empty array of Tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected tensors[${i}] to be a Tensor, but received ${describe(t)}`);
  });
}

/** Concatenates tensors along an existing dim. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  checkTensorList('cat', tensors);
  const ref = tensors.find((t) => !(t.dim() === 1 && t.numel() === 0)) ?? tensors[0];
  if (ref.dim() === 0) throw new RangeError('cat: zero-dimensional tensor cannot be concatenated');
  const d = normalizeDim('cat', dim, ref.dim());
  // PyTorch skips legacy empty 1-D tensors
  const parts = tensors.filter((t) => t === ref || !(t.dim() === 1 && t.numel() === 0));
  let dtype: DType = parts[0].dtype;
  parts.forEach((t, i) => {
    dtype = promoteTypes(dtype, t.dtype);
    if (t.dim() !== ref.dim()) {
      throw new RangeError(`cat: tensors must have the same number of dimensions: got ${ref.dim()} and ${t.dim()} (tensor ${i})`);
    }
    for (let j = 0; j < ref.dim(); j++) {
      if (j !== d && t.shape[j] !== ref.shape[j]) {
        throw new RangeError(`cat: sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[j]} but got size ${t.shape[j]} for tensor number ${i} in the list`);
      }
    }
  });
  const shape = ref.shape.slice();
  shape[d] = parts.reduce((s, t) => s + t.shape[d], 0);
  const out = emptyTensor(shape, dtype, 'cat');
  const starts: number[] = [];
  let pos = 0;
  for (const t of parts) {
    starts.push(pos);
    copyInto(out.narrow(d, pos, t.shape[d]), t);
    pos += t.shape[d];
  }
  return record(out, 'CatBackward', parts, (g) => parts.map((t, i) => (t.requiresGrad ? g.narrow(d, starts[i], t.shape[d]) : null)));
}

/** Stacks same-shaped tensors along a new dim. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  checkTensorList('stack', tensors);
  const shape = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.shape.length !== shape.length || t.shape.some((s, j) => s !== shape[j])) {
      throw new RangeError(`stack: expects each tensor to be equal size, but got ${formatShape(shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim('stack', dim, shape.length + 1);
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** Elementwise cond ? a : b with broadcasting; cond must be a bool tensor. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor) || cond.dtype !== 'bool') {
    throw new TypeError(`where: expected condition to be a bool tensor, but received ${cond instanceof Tensor ? cond.dtype + ' tensor' : describe(cond)}`);
  }
  for (const [name, v] of [['input', a], ['other', b]] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new TypeError(`where: expected ${name} to be a Tensor or a number, but received ${describe(v)}`);
  }
  const ta = a instanceof Tensor ? a : null;
  const tb = b instanceof Tensor ? b : null;
  let dtype: DType = ta && tb ? promoteTypes(ta.dtype, tb.dtype) : (ta ?? tb)?.dtype ?? 'float32';
  if (!ta && !tb && (!Number.isInteger(a) || !Number.isInteger(b))) dtype = 'float32';
  // PyTorch's promotion where a number needs it: a fraction makes an integer or bool result
  // float32, an integer other than 0 and 1 makes a bool result int32 (0 and 1 keep bool, which
  // masks built with where(…, 0) rely on; PyTorch would say int64 with the same values)
  for (const v of [a, b]) {
    if (typeof v === 'number' && (ta || tb) && !(dtype === 'bool' && (v === 0 || v === 1))) dtype = promoteWithScalar(dtype, v);
  }
  if (dtype === 'int32' || dtype === 'bool') {
    for (const v of [a, b]) {
      if (typeof v === 'number' && !(dtype === 'bool' ? v === 0 || v === 1 : fitsInt32(v))) {
        throw new RangeError(`where: the number ${v} does not fit in ${dtype}, the dtype of the result; convert the tensor operand first (e.g. .double())`);
      }
    }
  }
  let shape = cond.shape.slice();
  if (ta) shape = broadcastShapes('where', shape, ta.shape);
  if (tb) shape = broadcastShapes('where', shape, tb.shape);
  const ca = ta && ta.dtype !== dtype ? ta.to(dtype) : ta;
  const cb = tb && tb.dtype !== dtype ? tb.to(dtype) : tb;
  const out = emptyTensor(shape, dtype, 'where');
  native.where(out.storage, cond.storage as Uint8Array, ca ? ca.storage : (a as number), cb ? cb.storage : (b as number),
    elementwiseLayout(shape, [out, cond, ca, cb]));
  return record(out, 'WhereBackward', [ca, cb], (g, needs) => [
    needs[0] && ca ? sumToShape(where(cond, g, 0), ca.shape) : null,
    needs[1] && cb ? sumToShape(where(cond, 0, g), cb.shape) : null,
  ], [cond]);
}
