/**
 * PyTorch's keyword-only `dtype=` of sum, mean, prod, nansum, nanmean, cumsum, cumprod, softmax
 * and logSoftmax: the input is cast to dtype before the op, so it runs and accumulates in that
 * type (and the gradient is cast back).
 */
import { Tensor } from '../tensor/tensor.js';
import { isDType, isFloating, type DType } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { checkOptions } from '../options.js';

/** The trailing options object of these ops. */
export interface DTypeOption {
  dtype?: DType | null;
}

/**
 * x cast to options.dtype (x itself without one); throws TypeError for other keys, an unknown
 * dtype, or (floatOnly, as softmax) a non-floating one.
 */
export function castForOp(op: string, x: Tensor, options: DTypeOption | null | undefined, floatOnly = false): Tensor {
  const dtype = checkOptions(op, options, ['dtype']).dtype;
  if (dtype === undefined || dtype === null) return x;
  if (!isDType(dtype)) throw new TypeError(`${op}: unknown dtype ${describe(dtype)} (expected 'float32', 'float64', 'int32' or 'bool')`);
  if (floatOnly && !isFloating(dtype)) throw new TypeError(`${op}: dtype must be floating point, but got ${dtype}`);
  return x instanceof Tensor && x.dtype !== dtype ? x.to(dtype) : x;
}
