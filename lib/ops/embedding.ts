/**
 * Embedding lookup (PyTorch's F.embedding): rows of a weight matrix picked by integer indices,
 * gradient scattered back into those rows. The paddingIdx row is looked up like any other but
 * receives no gradient; maxNorm renormalises the looked-up rows in place first, as PyTorch does.
 */
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { asIndexTensor } from './index_tensor.js';
import { where } from './indexing.js';
import { checkFloat } from './loss.js';

export interface EmbeddingOptions {
  /** This row receives no gradient (a negative value counts from the end). */
  paddingIdx?: number | null;
  /** Rows looked up whose normType-norm exceeds this are scaled down to it, in place. */
  maxNorm?: number | null;
  normType?: number;
}

/** The paddingIdx option as a row number, or null; throws RangeError naming the bad value. */
export function paddingRow(op: string, paddingIdx: number | null | undefined, rows: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx >= rows || paddingIdx < -rows) {
    throw new RangeError(`${op}: paddingIdx must be an integer within the ${rows} embeddings, but received ${describe(paddingIdx)}`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * weight[input]: input holds integer indices (int32, or whole-number floats) of any shape, the
 * result has shape [...input.shape, embeddingDim]. Throws for indices out of range (naming the
 * index and the number of embeddings) and for a weight that is not a 2-D float tensor.
 */
export function embedding(input: Tensor | number[] | Int32Array, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  options = checkOptions('embedding', options, ['paddingIdx', 'maxNorm', 'normType']);
  checkFloat('embedding', 'weight', weight);
  if (weight.dim() !== 2) throw new RangeError(`embedding: expected weight to be 2-D [numEmbeddings, embeddingDim], but got ${formatShape(weight.shape)}`);
  const idx = asIndexTensor('embedding', input, 'input');
  const rows = weight.shape[0];
  const flat = idx.reshape([-1]);
  if (flat.numel() > 0) {
    const lo = flat.amin().item(), hi = flat.amax().item();
    if (lo < 0 || hi >= rows) {
      throw new RangeError(`embedding: index ${lo < 0 ? lo : hi} is out of range for ${rows} embeddings (input of shape ${formatShape(idx.shape)})`);
    }
  }
  const pad = paddingRow('embedding', options.paddingIdx, rows);
  if (options.maxNorm !== null && options.maxNorm !== undefined) renorm_(weight, flat, options.maxNorm, options.normType ?? 2);
  const outShape = [...idx.shape, weight.shape[1]];
  const picked = weight.indexSelect(0, flat);
  if (pad === null || !weight.requiresGrad) return picked.reshape(outShape);
  const isPad = flat.eq(pad).reshape([-1, 1]);
  return where(isPad, weight.detach().indexSelect(0, flat), picked).reshape(outShape);
}

/** Scales the rows of weight named in idx whose norm exceeds maxNorm down to it (no gradient). */
function renorm_(weight: Tensor, idx: Tensor, maxNorm: number, normType: number): void {
  if (!(maxNorm > 0)) throw new RangeError(`embedding: maxNorm must be positive, but received ${describe(maxNorm)}`);
  noGrad(() => {
    const unique = idx.unique() as Tensor;
    const rows = weight.indexSelect(0, unique);
    const norms = rows.norm(normType, 1, true);
    const scale = where(norms.gt(maxNorm), norms.add(1e-7).reciprocal().mul(maxNorm), 1);
    weight.indexCopy_(0, unique, rows.mul(scale));
  });
}
