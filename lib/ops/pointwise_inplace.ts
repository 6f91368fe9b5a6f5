/**
 * PyTorch's in-place twins of the pointwise ops: x.exp_(), x.relu_(), x.pow_(2),
 * x.addcdiv_(a, b, { value }), x.uniform_(-0.1, 0.1), … Outside the tape a floating-point
 * unary op runs its kernel straight over self's own elements (one pass, no allocation);
 * otherwise the out-of-place op runs and its result is written back, taking over self's place
 * on the tape, so each op's forward and gradient stay defined once, in its own file.
 */
import { checkOptions, checkFlag, checkNumber } from '../options.js';
import { native } from '../native.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { elementOf, isFloating } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import { needsGrad } from '../autograd/record.js';
import { elementwiseLayout } from './layout.js';
import { checkInPlace, fromOutOfPlace } from './inplace.js';
import { pow } from './binary.js';
import * as unary from './unary.js';
import * as math from './math.js';
import { copyInto } from './alloc.js';

/** The unary ops whose floating-point forward is exactly their native kernel. */
const UNARY = {
  abs: unary.abs, neg: unary.neg, exp: unary.exp, log: unary.log, sqrt: unary.sqrt, relu: unary.relu,
  sigmoid: unary.sigmoid, tanh: unary.tanh, sin: math.sin, cos: math.cos, tan: math.tan, asin: math.asin,
  acos: math.acos, atan: math.atan, sinh: math.sinh, cosh: math.cosh, asinh: math.asinh, acosh: math.acosh,
  atanh: math.atanh, exp2: math.exp2, expm1: math.expm1, log1p: math.log1p, log2: math.log2, log10: math.log10,
  erf: math.erf, erfinv: math.erfinv, rsqrt: math.rsqrt, reciprocal: math.reciprocal, square: math.square,
  floor: math.floor, ceil: math.ceil, trunc: math.trunc, frac: math.frac, sign: math.sign, erfc: math.erfc,
} as const;

export type UnaryInPlaceName = keyof typeof UNARY;

/**
 * self.<name>_(): the unary op written into self. Throws where the out-of-place op throws, and
 * a TypeError when its result type cannot be stored in self (exp_ of an int32 tensor).
 */
export function unaryInPlace<T extends Tensor>(name: UnaryInPlaceName, self: T): T {
  const op = `${name}_`;
  unary.checkTensor(op, self);
  if (isFloating(self.dtype) && !needsGrad([self])) {
    checkInPlace(op, self);
    native.unary(native.unaryOps[name], self.storage, self.storage, elementwiseLayout(self.shape, [self, self]));
    self.versionCounter.value++;
    return self;
  }
  return fromOutOfPlace(op, self, [], (x) => UNARY[name](x));
}

export const round_ = <T extends Tensor>(self: T, decimals?: number | { decimals?: number }): T =>
  fromOutOfPlace('round_', self, [], (x) => math.round(x, decimals));
export const pow_ = <T extends Tensor>(self: T, exponent: TensorLike): T => fromOutOfPlace('pow_', self, [exponent], (x) => pow(x, exponent));
export const clampMin_ = <T extends Tensor>(self: T, min: number): T => fromOutOfPlace('clampMin_', self, [], (x) => math.clampMin(x, min));
export const clampMax_ = <T extends Tensor>(self: T, max: number): T => fromOutOfPlace('clampMax_', self, [], (x) => math.clampMax(x, max));
export const lerp_ = <T extends Tensor>(self: T, end: TensorLike, weight: TensorLike): T =>
  fromOutOfPlace('lerp_', self, [end, weight], (x) => math.lerp(x, end, weight));
export const remainder_ = <T extends Tensor>(self: T, other: TensorLike): T => fromOutOfPlace('remainder_', self, [other], (x) => math.remainder(x, other));
export const fmod_ = <T extends Tensor>(self: T, other: TensorLike): T => fromOutOfPlace('fmod_', self, [other], (x) => math.fmod(x, other));
export const atan2_ = <T extends Tensor>(self: T, other: TensorLike): T => fromOutOfPlace('atan2_', self, [other], (x) => math.atan2(x, other));
export const hypot_ = <T extends Tensor>(self: T, other: TensorLike): T => fromOutOfPlace('hypot_', self, [other], (x) => math.hypot(x, other));
export const nanToNum_ = <T extends Tensor>(self: T, nan?: number | math.NanToNumOptions, posinf?: number | null, neginf?: number | null): T =>
  fromOutOfPlace('nanToNum_', self, [], (x) => math.nanToNum(x, nan, posinf, neginf));
export const addcmul_ = <T extends Tensor>(self: T, tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): T =>
  fromOutOfPlace('addcmul_', self, [tensor1, tensor2], (x) => math.addcmul(x, tensor1, tensor2, options));
export const addcdiv_ = <T extends Tensor>(self: T, tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): T =>
  fromOutOfPlace('addcdiv_', self, [tensor1, tensor2], (x) => math.addcdiv(x, tensor1, tensor2, options));

function randomTarget(op: string, self: Tensor, generator: Generator | undefined): Generator {
  unary.checkTensor(op, self);
  if (!isFloating(self.dtype)) throw new TypeError(`${op}: expected a floating-point tensor, but got ${self.dtype}`);
  if (generator !== undefined && !(generator instanceof Generator)) {
    throw new TypeError(`${op}: expected generator to be a kd.Generator, but received ${describe(generator)}`);
  }
  checkInPlace(op, self);
  return generator ?? defaultGenerator;
}

/** Writes one draw per element (in row-major order) into self, outside the tape. */
function fillDrawn<T extends Tensor>(self: T, draw: () => number): T {
  const n = self.numel();
  const values = new (self.dtype === 'float64' ? Float64Array : Float32Array)(n);
  for (let i = 0; i < n; i++) values[i] = draw();
  copyInto(self, Tensor.fromStorage(values, self.shape, self.dtype));
  self.versionCounter.value++;
  return self;
}

/**
 * Fills self with samples uniform in [from, to) (PyTorch's x.uniform_(from, to)); the same
 * draws as nn.init.uniform_. Throws on a non-float tensor or from > to.
 */
export function uniform_<T extends Tensor>(self: T, from = 0, to = 1, options: { generator?: Generator } = {}): T {
  options = checkOptions('uniform_', options, ['generator']);
  const g = randomTarget('uniform_', self, options.generator);
  checkNumber('uniform_', 'from', from);
  checkNumber('uniform_', 'to', to);
  if (!(from <= to)) throw new RangeError(`uniform_: expected from <= to, but got from=${from}, to=${to}`);
  return fillDrawn(self, () => from + (to - from) * g.nextFloat64());
}

/** Fills self with normal samples of the given mean and std (PyTorch's x.normal_(mean, std)). */
export function normal_<T extends Tensor>(self: T, mean = 0, std = 1, options: { generator?: Generator } = {}): T {
  options = checkOptions('normal_', options, ['generator']);
  const g = randomTarget('normal_', self, options.generator);
  checkNumber('normal_', 'mean', mean);
  checkNumber('normal_', 'std', std);
  if (!(std >= 0)) throw new RangeError(`normal_: expected std >= 0, but got ${std}`);
  return fillDrawn(self, () => mean + std * g.nextNormal());
}

/** Fills self with 0/1 samples, 1 with probability p (a number or a tensor broadcast to self). */
export function bernoulli_<T extends Tensor>(self: T, p: number | Tensor = 0.5, options: { generator?: Generator } = {}): T {
  options = checkOptions('bernoulli_', options, ['generator']);
  const g = randomTarget('bernoulli_', self, options.generator);
  const probs = typeof p === 'number' ? null : p.detach().expand([...self.shape]).contiguous().toTypedArray();
  if (probs === null && !(typeof p === 'number' && p >= 0 && p <= 1)) throw new RangeError(`bernoulli_: expected p in [0, 1], but got ${describe(p)}`);
  let i = 0;
  return fillDrawn(self, () => {
    const q = probs ? probs[i] : (p as number);
    if (!(q >= 0 && q <= 1)) throw new RangeError(`bernoulli_: expected all probabilities in [0, 1], but found ${q} at flat index ${i}`);
    i++;
    return g.nextFloat64() < q ? 1 : 0;
  });
}

/**
 * Writes value on the main diagonal (all dims equal for 3+ dims); with wrap, a tall matrix's
 * diagonal restarts every N + 1 rows, as PyTorch's fill_diagonal_.
 */
export function fillDiagonal_<T extends Tensor>(self: T, value: number, wrap = false): T {
  unary.checkTensor('fillDiagonal_', self);
  checkInPlace('fillDiagonal_', self);
  wrap = checkFlag('fillDiagonal_', 'wrap', wrap);
  if (self.dim() < 2) throw new RangeError(`fillDiagonal_: dimensions must be larger than 1, but got shape [${self.shape.join(', ')}]`);
  if (self.dim() > 2 && self.shape.some((n) => n !== self.shape[0])) throw new RangeError(`fillDiagonal_: all dimensions of input must be of equal length, but got [${self.shape.join(', ')}]`);
  if (typeof value !== 'number') throw new TypeError(`fillDiagonal_: expected value to be a number, but received ${describe(value)}`);
  const step = self.strides.reduce((a, b) => a + b, 0);
  const cols = self.shape[1];
  const rows = self.shape[0];
  let n = Math.min(...self.shape);
  if (wrap && self.dim() === 2 && rows > cols + 1) {
    // PyTorch's wrap: the flat diagonal of a contiguous tall matrix steps cols + 1 through all rows
    n = Math.floor((rows * cols - 1) / (cols + 1)) + 1;
  }
  const positions = Array.from({ length: n }, (_, k) => {
    if (self.dim() === 2 && wrap) {
      const flat = k * (cols + 1);
      return self.offset + Math.floor(flat / cols) * self.strides[0] + (flat % cols) * self.strides[1];
    }
    return self.offset + k * step;
  });
  const elem = elementOf('fillDiagonal_', self.dtype, value);
  for (const pos of positions) self.storage[pos] = elem;
  self.versionCounter.value++;
  return self;
}
