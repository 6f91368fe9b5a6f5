/**
 * `kd.nn.utils.rnn`: batching variable-length sequences (PyTorch's pad_sequence,
 * pack_padded_sequence, pad_packed_sequence, pack_sequence, unpack_sequence).
 */
import { checkOptions } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';
import { describe, formatShape } from '../../tensor/shape.js';
import { pad } from '../../ops/pad.js';
import { stack } from '../../ops/indexing.js';
import { full, tensor } from '../../tensor/create.js';

/**
 * Stacks sequences [L_i, *] of one trailing shape into [maxL, B, *] (or [B, maxL, *] with
 * batchFirst), padding the shorter ones at the end with paddingValue (default 0); gradients
 * flow back to each sequence. Throws for an empty list or mismatched trailing shapes.
 */
export function padSequence(sequences: Tensor[], options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  options = checkOptions('padSequence', options, ['batchFirst', 'paddingValue']);
  if (!Array.isArray(sequences) || sequences.length === 0) throw new RangeError(`padSequence: expected a non-empty array of tensors, but received ${describe(sequences)}`);
  sequences.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`padSequence: sequences[${i}] is ${describe(t)}, not a Tensor`);
    if (t.dim() === 0) throw new RangeError(`padSequence: sequences[${i}] is 0-dimensional; each sequence needs a length dim`);
  });
  const trailing = sequences[0].shape.slice(1);
  sequences.forEach((t, i) => {
    if (t.dim() !== trailing.length + 1 || t.shape.slice(1).some((s, j) => s !== trailing[j])) {
      throw new RangeError(`padSequence: sequences[${i}] has shape ${formatShape(t.shape)}, but sequences[0] has ${formatShape(sequences[0].shape)} (all must share the dims after the first)`);
    }
  });
  const maxLen = Math.max(...sequences.map((t) => t.shape[0]));
  const padded = sequences.map((t) => {
    const extra = maxLen - t.shape[0];
    // F.pad lists the last dim first: leave trailing dims alone, pad the length dim at its end
    return extra === 0 ? t : pad(t, [...trailing.flatMap(() => [0, 0]), 0, extra], { value: options.paddingValue ?? 0 });
  });
  return stack(padded, options.batchFirst ? 0 : 1);
}

/**
 * A batch of variable-length sequences packed time step by time step (PyTorch's
 * PackedSequence): `data` [sum of lengths, *] holds step 0 of every sequence, then step 1 of
 * those that have one, and so on, longest first; batchSizes[t] says how many sequences have a
 * step t. sortedIndices/unsortedIndices map between that longest-first order and the caller's
 * batch order (null when the batch was already sorted). Recurrent layers accept one directly.
 */
export class PackedSequence {
  constructor(
    readonly data: Tensor,
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    readonly unsortedIndices: Tensor | null = null,
  ) {}

  /** batchSizes as JS numbers. */
  get steps(): number[] { return Array.from(this.batchSizes.toTypedArray()); }

  /** The same packing around new data (e.g. an RNN's output). */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }
}

function lengthsOf(op: string, lengths: Tensor | number[], batch: number): number[] {
  const l = lengths instanceof Tensor ? Array.from(lengths.toTypedArray()) : lengths;
  if (!Array.isArray(l) || l.length !== batch) {
    throw new RangeError(`${op}: expected ${batch} lengths (one per sequence in the batch), but received ${describe(lengths)}`);
  }
  l.forEach((v, i) => {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${op}: every length has to be a positive integer, but lengths[${i}] is ${describe(v)}`);
  });
  return l;
}

/** Rows of [T*B, *] holding each packed step: step t of the j-th longest sequence is order[j]. */
function packedRows(batchSizes: number[], order: number[], batch: number): Int32Array {
  const rows = new Int32Array(batchSizes.reduce((a, b) => a + b, 0));
  let k = 0;
  batchSizes.forEach((bs, t) => { for (let j = 0; j < bs; j++) rows[k++] = t * batch + order[j]; });
  return rows;
}

/**
 * Packs a padded batch [T, B, *] (or [B, T, *] with batchFirst) whose sequence b has
 * lengths[b] valid steps. With enforceSorted (the default) lengths must be non-increasing;
 * with enforceSorted false the batch is sorted here and the order remembered. Throws for
 * lengths that are not positive, exceed T, or (enforceSorted) are not sorted.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | number[], options: { batchFirst?: boolean; enforceSorted?: boolean } = {}): PackedSequence {
  options = checkOptions('packPaddedSequence', options, ['batchFirst', 'enforceSorted']);
  const op = 'packPaddedSequence';
  if (!(input instanceof Tensor) || input.dim() < 2) throw new RangeError(`${op}: expected input [T, B, *] (or [B, T, *] with batchFirst), but received ${input instanceof Tensor ? formatShape(input.shape) : describe(input)}`);
  const x = options.batchFirst ? input.transpose(0, 1) : input;
  const [steps, batch] = x.shape;
  const l = lengthsOf(op, lengths, batch);
  const longest = Math.max(...l);
  if (longest > steps) throw new RangeError(`${op}: a length of ${longest} is longer than the ${steps} steps of input ${formatShape(input.shape)}`);
  let order = l.map((_, i) => i);
  const enforce = options.enforceSorted ?? true;
  if (enforce) {
    for (let i = 1; i < batch; i++) {
      if (l[i] > l[i - 1]) throw new RangeError(`${op}: lengths must be sorted in decreasing order when enforceSorted is true (lengths[${i}] = ${l[i]} > lengths[${i - 1}] = ${l[i - 1]}); pass { enforceSorted: false } to have them sorted`);
    }
  } else {
    order = order.sort((a, b) => l[b] - l[a]);  // stable: equal lengths keep their order
  }
  const batchSizes = Array.from({ length: longest }, (_, t) => l.filter((v) => v > t).length);
  const rows = packedRows(batchSizes, order, batch);
  const data = x.reshape([steps * batch, ...x.shape.slice(2)]).indexSelect(0, tensor(rows, { dtype: 'int32' }));
  const sorted = enforce ? null : tensor(order, { dtype: 'int32' });
  const inverse = new Int32Array(batch);
  order.forEach((b, j) => { inverse[b] = j; });
  const unsorted = enforce ? null : tensor(inverse, { dtype: 'int32' });
  return new PackedSequence(data, tensor(batchSizes, { dtype: 'int32' }), sorted, unsorted);
}

/**
 * Unpacks to [padded, lengths]: padded is [T, B, *] (or [B, T, *] with batchFirst) in the
 * caller's batch order, filled with paddingValue past each sequence's end, T = totalLength
 * when given; lengths is an int32 tensor [B]. Throws when totalLength is shorter than the
 * longest sequence.
 */
export function padPackedSequence(sequence: PackedSequence, options: { batchFirst?: boolean; paddingValue?: number; totalLength?: number | null } = {}): [Tensor, Tensor] {
  options = checkOptions('padPackedSequence', options, ['batchFirst', 'paddingValue', 'totalLength']);
  const op = 'padPackedSequence';
  if (!(sequence instanceof PackedSequence)) throw new TypeError(`${op}: expected a PackedSequence, but received ${describe(sequence)}`);
  const bs = sequence.steps;
  const batch = bs.length > 0 ? bs[0] : 0;
  let steps = bs.length;
  if (options.totalLength !== undefined && options.totalLength !== null) {
    if (!Number.isInteger(options.totalLength) || options.totalLength < steps) {
      throw new RangeError(`${op}: expected totalLength to be at least the longest sequence length (${steps}), but got ${describe(options.totalLength)}`);
    }
    steps = options.totalLength;
  }
  const order = sequence.sortedIndices ? Array.from(sequence.sortedIndices.toTypedArray()) : Array.from({ length: batch }, (_, i) => i);
  const rows = packedRows(bs, order, batch);
  const trailing = sequence.data.shape.slice(1);
  const base = full([steps * batch, ...trailing], options.paddingValue ?? 0, { dtype: sequence.data.dtype });
  const padded = base.indexCopy(0, tensor(rows, { dtype: 'int32' }), sequence.data).reshape([steps, batch, ...trailing]);
  const lengths = new Int32Array(batch);
  bs.forEach((n) => { for (let j = 0; j < n; j++) lengths[order[j]]++; });
  return [options.batchFirst ? padded.transpose(0, 1).contiguous() : padded, tensor(lengths, { dtype: 'int32' })];
}

/** padSequence then packPaddedSequence: packs a list of [L_i, *] sequences (enforceSorted true by default, as PyTorch). */
export function packSequence(sequences: Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  options = checkOptions('packSequence', options, ['enforceSorted']);
  const lengths = Array.isArray(sequences) ? sequences.map((s) => (s instanceof Tensor ? s.shape[0] : NaN)) : [];
  return packPaddedSequence(padSequence(sequences), lengths, { enforceSorted: options.enforceSorted });
}

/** The list of sequences a PackedSequence holds, in the caller's order (PyTorch's unpack_sequence). */
export function unpackSequence(sequence: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(sequence, { batchFirst: true });
  return Array.from(lengths.toTypedArray(), (n, b) => padded.select(0, b).narrow(0, 0, n));
}
