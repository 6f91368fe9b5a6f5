/** Embedding (PyTorch's nn/modules/sparse.py): a lookup table of learned vectors. */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty } from '../tensor/create.js';
import { noGrad } from '../autograd/grad_mode.js';
import { paddingRow, type EmbeddingOptions } from '../ops/embedding.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as init from './init.js';
import * as F from './functional.js';

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
    for (const [k, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`Embedding: expected ${k} to be a positive integer, but received ${describe(v)}`);
    }
    this.paddingIdx = paddingRow('Embedding', options.paddingIdx, numEmbeddings);
    if (options.weight) {
      if (options.weight.dim() !== 2 || options.weight.shape[0] !== numEmbeddings || options.weight.shape[1] !== embeddingDim) {
        throw new RangeError(`Embedding: weight of shape ${formatShape(options.weight.shape)} does not match [${numEmbeddings}, ${embeddingDim}]`);
      }
      this.weight = new Parameter(options.weight.detach().clone());
    } else {
      this.weight = new Parameter(empty([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
      this.resetParameters();
    }
  }

  /** N(0, 1), then the padding row zeroed. */
  resetParameters(): void {
    init.normal_(this.weight);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx as number).fill_(0));
  }

  /** A table holding the given [numEmbeddings, embeddingDim] vectors (copied), frozen unless freeze is false. */
  static fromPretrained(embeddings: Tensor, options: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (embeddings.dim() !== 2) throw new RangeError(`Embedding.fromPretrained: expected a 2-D tensor, but got ${formatShape(embeddings.shape)}`);
    const e = new Embedding(embeddings.shape[0], embeddings.shape[1], { ...options, weight: embeddings });
    e.weight.requiresGrad_(options.freeze === false);
    return e;
  }

  forward(input: Tensor): Tensor {
    return F.embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.options.maxNorm, normType: this.options.normType });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}${this.options.maxNorm ? `, maxNorm=${this.options.maxNorm}` : ''}`;
  }
}
