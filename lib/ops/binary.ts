/**
 * Binary elementwise ops with PyTorch broadcasting and type promotion, each with its
 * gradient beside it. Broadcasting's gradient is one shared step, `sumToShape`.
 */
import { checkOptions } from '../options.js';
import { native } from '../native.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { fitsInt32, promoteTypes, promoteWithScalar, type DType } from '../tensor/dtype.js';
import { broadcastShapes, describe, sameShape } from '../tensor/shape.js';
import { emptyTensor, fullTensor } from './alloc.js';
import { elementwiseLayout } from './layout.js';
import { record } from '../autograd/record.js';
import { sum } from './reduce.js';
import { log, neg } from './unary.js';
import { where } from './indexing.js';

const OPS = native.binaryOps;
/** Op names by code, for allocation errors. */
const BINARY_NAMES: string[] = [];
for (const [name, code] of Object.entries(OPS)) BINARY_NAMES[code] = name;

/** Sums a broadcast gradient back down to the shape of the input it came from. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s = dims.length > 0 ? sum(g, dims, true) : g;
  return s.reshape(shape.slice());
}

function checkOperand(op: string, v: unknown, name: string): void {
  if (!(v instanceof Tensor) && typeof v !== 'number') {
    throw new TypeError(`${op}: expected ${name} to be a Tensor or a number, but received ${describe(v)}`);
  }
}

/** The common dtype of two operands, with numbers following PyTorch's scalar rules. */
function resultType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number);
  return promoteWithScalar((b as Tensor).dtype, a as number);
}

/** Two operands promoted to one dtype, and their broadcast shape. */
export interface Prepared {
  a: Tensor | number;
  b: Tensor | number;
  shape: number[];
  dtype: DType;
}

/** Checks, promotes (to computeType when given) and broadcasts two operands. */
export function prepare(op: string, a: TensorLike, b: TensorLike, computeType?: DType): Prepared {
  checkOperand(op, a, 'input');
  checkOperand(op, b, 'other');
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`${op}: at least one argument must be a Tensor`);
  const dtype = computeType ?? resultType(a, b);
  if (dtype === 'int32') {
    for (const v of [a, b]) {
      if (typeof v === 'number' && !fitsInt32(v)) {
        throw new RangeError(`${op}: the number ${v} does not fit in int32, the dtype of the result; convert the tensor first (e.g. x.double())`);
      }
    }
  }
  const ca = a instanceof Tensor && a.dtype !== dtype ? a.to(dtype) : a;
  const cb = b instanceof Tensor && b.dtype !== dtype ? b.to(dtype) : b;
  const shape =
    ca instanceof Tensor && cb instanceof Tensor
      ? broadcastShapes(op, ca.shape, cb.shape)
      : (ca instanceof Tensor ? ca : (cb as Tensor)).shape.slice();
  return { a: ca, b: cb, shape, dtype };
}

/** Runs a binary kernel into a fresh tensor of `outType`. */
export function runBinary(code: number, p: Prepared, outType: DType = p.dtype, p1?: number, p2?: number): Tensor {
  const out = emptyTensor(p.shape, outType, BINARY_NAMES[code]);
  const ta = p.a instanceof Tensor ? p.a : null;
  const tb = p.b instanceof Tensor ? p.b : null;
  const layout = elementwiseLayout(p.shape, [out, ta, tb]);
  const a = ta ? ta.storage : (p.a as number);
  const b = tb ? tb.storage : (p.b as number);
  // Only pass the parameters an op uses: N-API calls with more than six arguments allocate.
  if (p1 === undefined) native.binary(code, out.storage, a, b, layout);
  else native.binary(code, out.storage, a, b, layout, p1, p2);
  return out;
}

export function asTensor(v: Tensor | number): Tensor | null {
  return v instanceof Tensor ? v : null;
}

/** The gradient g summed down to operand v's shape, or null for a number operand. */
export function gradOf(g: Tensor, v: Tensor | number): Tensor | null {
  return v instanceof Tensor ? sumToShape(g, v.shape) : null;
}

function scaled(other: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined || alpha === 1) return other;
  return other instanceof Tensor ? mul(other, alpha) : other * alpha;
}

/** a + alpha * b, broadcasting. */
export function add(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  if (options !== undefined) checkOptions('add', options, ['alpha']);
  const p = prepare('add', a, scaled(b, options?.alpha));
  if (p.dtype === 'bool') return runBinary(OPS.maximum, p);  // True + True is True, as PyTorch: logical or
  const out = runBinary(OPS.add, p);
  return record(out, 'AddBackward', [asTensor(p.a), asTensor(p.b)], (g) => [gradOf(g, p.a), gradOf(g, p.b)]);
}

/** a - alpha * b, broadcasting. */
export function sub(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  if ((a instanceof Tensor && a.dtype === 'bool') || (b instanceof Tensor && b.dtype === 'bool')) {
    throw new TypeError('sub: subtraction with a bool tensor is not supported (as in PyTorch); to invert a mask use logicalNot(), or convert with .int()');
  }
  if (options !== undefined) checkOptions('sub', options, ['alpha']);
  const p = prepare('sub', a, scaled(b, options?.alpha));
  const out = runBinary(OPS.sub, p);
  return record(out, 'SubBackward', [asTensor(p.a), asTensor(p.b)], (g, needs) => [
    gradOf(g, p.a),
    needs[1] ? gradOf(neg(g), p.b) : null,
  ]);
}

/** a * b, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const p = prepare('mul', a, b);
  if (p.dtype === 'bool') return runBinary(OPS.minimum, p);  // bool times bool is their logical and
  const out = runBinary(OPS.mul, p);
  // Each gradient reads the other operand; save only those that will be read.
  const ta = asTensor(p.a);
  const tb = asTensor(p.b);
  const saved = [ta?.requiresGrad ? tb : null, tb?.requiresGrad ? ta : null].filter((t): t is Tensor => t !== null);
  return record(
    out,
    'MulBackward',
    [asTensor(p.a), asTensor(p.b)],
    (g, needs) => [needs[0] ? gradOf(mul(g, p.b), p.a) : null, needs[1] ? gradOf(mul(g, p.a), p.b) : null],
    saved,
  );
}

/** a / b (true division: integer inputs give float32). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const p = prepare('div', a, b, floatTypeOf(resultTypeChecked('div', a, b)));
  const out = runBinary(OPS.div, p);
  return record(
    out,
    'DivBackward',
    [asTensor(p.a), asTensor(p.b)],
    (g, needs) => [
      needs[0] ? gradOf(div(g, p.b), p.a) : null,
      needs[1] ? gradOf(neg(div(mul(g, out), p.b)), p.b) : null,
    ],
    [asTensor(p.b), out].filter((t): t is Tensor => t !== null),
  );
}

/** Integer and bool results of true division and powers become float32, as in PyTorch. */
export function floatTypeOf(t: DType): DType {
  return t === 'float64' ? 'float64' : 'float32';
}

export function resultTypeChecked(op: string, a: TensorLike, b: TensorLike): DType {
  checkOperand(op, a, 'input');
  checkOperand(op, b, 'other');
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError(`${op}: at least one argument must be a Tensor`);
  return resultType(a, b);
}

/** a ** b: tensor to a number, number to a tensor, or tensor to tensor (floating point). */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const t = resultTypeChecked('pow', a, b);
  if (t === 'bool') throw new TypeError('pow: not implemented for two bool operands (as in PyTorch); convert one with .int()');
  if (t === 'int32') return integerPow(a, b);
  const ft = floatTypeOf(t);
  if (a instanceof Tensor && typeof b === 'number') {
    const x = a.dtype === ft ? a : a.to(ft);
    const out = emptyTensor(x.shape, ft, 'pow');
    native.unary(native.unaryOps.powScalar, out.storage, x.storage, elementwiseLayout(x.shape, [out, x]), b);
    return record(out, 'PowBackward', [x], (g) => {
      const gx = emptyTensor(x.shape, ft);
      native.binary(OPS.powScalarBackward, gx.storage, g.storage, x.storage, elementwiseLayout(x.shape, [gx, g, x]), b);
      return [gx];
    }, [x]);
  }
  const p = prepare('pow', a, b, ft);
  const out = runBinary(OPS.pow, p);
  const ta = asTensor(p.a);
  const tb = p.b as Tensor;  // a tensor base with a number exponent took the branch above
  return record(
    out,
    'PowBackward',
    [ta, tb],
    (g, needs) => {
      // d/da a^b = b a^(b-1), taken as 0 where b = 0 (0 * 0^-1 would be NaN)
      const ga = needs[0] && ta ? gradOf(where(eq(tb, 0), 0, mul(mul(g, tb), pow(ta, sub(tb, 1)))), ta) : null;
      let gb: Tensor | null = null;
      if (needs[1]) {
        // d/db a^b = a^b ln a, taken as 0 where a = 0 and b >= 0 (0 * -Infinity would be NaN)
        const v = mul(mul(g, out), ta ? log(ta) : Math.log(p.a as number));
        const atZero = where(ge(tb, 0), 0, v);
        gb = gradOf(ta ? where(eq(ta, 0), atZero, v) : p.a === 0 ? atZero : v, tb);
      }
      return [ga, gb];
    },
    [ta, tb, out].filter((t): t is Tensor => t !== null),
  );
}

/**
 * a ** b for integer (and bool) operands, as PyTorch: an integer result, C's integer power for
 * negative exponents in a tensor (0 unless the base is 1 or -1), and an error for a negative
 * number exponent or a result int32 cannot hold (PyTorch's int64 would).
 */
function integerPow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number' && b < 0) throw new RangeError(`pow: integers to negative integer powers are not allowed (exponent ${b}); convert the base with .float()`);
  const x = typeof a === 'number' ? a : a.detach().to('float64');
  const e = typeof b === 'number' ? b : b.detach().to('float64');
  let r = pow(x, e);
  if (typeof e !== 'number') {
    const base = typeof x === 'number' ? fullTensor([], x, 'float64') : x;
    const odd = ne(runBinary(OPS.remainder, prepare('pow', e, 2, 'float64')), 0);
    const negative = where(eq(base, 1), 1, where(eq(base, -1), where(odd, -1, 1), 0));
    r = where(lt(e, 0), negative, r);
  }
  const big = r.abs().gt(2147483647).any().item() === 1;
  if (big) throw new RangeError('pow: an integer result does not fit in int32, kindling\'s integer type; convert the base with .double()');
  return r.to('int32');
}

function extremum(name: 'maximum' | 'minimum', a: TensorLike, b: TensorLike): Tensor {
  const p = prepare(name, a, b);
  const out = runBinary(OPS[name], p);
  // Ties split the gradient evenly, as PyTorch does.
  return record(
    out,
    name === 'maximum' ? 'MaximumBackward' : 'MinimumBackward',
    [asTensor(p.a), asTensor(p.b)],
    (g, needs) => {
      const aWins = runBinary(name === 'maximum' ? OPS.gt : OPS.lt, p, 'bool');
      const bWins = runBinary(name === 'maximum' ? OPS.lt : OPS.gt, p, 'bool');
      const tie = runBinary(OPS.eq, p, 'bool');
      const share = (wins: Tensor) => mul(g, add(wins.to(g.dtype), mul(tie.to(g.dtype), 0.5)));
      return [needs[0] ? gradOf(share(aWins), p.a) : null, needs[1] ? gradOf(share(bWins), p.b) : null];
    },
    [asTensor(p.a), asTensor(p.b)].filter((t): t is Tensor => t !== null),
  );
}

export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum('maximum', a, b);
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum('minimum', a, b);
}

function compare(name: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge', a: TensorLike, b: TensorLike): Tensor {
  // An integer tensor against a number int32 cannot hold compares in float64, which holds both exactly.
  const wide = (typeof a === 'number' && !fitsInt32(a)) || (typeof b === 'number' && !fitsInt32(b));
  const t = resultTypeChecked(name, a, b);
  // bools compare as 0 and 1 (False < True), in int32
  const exact = wide && t === 'int32' ? 'float64' : t === 'bool' ? 'int32' : undefined;
  return runBinary(OPS[name], prepare(name, a, b, exact), 'bool');
}

/** Elementwise a == b as a bool tensor. */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare('eq', a, b);
/** Elementwise a != b as a bool tensor. */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare('ne', a, b);
/** Elementwise a < b as a bool tensor. */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare('lt', a, b);
/** Elementwise a <= b as a bool tensor. */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare('le', a, b);
/** Elementwise a > b as a bool tensor. */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare('gt', a, b);
/** Elementwise a >= b as a bool tensor. */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare('ge', a, b);
