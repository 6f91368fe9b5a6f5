/**
 * DataLoader: batches from a dataset, optionally shuffled by a seedable generator.
 * `batchSize: 1` is stochastic gradient descent; `batchSize: dataset.length` full-batch.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { tensor } from '../tensor/create.js';
import { stack } from '../ops/indexing.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { randperm, type Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Shuffling draws from this generator (default: the one kd.manualSeed seeds). */
  generator?: Generator;
  /** Builds a batch from items; the default stacks tensors (and numbers) field by field. */
  collate?: (items: T[]) => B;
}

/** Stacks a list of samples: tensors into one tensor, numbers into a 1-D tensor, arrays and objects field by field. */
export function defaultCollate(items: unknown[]): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stack(items as Tensor[], 0);
  if (typeof first === 'number') return tensor(items as number[]);
  if (Array.isArray(first)) return first.map((_, k) => defaultCollate(items.map((it) => (it as unknown[])[k])));
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(items.map((it) => (it as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(`DataLoader: cannot collate items of type ${describe(first)}; pass a collate function`);
}

export class DataLoader<T = Tensor[], B = T> implements Iterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly collate: ((items: T[]) => B) | null;

  /** Throws for a non-dataset or a batch size that is not a positive integer. */
  constructor(readonly dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    if (typeof dataset !== 'object' || dataset === null || typeof dataset.get !== 'function' || typeof dataset.length !== 'number') {
      throw new TypeError(`DataLoader: expected a dataset with a length and get(i), but received ${describe(dataset)}`);
    }
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize <= 0) {
      throw new RangeError(`DataLoader: expected positive integer for batchSize but received ${String(options.batchSize)}`);
    }
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator ?? defaultGenerator;
    this.collate = options.collate ?? null;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle ? randperm(n, this.generator) : null;
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const size = Math.min(this.batchSize, n - start);
      const idx = new Int32Array(size);
      for (let k = 0; k < size; k++) idx[k] = order ? order[start + k] : start + k;
      yield this.batch(idx);
    }
  }

  private batch(idx: Int32Array): B {
    if (this.collate === null && this.dataset.getBatch) return this.dataset.getBatch(idx) as unknown as B;
    const items = Array.from(idx, (i) => this.dataset.get(i));
    return this.collate ? this.collate(items) : (defaultCollate(items) as B);
  }
}
