/**
 * PyTorch's default_collate for JS samples: tensors stack; numbers become one tensor (int32
 * when every one is an integer int32 can hold — the way Python ints become int64 — float32
 * otherwise, float64 for integers beyond int32); booleans a bool tensor; typed arrays stack
 * into rows; strings stay an array; arrays and plain objects are collated position by position
 * or key by key.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { fitsInt32 } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import { stack } from '../ops/indexing.js';

/** Collates samples into a batch (see the module comment); throws naming what it cannot collate. */
export function defaultCollate(items: unknown[], path = 'sample'): unknown {
  if (items.length === 0) throw new RangeError('collate: cannot collate an empty list of samples');
  const first = items[0];
  const sameKind = (check: (v: unknown) => boolean, kind: string) => items.forEach((v, i) => {
    if (!check(v)) throw new TypeError(`collate: ${path} of item 0 is ${kind} but of item ${i} is ${describe(v)}`);
  });
  if (first instanceof Tensor) {
    sameKind((v) => v instanceof Tensor, 'a Tensor');
    return stack(items as Tensor[], 0);
  }
  if (typeof first === 'number') {
    sameKind((v) => typeof v === 'number', 'a number');
    const nums = items as number[];
    if (nums.every(Number.isInteger)) return tensor(nums, { dtype: nums.every(fitsInt32) ? 'int32' : 'float64' });
    return tensor(nums);
  }
  if (typeof first === 'boolean') {
    sameKind((v) => typeof v === 'boolean', 'a boolean');
    return tensor(items as boolean[]);
  }
  if (typeof first === 'string') {
    sameKind((v) => typeof v === 'string', 'a string');
    return items.slice();
  }
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) {
    const n = (first as unknown as ArrayLike<number>).length;
    sameKind((v) => ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === n, `a typed array of ${n} elements`);
    return stack(items.map((v) => tensor(v as Float32Array)), 0);
  }
  if (Array.isArray(first)) {
    sameKind((v) => Array.isArray(v) && v.length === first.length, `an array of ${first.length} elements (each element in list of batch should be of equal size)`);
    return first.map((_, k) => defaultCollate(items.map((it) => (it as unknown[])[k]), `${path}[${k}]`));
  }
  if (typeof first === 'object' && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(items.map((it) => (it as Record<string, unknown>)[key]), `${path}.${key}`);
    return out;
  }
  throw new TypeError(`collate: cannot collate ${path} of type ${describe(first)}; pass a collateFn`);
}
