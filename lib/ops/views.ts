/**
 * View ops: new shapes and strides over the same storage (and version counter), never a
 * copy, except `reshape` of a layout no view can express. Gradients map back the same way
 * (added up where a view repeats elements, as unfold's overlapping windows do).
 */
import { Tensor } from '../tensor/tensor.js';
import { contiguousStrides, describe, formatShape, normalizeDim, sameShape } from '../tensor/shape.js';
import { record } from '../autograd/record.js';
import { contiguous } from './copy.js';
import { zerosTensor, copyInto } from './alloc.js';
import { sumToShape } from './binary.js';

/** A view of x's storage with another shape/strides/offset, recorded with its gradient. */
function makeView(
  x: Tensor,
  shape: number[],
  strides: number[],
  offset: number,
  name: string,
  backward: (g: Tensor) => Tensor,
): Tensor {
  const out = new Tensor(x.storage, shape, strides, offset, x.dtype, x.versionCounter);
  return record(out, name, [x], (g) => [backward(g)]);
}

function checkSizes(op: string, shape: unknown[]): void {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: expected sizes as an array of integers, but received ${describe(shape)}`);
  for (const s of shape) {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < -1) {
      throw new TypeError(`${op}: expected sizes to be integers >= -1, but received [${shape.map(String).join(', ')}]`);
    }
  }
}

/** Resolves one -1 in a requested shape against numel. */
function inferShape(op: string, x: Tensor, shape: number[]): number[] {
  checkSizes(op, shape);
  const n = x.numel();
  const free = shape.filter((s) => s === -1).length;
  if (free > 1) throw new RangeError(`${op}: only one dimension can be inferred, but got ${formatShape(shape)}`);
  const known = shape.reduce((p, s) => (s === -1 ? p : p * s), 1);
  if (free === 1) {
    if (known === 0 || n % known !== 0) throw new RangeError(`${op}: shape ${formatShape(shape)} is invalid for input of size ${n}`);
    return shape.map((s) => (s === -1 ? n / known : s));
  }
  if (known !== n) throw new RangeError(`${op}: shape ${formatShape(shape)} is invalid for input of size ${n}`);
  return shape.slice();
}

/**
 * Strides that present x's elements in `shape` without copying, or null when x's layout
 * cannot (PyTorch's computeStride: dims may be split or merged only within contiguous chunks).
 */
function viewStrides(x: Tensor, shape: number[]): number[] | null {
  if (x.numel() === 0 || x.dim() === 0) return contiguousStrides(shape);
  const newStrides = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBaseStride = x.strides[x.dim() - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = x.dim() - 1; d >= 0; d--) {
    tensorNumel *= x.shape[d];
    if (d === 0 || (x.shape[d - 1] !== 1 && x.strides[d - 1] !== tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBaseStride = x.strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/** The same elements in another shape, sharing storage; throws when strides don't allow it. */
export function view(x: Tensor, shape: number[]): Tensor {
  const s = inferShape('view', x, shape);
  const strides = viewStrides(x, s);
  if (strides === null) {
    throw new RangeError(
      `view: size ${formatShape(s)} is not compatible with input tensor's size ${formatShape(x.shape)} and stride ${formatShape(x.strides)} ` +
        '(at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
    );
  }
  if (sameShape(s, x.shape)) return makeView(x, s, x.strides.slice(), x.offset, 'ViewBackward', (g) => g);
  return makeView(x, s, strides, x.offset, 'ViewBackward', (g) => reshape(g, x.shape.slice()));
}

/** The same elements in another shape: a view when possible, else a contiguous copy. */
export function reshape(x: Tensor, shape: number[]): Tensor {
  const s = inferShape('reshape', x, shape);
  if (viewStrides(x, s) !== null) return view(x, s);
  return view(contiguous(x), s);
}

/** Swaps two dims. */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const nd = x.dim();
  const a = normalizeDim('transpose', dim0, nd);
  const b = normalizeDim('transpose', dim1, nd);
  if (nd === 0) return makeView(x, [], [], x.offset, 'TransposeBackward', (g) => g);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  [shape[a], shape[b]] = [shape[b], shape[a]];
  [strides[a], strides[b]] = [strides[b], strides[a]];
  return makeView(x, shape, strides, x.offset, 'TransposeBackward', (g) => transpose(g, a, b));
}

/** Transpose of a 0-, 1- or 2-D tensor. */
export function t(x: Tensor): Tensor {
  if (x.dim() > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  return x.dim() < 2 ? transpose(x, 0, 0) : transpose(x, 0, 1);
}

/** Reorders dims: result dim i is x's dim dims[i]. */
export function permute(x: Tensor, dims: number[]): Tensor {
  const nd = x.dim();
  if (dims.length !== nd) {
    throw new RangeError(`permute: number of dims don't match in permute (input has ${nd} dims, got ${dims.length}: [${dims.join(', ')}])`);
  }
  const norm = dims.map((d) => normalizeDim('permute', d, nd));
  if (new Set(norm).size !== nd) throw new RangeError(`permute: repeated dim in [${dims.join(', ')}]`);
  const inverse = new Array<number>(nd);
  norm.forEach((d, i) => (inverse[d] = i));
  return makeView(
    x,
    norm.map((d) => x.shape[d]),
    norm.map((d) => x.strides[d]),
    x.offset,
    'PermuteBackward',
    (g) => permute(g, inverse),
  );
}

/** Removes all size-1 dims, or only `dim` if given (a no-op when its size isn't 1). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  let keep: number[];
  if (dim === undefined) {
    keep = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  } else {
    const d = normalizeDim('squeeze', dim, x.dim());
    keep = x.shape.map((_, i) => i).filter((i) => i !== d || x.shape[i] !== 1);
  }
  return makeView(
    x,
    keep.map((i) => x.shape[i]),
    keep.map((i) => x.strides[i]),
    x.offset,
    'SqueezeBackward',
    (g) => reshape(g, x.shape.slice()),
  );
}

/** Inserts a size-1 dim at position dim (in [-ndim-1, ndim]). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.dim() + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < x.dim() ? x.strides[d] * x.shape[d] : 1);
  return makeView(x, shape, strides, x.offset, 'UnsqueezeBackward', (g) => reshape(g, x.shape.slice()));
}

/** Merges dims startDim..endDim into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.dim() === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.dim());
  const e = normalizeDim('flatten', endDim, x.dim());
  if (s > e) throw new RangeError('flatten: startDim cannot come after endDim');
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Broadcasts size-1 dims (and new leading dims) to `shape` with stride 0; -1 keeps a size. */
export function expand(x: Tensor, shape: number[]): Tensor {
  checkSizes('expand', shape);
  if (shape.length < x.dim()) {
    throw new RangeError(`expand: the number of sizes provided (${shape.length}) must be greater or equal to the number of dimensions in the tensor (${x.dim()})`);
  }
  const lead = shape.length - x.dim();
  const outShape = new Array<number>(shape.length);
  const strides = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const j = i - lead;
    if (j < 0) {
      if (shape[i] === -1) throw new RangeError(`expand: -1 is not allowed in a leading, non-existing dimension (${formatShape(shape)})`);
      outShape[i] = shape[i];
      strides[i] = 0;
      continue;
    }
    const want = shape[i] === -1 ? x.shape[j] : shape[i];
    if (x.shape[j] !== want && x.shape[j] !== 1) {
      throw new RangeError(
        `expand: the expanded size of the tensor (${want}) must match the existing size (${x.shape[j]}) at non-singleton dimension ${i}. ` +
          `Target sizes: ${formatShape(shape)}. Tensor sizes: ${formatShape(x.shape)}`,
      );
    }
    outShape[i] = want;
    strides[i] = x.shape[j] === want ? x.strides[j] : 0;
  }
  return makeView(x, outShape, strides, x.offset, 'ExpandBackward', (g) => sumToShape(g, x.shape));
}

/** Elements start..start+length-1 along dim, as a view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.dim() === 0) throw new RangeError('narrow: cannot be applied to a 0-dim tensor');
  const d = normalizeDim('narrow', dim, x.dim());
  for (const [name, v] of [['start', start], ['length', length]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`narrow: expected ${name} to be an integer, but received ${describe(v)}`);
  }
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new RangeError(`narrow: start (${start}) is out of range for dimension ${d} of size ${size}`);
  if (length < 0 || s + length > size) {
    throw new RangeError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of dim ${d}`);
  }
  const shape = x.shape.slice();
  shape[d] = length;
  return makeView(x, shape, x.strides.slice(), x.offset + s * x.strides[d], 'NarrowBackward', (g) => {
    const gx = zerosTensor(x.shape, g.dtype);
    copyInto(narrow(gx, d, s, length), g);
    return gx;
  });
}


/** The slice at `index` along dim, with that dim removed (PyTorch's x.select(dim, index), x[:, i]). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.dim() === 0) throw new RangeError('select: cannot be applied to a 0-dim tensor');
  const d = normalizeDim('select', dim, x.dim());
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`select: expected index to be an integer, but received ${describe(index)}`);
  const size = x.shape[d];
  if (index < -size || index >= size) {
    throw new RangeError(`select: index ${index} out of range for tensor of size ${formatShape(x.shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  return makeView(x, shape, strides, x.offset + i * x.strides[d], 'SelectBackward', (g) => {
    const gx = zerosTensor(x.shape, g.dtype);
    copyInto(select(gx, d, i), g);
    return gx;
  });
}

/**
 * The diagonal with `offset` of the planes spanned by dim1 and dim2, as a view whose last dim
 * runs along it (PyTorch's x.diagonal(offset, dim1, dim2)).
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  const nd = x.dim();
  if (nd < 2) throw new RangeError(`diagonal: expected a tensor with at least 2 dimensions, but got ${nd}`);
  const d1 = normalizeDim('diagonal', dim1, nd);
  const d2 = normalizeDim('diagonal', dim2, nd);
  if (d1 === d2) throw new RangeError(`diagonal: dimensions cannot be identical ${dim1}, ${dim2}`);
  if (!Number.isInteger(offset)) throw new TypeError(`diagonal: expected offset to be an integer, but received ${describe(offset)}`);
  const len = Math.max(0, offset >= 0 ? Math.min(x.shape[d1], x.shape[d2] - offset) : Math.min(x.shape[d1] + offset, x.shape[d2]));
  const start = len === 0 ? x.offset : x.offset + (offset >= 0 ? offset * x.strides[d2] : -offset * x.strides[d1]);
  const keep = x.shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const shape = [...keep.map((i) => x.shape[i]), len];
  const strides = [...keep.map((i) => x.strides[i]), x.strides[d1] + x.strides[d2]];
  return makeView(x, shape, strides, start, 'DiagonalBackward', (g) => {
    const gx = zerosTensor(x.shape, g.dtype);
    copyInto(diagonal(gx, offset, d1, d2), g);
    return gx;
  });
}

/**
 * Elements start, start + step, … before stop along dim, as a view (Python's x[start:stop:step]
 * on one dim). start and stop follow Python: negative counts from the end, out-of-range clamps.
 * step must be positive, as in PyTorch.
 */
export function slice(x: Tensor, dim: number, start: number | null = null, stop: number | null = null, step = 1): Tensor {
  if (x.dim() === 0) throw new RangeError('slice: cannot slice a 0-dim tensor');
  const d = normalizeDim('slice', dim, x.dim());
  for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) throw new TypeError(`slice: expected ${name} to be an integer or null, but received ${describe(v)}`);
  }
  if (step <= 0) throw new RangeError(`slice: step must be greater than zero, but got ${step} (PyTorch does not support negative steps; use flip)`);
  const n = x.shape[d];
  const clampIndex = (v: number | null, fallback: number) => {
    if (v === null) return fallback;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, 0), n);
  };
  const s = clampIndex(start, 0);
  const e = Math.max(clampIndex(stop, n), s);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  return makeView(x, shape, strides, len === 0 ? x.offset : x.offset + s * x.strides[d], 'SliceBackward', (g) => {
    const gx = zerosTensor(x.shape, g.dtype);
    copyInto(slice(gx, d, s, e, step), g);
    return gx;
  });
}

/**
 * Every window of `size` elements along dim, `step` apart, as a view with the windows along
 * dim and each window's elements in a new last dim (PyTorch's Tensor.unfold). Windows may
 * overlap; their gradients add up.
 */
export function unfoldWindows(x: Tensor, dim: number, size: number, step: number): Tensor {
  const nd = x.dim();
  const d = nd === 0 ? 0 : normalizeDim('unfold', dim, nd);
  for (const [name, v] of [['size', size], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`unfold: expected ${name} to be an integer, but received ${describe(v)}`);
  }
  if (step <= 0) throw new RangeError(`unfold: step is ${step} but must be > 0`);
  const len = nd === 0 ? 1 : x.shape[d];
  if (size < 0 || size > len) throw new RangeError(`unfold: maximum size for the window at dimension ${d} is ${len} but size is ${size}`);
  const windows = Math.floor((len - size) / step) + 1;
  const dimStride = nd === 0 ? 1 : x.strides[d];
  const shape = nd === 0 ? [size] : x.shape.slice();
  const strides = nd === 0 ? [1] : x.strides.slice();
  if (nd > 0) {
    shape[d] = windows;
    strides[d] = dimStride * step;
    shape.push(size);
    strides.push(dimStride);
  }
  return makeView(x, shape, strides, x.offset, 'UnfoldBackward', (g) => {
    const gx = zerosTensor(x.shape, g.dtype);
    if (nd === 0) return g.reshape([]);
    // element k of window i sits at i * step + k: add each k's slice of windows at once
    for (let k = 0; k < size && windows > 0; k++) {
      const at = slice(gx, d, k, k + (windows - 1) * step + 1, step);
      const gk = select(g, g.dim() - 1, k);
      copyInto(at, at.add(gk));
    }
    return gx;
  });
}
