/**
 * The Tensor: a strided view (shape, strides, offset) over a typed-array storage, plus the
 * autograd fields. Views share storage and a version counter. Every op method here is a
 * one-line forward to lib/ops, where the op and its gradient are defined together.
 */
import { inspect } from 'node:util';
import type { Storage } from '../native.js';
import type { DType } from './dtype.js';
import { contiguousStrides, numelOf, normalizeDim, type Shape } from './shape.js';
import { formatTensor } from './print.js';
import type { GradFn } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import * as binary from '../ops/binary.js';
import * as unary from '../ops/unary.js';
import * as reduce from '../ops/reduce.js';
import * as views from '../ops/views.js';
import * as copy from '../ops/copy.js';
import * as inplace from '../ops/inplace.js';
import { matmul } from '../ops/matmul.js';
import { softmax, logSoftmax } from '../ops/softmax.js';
import { indexSelect, gather } from '../ops/indexing.js';

/** Shared by a storage's views: bumped by every in-place write, checked by backward. */
export interface VersionCounter {
  value: number;
}

/** What can stand where a tensor is expected in binary ops: a tensor or a number. */
export type TensorLike = Tensor | number;

/** A nested array of numbers or booleans, as `tolist()` returns and `kd.tensor` accepts. */
export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  /** Whether backward should compute a gradient for this tensor. */
  requiresGrad = false;
  /** The accumulated gradient after backward(); null until then. */
  grad: Tensor | null = null;
  /** The tape node that made this tensor, or null for leaves. */
  gradFn: GradFn | null = null;

  /** @internal Use kd.tensor / kd.zeros / … to create tensors. */
  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
    /** @internal */ readonly versionCounter: VersionCounter = { value: 0 },
  ) {}

  /** @internal A contiguous tensor over the whole of `storage`. */
  static fromStorage(storage: Storage, shape: Shape, dtype: DType): Tensor {
    return new Tensor(storage, shape.slice(), contiguousStrides(shape), 0, dtype);
  }

  /** How many times this tensor's storage was written in place. */
  get version(): number {
    return this.versionCounter.value;
  }

  /** True for tensors not produced by a recorded op (user-created, or detached). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  numel(): number {
    return numelOf(this.shape);
  }

  dim(): number {
    return this.shape.length;
  }

  /** The size of one dim (negative counts from the end), or the whole shape. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return this.shape.slice();
    return this.shape[normalizeDim('size', dim, this.dim())];
  }

  /** True when the elements are laid out row-major without gaps. */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /** The single value of a one-element tensor. Throws a RangeError otherwise. */
  item(): number {
    if (this.numel() !== 1) {
      throw new RangeError(`item: a Tensor with ${this.numel()} elements cannot be converted to a number`);
    }
    return this.storage[this.offset];
  }

  /** The elements as nested arrays (booleans for bool tensors), or a number for 0-d tensors. */
  tolist(): NestedArray {
    const flat = this.toTypedArray();
    const asValue = (v: number): number | boolean => (this.dtype === 'bool' ? v !== 0 : v);
    if (this.shape.length === 0) return asValue(flat[0]);
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[d]; i++) {
        out.push(d === this.shape.length - 1 ? asValue(flat[pos++]) : build(d + 1));
      }
      return out;
    };
    return build(0);
  }

  /**
   * The elements, row-major, as a typed array of the dtype's kind. For a contiguous tensor
   * that spans its whole storage this is the storage itself (no copy, like numpy()).
   */
  toTypedArray(): Storage {
    if (this.isContiguous() && this.offset === 0 && this.storage.length === this.numel()) return this.storage;
    return copy.clone(this.detach()).storage;
  }

  // ---- autograd ----------------------------------------------------------------------

  /**
   * Accumulates d(this)/d(leaf) into every leaf's `.grad`. A non-scalar tensor needs the
   * gradient of the final result with respect to it. Throws if nothing requires grad, or
   * when the graph was already freed by an earlier backward without `retainGraph`.
   */
  backward(gradient?: Tensor | BackwardOptions | null, options?: BackwardOptions): void {
    if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) {
      options = gradient;  // backward({ retainGraph: true })
      gradient = undefined;
    }
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad and has no gradFn (did you forget requiresGrad: true, or call it inside noGrad?)');
    }
    if (gradient === undefined || gradient === null) {
      if (this.numel() !== 1) {
        throw new RangeError(`backward: grad can be implicitly created only for scalar outputs; this tensor has shape [${this.shape.join(', ')}]`);
      }
      gradient = copy.onesLike(this);
    } else if (gradient.shape.length !== this.shape.length || gradient.shape.some((s, i) => s !== this.shape[i])) {
      throw new RangeError(`backward: gradient has shape [${gradient.shape.join(', ')}] but the tensor has shape [${this.shape.join(', ')}]`);
    }
    runBackward(this, gradient.detach(), options);
  }

  /** Sets whether this leaf records gradients (in place); returns this. */
  requiresGrad_(on = true): this {
    if (!this.isLeaf && !on) {
      throw new Error('requiresGrad_: you can only change requiresGrad of leaf tensors; use detach() to take a tensor out of the graph');
    }
    if (on && this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new TypeError(`requiresGrad_: only floating-point tensors can require gradients, this one is ${this.dtype}`);
    }
    this.requiresGrad = on;
    return this;
  }

  /** A view of the same storage outside the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset, this.dtype, this.versionCounter);
  }

  // ---- conversion and copies -----------------------------------------------------------

  clone(): Tensor { return copy.clone(this); }
  contiguous(): Tensor { return copy.contiguous(this); }
  to(dtype: DType): Tensor { return copy.to(this, dtype); }
  float(): Tensor { return copy.to(this, 'float32'); }
  double(): Tensor { return copy.to(this, 'float64'); }
  int(): Tensor { return copy.to(this, 'int32'); }
  bool(): Tensor { return copy.to(this, 'bool'); }

  // ---- arithmetic ---------------------------------------------------------------------

  add(other: TensorLike, options?: { alpha?: number }): Tensor { return binary.add(this, other, options); }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor { return binary.sub(this, other, options); }
  mul(other: TensorLike): Tensor { return binary.mul(this, other); }
  div(other: TensorLike): Tensor { return binary.div(this, other); }
  pow(exponent: TensorLike): Tensor { return binary.pow(this, exponent); }
  maximum(other: TensorLike): Tensor { return binary.maximum(this, other); }
  minimum(other: TensorLike): Tensor { return binary.minimum(this, other); }
  neg(): Tensor { return unary.neg(this); }
  exp(): Tensor { return unary.exp(this); }
  log(): Tensor { return unary.log(this); }
  sqrt(): Tensor { return unary.sqrt(this); }
  abs(): Tensor { return unary.abs(this); }
  relu(): Tensor { return unary.relu(this); }
  sigmoid(): Tensor { return unary.sigmoid(this); }
  tanh(): Tensor { return unary.tanh(this); }
  clamp(min?: number | null, max?: number | null): Tensor { return unary.clamp(this, min, max); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }

  // ---- comparisons ---------------------------------------------------------------------

  eq(other: TensorLike): Tensor { return binary.eq(this, other); }
  ne(other: TensorLike): Tensor { return binary.ne(this, other); }
  gt(other: TensorLike): Tensor { return binary.gt(this, other); }
  ge(other: TensorLike): Tensor { return binary.ge(this, other); }
  lt(other: TensorLike): Tensor { return binary.lt(this, other); }
  le(other: TensorLike): Tensor { return binary.le(this, other); }

  // ---- reductions ----------------------------------------------------------------------

  sum(dim?: number | number[] | null, keepdim = false): Tensor { return reduce.sum(this, dim, keepdim); }
  mean(dim?: number | number[] | null, keepdim = false): Tensor { return reduce.mean(this, dim, keepdim); }
  /** The largest element, or with a dim: `{ values, indices }` along it. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? reduce.maxAll(this) : reduce.maxDim(this, dim, keepdim);
  }
  /** The smallest element, or with a dim: `{ values, indices }` along it. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? reduce.minAll(this) : reduce.minDim(this, dim, keepdim);
  }
  argmax(dim?: number | null, keepdim = false): Tensor { return reduce.argmax(this, dim, keepdim); }
  argmin(dim?: number | null, keepdim = false): Tensor { return reduce.argmin(this, dim, keepdim); }
  var(dim?: number | number[] | null, options?: reduce.VarOptions): Tensor { return reduce.variance(this, dim, options); }
  std(dim?: number | number[] | null, options?: reduce.VarOptions): Tensor { return reduce.std(this, dim, options); }
  softmax(dim: number): Tensor { return softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return logSoftmax(this, dim); }

  // ---- views and indexing ----------------------------------------------------------------

  reshape(...shape: (number | number[])[]): Tensor { return views.reshape(this, flattenShapeArgs(shape)); }
  view(...shape: (number | number[])[]): Tensor { return views.view(this, flattenShapeArgs(shape)); }
  transpose(dim0: number, dim1: number): Tensor { return views.transpose(this, dim0, dim1); }
  /** Transpose of a tensor with at most 2 dims. */
  t(): Tensor { return views.t(this); }
  permute(...dims: (number | number[])[]): Tensor { return views.permute(this, flattenShapeArgs(dims)); }
  squeeze(dim?: number): Tensor { return views.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return views.unsqueeze(this, dim); }
  flatten(startDim = 0, endDim = -1): Tensor { return views.flatten(this, startDim, endDim); }
  expand(...shape: (number | number[])[]): Tensor { return views.expand(this, flattenShapeArgs(shape)); }
  narrow(dim: number, start: number, length: number): Tensor { return views.narrow(this, dim, start, length); }
  /** The slice at `index` along dim, as a view without that dim (PyTorch's `x[:, i]`). */
  select(dim: number, index: number): Tensor { return views.select(this, dim, index); }
  indexSelect(dim: number, index: Tensor): Tensor { return indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return gather(this, dim, index); }

  // ---- in place --------------------------------------------------------------------------

  add_(other: TensorLike, options?: { alpha?: number }): this { return inplace.add_(this, other, options); }
  sub_(other: TensorLike, options?: { alpha?: number }): this { return inplace.sub_(this, other, options); }
  mul_(other: TensorLike): this { return inplace.mul_(this, other); }
  div_(other: TensorLike): this { return inplace.div_(this, other); }
  clamp_(min?: number | null, max?: number | null): this { return inplace.clamp_(this, min, max); }
  zero_(): this { return inplace.fill_(this, 0); }
  fill_(value: number): this { return inplace.fill_(this, value); }
  copy_(src: Tensor): this { return inplace.copy_(this, src); }

  // ---- printing ----------------------------------------------------------------------------

  toString(): string {
    return formatTensor(this);
  }

  [inspect.custom](): string {
    return formatTensor(this);
  }
}

/** Accepts `reshape(2, 3)` and `reshape([2, 3])` alike. */
function flattenShapeArgs(args: (number | number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0].slice();
  return args.map((a) => {
    if (Array.isArray(a)) throw new TypeError('shape: pass the sizes either as one array or as separate numbers');
    return a;
  });
}
