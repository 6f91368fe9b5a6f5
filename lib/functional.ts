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

export { add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge } from './ops/binary.js';
export { neg, exp, log, sqrt, abs, relu, sigmoid, tanh, clamp } from './ops/unary.js';
export { matmul } from './ops/matmul.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { cat, stack, where, gather, indexSelect } from './ops/indexing.js';
export { sum, mean, argmax, argmin, std, variance as var } from './ops/reduce.js';

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

export type { TensorLike };
