/**
 * Pointwise math beyond the basics: trigonometric and hyperbolic functions, exp/log variants,
 * erf and erfinv, rounding, predicates, nanToNum, and the binary atan2, remainder, fmod, hypot,
 * logaddexp and lerp. Forwards run on the native elementwise kernels; gradients are
 * compositions of ops (fused only where a benchmark shows it pays).
 */
import { checkOptions } from '../options.js';
import { native } from '../native.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { fullTensor } from './alloc.js';
import { checkTensor, floatInput, runUnary, clamp as clampScalar, exp, log, sqrt, neg } from './unary.js';
import {
  add, asTensor, div, floatTypeOf, ge, gradOf, gt, le, lt, maximum, minimum, mul, prepare, resultTypeChecked, runBinary, sub,
} from './binary.js';
import { where } from './indexing.js';

const U = native.unaryOps;
const B = native.binaryOps;

type UnaryName = 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh'
  | 'exp2' | 'expm1' | 'log2' | 'log10' | 'erf' | 'erfinv' | 'erfc' | 'rsqrt' | 'reciprocal' | 'square' | 'log1p';

/**
 * A floating-point unary op: integer inputs promote to float32; `grad(g, x, out)` is the
 * backward formula, composed of ops.
 */
function floatUnary(name: UnaryName, x: Tensor, grad: (g: Tensor, x: Tensor, out: Tensor) => Tensor): Tensor {
  checkTensor(name, x);
  const xf = floatInput(x);
  const out = runUnary(U[name], xf);
  const backward = `${name[0].toUpperCase()}${name.slice(1)}Backward`;
  return record(out, backward, [xf], (g) => [grad(g, xf, out)], [xf, out]);
}

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const sin = (x: Tensor): Tensor => floatUnary('sin', x, (g, v) => mul(g, cos(v)));
export const cos = (x: Tensor): Tensor => floatUnary('cos', x, (g, v) => neg(mul(g, sin(v))));
export const tan = (x: Tensor): Tensor => floatUnary('tan', x, (g, _v, y) => mul(g, add(mul(y, y), 1)));
export const asin = (x: Tensor): Tensor => floatUnary('asin', x, (g, v) => div(g, sqrt(sub(1, mul(v, v)))));
export const acos = (x: Tensor): Tensor => floatUnary('acos', x, (g, v) => neg(div(g, sqrt(sub(1, mul(v, v))))));
export const atan = (x: Tensor): Tensor => floatUnary('atan', x, (g, v) => div(g, add(mul(v, v), 1)));
export const sinh = (x: Tensor): Tensor => floatUnary('sinh', x, (g, v) => mul(g, cosh(v)));
export const cosh = (x: Tensor): Tensor => floatUnary('cosh', x, (g, v) => mul(g, sinh(v)));
export const asinh = (x: Tensor): Tensor => floatUnary('asinh', x, (g, v) => div(g, sqrt(add(mul(v, v), 1))));
export const acosh = (x: Tensor): Tensor => floatUnary('acosh', x, (g, v) => div(g, mul(sqrt(sub(v, 1)), sqrt(add(v, 1)))));
export const atanh = (x: Tensor): Tensor => floatUnary('atanh', x, (g, v) => div(g, sub(1, mul(v, v))));
export const exp2 = (x: Tensor): Tensor => floatUnary('exp2', x, (g, _v, y) => mul(g, mul(y, LN2)));
export const expm1 = (x: Tensor): Tensor => floatUnary('expm1', x, (g, _v, y) => mul(g, add(y, 1)));
export const log1p = (x: Tensor): Tensor => floatUnary('log1p', x, (g, v) => div(g, add(v, 1)));
export const log2 = (x: Tensor): Tensor => floatUnary('log2', x, (g, v) => div(g, mul(v, LN2)));
export const log10 = (x: Tensor): Tensor => floatUnary('log10', x, (g, v) => div(g, mul(v, LN10)));
export const erf = (x: Tensor): Tensor => floatUnary('erf', x, (g, v) => mul(g, mul(exp(neg(mul(v, v))), TWO_OVER_SQRT_PI)));
/** 1 - erf(x), accurate where erf(x) is near 1 (the native erfc, not a subtraction). */
export const erfc = (x: Tensor): Tensor => floatUnary('erfc', x, (g, v) => neg(mul(g, mul(exp(neg(mul(v, v))), TWO_OVER_SQRT_PI))));
export const erfinv = (x: Tensor): Tensor => floatUnary('erfinv', x, (g, _v, y) => mul(g, mul(exp(mul(y, y)), Math.sqrt(Math.PI) / 2)));
export const rsqrt = (x: Tensor): Tensor => floatUnary('rsqrt', x, (g, _v, y) => mul(g, mul(mul(mul(y, y), y), -0.5)));
export const reciprocal = (x: Tensor): Tensor => floatUnary('reciprocal', x, (g, _v, y) => neg(mul(g, mul(y, y))));

/** x * x; integer tensors stay integer (wrapping on overflow), as in PyTorch. */
export function square(x: Tensor): Tensor {
  checkTensor('square', x);
  if (x.dtype === 'bool') x = x.to('int32');
  const out = runUnary(U.square, x);
  return record(out, 'SquareBackward', [x], (g) => [mul(g, mul(x, 2))], [x]);
}

type StepName = 'floor' | 'ceil' | 'trunc' | 'frac' | 'sign';

/** A rounding-like op: same dtype out; gradient 0 (frac's is 1). */
function step(name: StepName, x: Tensor): Tensor {
  checkTensor(name, x);
  if (x.dtype === 'bool' && name === 'sign') return x.clone();  // PyTorch's sign of a bool is itself
  if (x.dtype === 'bool') throw new TypeError(`${name}: not defined for bool tensors`);
  const out = runUnary(U[name], x);
  return record(out, `${name[0].toUpperCase()}${name.slice(1)}Backward`, [x], (g) => [name === 'frac' ? g : mul(g, 0)]);
}

export const floor = (x: Tensor): Tensor => step('floor', x);
export const ceil = (x: Tensor): Tensor => step('ceil', x);
export const trunc = (x: Tensor): Tensor => step('trunc', x);
export const frac = (x: Tensor): Tensor => step('frac', x);
export const sign = (x: Tensor): Tensor => step('sign', x);

/**
 * Rounds half to even (PyTorch's rounding); with `decimals`, to that many decimal places
 * (negative: to tens, hundreds, …) as round(x * 10^d) / 10^d.
 */
export function round(x: Tensor, options?: number | { decimals?: number }): Tensor {
  checkTensor('round', x);
  const decimals = typeof options === 'number' ? options : checkOptions('round', options, ['decimals']).decimals ?? 0;
  if (!Number.isInteger(decimals)) throw new TypeError(`round: expected decimals to be an integer, but received ${describe(decimals)}`);
  if (x.dtype === 'bool') throw new TypeError('round: not defined for bool tensors');
  if (decimals === 0) {
    const out = runUnary(U.round, x);
    return record(out, 'RoundBackward', [x], (g) => [mul(g, 0)]);
  }
  if (!isFloating(x.dtype)) return x.clone();
  const scale = 10 ** decimals;
  const out = div(runUnary(U.round, mul(x.detach(), scale)), scale);
  return record(out, 'RoundBackward', [x], (g) => [mul(g, 0)]);
}

type PredicateName = 'isnan' | 'isinf' | 'isfinite';

function predicate(name: PredicateName, x: Tensor): Tensor {
  checkTensor(name, x);
  return runUnary(U[name], x, undefined, undefined, 'bool');
}

/** True where x is NaN. */
export const isnan = (x: Tensor): Tensor => predicate('isnan', x);
/** True where x is +-Infinity. */
export const isinf = (x: Tensor): Tensor => predicate('isinf', x);
/** True where x is neither NaN nor infinite. */
export const isfinite = (x: Tensor): Tensor => predicate('isfinite', x);
/** True where x is +Infinity. */
export const isposinf = (x: Tensor): Tensor => predicate('isinf', x).mul(x.gt(0));
/** True where x is -Infinity. */
export const isneginf = (x: Tensor): Tensor => predicate('isinf', x).mul(x.lt(0));

/** A truth-value tensor: bool as it is, other dtypes non-zero, numbers as a 0-d bool. */
const truth = (v: TensorLike): Tensor => (v instanceof Tensor ? (v.dtype === 'bool' ? v : v.ne(0)) : fullTensor([], v !== 0 ? 1 : 0, 'bool'));

function logical(name: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`${name}: at least one argument must be a Tensor`);
  return [truth(a), truth(b)];
}

// On bool tensors the native minimum is AND, maximum is OR, ne is XOR.
/** Elementwise a AND b of truth values (non-zero is true), as a bool tensor. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => minimum(...logical('logicalAnd', a, b));
/** Elementwise a OR b of truth values, as a bool tensor. */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => maximum(...logical('logicalOr', a, b));
/** Elementwise a XOR b of truth values, as a bool tensor. */
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = logical('logicalXor', a, b);
  return x.ne(y);
};
/** Elementwise NOT of truth values (zero is false), as a bool tensor. */
export function logicalNot(x: Tensor): Tensor {
  checkTensor('logicalNot', x);
  return x.eq(0);
}

/**
 * PyTorch's bitwise_not (`~x`): logical not of a bool tensor, two's-complement not (-x - 1) of
 * an int32 one. Throws a TypeError for floating-point tensors, as PyTorch does.
 */
export function bitwiseNot(x: Tensor): Tensor {
  checkTensor('bitwiseNot', x);
  if (x.dtype === 'bool') return x.eq(0);
  if (x.dtype === 'int32') return sub(neg(x), 1);
  throw new TypeError(`bitwiseNot: expected a bool or int32 tensor, but got ${x.dtype} (for a mask, compare first: x.gt(0).bitwiseNot())`);
}

/** a op b bit by bit for bool and int32 operands (a number operand takes the tensor's integer type). */
function bitwise(name: string, code: number, a: TensorLike, b: TensorLike): Tensor {
  const p = prepare(name, a, b);
  if (p.dtype !== 'int32' && p.dtype !== 'bool') {
    const types = [a, b].map((v) => (v instanceof Tensor ? v.dtype : Number.isInteger(v) ? 'an integer' : 'a non-integer number')).join(' and ');
    throw new TypeError(`${name}: expected bool or int32 operands (or integers), but got ${types}; PyTorch defines bitwise ops for integers and bools only`);
  }
  return runBinary(code, p);
}

/** PyTorch's bitwise_and (`a & b`): AND of bool masks, or of int32 bits. Throws TypeError for floating-point operands. */
export const bitwiseAnd = (a: TensorLike, b: TensorLike): Tensor => bitwise('bitwiseAnd', native.binaryOps.bitwiseAnd, a, b);
/** PyTorch's bitwise_or (`a | b`): OR of bool masks, or of int32 bits. Throws TypeError for floating-point operands. */
export const bitwiseOr = (a: TensorLike, b: TensorLike): Tensor => bitwise('bitwiseOr', native.binaryOps.bitwiseOr, a, b);
/** PyTorch's bitwise_xor (`a ^ b`): XOR of bool masks, or of int32 bits. Throws TypeError for floating-point operands. */
export const bitwiseXor = (a: TensorLike, b: TensorLike): Tensor => bitwise('bitwiseXor', native.binaryOps.bitwiseXor, a, b);

/** Options of nanToNum (PyTorch's keyword arguments). */
export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

const FLOAT_MAX = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE };

/**
 * NaN replaced by `nan` (0), +Infinity by `posinf` and -Infinity by `neginf` (default: the
 * dtype's largest and smallest finite values). Gradient flows where x was finite.
 */
export function nanToNum(x: Tensor, nan?: number | NanToNumOptions, posinf?: number | null, neginf?: number | null): Tensor {
  checkTensor('nanToNum', x);
  if (typeof nan === 'object' && nan !== null) ({ nan, posinf, neginf } = checkOptions('nanToNum', nan, ['nan', 'posinf', 'neginf']));
  if (!isFloating(x.dtype)) return x.clone();
  const big = FLOAT_MAX[x.dtype];
  const v = x.detach();
  let out = where(isnan(v), nan ?? 0, v);
  out = where(out.eq(Infinity), posinf ?? big, out);
  out = where(out.eq(-Infinity), neginf ?? -big, out);
  return record(out, 'NanToNumBackward', [x], (g) => [mul(g, isfinite(v).to(g.dtype))]);
}

/** A binary op promoted to floating point, with its gradient formulas composed of ops. */
function floatBinary(
  name: 'atan2' | 'hypot' | 'remainder' | 'fmod',
  a: TensorLike,
  b: TensorLike,
  grads: (g: Tensor, a: TensorLike, b: TensorLike, out: Tensor) => [Tensor | null, Tensor | null],
  keepIntegers = false,
): Tensor {
  const t = resultTypeChecked(name, a, b);
  if (keepIntegers && t === 'bool') throw new TypeError(`${name}: not implemented for two bool operands (as in PyTorch); convert one with .int()`);
  const p = prepare(name, a, b, keepIntegers && t === 'int32' ? 'int32' : floatTypeOf(t));
  const out = runBinary(B[name], p);
  if (!isFloating(out.dtype)) return out;
  return record(out, `${name[0].toUpperCase()}${name.slice(1)}Backward`, [asTensor(p.a), asTensor(p.b)], (g, needs) => {
    const [ga, gb] = grads(g, p.a, p.b, out);
    return [needs[0] && ga ? gradOf(ga, p.a) : null, needs[1] && gb ? gradOf(gb, p.b) : null];
  }, [asTensor(p.a), asTensor(p.b), out].filter((v): v is Tensor => v !== null));
}

/** atan2(a, b): the angle of the point (b, a), in (-pi, pi]. */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return floatBinary('atan2', a, b, (g, y, x) => {
    const r2 = add(mul(y, y), mul(x, x));
    return [div(mul(g, x), r2), neg(div(mul(g, y), r2))];
  });
}

/** sqrt(a^2 + b^2) without overflow. */
export function hypot(a: TensorLike, b: TensorLike): Tensor {
  return floatBinary('hypot', a, b, (g, x, y, out) => [mul(g, div(x, out)), mul(g, div(y, out))]);
}

/** Python's modulo: a - floor(a / b) * b, with the divisor's sign. Integer zero divisors throw. */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return floatBinary('remainder', a, b, (g, x, y) => [g, neg(mul(g, floor(div(x, y) as Tensor)))], true);
}

/** C's fmod: a - trunc(a / b) * b, with the dividend's sign. Integer zero divisors throw. */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return floatBinary('fmod', a, b, (g, x, y) => [g, neg(mul(g, trunc(div(x, y) as Tensor)))], true);
}

/** log(exp(a) + exp(b)), computed stably. */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
  const t = floatTypeOf(resultTypeChecked('logaddexp', a, b));
  const p = prepare('logaddexp', a, b, t);
  const ta = asTensor(p.a)?.detach() ?? p.a;
  const tb = asTensor(p.b)?.detach() ?? p.b;
  const m = maximum(ta, tb);
  // where both are the same infinity, max + log(2) is that infinity; avoid inf - inf
  const d = where(isinf(m), 0, sub(minimum(ta, tb), m));
  const out = add(m, log1p(exp(d)));
  return record(out, 'LogaddexpBackward', [asTensor(p.a), asTensor(p.b)], (g, needs) => [
    needs[0] ? gradOf(mul(g, exp(sub(ta, out))), p.a) : null,
    needs[1] ? gradOf(mul(g, exp(sub(tb, out))), p.b) : null,
  ]);
}

/** start + weight * (end - start); weight a number or a tensor. */
export function lerp(start: Tensor, end: TensorLike, weight: TensorLike): Tensor {
  checkTensor('lerp', start);
  return add(start, mul(sub(end, start), weight));
}

/** input + value * tensor1 * tensor2, broadcast (PyTorch's addcmul). */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, options: { value?: number } = {}): Tensor {
  options = checkOptions('addcmul', options, ['value']);
  const value = addcValue('addcmul', input, tensor1, tensor2, options);
  return add(input, mul(mul(tensor1, tensor2), value));
}

/** input + value * tensor1 / tensor2, broadcast (PyTorch's addcdiv; integer tensors are refused, as there). */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, options: { value?: number } = {}): Tensor {
  options = checkOptions('addcdiv', options, ['value']);
  const value = addcValue('addcdiv', input, tensor1, tensor2, options);
  if (!isFloating(tensor1.dtype) && !isFloating(tensor2.dtype)) {
    throw new TypeError('addcdiv: integer division with addcdiv is not supported; convert tensor1 or tensor2 to floating point');
  }
  return add(input, mul(div(tensor1, tensor2), value));
}

function addcValue(op: string, input: unknown, tensor1: unknown, tensor2: unknown, options: { value?: number }): number {
  for (const [name, v] of [['input', input], ['tensor1', tensor1], ['tensor2', tensor2]] as const) {
    if (!(v instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, but received ${describe(v)}`);
  }
  const value = options.value ?? 1;
  if (typeof value !== 'number') throw new TypeError(`${op}: expected value to be a number, but received ${describe(value)}`);
  return value;
}

/**
 * Limits every element of x to [min, max]. Either bound may be a number, a tensor that
 * broadcasts with x, or null (not both null); with min > max every element is max. NaN in x or
 * in a tensor bound gives NaN. Gradients as PyTorch's: x's where min <= x <= max; min's where
 * x < min < max; max's where x > max or max < min. Throws for shapes that do not broadcast.
 */
export function clamp(x: Tensor, min?: TensorLike | null, max?: TensorLike | null): Tensor {
  if (!(min instanceof Tensor) && !(max instanceof Tensor)) return clampScalar(x, min as number | null | undefined, max as number | null | undefined);
  checkTensor('clamp', x);
  const none = (v: unknown) => v === undefined || v === null;
  for (const [name, v] of [['min', min], ['max', max]] as const) {
    if (!none(v) && typeof v !== 'number' && !(v instanceof Tensor)) throw new TypeError(`clamp: expected ${name} to be a number or a Tensor, but received ${describe(v)}`);
  }
  const lo = none(min) ? null : (min as TensorLike);
  const hi = none(max) ? null : (max as TensorLike);
  const detached = (v: TensorLike | null) => (v instanceof Tensor ? v.detach() : v);
  const xd = x.detach();
  const loD = detached(lo);
  const hiD = detached(hi);
  let out = xd;
  if (loD !== null) out = maximum(out, loD);
  if (hiD !== null) out = minimum(out, hiD);
  if (!isFloating(out.dtype)) return out;
  return record(out, 'ClampBackward', [x, lo instanceof Tensor ? lo : null, hi instanceof Tensor ? hi : null], (g, needs) => {
    let keepX = loD !== null ? ge(xd, loD) : null;
    if (hiD !== null) keepX = keepX === null ? le(xd, hiD) : keepX.logicalAnd(le(xd, hiD));
    const gx = needs[0] ? where(keepX!, g, 0) : null;
    let gLo: Tensor | null = null;
    if (needs[1] && loD !== null) {
      const below = hiD !== null ? lt(xd, loD).logicalAnd(lt(loD, hiD)) : lt(xd, loD);
      gLo = gradOf(where(below, g, 0), lo as Tensor);
    }
    let gHi: Tensor | null = null;
    if (needs[2] && hiD !== null) {
      const above = loD !== null ? gt(xd, hiD).logicalOr(lt(hiD, loD)) : gt(xd, hiD);
      gHi = gradOf(where(above, g, 0), hi as Tensor);
    }
    return [gx, gLo, gHi];
  }, [x, ...[lo, hi].filter((b): b is Tensor => b instanceof Tensor)]);
}

/** clamp with only a lower bound. */
export const clampMin = (x: Tensor, min: number): Tensor => clamp(x, min, null);
/** clamp with only an upper bound. */
export const clampMax = (x: Tensor, max: number): Tensor => clamp(x, null, max);

/** |a - b| <= atol + rtol |b| everywhere (NaN equal to NaN only with equalNan). */
export function allclose(a: Tensor, b: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  options = checkOptions('allclose', options, ['rtol', 'atol', 'equalNan']);
  return isclose(a, b, options).all().item() === 1;
}

/** Elementwise |a - b| <= atol + rtol |b| (PyTorch's isclose), as a bool tensor. */
export function isclose(a: Tensor, b: TensorLike, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): Tensor {
  options = checkOptions('isclose', options, ['rtol', 'atol', 'equalNan']);
  checkTensor('isclose', a);
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const t = floatTypeOf(resultTypeChecked('isclose', a, b));
  const x = a.detach().to(t);
  const y = b instanceof Tensor ? b.detach().to(t) : b;
  const exact = x.eq(y);
  const close = sub(x, y).abs().le(add(mul(y instanceof Tensor ? y.abs() : Math.abs(y), rtol), atol));
  let ok = logicalOr(exact, logicalAnd(close, isfinite(x)));
  if (options.equalNan) ok = logicalOr(ok, logicalAnd(isnan(x), y instanceof Tensor ? isnan(y) : Number.isNaN(y) ? 1 : 0));
  return ok;
}

/** True when a and b have the same shape and elements (PyTorch's torch.equal). */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTensor('equal', a);
  checkTensor('equal', b);
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) return false;
  return a.detach().ne(b.detach()).sum().item() === 0;
}


/**
 * log(x / (1 - x)); with eps, x is first clamped to [eps, 1 - eps] (and the gradient is 0
 * outside it), as PyTorch's logit.
 */
export function logit(x: Tensor, eps: number | null = null): Tensor {
  checkTensor('logit', x);
  if (eps !== null && (typeof eps !== 'number' || !(eps >= 0 && eps <= 0.5))) throw new RangeError(`logit: eps must be a number in [0, 0.5] or null, but got ${describe(eps)}`);
  const z = eps === null ? floatInput(x) : clamp(floatInput(x), eps, 1 - eps);
  return log(div(z, sub(1, z)) as Tensor);
}

/**
 * x * log(y), 0 where x is 0 (unless y is NaN), as PyTorch's xlogy; its gradients too:
 * xlogy(g, y) for x (0 where x is 0 and y <= 0) and g x / y for y.
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  if (!(x instanceof Tensor) && !(y instanceof Tensor)) throw new TypeError(`xlogy: expected at least one Tensor, but received ${describe(x)} and ${describe(y)}`);
  const t = floatTypeOf(resultTypeChecked('xlogy', x, y));
  const a = typeof x === 'number' ? fullTensor([], x, t) : x.detach().to(t);
  const b = typeof y === 'number' ? fullTensor([], y, t) : y.detach().to(t);
  const skip = logicalAnd(a.eq(0), isnan(b).logicalNot());
  const out = where(skip, 0, mul(a, log(b)));
  return record(out, 'XlogyBackward', [asTensor(x), asTensor(y)], (g, needs) => {
    const gx = needs[0] ? where(logicalOr(logicalAnd(a.eq(0), b.le(0)), logicalAnd(g.eq(0), isnan(b).logicalNot())), 0, mul(g, log(b))) : null;
    return [gx ? gradOf(gx, x) : null, needs[1] ? gradOf(div(mul(g, a), b), y) : null];
  });
}

/** Elementwise maximum that ignores NaN (NaN only where both are); ties and NaN pairs send the gradient to a, as PyTorch's fmax. */
export const fmax = (a: TensorLike, b: TensorLike): Tensor => nanIgnoring('fmax', a, b, 'ge');
/** Elementwise minimum that ignores NaN (NaN only where both are); ties and NaN pairs send the gradient to a, as PyTorch's fmin. */
export const fmin = (a: TensorLike, b: TensorLike): Tensor => nanIgnoring('fmin', a, b, 'le');

function nanIgnoring(op: string, a: TensorLike, b: TensorLike, keepA: 'ge' | 'le'): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`${op}: expected at least one Tensor, but received ${describe(a)} and ${describe(b)}`);
  const bNan = b instanceof Tensor ? isnan(b) : fullTensor([], Number.isNaN(b) ? 1 : 0, 'bool');
  const ta = a instanceof Tensor ? a.detach() : a;
  const tb = b instanceof Tensor ? b.detach() : b;
  const wins = keepA === 'ge' ? (ta instanceof Tensor ? ta.ge(tb) : ge(ta, tb)) : (ta instanceof Tensor ? ta.le(tb) : le(ta, tb));
  return where(logicalOr(bNan, wins), a, b);
}

/** True where the sign bit is set: negative numbers and -0 (PyTorch's signbit). */
export function signbit(x: Tensor): Tensor {
  checkTensor('signbit', x);
  if (!isFloating(x.dtype)) return x.dtype === 'bool' ? fullTensor(x.shape, 0, 'bool') : x.lt(0);
  const d = x.detach();
  return logicalOr(d.lt(0), logicalAnd(d.eq(0), reciprocal(d).lt(0)));
}

/**
 * |a| with the sign of b (b's -0 counts as negative), as PyTorch's copysign; float result.
 * a's gradient is g times the sign change (0 where a is 0); b gets a zero gradient.
 */
export function copysign(a: TensorLike, b: TensorLike): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`copysign: expected at least one Tensor, but received ${describe(a)} and ${describe(b)}`);
  const t = floatTypeOf(resultTypeChecked('copysign', a, b));
  const x = typeof a === 'number' ? fullTensor([], a, t) : a.detach().to(t);
  const negative = typeof b === 'number' ? fullTensor([], b < 0 || Object.is(b, -0) ? 1 : 0, 'bool') : signbit(b.detach().to(t));
  const m = x.abs();
  const out = where(negative, neg(m), m);
  return record(out, 'CopysignBackward', [asTensor(a), asTensor(b)], (g, needs) => [
    needs[0] ? gradOf(where(x.eq(0), 0, mul(g, div(out, x))), a) : null,
    needs[1] ? gradOf(mul(g, 0), b) : null,
  ]);
}

/**
 * a / b rounded down (PyTorch 1.13's floor_divide): integers stay integers (exact), floats
 * floor their quotient. No gradient flows through the rounding (it is 0, as in PyTorch).
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return roundedDivide('floorDivide', a, b, 'floor');
}

/** a / b with rounding: 'trunc' toward zero or 'floor' down (div's roundingMode). */
export function roundedDivide(op: string, a: TensorLike, b: TensorLike, mode: 'trunc' | 'floor'): Tensor {
  const t = resultTypeChecked(op, a, b);
  const wide = isFloating(t) ? t : 'float64';  // int32 quotients are exact in float64
  const q = div(typeof a === 'number' ? a : a.detach().to(wide), typeof b === 'number' ? b : b.detach().to(wide));
  if (!isFloating(t)) {
    const zeroDivisor = typeof b === 'number' ? b === 0 : b.eq(0).any().item() === 1;
    if (zeroDivisor) throw new RangeError(`${op}: ZeroDivisionError (an integer division by zero)`);
  }
  const r = mode === 'floor' ? floor(q) : trunc(q);
  if (!isFloating(t)) return r.to(t);
  // a step function: its gradient is 0 (not absent), as PyTorch's
  return record(r, 'DivBackward', [asTensor(a), asTensor(b)], (g, needs) => [
    needs[0] ? gradOf(mul(g, 0), a) : null,
    needs[1] ? gradOf(mul(g, 0), b) : null,
  ]);
}

/** a / b (true division), or rounded with roundingMode 'trunc' or 'floor' (PyTorch's div). */
export function divide(a: TensorLike, b: TensorLike, options: { roundingMode?: 'trunc' | 'floor' | null } = {}): Tensor {
  options = checkOptions('div', options, ['roundingMode']);
  const mode = options.roundingMode ?? null;
  if (mode === null) return div(a, b);
  if (mode !== 'trunc' && mode !== 'floor') throw new RangeError(`div: roundingMode must be 'trunc', 'floor' or null, but got ${describe(mode)}`);
  return roundedDivide('div', a, b, mode);
}
