/**
 * In-place ops. Each bumps the storage's version counter, which is how backward detects a
 * saved tensor that changed. Under grad mode they refuse leaves that require grad (as
 * PyTorch does) and re-point a non-leaf's gradFn at the op they applied.
 */
import { native } from '../native.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { elementOf, fitsInt32, isFloating, sharesMemory } from '../tensor/dtype.js';
import { broadcastShapes, describe, formatShape, sameShape } from '../tensor/shape.js';
import { copyInto, fillView } from './alloc.js';
import { elementwiseLayout } from './layout.js';
import { needsGrad, record } from '../autograd/record.js';
import { add, div, mul, sub, sumToShape } from './binary.js';
import { clamp, clampBounds, hasFractionalBound } from './unary.js';

/**
 * Refuses an in-place write that PyTorch refuses: through an expanded view (several positions
 * share one element), or to a leaf that requires grad while grad mode is on.
 */
export function checkInPlace(op: string, self: Tensor): void {
  if (self.shape.some((n, d) => n > 1 && self.strides[d] === 0)) {
    throw new RangeError(
      `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location ` +
        '(it is an expanded view); clone() it before writing',
    );
  }
  if (needsGrad([self]) && self.isLeaf) {
    throw new Error(`${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap the update in kd.noGrad(() => ...)`);
  }
}

/**
 * An in-place op made from its out-of-place form: checks self can be written, computes
 * `compute(x)` and writes it back (taking over its place on the tape when recording).
 * `operands` are the op's other inputs. When the tape records, x is a recorded copy of self:
 * the op may save its input for backward (mul_ does, for the other operand's gradient), and
 * self is about to be overwritten, so the original is kept as PyTorch keeps it.
 */
export function fromOutOfPlace<T extends Tensor>(op: string, self: T, operands: readonly unknown[], compute: (x: Tensor) => Tensor): T {
  checkInPlace(op, self);
  const recording = needsGrad([self, ...operands.filter((o): o is Tensor => o instanceof Tensor)]);
  const result = compute(recording ? self.clone() : self);
  if (!sameShape(result.shape, self.shape)) throw new RangeError(`${op}: result shape ${formatShape(result.shape)} does not match the tensor's ${formatShape(self.shape)}`);
  // as PyTorch: a float result is never truncated into an integer tensor (exp_ of int32)
  if (result.dtype !== self.dtype && !(isFloating(self.dtype) && isFloating(result.dtype))) {
    throw new TypeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  if (result.requiresGrad) {
    rebase(self, result);
  } else {
    copyInto(self, result.detach());
    self.versionCounter.value++;
  }
  return self;
}

/** Writes a recorded out-of-place result into self and takes over its place on the tape. */
function rebase(self: Tensor, result: Tensor): void {
  copyInto(self, result.detach());
  self.versionCounter.value++;
  self.gradFn = result.gradFn;
  self.outputNr = result.outputNr;
  self.requiresGrad = result.requiresGrad;
}

/** `other` ready to be read while self is written: same dtype, broadcastable to self, no partial overlap. */
function operandFor(op: string, self: Tensor, other: TensorLike): Tensor | number {
  if (typeof other === 'number') {
    if (!isFloating(self.dtype) && !Number.isInteger(other)) {
      throw new TypeError(`${op}: result type float32 can't be cast to the desired output type ${self.dtype}`);
    }
    if (self.dtype === 'int32' && !fitsInt32(other)) throw new RangeError(`${op}: the number ${other} does not fit in int32, the tensor's dtype`);
    return other;
  }
  if (!(other instanceof Tensor)) throw new TypeError(`${op}: expected other to be a Tensor or a number, but received ${describe(other)}`);
  const shape = broadcastShapes(op, self.shape, other.shape);
  if (!sameShape(shape, self.shape)) {
    throw new RangeError(`${op}: output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(shape)}`);
  }
  if (!isFloating(self.dtype) && isFloating(other.dtype)) {
    throw new TypeError(`${op}: result type ${other.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  let o = other.dtype === self.dtype ? other : other.to(self.dtype);
  const aliases = sharesMemory(o.storage, self.storage);
  if (aliases && !(o.offset === self.offset && sameShape(o.strides, self.strides) && sameShape(o.shape, self.shape))) o = o.clone();
  return o;
}

type BinaryName = 'add' | 'sub' | 'mul' | 'div';
const OUT_OF_PLACE = { add, sub, mul, div };

function binaryInPlace<T extends Tensor>(name: BinaryName, self: T, other: TensorLike, alpha?: number): T {
  const op = `${name}_`;
  checkInPlace(op, self);
  if (self.dtype === 'bool' && (name === 'add' || name === 'mul') && alpha === undefined) {
    // bool += bool is a logical or, *= a logical and (as the out-of-place add and mul)
    return fromOutOfPlace(op, self, [other], (x) => OUT_OF_PLACE[name](x, other));
  }
  if (self.dtype === 'bool' && name === 'sub') throw new TypeError('sub_: subtraction with a bool tensor is not supported (as in PyTorch); to invert a mask use logicalNot()');
  if (name === 'div' && !isFloating(self.dtype)) {
    throw new TypeError(`${op}: result type float32 can't be cast to the desired output type ${self.dtype}`);
  }
  const recording = needsGrad([self, other instanceof Tensor ? other : null]);
  if (!recording && alpha !== undefined && alpha !== 1 && (name === 'add' || name === 'sub') && other instanceof Tensor && isFloating(self.dtype)) {
    // self + alpha * other in one pass, as PyTorch's add_(other, alpha=...) (the optimiser-style update)
    const o = operandFor(op, self, other) as Tensor;
    native.binary(native.binaryOps.addScaled, self.storage, self.storage, o.storage, elementwiseLayout(self.shape, [self, self, o]), name === 'add' ? alpha : -alpha);
    self.versionCounter.value++;
    return self;
  }
  const scaledOther = alpha === undefined || alpha === 1 ? other : typeof other === 'number' ? other * alpha : mul(other, alpha);
  if (recording) {
    rebase(self, OUT_OF_PLACE[name](self.clone(), scaledOther));  // the original self, kept for backward
    return self;
  }
  const o = operandFor(op, self, scaledOther);
  const ot = o instanceof Tensor ? o : null;
  native.binary(native.binaryOps[name], self.storage, self.storage, ot ? ot.storage : (o as number),
    elementwiseLayout(self.shape, [self, self, ot]));
  self.versionCounter.value++;
  return self;
}

export const add_ = <T extends Tensor>(self: T, other: TensorLike, options?: { alpha?: number }): T =>
  binaryInPlace('add', self, other, options?.alpha);
export const sub_ = <T extends Tensor>(self: T, other: TensorLike, options?: { alpha?: number }): T =>
  binaryInPlace('sub', self, other, options?.alpha);
export const mul_ = <T extends Tensor>(self: T, other: TensorLike): T => binaryInPlace('mul', self, other);
export const div_ = <T extends Tensor>(self: T, other: TensorLike): T => binaryInPlace('div', self, other);

export function clamp_<T extends Tensor>(self: T, min?: number | null, max?: number | null): T {
  checkInPlace('clamp_', self);
  if ((self.dtype === 'int32' || self.dtype === 'bool') && hasFractionalBound(min, max)) {
    throw new TypeError(`clamp_: result type float32 can't be cast to the desired output type ${self.dtype} (a bound is not an integer); use x.clamp(…), which returns a float32 tensor`);
  }
  if (needsGrad([self])) {
    rebase(self, clamp(self.clone(), min, max));  // the original self, kept for backward
    return self;
  }
  const [lo, hi] = clampBounds(self, min, max);
  if (lo === 'nan') {
    fillView(self, NaN);
    self.versionCounter.value++;
    return self;
  }
  native.unary(native.unaryOps.clamp, self.storage, self.storage, elementwiseLayout(self.shape, [self, self]), lo, hi);
  self.versionCounter.value++;
  return self;
}

export function fill_<T extends Tensor>(self: T, value: number): T {
  checkInPlace('fill_', self);
  if (typeof value !== 'number') throw new TypeError(`fill_: expected value to be a number, but received ${describe(value)}`);
  fillView(self, elementOf('fill_', self.dtype, value));
  self.versionCounter.value++;
  if (needsGrad([self])) {
    self.gradFn = null;  // the old history no longer reaches these values
    self.requiresGrad = false;
  }
  return self;
}

/** Copies src (broadcast to self's shape, any dtype) into self. */
export function copy_<T extends Tensor>(self: T, src: Tensor): T {
  checkInPlace('copy_', self);
  if (!(src instanceof Tensor)) throw new TypeError(`copy_: expected src to be a Tensor, but received ${describe(src)}`);
  const shape = broadcastShapes('copy_', self.shape, src.shape);
  if (!sameShape(shape, self.shape)) {
    throw new RangeError(`copy_: source shape ${formatShape(src.shape)} cannot be broadcast to ${formatShape(self.shape)}`);
  }
  const s = sharesMemory(src.storage, self.storage) ? src.clone() : src;
  copyInto(self, s.detach());
  self.versionCounter.value++;
  if (needsGrad([src])) {
    record(self, 'CopyBackward', [src], (g) => [sumToShape(g, src.shape).to(src.dtype)]);
  } else if (needsGrad([self])) {
    self.gradFn = null;
    self.requiresGrad = false;
  }
  return self;
}
