/** Softmax and log-softmax along one dim, forward and backward as fused native passes. */
import { castForOp, type DTypeOption } from './dtype_option.js';
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { describe, normalizeDim } from '../tensor/shape.js';
import { emptyTensor } from './alloc.js';
import { axisSplit, layoutOf } from './layout.js';
import { record } from '../autograd/record.js';
import { contiguous } from './copy.js';

function softmaxAlong(op: 'softmax' | 'logSoftmax', x: Tensor, dim: number): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, but received ${describe(x)}`);
  if (typeof dim !== 'number') throw new TypeError(`${op}: expected dim to be a number, but received ${describe(dim)} (PyTorch also requires it)`);
  const d = normalizeDim(op, dim, x.dim());
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  const xc = contiguous(xf.detach());
  const [outer, r, inner] = axisSplit(x.shape, d);
  const log = op === 'logSoftmax';
  const out = emptyTensor(x.shape, xf.dtype);
  native.softmax(log, out.storage as Float32Array, xc.storage as Float32Array, layoutOf(xc.offset, 0, outer, r, inner));
  return record(
    out,
    log ? 'LogSoftmaxBackward' : 'SoftmaxBackward',
    [xf],
    (g) => {
      const gc = contiguous(g);
      const gx = emptyTensor(x.shape, xf.dtype);
      native.softmaxBackward(log, gx.storage as Float32Array, gc.storage as Float32Array, out.storage as Float32Array,
        layoutOf(gc.offset, 0, 0, outer, r, inner));
      return [gx];
    },
    [out],
  );
}

/** exp(x) / sum(exp(x)) along dim, computed stably. */
export function softmax(x: Tensor, dim: number, options?: DTypeOption): Tensor {
  return softmaxAlong('softmax', options === undefined ? x : castForOp('softmax', x, options, true), dim);
}

/** x - logsumexp(x) along dim, computed stably. */
export function logSoftmax(x: Tensor, dim: number, options?: DTypeOption): Tensor {
  return softmaxAlong('logSoftmax', options === undefined ? x : castForOp('logSoftmax', x, options, true), dim);
}
