/**
 * Builds the Float64Array layouts the native kernels read (see binding.d.ts). Layouts are
 * written into reused scratch arrays: calls are synchronous, so one per length suffices.
 */
import type { Tensor } from '../tensor/tensor.js';

const scratch: Float64Array[] = [];

/** A reused Float64Array of exactly n entries. */
export function layoutBuffer(n: number): Float64Array {
  let buf = scratch[n];
  if (buf === undefined) {
    buf = new Float64Array(n);
    scratch[n] = buf;
  }
  return buf;
}

/**
 * [ndim, shape..., then per view: offset, strides...] for views broadcast to `shape`;
 * a null view (a scalar operand) gets offset 0 and zero strides.
 */
export function elementwiseLayout(shape: readonly number[], views: readonly (Tensor | null)[]): Float64Array {
  const nd = shape.length;
  const buf = layoutBuffer(1 + nd + views.length * (1 + nd));
  buf[0] = nd;
  for (let i = 0; i < nd; i++) buf[1 + i] = shape[i];
  let p = 1 + nd;
  for (const v of views) {
    if (v === null) {
      for (let i = 0; i <= nd; i++) buf[p++] = 0;
      continue;
    }
    buf[p++] = v.offset;
    const lead = nd - v.shape.length;
    for (let i = 0; i < nd; i++) {
      const j = i - lead;
      buf[p++] = j < 0 || (v.shape[j] === 1 && shape[i] !== 1) ? 0 : v.strides[j];
    }
  }
  return buf;
}

/** A layout from explicit numbers (for kernels with fixed small layouts). */
export function layoutOf(...values: number[]): Float64Array {
  const buf = layoutBuffer(values.length);
  for (let i = 0; i < values.length; i++) buf[i] = values[i];
  return buf;
}

/** [outer, r, inner] around dim d: how the axis kernels (softmax, scan, order) see a tensor. */
export function axisSplit(shape: readonly number[], d: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape.length === 0 ? 1 : shape[d], inner];
}

/** Layout of the axis kernels `scan` and `order`: a contiguous x from xOffset, as [outer, r, inner] (plus k for order). */
export function axisLayout(x: Tensor, d: number, k?: number): Float64Array {
  const [outer, r, inner] = axisSplit(x.shape, d);
  return k === undefined ? layoutOf(x.offset, outer, r, inner) : layoutOf(x.offset, outer, r, inner, k);
}
