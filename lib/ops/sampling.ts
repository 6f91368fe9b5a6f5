/**
 * Drawing category indices from weights (PyTorch's torch.multinomial), on the seeded
 * generator: the sampling step of a language model's text generation.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';

/**
 * numSamples indices per row of input ([C] or [N, C] non-negative weights, not necessarily
 * normalised), drawn with probability proportional to the weights; without replacement each
 * index is drawn at most once. Returns int32 [numSamples] or [N, numSamples]. Throws for
 * negative, infinite or NaN weights, an all-zero row, or more draws without replacement than
 * the row has non-zero weights.
 */
export function multinomial(input: Tensor, numSamples: number, replacement = false, options: { generator?: Generator } = {}): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`multinomial: expected input to be a Tensor, but received ${describe(input)}`);
  if (!isFloating(input.dtype)) throw new TypeError(`multinomial: expected input to be floating point, but got ${input.dtype}`);
  if (input.dim() !== 1 && input.dim() !== 2) throw new RangeError(`multinomial: expected a 1-D or 2-D tensor of weights, but got ${formatShape(input.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new RangeError(`multinomial: numSamples must be a positive integer, but got ${describe(numSamples)}`);
  const g = options.generator ?? defaultGenerator;
  const rows = input.dim() === 2 ? input.shape[0] : 1;
  const cats = input.shape[input.dim() - 1];
  const w = input.detach().contiguous().toTypedArray();
  const out = new Int32Array(rows * numSamples);
  const row = new Float64Array(cats);
  for (let r = 0; r < rows; r++) {
    let total = 0, nonzero = 0;
    for (let c = 0; c < cats; c++) {
      const v = w[r * cats + c];
      if (!(v >= 0) || v === Infinity) throw new RangeError(`multinomial: weights must be finite and non-negative, but row ${r} has ${v} at ${c}`);
      row[c] = v;
      total += v;
      if (v > 0) nonzero++;
    }
    if (total === 0) throw new RangeError(`multinomial: row ${r} of input ${formatShape(input.shape)} has only zero weights`);
    if (!replacement && numSamples > nonzero) {
      throw new RangeError(`multinomial: cannot draw ${numSamples} samples without replacement from row ${r}, which has ${nonzero} non-zero weights`);
    }
    for (let k = 0; k < numSamples; k++) {
      let u = g.nextFloat64() * total;
      let pick = -1;
      for (let c = 0; c < cats; c++) {
        if (row[c] <= 0) continue;
        pick = c;
        u -= row[c];
        if (u < 0) break;
      }
      out[r * numSamples + k] = pick;
      if (!replacement) {
        total -= row[pick];
        row[pick] = 0;
      }
    }
  }
  const t = tensor(out, { dtype: 'int32' });
  return input.dim() === 2 ? t.reshape([rows, numSamples]) : t;
}
