/** logsumexp and vector norms over all elements or some dims, with their gradients. */
import { Tensor } from '../tensor/tensor.js';
import { isFloating } from '../tensor/dtype.js';
import { broadcastShapes, describe, keptShape, normalizeDim } from '../tensor/shape.js';
import { checkFlag, checkOptions } from '../options.js';
import { record } from '../autograd/record.js';
import { checkTensor, exp, sqrt } from './unary.js';
import { div, mul, pow, sub } from './binary.js';
import { where } from './indexing.js';
import { amax, amin, countNonzero, reduceDims, sum } from './reduce.js';
import { native } from '../native.js';
import { expand } from './views.js';
import { zerosTensor } from './alloc.js';

function dimsOf(op: string, x: Tensor, dim: number | number[] | null | undefined): number[] {
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  const list = Array.isArray(dim) ? dim : [dim];
  return list.map((d) => normalizeDim(op, d, x.dim()));
}


/**
 * log(sum(exp(x))) over dim(s), computed stably (the max is taken out first; rows of -Infinity
 * give -Infinity). Gradient: g * exp(x - out), i.e. softmax.
 */
export function logsumexp(x: Tensor, dim: number | number[], keepdim = false): Tensor {
  checkTensor('logsumexp', x);
  if (dim === undefined || dim === null) throw new TypeError('logsumexp: expected dim (a number or an array of numbers), as PyTorch requires it');
  const xf = isFloating(x.dtype) ? x : x.to('float32');
  const dims = dimsOf('logsumexp', xf, dim);
  const kept = reduceDims(native.reduceOps.logsumexp, xf, dims, true);
  const out = checkFlag('logsumexp', 'keepdim', keepdim) ? kept : kept.reshape(xf.shape.filter((_, i) => !dims.includes(i)));
  return record(out, 'LogsumexpBackward', [xf], (g) => [mul(g.reshape(keptShape(xf.shape, dims)), exp(sub(xf.detach(), kept)))], [xf]);
}

/** The p-norm's p: a number, Infinity/-Infinity, or 'fro' (2 over the flattened dims). */
export type NormOrder = number | 'fro';

/**
 * The vector p-norm of x over all elements or the given dims: (sum |x|^p)^(1/p); p = Infinity
 * is max |x|, -Infinity min |x|, 0 the count of non-zeros, 'fro' the same as 2. The
 * gradient at a zero norm is 0, as in PyTorch.
 */
export function norm(x: Tensor, p: NormOrder | null = 2, dim?: number | number[] | null, keepdim = false): Tensor {
  checkTensor('norm', x);
  if (!isFloating(x.dtype)) throw new TypeError(`norm: expected a floating-point tensor, but got ${x.dtype}; convert with .float()`);
  const order = p === null || p === 'fro' ? 2 : p;
  if (typeof order !== 'number' || Number.isNaN(order)) throw new TypeError(`norm: expected p to be a number, Infinity or 'fro', but received ${describe(p)}`);
  const dims = dimsOf('norm', x, dim);
  checkFlag('norm', 'keepdim', keepdim);
  if (order === Infinity) return amax(x.abs(), dims, keepdim);
  if (order === -Infinity) return amin(x.abs(), dims, keepdim);
  const outShape = keepdim ? keptShape(x.shape, dims) : x.shape.filter((_, i) => !dims.includes(i));
  if (order === 0) {
    // a count: piecewise constant, so its gradient is zero (PyTorch's output still requires grad)
    const count = countNonzero(x.detach(), dims).to(x.dtype).reshape(outShape);
    return record(count, 'NormBackward', [x], () => [zerosTensor(x.shape, x.dtype)], []);
  }
  if (order === 1) return sum(x.abs(), dims, keepdim);
  if (order === 2) {
    const v = x.detach();
    // one pass summing squares in double, without a squared copy of x
    const kept = sqrt(reduceDims(native.reduceOps.sumSquares, v, dims, true));
    const out = keepdim ? kept : kept.reshape(x.shape.filter((_, i) => !dims.includes(i)));
    return record(out, 'NormBackward', [x], (g) => [where(kept.eq(0), 0, div(mul(v, g.reshape(keptShape(x.shape, dims))), kept))], [x]);
  }
  // Any other p, with PyTorch's gradient g sign(x) |x|^(p-1) / norm^(p-1): 0 where the norm is 0,
  // and for p < 1 also 0 at x = 0 (the chain rule through pow and abs would give NaN there).
  const v = x.detach();
  const kept = pow(sum(pow(v.abs(), order), dims, true), 1 / order);
  const out = keepdim ? kept : kept.reshape(outShape);
  return record(out, 'NormBackward', [x], (g) => {
    let scaled = mul(v.sign(), pow(v.abs(), order - 1));
    if (order < 1) scaled = where(v.eq(0), 0, scaled);
    const gk = g.reshape(keptShape(x.shape, dims));
    const scale = order < 1 ? mul(gk, pow(kept, 1 - order)) : where(kept.eq(0), 0, div(gk, pow(kept, order - 1)));
    return [mul(scaled, scale)];
  }, [x]);
}


/** The p-norm (default 2) of a - b over all elements, a and b broadcasting (PyTorch's torch.dist). */
export function dist(a: Tensor, b: Tensor, p: NormOrder = 2): Tensor {
  checkTensor('dist', a);
  checkTensor('dist', b);
  return norm(sub(a, b), p);
}

/**
 * The cosine of the angle between a and b along dim (they broadcast): a·b / max(|a| |b|, eps),
 * with each norm clamped at eps first as PyTorch does.
 */
export function cosineSimilarity(a: Tensor, b: Tensor, dim = 1, eps = 1e-8): Tensor {
  checkTensor('cosineSimilarity', a);
  checkTensor('cosineSimilarity', b);
  // dim counts in the broadcast shape, and each norm runs over the broadcast operand (a [1, 4]
  // against a [4] along dim 0 compares single elements), so expand both first, as PyTorch does
  const shape = broadcastShapes('cosineSimilarity', a.shape, b.shape);
  const ae = expand(a, shape);
  const be = expand(b, shape);
  const na = norm(ae, 2, dim, true).clamp(eps, null);
  const nb = norm(be, 2, dim, true).clamp(eps, null);
  return sum(mul(div(ae, na), div(be, nb)), dim);
}

/** x divided by its p-norm along dim (default 2 and 1), the norm clamped at eps (PyTorch's F.normalize). */
export function normalize(x: Tensor, options: { p?: number; dim?: number; eps?: number } = {}): Tensor {
  options = checkOptions('normalize', options, ['p', 'dim', 'eps']);
  checkTensor('normalize', x);
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  return div(x, norm(x, p, dim, true).clamp(eps, null));
}
