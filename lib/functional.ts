/**
 * The `kd.add(x, y)` forms of tensor ops, as `torch.add` is to `Tensor.add`. Binary ops
 * also accept a number first (`kd.sub(1, x)`).
 */
import { Tensor, type TensorLike } from './tensor/tensor.js';
import { describe } from './tensor/shape.js';

function self(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected input to be a Tensor, but received ${describe(x)}`);
  return x;
}

export { add, sub, mul, pow, maximum, minimum, eq, ne, lt, le, gt, ge } from './ops/binary.js';
export { div as trueDivide } from './ops/binary.js';
export { neg, exp, log, sqrt, abs, relu, sigmoid, tanh } from './ops/unary.js';
export { matmul } from './ops/matmul.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { cat, stack, where, gather, indexSelect } from './ops/indexing.js';
export { sum, mean, argmax, argmin, std, variance as var, prod, amax, amin, aminmax, all, any, countNonzero } from './ops/reduce.js';
export {
  sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, exp2, expm1, log1p, log2, log10, erf, erfinv,
  floor, ceil, round, trunc, frac, sign, reciprocal, rsqrt, square, atan2, remainder, fmod, hypot, logaddexp, lerp, addcmul, addcdiv,
  clamp, clampMin, clampMax, isnan, isinf, isfinite, isposinf, isneginf, nanToNum, logicalAnd, logicalOr, logicalXor, logicalNot, bitwiseNot, bitwiseAnd, bitwiseOr, bitwiseXor,
  allclose, isclose, equal, erfc, logit, xlogy, fmax, fmin, copysign, signbit, floorDivide, divide as div,
} from './ops/math.js';
export { nansum, nanmean } from './ops/nan_reduce.js';
export { tensorSplit, hsplit, vsplit, dsplit, hstack, vstack, dstack, columnStack, atleast1d, atleast2d, atleast3d } from './ops/split_stack.js';
export { logsumexp, norm, dist } from './ops/norms.js';
export { cumsum, cumprod, cummax, cummin, logcumsumexp } from './ops/scan.js';
export { sort, argsort, topk, kthvalue, median, nanmedian, mode, unique, searchsorted, bucketize, isin, bincount, histc } from './ops/sort.js';
export {
  chunk, split, unbind, repeatInterleave, flip, roll, movedim, swapaxes, tril, triu, diag, trace, meshgrid, broadcastTo,
  unflatten, rot90, diff,
} from './ops/shape.js';
export { diagonal, select } from './ops/views.js';
export {
  maskedFill, maskedSelect, nonzero, argwhere, scatter, scatterAdd, scatterReduce, indexAdd, indexFill, indexCopy, takeAlongDim, take,
} from './ops/scatter.js';
export { mm, bmm, dot, outer, addmm, baddbmm, kron, cross, einsum, cdist, tensordot } from './ops/linalg.js';
export { index, indexPut_, slice, Slice } from './ops/index_expr.js';
export type { IndexItem } from './ops/index_expr.js';

/** The largest element, or `{ values, indices }` along dim. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  return dim === undefined ? self('max', x).max() : self('max', x).max(dim, keepdim);
}

/** The smallest element, or `{ values, indices }` along dim. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  return dim === undefined ? self('min', x).min() : self('min', x).min(dim, keepdim);
}

export const reshape = (x: Tensor, shape: number[]): Tensor => self('reshape', x).reshape(shape);
export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor => self('transpose', x).transpose(dim0, dim1);
export const permute = (x: Tensor, dims: number[]): Tensor => self('permute', x).permute(dims);
export const squeeze = (x: Tensor, dim?: number): Tensor => self('squeeze', x).squeeze(dim);
export const unsqueeze = (x: Tensor, dim: number): Tensor => self('unsqueeze', x).unsqueeze(dim);
export const flatten = (x: Tensor, startDim?: number, endDim?: number): Tensor => self('flatten', x).flatten(startDim, endDim);
export const narrow = (x: Tensor, dim: number, start: number, length: number): Tensor => self('narrow', x).narrow(dim, start, length);
export const clone = (x: Tensor): Tensor => self('clone', x).clone();
/** The number of elements of a tensor (torch.numel). */
export const numel = (x: Tensor): number => self('numel', x).numel();
/** True for a kindling Tensor (torch.is_tensor). */
export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
export const repeat = (x: Tensor, sizes: number[]): Tensor => self('repeat', x).repeat(sizes);
export const tile = (x: Tensor, dims: number[]): Tensor => self('tile', x).tile(dims);

export type { TensorLike };
