/**
 * Random draws that PyTorch makes from tensors, on the seeded generator: category indices from
 * weights (torch.multinomial, a language model's sampling step), permutations (randperm),
 * normal samples with tensor means and stds (torch.normal) and coin flips (torch.bernoulli).
 */
import { checkOptions, checkFlag } from '../options.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, describe, formatShape } from '../tensor/shape.js';
import { isFloating, type DType } from '../tensor/dtype.js';
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
  options = checkOptions('multinomial', options, ['generator']);
  replacement = checkFlag('multinomial', 'replacement', replacement);
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

/**
 * A random permutation of 0..n-1 (int32 unless dtype says otherwise), Fisher-Yates on the
 * seeded generator. Throws for a negative or non-integer n.
 */
export function randperm(n: number, options: { dtype?: DType; generator?: Generator; requiresGrad?: boolean } = {}): Tensor {
  options = checkOptions('randperm', options, ['dtype', 'generator', 'requiresGrad']);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new RangeError(`randperm: n must be a non-negative integer, but got ${describe(n)}`);
  const g = options.generator ?? defaultGenerator;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.nextBelow(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return tensor(Array.from(p), { dtype: options.dtype ?? 'int32', requiresGrad: options.requiresGrad });
}

/**
 * Normal samples with the given mean and std (PyTorch's torch.normal): tensors broadcast
 * against each other (one sample per element, float like them); with two numbers, `size` gives
 * the shape. Not differentiable, as in PyTorch. Throws for a negative std.
 */
export function normal(mean: Tensor | number, std: Tensor | number, size?: number[] | { generator?: Generator }, options: { generator?: Generator; dtype?: DType } = {}): Tensor {
  if (size !== undefined && size !== null && !Array.isArray(size)) {
    options = size;
    size = undefined;
  }
  if (size === null) size = undefined;
  options = checkOptions('normal', options, ['generator', 'dtype']);
  for (const [name, v] of [['mean', mean], ['std', std]] as const) {
    if (!(v instanceof Tensor) && typeof v !== 'number') throw new TypeError(`normal: expected ${name} to be a Tensor or a number, but received ${describe(v)}`);
    if (v instanceof Tensor && !isFloating(v.dtype)) throw new TypeError(`normal: expected ${name} to be floating point, but got ${v.dtype}`);
  }
  const g = options.generator ?? defaultGenerator;
  const shape = mean instanceof Tensor || std instanceof Tensor
    ? broadcastShapes('normal', mean instanceof Tensor ? mean.shape : [], std instanceof Tensor ? std.shape : [])
    : size;
  if (shape === undefined) throw new TypeError('normal: with a number mean and a number std, pass the shape as the third argument: kd.normal(0, 1, [2, 3])');
  const dtype = (mean instanceof Tensor ? mean.dtype : std instanceof Tensor ? std.dtype : options.dtype) ?? 'float32';
  const m = mean instanceof Tensor ? mean.detach().expand([...shape]).contiguous().toTypedArray() : null;
  const s = std instanceof Tensor ? std.detach().expand([...shape]).contiguous().toTypedArray() : null;
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sd = s ? s[i] : (std as number);
    if (!(sd >= 0)) throw new RangeError(`normal: expected std >= 0, but found std ${sd}`);
    values[i] = (m ? m[i] : (mean as number)) + sd * g.nextNormal();
  }
  return tensor(values, { dtype }).reshape([...shape]);
}

/**
 * 0/1 samples, 1 with probability p per element (PyTorch's torch.bernoulli(p)): the result has
 * p's shape and dtype. Throws when a probability is outside [0, 1].
 */
export function bernoulli(p: Tensor, options: { generator?: Generator } = {}): Tensor {
  options = checkOptions('bernoulli', options, ['generator']);
  if (!(p instanceof Tensor)) throw new TypeError(`bernoulli: expected input to be a Tensor of probabilities, but received ${describe(p)}`);
  if (!isFloating(p.dtype)) throw new TypeError(`bernoulli: expected input to be floating point, but got ${p.dtype}`);
  const g = options.generator ?? defaultGenerator;
  const probs = p.detach().contiguous().toTypedArray();
  const values = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    const q = probs[i];
    if (!(q >= 0 && q <= 1)) throw new RangeError(`bernoulli: expected all probabilities in [0, 1], but found ${q} at flat index ${i}`);
    values[i] = g.nextFloat64() < q ? 1 : 0;
  }
  return tensor(values, { dtype: p.dtype }).reshape([...p.shape]);
}
