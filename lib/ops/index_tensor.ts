/**
 * What ops accept as an index: an int32 tensor, or a float tensor or JS array holding whole
 * numbers (so `kd.tensor([0, 2])`, which is float32, works as an index as in PyTorch, where it
 * would be int64). A fraction, NaN or a value outside int32 is an error, never truncated.
 */
import { Tensor } from '../tensor/tensor.js';
import { fitsInt32 } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';

/** The index as an int32 tensor, or a TypeError/RangeError naming the op and argument. */
export function asIndexTensor(op: string, v: unknown, name = 'index'): Tensor {
  if (v instanceof Tensor) {
    if (v.dtype === 'int32') return v;
    if (v.dtype === 'bool') throw new TypeError(`${op}: expected ${name} to hold integers, but got a bool tensor (a mask); use maskedSelect or .nonzero()`);
    const flat = v.detach().toTypedArray();
    for (let i = 0; i < flat.length; i++) {
      if (!fitsInt32(flat[i])) {
        throw new RangeError(`${op}: ${name} must hold whole numbers to be used as indices, but element ${i} is ${flat[i]}`);
      }
    }
    return v.detach().to('int32');
  }
  if (v instanceof Int32Array) return tensor(v, { dtype: 'int32' });
  if (Array.isArray(v)) return asIndexTensor(op, tensor(v as number[], { dtype: 'float64' }), name);
  throw new TypeError(`${op}: expected ${name} to be an int32 tensor (or whole numbers), but received ${describe(v)}`);
}

/** The most entries an index built in JS may have: int32 positions, and a typed array's length. */
const MAX_INDEX_LENGTH = 2 ** 31 - 1;

/**
 * A zeroed Int32Array of `length` for an index an op builds itself (a repeat, a padding), or a
 * RangeError naming the op when no tensor could be that long, before any memory is taken: a JS
 * array of that length would exhaust V8's heap, which aborts the process.
 */
export function indexBuffer(op: string, what: string, length: number): Int32Array {
  if (!(length <= MAX_INDEX_LENGTH)) {
    throw new RangeError(`${op}: the ${what} would have ${length} entries, more than the ${MAX_INDEX_LENGTH} a tensor dim can index`);
  }
  return new Int32Array(length);
}
