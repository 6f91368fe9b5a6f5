/**
 * Reductions that skip NaN (PyTorch's nansum and nanmean): NaN elements count as absent. Their
 * gradient is the incoming one times the not-NaN mask, as PyTorch's, so a nanmean over a slice
 * with no numbers (NaN, 0/0) gives its elements a NaN gradient rather than 0.
 */
import { castForOp, type DTypeOption } from './dtype_option.js';
import type { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { keptShape } from '../tensor/shape.js';
import { checkTensor } from './unary.js';
import { where } from './indexing.js';
import { div, mul } from './binary.js';
import { reducedDims, sum } from './reduce.js';
import { record } from '../autograd/record.js';

/** The sum over dims (all when omitted) treating NaN as 0. */
export function nansum(x: Tensor, dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor {
  checkTensor('nansum', x);
  if (options !== undefined) x = castForOp('nansum', x, options);
  if (!isFloating(x.dtype)) return sum(x, dim, keepdim);
  const present = x.isnan().logicalNot();
  const out = sum(where(present, x.detach(), 0), dim, keepdim);
  const kept = keptShape(x.shape, reducedDims('nansum', x, dim));
  return record(out, 'NansumBackward', [x], (g) => [mul(g.reshape(kept).expand([...x.shape]), present)], [x]);
}

/** The mean over dims (all when omitted) of the non-NaN elements (NaN where there are none). */
export function nanmean(x: Tensor, dim?: number | number[] | null, keepdim = false, options?: DTypeOption): Tensor {
  checkTensor('nanmean', x);
  if (options !== undefined) x = castForOp('nanmean', x, options);
  if (!isFloating(x.dtype)) throw new TypeError(`nanmean: expected a floating-point input, but got ${x.dtype}`);
  const present = x.isnan().logicalNot();
  return div(nansum(x, dim, keepdim), sum(present.to(x.dtype), dim, keepdim));
}
