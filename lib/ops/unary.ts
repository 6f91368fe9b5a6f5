/**
 * Unary elementwise ops, each with its gradient beside it. Transcendental ops promote
 * integer inputs to float32, as PyTorch does; gradients use the fused native formulas.
 */
import { checkOptions, checkNumber } from '../options.js';
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { emptyTensor, fullTensor, zerosTensor } from './alloc.js';
import { elementwiseLayout } from './layout.js';
import { record } from '../autograd/record.js';
import { add, div, mul } from './binary.js';

const U = native.unaryOps;
const B = native.binaryOps;
/** Op names by code, for allocation errors. */
const UNARY_NAMES: string[] = [];
for (const [name, code] of Object.entries(U)) UNARY_NAMES[code] = name;

export function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, but received ${describe(x)}`);
}

/** x itself when floating point, else x as float32 (transcendental ops promote as PyTorch does). */
export function floatInput(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : x.to('float32');
}

/** Runs a unary kernel into a fresh tensor. */
export function runUnary(code: number, x: Tensor, p1?: number, p2?: number, dtype: DType = x.dtype): Tensor {
  const out = emptyTensor(x.shape, dtype, UNARY_NAMES[code]);
  native.unary(code, out.storage, x.storage, elementwiseLayout(x.shape, [out, x]), p1, p2);
  return out;
}

/** A pointwise backward formula: f(g, saved) into a fresh tensor of saved's shape. */
export function pointwiseBackward(code: number, g: Tensor, saved: Tensor, p1?: number, p2?: number): Tensor {
  const out = emptyTensor(saved.shape, saved.dtype);
  const layout = elementwiseLayout(saved.shape, [out, g, saved]);
  if (p1 === undefined) native.binary(code, out.storage, g.storage, saved.storage, layout);
  else native.binary(code, out.storage, g.storage, saved.storage, layout, p1, p2);
  return out;
}

/**
 * A unary op whose gradient is one fused pointwise formula of the incoming gradient and
 * either the op's output or its input (whichever the formula reads), with the same parameters.
 */
function pointwiseOp(name: string, x: Tensor, forward: number, backward: number, reads: 'input' | 'output', p1?: number, p2?: number): Tensor {
  const out = runUnary(forward, x, p1, p2);
  const saved = reads === 'output' ? out : x;
  return record(out, name, [x], (g) => [pointwiseBackward(backward, g, saved, p1, p2)], [saved]);
}

export function neg(x: Tensor): Tensor {
  checkTensor('neg', x);
  if (x.dtype === 'bool') throw new TypeError('neg: negation of a bool tensor is not supported; use logical not (x.eq(0))');
  return record(runUnary(U.neg, x), 'NegBackward', [x], (g) => [neg(g)]);
}

export function exp(x: Tensor): Tensor {
  checkTensor('exp', x);
  const xf = floatInput(x);
  const out = runUnary(U.exp, xf);
  return record(out, 'ExpBackward', [xf], (g) => [mul(g, out)], [out]);
}

export function log(x: Tensor): Tensor {
  checkTensor('log', x);
  const xf = floatInput(x);
  return record(runUnary(U.log, xf), 'LogBackward', [xf], (g) => [div(g, xf)], [xf]);
}

export function sqrt(x: Tensor): Tensor {
  checkTensor('sqrt', x);
  return pointwiseOp('SqrtBackward', floatInput(x), U.sqrt, B.sqrtBackward, 'output');
}

export function abs(x: Tensor): Tensor {
  checkTensor('abs', x);
  if (x.dtype === 'bool') return x.clone();
  return pointwiseOp('AbsBackward', x, U.abs, B.absBackward, 'input');
}

export function relu(x: Tensor): Tensor {
  checkTensor('relu', x);
  if (x.dtype === 'bool') throw new TypeError('relu: not implemented for bool tensors (as in PyTorch); convert with .int() or .float()');
  return pointwiseOp('ReluBackward', x, U.relu, B.reluBackward, 'output');
}

export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', x);
  return pointwiseOp('SigmoidBackward', floatInput(x), U.sigmoid, B.sigmoidBackward, 'output');
}

export function tanh(x: Tensor): Tensor {
  checkTensor('tanh', x);
  return pointwiseOp('TanhBackward', floatInput(x), U.tanh, B.tanhBackward, 'output');
}

/**
 * Limits every element to [min, max]; either bound may be omitted (null), not both. A NaN
 * bound makes every element NaN (with zero gradient), as PyTorch propagates NaN.
 */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor('clamp', x);
  // a non-integer bound (a fraction, an infinity, NaN) makes an integer or bool result float32,
  // as PyTorch promotes int64 with a Python float; a bool tensor with integer bounds clamps as int32
  if (x.dtype === 'int32' || x.dtype === 'bool') {
    if (hasFractionalBound(min, max)) return clamp(x.to('float32'), min, max);
    if (x.dtype === 'bool') return clamp(x.to('int32'), min, max);
  }
  const [lo, hi] = clampBounds(x, min, max);
  if (lo === 'nan') {
    return record(fullTensor(x.shape, NaN, x.dtype), 'ClampBackward', [x], (g) => [zerosTensor(g.shape, g.dtype)]);
  }
  return pointwiseOp('ClampBackward', x, U.clamp, B.clampBackward, 'input', lo, hi);
}

/** Whether a clamp bound is not an integer (a fraction, an infinity or NaN): PyTorch's float bound. */
export function hasFractionalBound(min?: number | null, max?: number | null): boolean {
  return [min, max].some((v) => typeof v === 'number' && !Number.isInteger(v));
}

/**
 * clamp's bounds as the kernel wants them: NaN for "none"; ['nan', 'nan'] when a given bound is
 * NaN (the kernel's "none" must not swallow it). Throws for no bounds or non-numbers.
 */
export function clampBounds(x: Tensor, min?: number | null, max?: number | null): [number, number] | ['nan', 'nan'] {
  const none = (v: number | null | undefined) => v === undefined || v === null;
  if (none(min) && none(max)) throw new TypeError('clamp: at least one of min or max must be given');
  for (const [name, v] of [['min', min], ['max', max]] as const) {
    if (!none(v) && typeof v !== 'number') throw new TypeError(`clamp: expected ${name} to be a number, but received ${describe(v)}`);
  }
  if (Number.isNaN(min) || Number.isNaN(max)) {
    if (!isFloating(x.dtype)) throw new TypeError(`clamp: a NaN bound needs a floating-point tensor, but this one is ${x.dtype}`);
    return ['nan', 'nan'];
  }
  return [none(min) ? NaN : (min as number), none(max) ? NaN : (max as number)];
}

/** max(0, x) + negativeSlope * min(0, x). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkTensor('leakyRelu', x);
  checkNumber('leakyRelu', 'negativeSlope', negativeSlope);
  return pointwiseOp('LeakyReluBackward', floatInput(x), U.leakyRelu, B.leakyReluBackward, 'input', negativeSlope);
}

/**
 * GELU: x * Phi(x) with the exact erf form (PyTorch's default), or with `approximate: 'tanh'`
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  options = checkOptions('gelu', options, ['approximate']);
  checkTensor('gelu', x);
  const approximate = options.approximate ?? 'none';
  if (approximate === 'tanh') {
    const xf = floatInput(x);
    const inner = mul(add(xf, mul(mul(mul(xf, xf), xf), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(xf, 0.5), add(tanh(inner), 1));
  }
  if (approximate !== 'none') throw new RangeError(`gelu: approximate must be 'none' or 'tanh', but got ${String(approximate)}`);
  return pointwiseOp('GeluBackward', floatInput(x), U.gelu, B.geluBackward, 'input');
}
