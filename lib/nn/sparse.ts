/** Embedding and EmbeddingBag (PyTorch's nn/modules/sparse.py): lookup tables of learned vectors. */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty } from '../tensor/create.js';
import { noGrad } from '../autograd/grad_mode.js';
import { paddingRow, type EmbeddingOptions } from '../ops/embedding.js';
import { embeddingBag, type EmbeddingBagOptions } from '../ops/embedding_bag.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as init from './init.js';
import * as F from './functional.js';
import { checkOptions } from '../options.js';

/**
 * numEmbeddings vectors of size embeddingDim, initialised N(0, 1) with the paddingIdx row
 * zeroed; forward(indices) has shape [...indices.shape, embeddingDim]. Throws RangeError for
 * sizes that are not positive integers or a paddingIdx outside the table.
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, readonly options: EmbeddingOptions & { dtype?: DType; weight?: Tensor } = {}) {
    super();
    this.options = options = checkOptions('Embedding', options, ['paddingIdx', 'maxNorm', 'normType', 'dtype', 'weight']);
    [this.weight, this.paddingIdx] = table(this, numEmbeddings, embeddingDim, options);
    if (!options.weight) this.resetParameters();
  }

  /** N(0, 1), then the padding row zeroed. */
  resetParameters(): void {
    resetTable(this.weight, this.paddingIdx);
  }

  /** A table holding the given [numEmbeddings, embeddingDim] vectors (copied), frozen unless freeze is false. */
  static fromPretrained(embeddings: Tensor, options: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (embeddings.dim() !== 2) throw new RangeError(`Embedding.fromPretrained: expected a 2-D tensor, but got ${formatShape(embeddings.shape)}`);
    const { freeze, ...rest } = options;
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], { ...rest, weight: embeddings });
    e.weight.requiresGrad_(freeze === false);
    return e;
  }

  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.options.maxNorm, normType: this.options.normType });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.options.maxNorm ? `, maxNorm=${this.options.maxNorm}` : ''}`;
  }
}

/** The weight and padding row of a lookup table, shared by Embedding and EmbeddingBag. */
function table(m: object, rows: number, dim: number, options: { paddingIdx?: number | null; dtype?: DType; weight?: Tensor }): [Parameter, number | null] {
  const name = m.constructor.name;
  for (const [k, v] of [['numEmbeddings', rows], ['embeddingDim', dim]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: expected ${k} to be a positive integer, but received ${describe(v)}`);
  }
  const pad = paddingRow(name, options.paddingIdx, rows);
  if (options.weight) {
    if (options.weight.dim() !== 2 || options.weight.shape[0] !== rows || options.weight.shape[1] !== dim) {
      throw new RangeError(`${name}: weight of shape ${formatShape(options.weight.shape)} does not match [${rows}, ${dim}]`);
    }
    return [new Parameter(options.weight.detach().clone()), pad];
  }
  return [new Parameter(empty([rows, dim], { dtype: options.dtype ?? 'float32' })), pad];
}

function resetTable(weight: Tensor, paddingIdx: number | null): void {
  init.normal_(weight);
  if (paddingIdx !== null) noGrad(() => weight.select(0, paddingIdx).fill_(0));
}

/**
 * Sums, averages (the default) or takes the max of bags of embeddings without building the
 * per-index intermediate: forward(input, offsets?, perSampleWeights?) → [bags, embeddingDim]
 * (see F.embeddingBag). Throws RangeError for sizes that are not positive integers, an unknown
 * mode or a paddingIdx outside the table.
 */
export class EmbeddingBag extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  readonly mode: 'sum' | 'mean' | 'max';

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, readonly options: Omit<EmbeddingBagOptions, 'perSampleWeights'> & { dtype?: DType; weight?: Tensor } = {}) {
    super();
    this.options = options = checkOptions('EmbeddingBag', options, ['maxNorm', 'normType', 'mode', 'includeLastOffset', 'paddingIdx', 'dtype', 'weight']);
    this.mode = options.mode ?? 'mean';
    if (!['sum', 'mean', 'max'].includes(this.mode)) throw new RangeError(`EmbeddingBag: mode must be 'sum', 'mean' or 'max', but got ${describe(this.mode)}`);
    [this.weight, this.paddingIdx] = table(this, numEmbeddings, embeddingDim, options);
    if (!options.weight) this.resetParameters();
  }

  /** N(0, 1), then the padding row zeroed. */
  resetParameters(): void {
    resetTable(this.weight, this.paddingIdx);
  }

  /** A bag table holding the given [numEmbeddings, embeddingDim] vectors (copied), frozen unless freeze is false. */
  static fromPretrained(embeddings: Tensor, options: Omit<EmbeddingBagOptions, 'perSampleWeights'> & { freeze?: boolean } = {}): EmbeddingBag {
    if (embeddings.dim() !== 2) throw new RangeError(`EmbeddingBag.fromPretrained: expected a 2-D tensor, but got ${formatShape(embeddings.shape)}`);
    const { freeze, ...rest } = options;
    const e = new EmbeddingBag(embeddings.shape[0], embeddings.shape[1], { ...rest, weight: embeddings });
    e.weight.requiresGrad_(freeze === false);
    return e;
  }

  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    return embeddingBag(input, this.weight, offsets, {
      mode: this.mode, maxNorm: this.options.maxNorm, normType: this.options.normType, includeLastOffset: this.options.includeLastOffset,
      paddingIdx: this.paddingIdx, perSampleWeights,
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode='${this.mode}'${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
