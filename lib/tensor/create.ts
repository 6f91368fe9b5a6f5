/**
 * Creating tensors: from data (numbers, nested arrays, typed arrays), constant fills,
 * ranges, identity matrices and random draws from a seedable generator.
 */
import { checkOptions, checkNumber } from '../options.js';
import type { FloatStorage, Storage } from '../native.js';
import { Tensor, type NestedArray } from './tensor.js';
import { dtypeOfStorage, elementOf, fitsInt32, isDType, isFloating, uninitStorage, zeroStorage, type DType } from './dtype.js';
import { checkShape, describe, numelOf, type Shape } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';
import { fillStorage } from '../ops/alloc.js';

/** Options accepted by every creation function. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  /** Draw from this generator instead of the default one. */
  generator?: Generator;
}

/** The options' keys (dtype, requiresGrad and `extra`) and dtype; throws TypeError naming op. */
function checkDType(op: string, options: TensorOptions | null | undefined, extra: readonly string[] = []): void {
  const dtype = checkOptions(op, options, ['dtype', 'requiresGrad', ...extra]).dtype;
  if (dtype !== undefined && !isDType(dtype)) {
    throw new TypeError(`${op}: unknown dtype ${String(dtype)} (expected 'float32', 'float64', 'int32' or 'bool')`);
  }
}

function finish(op: string, t: Tensor, options: TensorOptions | undefined): Tensor {
  if (options?.requiresGrad) {
    if (!isFloating(t.dtype)) throw new TypeError(`${op}: only floating-point tensors can require gradients, but dtype is ${t.dtype}`);
    t.requiresGrad = true;
  }
  return t;
}

/** Shape and flat values of nested arrays, with a clear error for ragged input. */
function flattenNested(data: NestedArray): { shape: number[]; values: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: (number | boolean)[] = [];
  const walk = (v: NestedArray, d: number) => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new RangeError(`tensor: expected a number at dim ${d}, but found a nested array (ragged input)`);
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new TypeError(`tensor: expected numbers or booleans, but found ${describe(v)}`);
      }
      values.push(v);
      return;
    }
    if (!Array.isArray(v)) throw new RangeError(`tensor: expected a sequence of length ${shape[d]} at dim ${d}, but found a number (ragged input)`);
    if (v.length !== shape[d]) throw new RangeError(`tensor: expected sequence of length ${shape[d]} at dim ${d} (got ${v.length})`);
    for (const x of v) walk(x, d + 1);
  };
  walk(data, 0);
  return { shape, values };
}

function storageFrom(op: string, dtype: DType, values: ArrayLike<number | boolean>): Storage {
  const s = zeroStorage(dtype, values.length, op);
  if (dtype === 'float32' || dtype === 'float64') {
    for (let i = 0; i < values.length; i++) s[i] = Number(values[i]);
  } else {
    for (let i = 0; i < values.length; i++) s[i] = elementOf(op, dtype, Number(values[i]));
  }
  return s;
}

/**
 * A new tensor holding a copy of `data`: a number or boolean (0-d), nested arrays (shape
 * inferred), or a typed array with `{ shape }` (default: 1-D). The dtype defaults to
 * float32, bool for booleans, and the array's own kind for Float64Array and Int32Array.
 * Throws on ragged arrays, non-numeric entries and shapes that don't match the data.
 */
export function tensor(data: NestedArray | ArrayBufferView, options: TensorOptions & { shape?: number[] } = {}): Tensor {
  checkDType('tensor', options, ['shape']);
  if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView) throw new TypeError('tensor: expected a typed array, but received a DataView');
    const arr = data as unknown as ArrayLike<number>;
    const shape = options.shape === undefined ? [arr.length] : checkShape('tensor', options.shape);
    if (numelOf(shape) !== arr.length) {
      throw new RangeError(`tensor: shape [${shape.join(', ')}] needs ${numelOf(shape)} elements, but the typed array has ${arr.length}`);
    }
    const own = dtypeOfStorage(data);
    const dtype = options.dtype ?? (own === 'float64' || own === 'int32' ? own : 'float32');
    const storage = own === dtype ? (data as unknown as Storage).slice() : storageFrom('tensor', dtype, arr);
    return finish('tensor', Tensor.fromStorage(storage, shape, dtype), options);
  }
  if (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) {
    throw new TypeError(`tensor: expected a number, a nested array or a typed array, but received ${describe(data)}`);
  }
  const { shape, values } = flattenNested(data);
  if (options.shape !== undefined) throw new TypeError('tensor: { shape } is only for typed-array data; nested arrays carry their own shape');
  const allBool = values.length > 0 && values.every((v) => typeof v === 'boolean');
  const dtype = options.dtype ?? (allBool ? 'bool' : 'float32');
  return finish('tensor', Tensor.fromStorage(storageFrom('tensor', dtype, values), shape, dtype), options);
}

function shapeArg(op: string, shape: unknown): number[] {
  if (typeof shape === 'number') return checkShape(op, [shape]);
  return checkShape(op, shape);
}

/** A tensor of the given shape filled with 0. */
export function zeros(shape: Shape | number, options?: TensorOptions): Tensor {
  checkDType('zeros', options);
  const s = shapeArg('zeros', shape);
  const dtype = options?.dtype ?? 'float32';
  return finish('zeros', Tensor.fromStorage(zeroStorage(dtype, numelOf(s), 'zeros'), s, dtype), options);
}

/** A tensor of the given shape filled with 1. */
export function ones(shape: Shape | number, options?: TensorOptions): Tensor {
  return full(shape, 1, options);
}

/** A tensor of the given shape filled with `value` (float32 unless dtype says otherwise). */
export function full(shape: Shape | number, value: number | boolean, options?: TensorOptions): Tensor {
  checkDType('full', options);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`full: expected value to be a number, but received ${describe(value)}`);
  const s = shapeArg('full', shape);
  const dtype = options?.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const v = elementOf('full', dtype, Number(value));
  return finish('full', Tensor.fromStorage(fillStorage(dtype, numelOf(s), v, 'full'), s, dtype), options);
}

/** A tensor of the given shape whose contents are unspecified (fast; fill it before reading). */
export function empty(shape: Shape | number, options?: TensorOptions): Tensor {
  checkDType('empty', options);
  const s = shapeArg('empty', shape);
  const dtype = options?.dtype ?? 'float32';
  return finish('empty', Tensor.fromStorage(uninitStorage(dtype, numelOf(s), 'empty'), s, dtype), options);
}

const likeOptions = (x: Tensor, o?: TensorOptions): TensorOptions => ({ ...o, dtype: o?.dtype ?? x.dtype });
export const zerosLike = (x: Tensor, o?: TensorOptions): Tensor => zeros(x.shape, likeOptions(x, o));
export const onesLike = (x: Tensor, o?: TensorOptions): Tensor => ones(x.shape, likeOptions(x, o));
export const fullLike = (x: Tensor, value: number, o?: TensorOptions): Tensor => full(x.shape, value, likeOptions(x, o));
export const emptyLike = (x: Tensor, o?: TensorOptions): Tensor => empty(x.shape, likeOptions(x, o));
export const randLike = (x: Tensor, o?: RandomOptions): Tensor => rand(x.shape, { ...o, dtype: o?.dtype ?? x.dtype });
export const randnLike = (x: Tensor, o?: RandomOptions): Tensor => randn(x.shape, { ...o, dtype: o?.dtype ?? x.dtype });
/** Uniform integers in [low, high) with x's shape and dtype (PyTorch's randint_like(x, low, high)). */
export const randintLike = (x: Tensor, low: number, high: number, o?: RandomOptions): Tensor => randint(low, high, x.shape, { ...o, dtype: o?.dtype ?? x.dtype });

function floatDType(op: string, options?: TensorOptions, extra: readonly string[] = []): DType {
  checkDType(op, options, extra);
  const dtype = options?.dtype ?? 'float32';
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating-point dtype, but got ${dtype}`);
  return dtype;
}

function randomTensor(op: string, shape: Shape | number, options: RandomOptions | undefined, fill: (g: Generator, storage: FloatStorage, n: number) => void): Tensor {
  const dtype = floatDType(op, options, ['generator']);
  const s = shapeArg(op, shape);
  const g = options?.generator ?? defaultGenerator;
  const n = numelOf(s);
  const storage = uninitStorage(dtype, n, op) as FloatStorage;
  fill(g, storage, n);
  return finish(op, Tensor.fromStorage(storage, s, dtype), options);
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape | number, options?: RandomOptions): Tensor {
  return randomTensor('rand', shape, options, (g, storage, n) => g.fillUniform(storage, 0, n));
}

/** Standard normal samples. */
export function randn(shape: Shape | number, options?: RandomOptions): Tensor {
  return randomTensor('randn', shape, options, (g, storage, n) => {
    for (let i = 0; i < n; i++) storage[i] = g.nextNormal();
  });
}

/** Uniform integers in [low, high) (int32 unless dtype says otherwise). */
export function randint(low: number, high: number, shape: Shape | number, options?: RandomOptions): Tensor {
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`randint: expected ${name} to be an integer, but received ${describe(v)}`);
  }
  if (high <= low) throw new RangeError(`randint: expected low < high, but got low=${low} and high=${high}`);
  if (high - low > 4294967296) throw new RangeError('randint: the range high - low must be at most 2^32');
  checkDType('randint', options, ['generator']);
  const dtype = options?.dtype ?? 'int32';
  const s = shapeArg('randint', shape);
  const g = options?.generator ?? defaultGenerator;
  const n = numelOf(s);
  if (dtype === 'int32' && !(fitsInt32(low) && fitsInt32(high - 1))) {
    throw new RangeError(`randint: the range [${low}, ${high}) does not fit in int32; pass { dtype: 'float64' }`);
  }
  const storage = zeroStorage(dtype, n, 'randint');
  for (let i = 0; i < n; i++) storage[i] = low + g.nextBelow(high - low);
  return finish('randint', Tensor.fromStorage(storage, s, dtype), options);
}

/**
 * Values from start (inclusive) to end (exclusive) by step: `arange(5)`, `arange(1, 4)`,
 * `arange(0, 1, 0.25)`, `arange(5, { dtype: 'float64' })`. int32 when all arguments are integers, else
 * float32, unless options give a dtype.
 */
export function arange(start: number, endOrOptions?: number | TensorOptions, stepOrOptions: number | TensorOptions = 1, maybeOptions?: TensorOptions): Tensor {
  // the options object may follow any of the numbers, as PyTorch's keyword dtype= does
  const isOpts = (v: unknown): v is TensorOptions => typeof v === 'object' && v !== null;
  let end = isOpts(endOrOptions) ? undefined : endOrOptions;
  const step = isOpts(stepOrOptions) ? 1 : stepOrOptions;
  const options = isOpts(endOrOptions) ? endOrOptions : isOpts(stepOrOptions) ? stepOrOptions : maybeOptions;
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`arange: expected ${name} to be a finite number, but received ${describe(v)}`);
  }
  if (step === 0) throw new RangeError('arange: step must be nonzero');
  if ((end - start) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  checkDType('arange', options);
  const dtype = options?.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const n = Math.ceil((end - start) / step);
  const storage = zeroStorage(dtype, n, 'arange');
  for (let i = 0; i < n; i++) storage[i] = elementOf('arange', dtype, start + i * step);
  return finish('arange', Tensor.fromStorage(storage, [n], dtype), options);
}

/** `steps` evenly spaced values from start to end inclusive (float32 by default). */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'end', end);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: number of steps must be a non-negative integer, but got ${steps}`);
  const dtype = floatDType('linspace', options);
  const storage = zeroStorage(dtype, steps, 'linspace');
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric like PyTorch: the second half counts back from `end`, so the last value is exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) storage[i] = i < half || steps === 1 ? start + step * i : end - step * (steps - 1 - i);
  return finish('linspace', Tensor.fromStorage(storage, [steps], dtype), options);
}

/** An n x m matrix with ones on the diagonal (m defaults to n). */
export function eye(n: number, m: number = n, options?: TensorOptions): Tensor {
  const [rows, cols] = checkShape('eye', [n, m], 'sizes');
  checkDType('eye', options);
  const dtype = options?.dtype ?? 'float32';
  const storage = zeroStorage(dtype, rows * cols, 'eye');
  for (let i = 0; i < Math.min(rows, cols); i++) storage[i * cols + i] = 1;
  return finish('eye', Tensor.fromStorage(storage, [rows, cols], dtype), options);
}

/** `steps` values from base^start to base^end, evenly spaced in the exponent (float32 by default). */
export function logspace(start: number, end: number, steps: number, base = 10, options?: TensorOptions): Tensor {
  if (typeof base !== 'number' || Number.isNaN(base)) throw new TypeError(`logspace: expected base to be a number, but received ${describe(base)}`);
  const exponents = linspace(start, end, steps, { dtype: 'float64' }).toTypedArray();
  const dtype = floatDType('logspace', options);
  const storage = zeroStorage(dtype, steps, 'logspace');
  for (let i = 0; i < steps; i++) storage[i] = base ** exponents[i];
  return finish('logspace', Tensor.fromStorage(storage, [steps], dtype), options);
}
