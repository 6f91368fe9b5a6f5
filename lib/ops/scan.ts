/** Cumulative ops along a dim: cumsum, cumprod, cummax, cummin and logcumsumexp, with their gradients. */
import { castForOp, type DTypeOption } from './dtype_option.js';
import { native } from '../native.js';
import { Tensor } from '../tensor/tensor.js';
import { isFloating, type DType } from '../tensor/dtype.js';
import { normalizeDim } from '../tensor/shape.js';
import { emptyTensor } from './alloc.js';
import { axisLayout, axisSplit } from './layout.js';
import { record } from '../autograd/record.js';
import { contiguous } from './copy.js';
import { checkTensor } from './unary.js';
import { scatterToIndices } from './reduce.js';
import { flip } from './shape.js';
import { logaddexp } from './math.js';
import { narrow } from './views.js';
import { cat } from './indexing.js';

const S = native.scanOps;

/** Runs a scan kernel on x (made contiguous) along d; indices too for cummax/cummin. */
function runScan(op: 'cumsum' | 'cumprod' | 'cummax' | 'cummin', x: Tensor, d: number, dtype: DType): { values: Tensor; indices: Tensor | null } {
  const xc = contiguous(x.detach().to(dtype));
  const values = emptyTensor(x.shape, dtype, op);
  const indices = op === 'cummax' || op === 'cummin' ? emptyTensor(x.shape, 'int32', op) : null;
  native.scan(S[op], values.storage, xc.storage, indices ? (indices.storage as Int32Array) : null, axisLayout(xc, d));
  return { values, indices };
}

function scanDim(op: string, x: Tensor, dim: number): number {
  checkTensor(op, x);
  if (typeof dim !== 'number') throw new TypeError(`${op}: expected dim to be a number (PyTorch requires it)`);
  return x.dim() === 0 ? 0 : normalizeDim(op, dim, x.dim());
}

/** The dtype of a sum-like result: bool and int32 accumulate in int32. */
const sumType = (x: Tensor): DType => (x.dtype === 'bool' ? 'int32' : x.dtype);

/** Running sums along dim. Gradient: the reversed running sum of g. */
export function cumsum(x: Tensor, dim: number, options?: DTypeOption): Tensor {
  if (options !== undefined) x = castForOp('cumsum', x, options);
  const d = scanDim('cumsum', x, dim);
  const { values } = runScan('cumsum', x, d, sumType(x));
  return record(values, 'CumsumBackward', [x], (g) => [x.dim() === 0 ? g : flip(cumsum(flip(g, [d]), d), [d])]);
}

/**
 * Running products along dim. Gradient: sum over j >= i of g_j * prod_{k <= j, k != i} x_k,
 * exact with zeros (a lane's first zero gets the products that skip it; later positions 0).
 */
export function cumprod(x: Tensor, dim: number, options?: DTypeOption): Tensor {
  if (options !== undefined) x = castForOp('cumprod', x, options);
  const d = scanDim('cumprod', x, dim);
  const { values } = runScan('cumprod', x, d, sumType(x));
  if (!isFloating(values.dtype)) return values;
  return record(values, 'CumprodBackward', [x], (g) => [cumprodGrad(x.detach(), values, g, d)], [x]);
}

function cumprodGrad(x: Tensor, out: Tensor, g: Tensor, d: number): Tensor {
  if (x.dim() === 0) return g;
  const [outer, R, inner] = axisSplit(x.shape, d);
  const xs = contiguous(x).toTypedArray();
  const gs = contiguous(g.to(x.dtype)).toTypedArray();
  const os = out.toTypedArray();
  const gx = emptyTensor(x.shape, x.dtype);
  const r = gx.storage;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (i: number) => o * R * inner + i * inner + j;
      let z = R;  // the lane's first zero
      for (let i = 0; i < R; i++) {
        if (xs[at(i)] === 0) {
          z = i;
          break;
        }
      }
      // before z: sum_{j >= i} g_j out_j / x_i (out_j is 0 from z on)
      let suffix = 0;
      for (let i = z - 1; i >= 0; i--) {
        suffix += gs[at(i)] * os[at(i)];
        r[at(i)] = suffix / xs[at(i)];
      }
      if (z === R) continue;
      // at z: sum_{j >= z} g_j * out_{z-1} * x_{z+1} ... x_j; after z: 0
      const before = z === 0 ? 1 : os[at(z - 1)];
      let prodAfter = 1;
      let total = 0;
      for (let k = z; k < R; k++) {
        if (k > z) prodAfter *= xs[at(k)];
        total += gs[at(k)] * before * prodAfter;
      }
      r[at(z)] = total;
      for (let i = z + 1; i < R; i++) r[at(i)] = 0;
    }
  }
  return gx;
}

function cumExtreme(op: 'cummax' | 'cummin', x: Tensor, dim: number): { values: Tensor; indices: Tensor } {
  const d = scanDim(op, x, dim);
  if (x.dtype === 'bool') {
    // as PyTorch: through int32 (no gradient for bools), values back to bool
    const r = cumExtreme(op, x.to('int32'), dim);
    return { values: r.values.to('bool'), indices: r.indices };
  }
  const { values, indices } = runScan(op, x, d, x.dtype);
  record(values, op === 'cummax' ? 'CummaxBackward' : 'CumminBackward', [x], (g) => [
    x.dim() === 0 ? g : scatterToIndices(g, indices!, x, d),
  ]);
  return { values, indices: indices! };
}

/** Running maximum along dim and the index where each was reached: `{ values, indices }`. */
export const cummax = (x: Tensor, dim: number) => cumExtreme('cummax', x, dim);
/** Running minimum along dim and the index where each was reached: `{ values, indices }`. */
export const cummin = (x: Tensor, dim: number) => cumExtreme('cummin', x, dim);


/**
 * log(cumsum(exp(x))) along dim, computed stably (PyTorch's logcumsumexp): a log-space prefix
 * scan of logaddexp over doubling offsets, so no exponential overflows or underflows and the
 * gradient is the composition's. Floating-point inputs only.
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  checkTensor('logcumsumexp', x);
  if (!isFloating(x.dtype)) throw new TypeError(`logcumsumexp: expected a floating-point input, but got ${x.dtype}`);
  const d = normalizeDim('logcumsumexp', dim, Math.max(x.dim(), 1));
  if (x.dim() === 0) return x.clone();
  const n = x.shape[d];
  let y = x.clone();
  for (let off = 1; off < n; off *= 2) {
    const tail = logaddexp(narrow(y, d, off, n - off), narrow(y, d, 0, n - off));
    y = cat([narrow(y, d, 0, off), tail], d);
  }
  return y;
}
