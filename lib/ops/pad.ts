/**
 * F.pad (PyTorch's torch.nn.functional.pad): pads the last dims by (left, right) pairs given
 * from the last dim backwards. 'constant' fills with a value (negative amounts crop);
 * 'reflect' mirrors without repeating the edge, 'replicate' repeats the edge, 'circular'
 * wraps around. Built from cat and indexSelect, so the gradient comes from the tape (the
 * reflected, replicated or wrapped copies add their gradients into the source elements).
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { checkTensor } from './unary.js';
import { cat, indexSelect } from './indexing.js';
import { fullTensor } from './alloc.js';
import { asIndexTensor, indexBuffer } from './index_tensor.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

const MODES: readonly PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];

/** The source index of each position of one padded dim of size n, for the index modes. */
function sourceIndices(mode: Exclude<PadMode, 'constant'>, n: number, left: number, right: number): Int32Array {
  const at = (j: number): number => {
    if (mode === 'replicate') return Math.min(Math.max(j, 0), n - 1);
    if (mode === 'circular') return ((j % n) + n) % n;
    const period = 2 * (n - 1);  // reflect: ... 2 1 [0 1 2 ... n-1] n-2 n-3 ...
    const m = ((j % period) + period) % period;
    return m < n ? m : period - m;
  };
  const out = indexBuffer('pad', `${mode}-padded dim`, left + n + right);
  for (let i = 0; i < out.length; i++) out[i] = at(i - left);
  return out;
}

/**
 * Reflect padding of one dim, where (as in PyTorch) a negative amount crops the reflected
 * result: the output covers positions -left .. size + right of the input, each reflected into it.
 */
function reflectPad(y: Tensor, dim: number, left: number, right: number, inputShape: readonly number[]): Tensor {
  const size = y.shape[dim];
  const [l, r] = [Math.max(0, left), Math.max(0, right)];
  if (l >= size || r >= size) {
    throw new RangeError(`pad: reflect padding (${left}, ${right}) must be smaller than the size ${size} of dim ${dim} of input ${formatShape(inputShape)}`);
  }
  const n = size + left + right;
  // PyTorch refuses an empty result here (constant padding may crop to nothing)
  if (n <= 0) throw new RangeError(`pad: reflect padding dim ${dim} of size ${size} by (${left}, ${right}) leaves ${n === 0 ? 'an empty' : 'a negative'} size`);
  const all = sourceIndices('reflect', size, l, r);
  const keep = all.subarray(Math.max(0, -left), Math.max(0, -left) + n);
  return indexSelect(y, dim, asIndexTensor('pad', keep));
}

/**
 * Pads x: pad = [left, right] for the last dim, then [top, bottom] for the one before, and so
 * on; a negative amount crops. Throws RangeError for an odd-length or over-long pad, an unknown
 * mode, cropping past the dim's size, reflect padding not smaller than the dim, or circular
 * padding larger than it.
 */
export function pad(x: Tensor, padding: number[], options: { mode?: PadMode; value?: number } = {}): Tensor {
  options = checkOptions('pad', options, ['mode', 'value']);
  checkTensor('pad', x);
  const mode = options.mode ?? 'constant';
  if (!MODES.includes(mode)) throw new RangeError(`pad: mode must be one of ${MODES.join(', ')}, but received ${describe(mode)}`);
  if (!Array.isArray(padding) || padding.length % 2 !== 0 || padding.some((p) => !Number.isInteger(p))) {
    throw new RangeError(`pad: expected pad to be an even-length list of integers, but received ${describe(padding)}`);
  }
  if (padding.length / 2 > x.dim()) {
    throw new RangeError(`pad: pad of length ${padding.length} pads ${padding.length / 2} dims, but the input ${formatShape(x.shape)} has ${x.dim()}`);
  }
  if (mode !== 'constant' && padding.length / 2 >= x.dim()) {
    throw new RangeError(`pad: ${mode} padding of ${padding.length / 2} dims needs an input with a batch or channel dim in front (at least ${padding.length / 2 + 1} dims), but got ${formatShape(x.shape)}`);
  }
  let y = x;
  for (let k = 0; k < padding.length / 2; k++) {
    const dim = x.dim() - 1 - k;
    const [left, right] = [padding[2 * k], padding[2 * k + 1]];
    if (left === 0 && right === 0) continue;
    const size = y.shape[dim];
    if (mode === 'reflect') {
      y = reflectPad(y, dim, left, right, x.shape);
      continue;
    }
    // a negative amount crops, and the padding then extends what is left (as PyTorch), so
    // circular padding wraps around the cropped dim
    const start = Math.max(0, -left), end = size - Math.max(0, -right);
    if (end < start) {
      throw new RangeError(`pad: cropping dim ${dim} of size ${size} by (${left}, ${right}) leaves a negative size`);
    }
    if (start > 0 || end < size) y = y.narrow(dim, start, end - start);
    const n = end - start;
    const [l, r] = [Math.max(0, left), Math.max(0, right)];
    if (l === 0 && r === 0) continue;
    if (mode === 'constant') {
      const block = (k: number) => fullTensor(y.shape.map((s, i) => (i === dim ? k : s)), options.value ?? 0, y.dtype);
      y = cat([...(l > 0 ? [block(l)] : []), y, ...(r > 0 ? [block(r)] : [])], dim);
      continue;
    }
    if (mode === 'circular' && (l > n || r > n)) {
      throw new RangeError(`pad: circular padding (${l}, ${r}) must not exceed the size ${n} of dim ${dim} of input ${formatShape(x.shape)}${n < size ? ' after cropping' : ''}`);
    }
    if (n === 0) throw new RangeError(`pad: cannot ${mode}-pad dim ${dim} of input ${formatShape(x.shape)}, which is empty${n < size ? ' after cropping' : ''}`);
    y = indexSelect(y, dim, asIndexTensor('pad', sourceIndices(mode, n, l, r)));
  }
  return y;
}
