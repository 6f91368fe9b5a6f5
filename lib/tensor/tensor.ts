/**
 * The Tensor: a strided view (shape, strides, offset) over a typed-array storage, plus the
 * autograd fields. Views share storage and a version counter. Every op method here is a
 * one-line forward to lib/ops, where the op and its gradient are defined together.
 */
import type { DTypeOption } from '../ops/dtype_option.js';
import { checkOptions } from '../options.js';
import { inspect } from 'node:util';
import type { Storage } from '../native.js';
import type { DType } from './dtype.js';
import { contiguousStrides, numelOf, normalizeDim, type Shape } from './shape.js';
import { formatTensor } from './print.js';
import type { GradFn, GradHook } from '../autograd/node.js';
import * as autogradHooks from '../autograd/grad.js';
import type { HookHandle } from '../autograd/grad.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import * as binary from '../ops/binary.js';
import * as unary from '../ops/unary.js';
import * as reduce from '../ops/reduce.js';
import * as views from '../ops/views.js';
import * as copy from '../ops/copy.js';
import * as inplace from '../ops/inplace.js';
import * as pw from '../ops/pointwise_inplace.js';
import * as nanReduce from '../ops/nan_reduce.js';
import * as splitStack from '../ops/split_stack.js';
import * as create from './create.js';
import type { TensorOptions } from './create.js';
import { matmul } from '../ops/matmul.js';
import { softmax, logSoftmax } from '../ops/softmax.js';
import { indexSelect, gather, where } from '../ops/indexing.js';
import * as math from '../ops/math.js';
import * as norms from '../ops/norms.js';
import * as scan from '../ops/scan.js';
import * as sorting from '../ops/sort.js';
import * as sampling from '../ops/sampling.js';
import type { Generator } from './random.js';
import * as shapeOps from '../ops/shape.js';
import * as scatter from '../ops/scatter.js';
import * as linalg from '../ops/linalg.js';
import { index, indexPut_, type IndexItem } from '../ops/index_expr.js';

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
  /** @internal Which of gradFn's outputs this tensor is (0 but for multi-output functions). */
  outputNr = 0;
  /** @internal Hooks on a leaf's gradient (registerHook), run before it accumulates into `.grad`. */
  leafHooks: GradHook[] | undefined = undefined;
  /** @internal Hooks run on a leaf after its gradient has been accumulated into `.grad`. */
  postAccumulateHooks: ((leaf: Tensor) => void)[] | undefined = undefined;
  /** True when retainGrad() made this non-leaf keep its gradient in `.grad`. */
  retainsGrad = false;

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

  /** numel(), PyTorch's older name. */
  nelement(): number { return numelOf(this.shape); }

  /** The number of dims (PyTorch's x.ndim). */
  get ndim(): number {
    return this.shape.length;
  }

  /** The transpose of a matrix, or all dims reversed (PyTorch's x.T). */
  get T(): Tensor {
    return views.permute(this, this.shape.map((_, i) => this.shape.length - 1 - i));
  }

  /** The last two dims swapped (PyTorch's x.mT): a batch of matrices transposed. */
  get mT(): Tensor {
    if (this.dim() < 2) throw new RangeError(`mT: expected a tensor with at least 2 dims, but got shape [${this.shape.join(', ')}]`);
    return views.transpose(this, -2, -1);
  }

  /** The stride of one dim in elements, or all of them. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number | number[] {
    if (dim === undefined) return this.strides.slice();
    return this.strides[normalizeDim('stride', dim, this.dim())];
  }

  /** Where this view starts in its storage, in elements. */
  storageOffset(): number { return this.offset; }
  /** Bytes per element. */
  elementSize(): number { return this.storage.BYTES_PER_ELEMENT; }
  /** True for float32 and float64. */
  isFloatingPoint(): boolean { return this.dtype === 'float32' || this.dtype === 'float64'; }

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
    checkOptions('backward', options, ['retainGraph']);
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

  /**
   * Calls hook(grad) with this tensor's gradient during backward; it may return a replacement.
   * Returns a handle whose remove() unregisters it. Throws for a tensor that doesn't require grad.
   */
  registerHook(hook: GradHook): HookHandle { return autogradHooks.registerHook(this, hook); }

  /** numSamples category indices per row drawn from these weights (see kd.multinomial). */
  multinomial(numSamples: number, replacement = false, options: { generator?: Generator } = {}): Tensor { return sampling.multinomial(this, numSamples, replacement, options); }

  /**
   * Calls hook(this) once backward has accumulated this leaf's gradient into `.grad` (PyTorch's
   * register_post_accumulate_grad_hook), while the rest of backward may still run. The hook may
   * read `.grad` or change the parameter, but must not write `.grad` in place: until backward
   * returns, other gradients may share its storage. Throws for a non-leaf or a tensor that
   * doesn't require grad.
   */
  registerPostAccumulateGradHook(hook: (leaf: Tensor) => void): HookHandle { return autogradHooks.registerPostAccumulateGradHook(this, hook); }

  /** Keeps a non-leaf tensor's gradient in `.grad` after backward (leaves always keep theirs). */
  retainGrad(): void { autogradHooks.retainGrad(this); }

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

  /**
   * The same storage outside the graph (PyTorch's `x.data`): `p.data.sub_(g.mul(lr))` updates a
   * parameter without recording. Assigning to it throws: use `x.data.copy_(other)`.
   */
  get data(): Tensor {
    return this.detach();
  }

  set data(_value: Tensor) {
    throw new TypeError('data: assigning x.data is not supported (a tensor\'s storage is fixed); write into it with x.data.copy_(other)');
  }

  // ---- conversion and copies -----------------------------------------------------------

  clone(): Tensor { return copy.clone(this); }
  contiguous(): Tensor { return copy.contiguous(this); }
  /** This tensor converted to dtype (itself when it already is); 'cpu' (the only device) is accepted and changes nothing. */
  to(dtype: DType | 'cpu', options?: { dtype?: DType }): Tensor {
    if (dtype === 'cpu') return options?.dtype ? copy.to(this, options.dtype) : this;
    return copy.to(this, dtype);
  }
  /** The dtype (no argument), or this tensor converted to dtype. */
  type(): DType;
  type(dtype: DType): Tensor;
  type(dtype?: DType): DType | Tensor {
    return dtype === undefined ? this.dtype : copy.to(this, dtype);
  }
  /** This tensor (kindling runs on the CPU only). */
  cpu(): Tensor { return this; }
  float(): Tensor { return copy.to(this, 'float32'); }
  double(): Tensor { return copy.to(this, 'float64'); }
  int(): Tensor { return copy.to(this, 'int32'); }
  bool(): Tensor { return copy.to(this, 'bool'); }
  /**
   * PyTorch's .long() for class indices and counts: kindling's integer type is int32, so this is
   * .int(), except that a value int32 cannot hold (or NaN) throws instead of wrapping.
   */
  long(): Tensor { return copy.toInt32Checked(this, 'long'); }
  /** This tensor converted to other's dtype. */
  typeAs(other: Tensor): Tensor { return copy.to(this, other.dtype); }
  /** A new tensor of zeros with this tensor's dtype (unless options give one). */
  newZeros(shape: number[], options?: TensorOptions): Tensor { return create.zeros(shape, { ...options, dtype: options?.dtype ?? this.dtype }); }
  newOnes(shape: number[], options?: TensorOptions): Tensor { return create.ones(shape, { ...options, dtype: options?.dtype ?? this.dtype }); }
  newFull(shape: number[], value: number, options?: TensorOptions): Tensor { return create.full(shape, value, { ...options, dtype: options?.dtype ?? this.dtype }); }
  newEmpty(shape: number[], options?: TensorOptions): Tensor { return create.empty(shape, { ...options, dtype: options?.dtype ?? this.dtype }); }
  /** A new tensor from data with this tensor's dtype (unless options give one). */
  newTensor(data: NestedArray, options?: TensorOptions): Tensor { return create.tensor(data, { ...options, dtype: options?.dtype ?? this.dtype }); }

  // ---- arithmetic ---------------------------------------------------------------------

  add(other: TensorLike, options?: { alpha?: number }): Tensor { return binary.add(this, other, options); }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor { return binary.sub(this, other, options); }
  mul(other: TensorLike): Tensor { return binary.mul(this, other); }
  /** Division; roundingMode 'trunc' or 'floor' rounds the quotient (integers stay integers). */
  div(other: TensorLike, options?: { roundingMode?: 'trunc' | 'floor' | null }): Tensor { return math.divide(this, other, options); }
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
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor { return math.clamp(this, min, max); }
  clip(min?: TensorLike | null, max?: TensorLike | null): Tensor { return math.clamp(this, min, max); }
  clampMin(min: number): Tensor { return math.clampMin(this, min); }
  clampMax(max: number): Tensor { return math.clampMax(this, max); }
  matmul(other: Tensor): Tensor { return matmul(this, other); }
  sin(): Tensor { return math.sin(this); }
  cos(): Tensor { return math.cos(this); }
  tan(): Tensor { return math.tan(this); }
  asin(): Tensor { return math.asin(this); }
  acos(): Tensor { return math.acos(this); }
  atan(): Tensor { return math.atan(this); }
  sinh(): Tensor { return math.sinh(this); }
  cosh(): Tensor { return math.cosh(this); }
  asinh(): Tensor { return math.asinh(this); }
  acosh(): Tensor { return math.acosh(this); }
  atanh(): Tensor { return math.atanh(this); }
  exp2(): Tensor { return math.exp2(this); }
  expm1(): Tensor { return math.expm1(this); }
  log1p(): Tensor { return math.log1p(this); }
  log2(): Tensor { return math.log2(this); }
  log10(): Tensor { return math.log10(this); }
  erf(): Tensor { return math.erf(this); }
  erfinv(): Tensor { return math.erfinv(this); }
  floor(): Tensor { return math.floor(this); }
  ceil(): Tensor { return math.ceil(this); }
  /** Rounds half to even; `round(2)` or `round({ decimals: 2 })` to decimal places. */
  round(decimals?: number | { decimals?: number }): Tensor { return math.round(this, decimals); }
  trunc(): Tensor { return math.trunc(this); }
  fix(): Tensor { return math.trunc(this); }
  frac(): Tensor { return math.frac(this); }
  sign(): Tensor { return math.sign(this); }
  sgn(): Tensor { return math.sign(this); }
  reciprocal(): Tensor { return math.reciprocal(this); }
  rsqrt(): Tensor { return math.rsqrt(this); }
  square(): Tensor { return math.square(this); }
  atan2(other: TensorLike): Tensor { return math.atan2(this, other); }
  remainder(other: TensorLike): Tensor { return math.remainder(this, other); }
  fmod(other: TensorLike): Tensor { return math.fmod(this, other); }
  hypot(other: TensorLike): Tensor { return math.hypot(this, other); }
  logaddexp(other: TensorLike): Tensor { return math.logaddexp(this, other); }
  /** this + weight * (end - this). */
  lerp(end: TensorLike, weight: TensorLike): Tensor { return math.lerp(this, end, weight); }
  floorDivide(other: TensorLike): Tensor { return math.floorDivide(this, other); }
  trueDivide(other: TensorLike): Tensor { return binary.div(this, other); }
  erfc(): Tensor { return math.erfc(this); }
  logit(eps: number | null = null): Tensor { return math.logit(this, eps); }
  xlogy(other: TensorLike): Tensor { return math.xlogy(this, other); }
  fmax(other: TensorLike): Tensor { return math.fmax(this, other); }
  fmin(other: TensorLike): Tensor { return math.fmin(this, other); }
  copysign(other: TensorLike): Tensor { return math.copysign(this, other); }
  signbit(): Tensor { return math.signbit(this); }
  /** where(condition, this, other), as PyTorch's x.where(condition, y). */
  where(condition: Tensor, other: TensorLike): Tensor { return where(condition, this, other); }
  logcumsumexp(dim: number): Tensor { return scan.logcumsumexp(this, dim); }
  nansum(dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor { return nanReduce.nansum(this, dim, keepdim, options); }
  nanmean(dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor { return nanReduce.nanmean(this, dim, keepdim, options); }
  isin(testElements: Tensor | number, options?: { invert?: boolean }): Tensor { return sorting.isin(this, testElements, options); }
  argwhere(): Tensor { return scatter.argwhere(this); }
  /** 0/1 samples with this tensor's probabilities (PyTorch's x.bernoulli()). */
  bernoulli(options?: { generator?: Generator }): Tensor { return sampling.bernoulli(this, options); }
  addcmul(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): Tensor { return math.addcmul(this, tensor1, tensor2, options); }
  addcdiv(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): Tensor { return math.addcdiv(this, tensor1, tensor2, options); }
  isnan(): Tensor { return math.isnan(this); }
  isinf(): Tensor { return math.isinf(this); }
  isfinite(): Tensor { return math.isfinite(this); }
  isposinf(): Tensor { return math.isposinf(this); }
  isneginf(): Tensor { return math.isneginf(this); }
  /** NaN, +Infinity and -Infinity replaced (defaults 0, the largest and the smallest finite values). */
  nanToNum(nan?: number | math.NanToNumOptions, posinf?: number | null, neginf?: number | null): Tensor { return math.nanToNum(this, nan, posinf, neginf); }
  logicalAnd(other: TensorLike): Tensor { return math.logicalAnd(this, other); }
  logicalOr(other: TensorLike): Tensor { return math.logicalOr(this, other); }
  logicalXor(other: TensorLike): Tensor { return math.logicalXor(this, other); }
  logicalNot(): Tensor { return math.logicalNot(this); }
  /** `~x`: not of a bool mask, or two's-complement not of an int32 tensor. */
  bitwiseNot(): Tensor { return math.bitwiseNot(this); }
  bitwiseAnd(other: TensorLike): Tensor { return math.bitwiseAnd(this, other); }
  bitwiseOr(other: TensorLike): Tensor { return math.bitwiseOr(this, other); }
  bitwiseXor(other: TensorLike): Tensor { return math.bitwiseXor(this, other); }
  /** |this - other| <= atol + rtol |other| everywhere. */
  allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean { return math.allclose(this, other, options); }
  isclose(other: TensorLike, options?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor { return math.isclose(this, other, options); }
  /** Same shape and same elements. */
  equal(other: Tensor): boolean { return math.equal(this, other); }
  mm(other: Tensor): Tensor { return linalg.mm(this, other); }
  bmm(other: Tensor): Tensor { return linalg.bmm(this, other); }
  dot(other: Tensor): Tensor { return linalg.dot(this, other); }
  outer(other: Tensor): Tensor { return linalg.outer(this, other); }
  addmm(mat1: Tensor, mat2: Tensor, options?: { beta?: number; alpha?: number }): Tensor { return linalg.addmm(this, mat1, mat2, options); }
  baddbmm(batch1: Tensor, batch2: Tensor, options?: { beta?: number; alpha?: number }): Tensor { return linalg.baddbmm(this, batch1, batch2, options); }
  kron(other: Tensor): Tensor { return linalg.kron(this, other); }
  cross(other: Tensor, dim?: number | null): Tensor { return linalg.cross(this, other, dim); }

  // ---- comparisons ---------------------------------------------------------------------

  eq(other: TensorLike): Tensor { return binary.eq(this, other); }
  ne(other: TensorLike): Tensor { return binary.ne(this, other); }
  gt(other: TensorLike): Tensor { return binary.gt(this, other); }
  ge(other: TensorLike): Tensor { return binary.ge(this, other); }
  lt(other: TensorLike): Tensor { return binary.lt(this, other); }
  le(other: TensorLike): Tensor { return binary.le(this, other); }

  // ---- reductions ----------------------------------------------------------------------

  /** Sum over dims (all when omitted); `{ dtype }` as a last argument casts first (PyTorch's dtype=). */
  sum(dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor { return reduce.sum(this, dim, keepdim, options); }
  mean(dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor { return reduce.mean(this, dim, keepdim, options); }
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
  /** Variance: `var(dim, unbiased, keepdim)` positionally, or `var(dim, { correction, keepdim })`. */
  var(dim?: number | number[] | null, options?: reduce.VarOptions | boolean, keepdim?: boolean): Tensor { return reduce.variance(this, dim, varOptions(options, keepdim)); }
  /** Standard deviation: `std(dim, unbiased, keepdim)` positionally, or `std(dim, { correction, keepdim })`. */
  std(dim?: number | number[] | null, options?: reduce.VarOptions | boolean, keepdim?: boolean): Tensor { return reduce.std(this, dim, varOptions(options, keepdim)); }
  prod(dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor { return reduce.prod(this, dim, keepdim, options); }
  amax(dim?: number | number[] | null, keepdim = false): Tensor { return reduce.amax(this, dim, keepdim); }
  amin(dim?: number | number[] | null, keepdim = false): Tensor { return reduce.amin(this, dim, keepdim); }
  aminmax(options?: { dim?: number | null; keepdim?: boolean }): { min: Tensor; max: Tensor } { return reduce.aminmax(this, options); }
  all(dim?: number | number[] | null, keepdim = false): Tensor { return reduce.all(this, dim, keepdim); }
  any(dim?: number | number[] | null, keepdim = false): Tensor { return reduce.any(this, dim, keepdim); }
  countNonzero(dim?: number | number[] | null): Tensor { return reduce.countNonzero(this, dim); }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return norms.logsumexp(this, dim, keepdim); }
  /** The p-norm (default 2) over all elements or dims; p may be Infinity, -Infinity, 0, 1 or 'fro'. */
  norm(p: norms.NormOrder | null = 2, dim?: number | number[] | null, keepdim = false): Tensor { return norms.norm(this, p, dim, keepdim); }
  /** The p-norm of this - other (they broadcast) over all elements. */
  dist(other: Tensor, p: norms.NormOrder = 2): Tensor { return norms.dist(this, other, p); }
  cumsum(dim: number, options?: DTypeOption): Tensor { return scan.cumsum(this, dim, options); }
  cumprod(dim: number, options?: DTypeOption): Tensor { return scan.cumprod(this, dim, options); }
  cummax(dim: number): { values: Tensor; indices: Tensor } { return scan.cummax(this, dim); }
  cummin(dim: number): { values: Tensor; indices: Tensor } { return scan.cummin(this, dim); }
  /** Sorted along dim (stable): `{ values, indices }`. */
  sort(dim: number | sorting.SortOptions = -1, descending = false): { values: Tensor; indices: Tensor } { return sorting.sort(this, dim, descending); }
  argsort(dim: number | sorting.SortOptions = -1, descending = false): Tensor { return sorting.argsort(this, dim, descending); }
  /** The k largest (or smallest) along dim: `{ values, indices }`. */
  topk(k: number, dim: number | sorting.TopkOptions = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } { return sorting.topk(this, k, dim, largest, sorted); }
  kthvalue(k: number, dim = -1, keepdim = false): { values: Tensor; indices: Tensor } { return sorting.kthvalue(this, k, dim, keepdim); }
  /** The (lower) median of all elements, or along dim as `{ values, indices }`. */
  median(): Tensor;
  median(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  median(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? sorting.median(this) : sorting.median(this, dim, keepdim);
  }
  /** The median of the non-NaN elements: of all of them, or along dim as `{ values, indices }`. */
  nanmedian(): Tensor;
  nanmedian(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  nanmedian(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? sorting.nanmedian(this) : sorting.nanmedian(this, dim, keepdim);
  }
  mode(dim = -1, keepdim = false): { values: Tensor; indices: Tensor } { return sorting.mode(this, dim, keepdim); }
  unique(options?: sorting.UniqueOptions): Tensor | Tensor[] { return sorting.unique(this, options); }
  /** Indices of the non-zero elements: [count, ndim] int32, or one 1-D tensor per dim with asTuple. */
  nonzero(options?: { asTuple?: boolean }): Tensor | Tensor[] { return scatter.nonzero(this, options); }
  bincount(options?: { weights?: Tensor | null; minlength?: number }): Tensor { return sorting.bincount(this, options); }
  histc(bins = 100, min = 0, max = 0): Tensor { return sorting.histc(this, bins, min, max); }
  softmax(dim: number, options?: DTypeOption): Tensor { return softmax(this, dim, options); }
  logSoftmax(dim: number, options?: DTypeOption): Tensor { return logSoftmax(this, dim, options); }

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
  indexSelect(dim: number, index: Tensor | number[]): Tensor { return indexSelect(this, dim, index); }
  gather(dim: number, index: Tensor | number[]): Tensor { return gather(this, dim, index); }
  /**
   * Python's x[...]: `x.index(':, 2:5')`, `x.index('..., -1')`, `x.index('::2')`, `x.index(null)`,
   * `x.index(idx)` (int tensor or array), `x.index(mask)`, or one item per dim.
   */
  index(...items: IndexItem[]): Tensor { return index(this, ...items); }
  /** Python's x[items] = value (in place); an array lists the per-dim items. */
  indexPut_(items: IndexItem | IndexItem[], value: TensorLike, options?: { accumulate?: boolean }): this { return indexPut_(this, items, value, options); }
  /** A view of elements start, start+step, … before stop along dim (Python's x[start:stop:step]). */
  slice(dim: number, start: number | null = null, stop: number | null = null, step = 1): Tensor { return views.slice(this, dim, start, stop, step); }
  chunk(chunks: number, dim = 0): Tensor[] { return shapeOps.chunk(this, chunks, dim); }
  split(splitSize: number | number[], dim = 0): Tensor[] { return shapeOps.split(this, splitSize, dim); }
  unbind(dim = 0): Tensor[] { return shapeOps.unbind(this, dim); }
  repeat(...sizes: (number | number[])[]): Tensor { return shapeOps.repeat(this, flattenShapeArgs(sizes)); }
  tile(...dims: (number | number[])[]): Tensor { return shapeOps.tile(this, flattenShapeArgs(dims)); }
  repeatInterleave(repeats: number | Tensor | number[], dim?: number | null): Tensor { return shapeOps.repeatInterleave(this, repeats, dim); }
  flip(...dims: (number | number[])[]): Tensor { return shapeOps.flip(this, flattenShapeArgs(dims)); }
  fliplr(): Tensor { return shapeOps.flip(this, [1]); }
  flipud(): Tensor { return shapeOps.flip(this, [0]); }
  roll(shifts: number | number[], dims?: number | number[] | null): Tensor { return shapeOps.roll(this, shifts, dims); }
  movedim(source: number | number[], destination: number | number[]): Tensor { return shapeOps.movedim(this, source, destination); }
  moveaxis(source: number | number[], destination: number | number[]): Tensor { return shapeOps.movedim(this, source, destination); }
  swapaxes(axis0: number, axis1: number): Tensor { return shapeOps.swapaxes(this, axis0, axis1); }
  swapdims(dim0: number, dim1: number): Tensor { return shapeOps.swapaxes(this, dim0, dim1); }
  tril(diagonal = 0): Tensor { return shapeOps.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return shapeOps.triu(this, diagonal); }
  diag(diagonal = 0): Tensor { return shapeOps.diag(this, diagonal); }
  /** The diagonal as a view (PyTorch's diagonal(offset, dim1, dim2)). */
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor { return views.diagonal(this, offset, dim1, dim2); }
  trace(): Tensor { return shapeOps.trace(this); }
  unflatten(dim: number, sizes: number[]): Tensor { return shapeOps.unflatten(this, dim, sizes); }
  /** The elements as a 1-D tensor (a view when possible). */
  ravel(): Tensor { return views.reshape(this, [-1]); }
  rot90(k = 1, dims: [number, number] = [0, 1]): Tensor { return shapeOps.rot90(this, k, dims); }
  diff(n = 1, dim = -1, prepend: Tensor | null = null, append: Tensor | null = null): Tensor { return shapeOps.diff(this, n, dim, prepend, append); }
  /** Windows of `size` elements `step` apart along dim, as a view (PyTorch's Tensor.unfold). */
  unfold(dimension: number, size: number, step: number): Tensor { return views.unfoldWindows(this, dimension, size, step); }
  tensorSplit(indicesOrSections: number | number[], dim = 0): Tensor[] { return splitStack.tensorSplit(this, indicesOrSections, dim); }
  hsplit(sections: number | number[]): Tensor[] { return splitStack.hsplit(this, sections); }
  vsplit(sections: number | number[]): Tensor[] { return splitStack.vsplit(this, sections); }
  dsplit(sections: number | number[]): Tensor[] { return splitStack.dsplit(this, sections); }
  broadcastTo(...shape: (number | number[])[]): Tensor { return shapeOps.broadcastTo(this, flattenShapeArgs(shape)); }
  expandAs(other: Tensor): Tensor { return views.expand(this, other.shape.slice()); }
  viewAs(other: Tensor): Tensor { return views.view(this, other.shape.slice()); }
  reshapeAs(other: Tensor): Tensor { return views.reshape(this, other.shape.slice()); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return scatter.maskedFill(this, mask, value); }
  maskedSelect(mask: Tensor): Tensor { return scatter.maskedSelect(this, mask); }
  scatter(dim: number, index: Tensor | number[], src: TensorLike, options?: { reduce?: 'add' | 'multiply' }): Tensor { return scatter.scatter(this, dim, index, src, options); }
  scatterAdd(dim: number, index: Tensor | number[], src: Tensor): Tensor { return scatter.scatterAdd(this, dim, index, src); }
  scatterReduce(dim: number, index: Tensor | number[], src: Tensor, reduce: scatter.ScatterReduction, options?: { includeSelf?: boolean }): Tensor { return scatter.scatterReduce(this, dim, index, src, reduce, options); }
  indexAdd(dim: number, index: Tensor | number[], source: Tensor, options?: { alpha?: number }): Tensor { return scatter.indexAdd(this, dim, index, source, options); }
  indexFill(dim: number, index: Tensor | number[], value: number | Tensor): Tensor { return scatter.indexFill(this, dim, index, value); }
  indexCopy(dim: number, index: Tensor | number[], source: Tensor): Tensor { return scatter.indexCopy(this, dim, index, source); }
  takeAlongDim(indices: Tensor | number[], dim?: number | null): Tensor { return scatter.takeAlongDim(this, indices, dim); }
  take(index: Tensor | number[]): Tensor { return scatter.take(this, index); }

  // ---- in place --------------------------------------------------------------------------

  add_(other: TensorLike, options?: { alpha?: number }): this { return inplace.add_(this, other, options); }
  sub_(other: TensorLike, options?: { alpha?: number }): this { return inplace.sub_(this, other, options); }
  mul_(other: TensorLike): this { return inplace.mul_(this, other); }
  div_(other: TensorLike): this { return inplace.div_(this, other); }
  clamp_(min?: TensorLike | null, max?: TensorLike | null): this {
    if (min instanceof Tensor || max instanceof Tensor) return inplace.fromOutOfPlace('clamp_', this, [min, max].filter((b): b is Tensor => b instanceof Tensor), (x) => math.clamp(x, min, max));
    return inplace.clamp_(this, min as number | null | undefined, max as number | null | undefined);
  }
  zero_(): this { return inplace.fill_(this, 0); }
  fill_(value: number): this { return inplace.fill_(this, value); }
  copy_(src: Tensor): this { return inplace.copy_(this, src); }
  maskedFill_(mask: Tensor, value: number | Tensor): this { return inplace.fromOutOfPlace('maskedFill_', this, [value], (x) => scatter.maskedFill(x, mask, value)); }
  scatter_(dim: number, index: Tensor | number[], src: TensorLike, options?: { reduce?: 'add' | 'multiply' }): this { return inplace.fromOutOfPlace('scatter_', this, [src], (x) => scatter.scatter(x, dim, index, src, options)); }
  scatterAdd_(dim: number, index: Tensor | number[], src: Tensor): this { return inplace.fromOutOfPlace('scatterAdd_', this, [src], (x) => scatter.scatterAdd(x, dim, index, src)); }
  scatterReduce_(dim: number, index: Tensor | number[], src: Tensor, reduce: scatter.ScatterReduction, options?: { includeSelf?: boolean }): this { return inplace.fromOutOfPlace('scatterReduce_', this, [src], (x) => scatter.scatterReduce(x, dim, index, src, reduce, options)); }
  indexAdd_(dim: number, index: Tensor | number[], source: Tensor, options?: { alpha?: number }): this { return inplace.fromOutOfPlace('indexAdd_', this, [source], (x) => scatter.indexAdd(x, dim, index, source, options)); }
  indexFill_(dim: number, index: Tensor | number[], value: number | Tensor): this { return inplace.fromOutOfPlace('indexFill_', this, [value], (x) => scatter.indexFill(x, dim, index, value)); }
  indexCopy_(dim: number, index: Tensor | number[], source: Tensor): this { return inplace.fromOutOfPlace('indexCopy_', this, [source], (x) => scatter.indexCopy(x, dim, index, source)); }

  // pointwise math in place: see lib/ops/pointwise_inplace.ts
  abs_(): this { return pw.unaryInPlace('abs', this); }
  neg_(): this { return pw.unaryInPlace('neg', this); }
  exp_(): this { return pw.unaryInPlace('exp', this); }
  log_(): this { return pw.unaryInPlace('log', this); }
  sqrt_(): this { return pw.unaryInPlace('sqrt', this); }
  relu_(): this { return pw.unaryInPlace('relu', this); }
  sigmoid_(): this { return pw.unaryInPlace('sigmoid', this); }
  tanh_(): this { return pw.unaryInPlace('tanh', this); }
  sin_(): this { return pw.unaryInPlace('sin', this); }
  cos_(): this { return pw.unaryInPlace('cos', this); }
  tan_(): this { return pw.unaryInPlace('tan', this); }
  asin_(): this { return pw.unaryInPlace('asin', this); }
  acos_(): this { return pw.unaryInPlace('acos', this); }
  atan_(): this { return pw.unaryInPlace('atan', this); }
  sinh_(): this { return pw.unaryInPlace('sinh', this); }
  cosh_(): this { return pw.unaryInPlace('cosh', this); }
  asinh_(): this { return pw.unaryInPlace('asinh', this); }
  acosh_(): this { return pw.unaryInPlace('acosh', this); }
  atanh_(): this { return pw.unaryInPlace('atanh', this); }
  exp2_(): this { return pw.unaryInPlace('exp2', this); }
  expm1_(): this { return pw.unaryInPlace('expm1', this); }
  log1p_(): this { return pw.unaryInPlace('log1p', this); }
  log2_(): this { return pw.unaryInPlace('log2', this); }
  log10_(): this { return pw.unaryInPlace('log10', this); }
  erf_(): this { return pw.unaryInPlace('erf', this); }
  erfinv_(): this { return pw.unaryInPlace('erfinv', this); }
  rsqrt_(): this { return pw.unaryInPlace('rsqrt', this); }
  reciprocal_(): this { return pw.unaryInPlace('reciprocal', this); }
  square_(): this { return pw.unaryInPlace('square', this); }
  floor_(): this { return pw.unaryInPlace('floor', this); }
  ceil_(): this { return pw.unaryInPlace('ceil', this); }
  trunc_(): this { return pw.unaryInPlace('trunc', this); }
  frac_(): this { return pw.unaryInPlace('frac', this); }
  sign_(): this { return pw.unaryInPlace('sign', this); }
  round_(decimals?: number | { decimals?: number }): this { return pw.round_(this, decimals); }
  pow_(exponent: TensorLike): this { return pw.pow_(this, exponent); }
  clampMin_(min: number): this { return pw.clampMin_(this, min); }
  clampMax_(max: number): this { return pw.clampMax_(this, max); }
  lerp_(end: TensorLike, weight: TensorLike): this { return pw.lerp_(this, end, weight); }
  remainder_(other: TensorLike): this { return pw.remainder_(this, other); }
  fmod_(other: TensorLike): this { return pw.fmod_(this, other); }
  atan2_(other: TensorLike): this { return pw.atan2_(this, other); }
  hypot_(other: TensorLike): this { return pw.hypot_(this, other); }
  nanToNum_(nan?: number | math.NanToNumOptions, posinf?: number | null, neginf?: number | null): this { return pw.nanToNum_(this, nan, posinf, neginf); }
  /** self += value * tensor1 * tensor2 (PyTorch's addcmul_). */
  addcmul_(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): this { return pw.addcmul_(this, tensor1, tensor2, options); }
  /** self += value * tensor1 / tensor2 (PyTorch's addcdiv_, as in optimisers' updates). */
  addcdiv_(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): this { return pw.addcdiv_(this, tensor1, tensor2, options); }
  /** Fills with samples uniform in [from, to), from kindling's seeded generator unless one is given. */
  uniform_(from = 0, to = 1, options?: { generator?: Generator }): this { return pw.uniform_(this, from, to, options); }
  /** Fills with normal samples (mean, std), from kindling's seeded generator unless one is given. */
  normal_(mean = 0, std = 1, options?: { generator?: Generator }): this { return pw.normal_(this, mean, std, options); }
  erfc_(): this { return pw.unaryInPlace('erfc', this); }
  /** Fills with 0/1 samples, 1 with probability p (a number, or a tensor broadcast to this one). */
  bernoulli_(p: number | Tensor = 0.5, options?: { generator?: Generator }): this { return pw.bernoulli_(this, p, options); }
  tril_(diagonal = 0): this { return inplace.fromOutOfPlace('tril_', this, [], (x) => shapeOps.tril(x, diagonal)); }
  triu_(diagonal = 0): this { return inplace.fromOutOfPlace('triu_', this, [], (x) => shapeOps.triu(x, diagonal)); }
  clip_(min?: TensorLike | null, max?: TensorLike | null): this { return this.clamp_(min, max); }
  /** Writes value on the main diagonal of a matrix (wrap: continue below it for tall matrices), as PyTorch's fill_diagonal_. */
  fillDiagonal_(value: number, wrap = false): this { return pw.fillDiagonal_(this, value, wrap); }

  // ---- printing ----------------------------------------------------------------------------

  toString(): string {
    return formatTensor(this);
  }

  [inspect.custom](): string {
    return formatTensor(this);
  }
}

/** var/std's options from PyTorch's positional (unbiased, keepdim) or an options object. */
function varOptions(options: reduce.VarOptions | boolean | undefined, keepdim: boolean | undefined): reduce.VarOptions | undefined {
  if (typeof options === 'boolean') return { unbiased: options, keepdim: keepdim ?? false };
  if (keepdim !== undefined) return { ...options, keepdim };
  return options;
}

/** Accepts `reshape(2, 3)` and `reshape([2, 3])` alike. */
function flattenShapeArgs(args: (number | number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0].slice();
  return args.map((a) => {
    if (Array.isArray(a)) throw new TypeError('shape: pass the sizes either as one array or as separate numbers');
    return a;
  });
}
