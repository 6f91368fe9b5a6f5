/**
 * NumPy-style splitting and stacking that PyTorch also offers: tensorSplit (sections or
 * indices), hsplit/vsplit/dsplit, hstack/vstack/dstack/columnStack and atleast1d/2d/3d.
 * Splits are views (narrow), stacks are cat of views, so gradients come from those ops.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, normalizeDim } from '../tensor/shape.js';
import { checkTensor } from './unary.js';
import { cat } from './indexing.js';
import { narrow, reshape } from './views.js';

/**
 * Views of x along dim (PyTorch's tensor_split): a number n gives n parts, the first
 * size % n of them one longer; an array of indices splits before each (clamped to the size).
 */
export function tensorSplit(x: Tensor, indicesOrSections: number | number[], dim = 0): Tensor[] {
  checkTensor('tensorSplit', x);
  if (x.dim() === 0) throw new RangeError('tensorSplit: expected at least a 1-dimensional tensor, but got a 0-d tensor');
  const d = normalizeDim('tensorSplit', dim, x.dim());
  const n = x.shape[d];
  if (typeof indicesOrSections === 'number') {
    const parts = indicesOrSections;
    if (!Number.isInteger(parts) || parts <= 0) throw new RangeError(`tensorSplit: number of sections must be a positive integer, but got ${describe(parts)}`);
    const base = Math.floor(n / parts);
    const extra = n % parts;
    const out: Tensor[] = [];
    for (let i = 0, start = 0; i < parts; i++) {
      const len = base + (i < extra ? 1 : 0);
      out.push(narrow(x, d, start, len));
      start += len;
    }
    return out;
  }
  if (!Array.isArray(indicesOrSections) || indicesOrSections.some((v) => typeof v !== 'number' || !Number.isInteger(v))) {
    throw new TypeError(`tensorSplit: expected a number of sections or an array of integer indices, but received ${describe(indicesOrSections)}`);
  }
  const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const bounds = [0, ...indicesOrSections.map(clampIndex), n];
  const out: Tensor[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i];
    out.push(narrow(x, d, start, Math.max(0, bounds[i + 1] - start)));
  }
  return out;
}

/** tensorSplit along a fixed dim, where a number of sections must divide that dim (as NumPy's). */
function exactSplit(op: string, x: Tensor, sections: number | number[], dim: number, minDims: number): Tensor[] {
  checkTensor(op, x);
  if (x.dim() < minDims) throw new RangeError(`${op}: expected a tensor with at least ${minDims} dimensions, but got ${formatShape(x.shape)}`);
  if (typeof sections === 'number' && x.shape[dim] % sections !== 0) {
    throw new RangeError(`${op}: dimension ${dim} of ${formatShape(x.shape)} (size ${x.shape[dim]}) is not divisible into ${sections} equal sections`);
  }
  return tensorSplit(x, sections, dim);
}

/** Splits along dim 1 (dim 0 for a 1-D tensor). */
export const hsplit = (x: Tensor, sections: number | number[]): Tensor[] => exactSplit('hsplit', x, sections, x.dim() === 1 ? 0 : 1, 1);
/** Splits along dim 0 of a tensor with at least 2 dims. */
export const vsplit = (x: Tensor, sections: number | number[]): Tensor[] => exactSplit('vsplit', x, sections, 0, 2);
/** Splits along dim 2 of a tensor with at least 3 dims. */
export const dsplit = (x: Tensor, sections: number | number[]): Tensor[] => exactSplit('dsplit', x, sections, 2, 3);

/** x with at least one dim: a 0-d tensor becomes [1]. */
export function atleast1d(x: Tensor): Tensor {
  checkTensor('atleast1d', x);
  return x.dim() === 0 ? reshape(x, [1]) : x;
}

/** x with at least two dims: 0-d becomes [1, 1], [n] becomes [1, n]. */
export function atleast2d(x: Tensor): Tensor {
  checkTensor('atleast2d', x);
  if (x.dim() >= 2) return x;
  return reshape(x, [1, x.dim() === 0 ? 1 : x.shape[0]]);
}

/** x with at least three dims: 0-d becomes [1, 1, 1], [n] becomes [1, n, 1], [m, n] becomes [m, n, 1]. */
export function atleast3d(x: Tensor): Tensor {
  checkTensor('atleast3d', x);
  if (x.dim() >= 3) return x;
  if (x.dim() === 2) return reshape(x, [...x.shape, 1]);
  return reshape(x, [1, x.dim() === 0 ? 1 : x.shape[0], 1]);
}

function tensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`${op}: expected a non-empty array of tensors, but received ${describe(tensors)}`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected tensors[${i}] to be a Tensor, but received ${describe(t)}`);
  });
  return tensors as Tensor[];
}

/** Concatenates along dim 1, or dim 0 when the tensors are 1-D (0-d ones count as [1]). */
export function hstack(tensors: Tensor[]): Tensor {
  const ts = tensorList('hstack', tensors).map(atleast1d);
  return cat(ts, ts[0].dim() === 1 ? 0 : 1);
}

/** Concatenates along dim 0 after making each tensor at least 2-D ([n] becomes [1, n]). */
export const vstack = (tensors: Tensor[]): Tensor => cat(tensorList('vstack', tensors).map(atleast2d), 0);

/** Concatenates along dim 2 after making each tensor at least 3-D. */
export const dstack = (tensors: Tensor[]): Tensor => cat(tensorList('dstack', tensors).map(atleast3d), 2);

/** Stacks 0-d and 1-D tensors as columns ([n] becomes [n, 1]) and concatenates along dim 1. */
export function columnStack(tensors: Tensor[]): Tensor {
  const ts = tensorList('columnStack', tensors).map((t) => (t.dim() <= 1 ? reshape(t, [t.numel(), 1]) : t));
  return cat(ts, 1);
}
