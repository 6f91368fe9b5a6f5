/** `kd.nn.utils.rnn`: batching variable-length sequences (PyTorch's pad_sequence). */
import { Tensor } from '../../tensor/tensor.js';
import { describe, formatShape } from '../../tensor/shape.js';
import { pad } from '../../ops/pad.js';
import { stack } from '../../ops/indexing.js';

/**
 * Stacks sequences [L_i, *] of one trailing shape into [maxL, B, *] (or [B, maxL, *] with
 * batchFirst), padding the shorter ones at the end with paddingValue (default 0); gradients
 * flow back to each sequence. Throws for an empty list or mismatched trailing shapes.
 */
export function padSequence(sequences: Tensor[], options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
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
