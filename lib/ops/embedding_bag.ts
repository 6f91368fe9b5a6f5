/**
 * EmbeddingBag's lookup (PyTorch's F.embedding_bag): the rows of a weight matrix picked by
 * integer indices, reduced per bag by sum, mean or max without materialising the
 * [bags, bagLength, dim] intermediate: a gather of the looked-up rows, then one indexAdd (sum,
 * mean) or scatterReduce (max) into [bags, dim], so gradients reach only the rows used.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { tensor, zeros } from '../tensor/create.js';
import { asIndexTensor } from './index_tensor.js';
import { checkFloat } from './loss.js';
import { indexAdd, scatterReduce } from './scatter.js';
import { embedding, paddingRow } from './embedding.js';

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';

export interface EmbeddingBagOptions {
  maxNorm?: number | null;
  normType?: number;
  mode?: EmbeddingBagMode;
  /** Weights multiplying each looked-up row (shape of input; mode 'sum' only). */
  perSampleWeights?: Tensor | null;
  /** offsets has one more entry than there are bags, its last equal to the input length. */
  includeLastOffset?: boolean;
  /** Entries equal to this index are left out of their bag (and of a mean's count). */
  paddingIdx?: number | null;
}

/** Bag number of every input entry from 1-D offsets; throws for offsets that do not partition input. */
function bagsOf(op: string, n: number, offsets: Int32Array, includeLast: boolean): { bags: number; bagOf: Int32Array } {
  const bags = includeLast ? offsets.length - 1 : offsets.length;
  if (bags < 0) throw new RangeError(`${op}: with includeLastOffset, offsets needs at least one entry`);
  if (offsets.length > 0 && offsets[0] !== 0) throw new RangeError(`${op}: offsets[0] has to be 0 (the first bag starts at the first index), but got ${offsets[0]}`);
  for (let b = 1; b < offsets.length; b++) {
    if (offsets[b] < offsets[b - 1] || offsets[b] > n) {
      throw new RangeError(`${op}: offsets must be non-decreasing and at most the input length ${n}, but offsets[${b}] is ${offsets[b]} after ${offsets[b - 1]}`);
    }
  }
  if (includeLast && offsets.length > 0 && offsets[offsets.length - 1] !== n) {
    throw new RangeError(`${op}: with includeLastOffset, the last offset has to equal the input length ${n}, but got ${offsets[offsets.length - 1]}`);
  }
  const bagOf = new Int32Array(n);
  for (let b = 0; b < bags; b++) {
    const end = b + 1 < offsets.length ? offsets[b + 1] : n;
    bagOf.fill(b, offsets[b], end);
  }
  if (bags === 0 && n > 0) throw new RangeError(`${op}: ${n} indices but no bags (offsets is empty)`);
  return { bags, bagOf };
}

/**
 * Per-bag sum, mean or max of weight's rows picked by input: a 2-D input [B, N] is B bags of N
 * indices (offsets must be null); a 1-D input is split into bags starting at offsets. Returns
 * [bags, embeddingDim]; an empty bag gives zeros. Throws for out-of-range indices, offsets
 * that do not partition the input, or perSampleWeights with a mode other than 'sum'.
 */
export function embeddingBag(input: Tensor | number[] | Int32Array, weight: Tensor, offsets: Tensor | number[] | Int32Array | null = null, options: EmbeddingBagOptions = {}): Tensor {
  const op = 'embeddingBag';
  checkFloat(op, 'weight', weight);
  if (weight.dim() !== 2) throw new RangeError(`${op}: expected weight to be 2-D [numEmbeddings, embeddingDim], but got ${formatShape(weight.shape)}`);
  const mode = options.mode ?? 'mean';
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new RangeError(`${op}: mode must be 'sum', 'mean' or 'max', but got ${describe(mode)}`);
  const idx = asIndexTensor(op, input, 'input');
  let off: Int32Array;
  if (idx.dim() === 2) {
    if (offsets !== null && offsets !== undefined) throw new RangeError(`${op}: offsets has to be null when input is 2-D (each row is a bag), but got offsets for input ${formatShape(idx.shape)}`);
    off = new Int32Array(idx.shape[0]).map((_, b) => b * idx.shape[1]);
  } else if (idx.dim() === 1) {
    if (offsets === null || offsets === undefined) throw new RangeError(`${op}: offsets is required when input is 1-D (${formatShape(idx.shape)}); pass the start of each bag`);
    const o = asIndexTensor(op, offsets, 'offsets');
    if (o.dim() !== 1) throw new RangeError(`${op}: expected offsets to be 1-D, but got ${formatShape(o.shape)}`);
    off = Int32Array.from(o.toTypedArray());
  } else {
    throw new RangeError(`${op}: expected input to be 1-D (with offsets) or 2-D [bags, n], but got ${formatShape(idx.shape)}`);
  }
  const flat = idx.reshape([-1]);
  const n = flat.numel();
  const includeLast = options.includeLastOffset ?? false;
  const { bags, bagOf } = bagsOf(op, n, off, idx.dim() === 2 ? false : includeLast);
  const psw = options.perSampleWeights ?? null;
  if (psw !== null) {
    if (mode !== 'sum') throw new RangeError(`${op}: perSampleWeights is only supported for mode 'sum', but mode is '${mode}'`);
    checkFloat(op, 'perSampleWeights', psw);
    if (psw.shape.length !== idx.shape.length || psw.shape.some((s, i) => s !== idx.shape[i])) {
      throw new RangeError(`${op}: perSampleWeights of shape ${formatShape(psw.shape)} must have input's shape ${formatShape(idx.shape)}`);
    }
  }
  const pad = paddingRow(op, options.paddingIdx, weight.shape[0]);
  // keep only the entries that take part (padding entries are not looked up at all)
  const values = flat.toTypedArray();
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (values[i] !== pad) keep.push(i);
  const all = keep.length === n;
  const keptIdx = all ? flat : tensor(keep.map((i) => values[i]), { dtype: 'int32' });
  const keptBag = tensor(all ? bagOf : Int32Array.from(keep, (i) => bagOf[i]), { dtype: 'int32' });
  let rows = embedding(keptIdx, weight, { maxNorm: options.maxNorm, normType: options.normType });  // [m, D]
  if (psw !== null) {
    const w = psw.reshape([-1]);
    rows = rows.mul((all ? w : w.indexSelect(0, tensor(keep, { dtype: 'int32' }))).unsqueeze(1));
  }
  const dim = weight.shape[1];
  const base = zeros([bags, dim], { dtype: weight.dtype });
  if (mode === 'max') return scatterReduce(base, 0, keptBag.unsqueeze(1).expand([keep.length, dim]), rows, 'amax', { includeSelf: false });
  const summed = indexAdd(base, 0, keptBag, rows);
  if (mode === 'sum') return summed;
  const counts = new Float64Array(bags);
  for (const i of keep) counts[bagOf[i]]++;
  return summed.div(tensor(Array.from(counts, (c) => Math.max(c, 1)), { dtype: weight.dtype }).unsqueeze(1));
}
