/**
 * Reductions that skip NaN (PyTorch's nansum and nanmean): NaN elements count as absent and
 * get a zero gradient.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { checkTensor } from './unary.js';
import { where } from './indexing.js';
import { div } from './binary.js';
import { sum } from './reduce.js';

/** The sum over dims (all when omitted) treating NaN as 0. */
export function nansum(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  checkTensor('nansum', x);
  return sum(isFloating(x.dtype) ? where(x.isnan(), 0, x) : x, dim, keepdim);
}

/** The mean over dims (all when omitted) of the non-NaN elements (NaN where there are none). */
export function nanmean(x: Tensor, dim?: number | number[] | null, keepdim = false): Tensor {
  checkTensor('nanmean', x);
  if (!isFloating(x.dtype)) throw new TypeError(`nanmean: expected a floating-point input, but got ${x.dtype}`);
  const present = x.isnan().logicalNot();
  return div(nansum(x, dim, keepdim), sum(present.to(x.dtype), dim, keepdim));
}
