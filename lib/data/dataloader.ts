/**
 * DataLoader: batches from a dataset — a map-style dataset (length and get(i)), a plain array
 * of samples, or an IterableDataset — in sampler order (sequential, shuffled by a seedable
 * generator, or any sampler/batchSampler), collated by PyTorch's default rules or a
 * collateFn. With numWorkers > 0, samples are loaded and collated in worker threads while
 * the loop runs, batches still arriving in order.
 * `batchSize: 1` is stochastic gradient descent; `batchSize: dataset.length` full-batch.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { defaultGenerator, type Generator as RandomGenerator } from '../tensor/random.js';
import { IterableDataset, type Dataset } from './dataset.js';
import { defaultCollate } from './collate.js';
import { BatchSampler, RandomSampler, SequentialSampler, type Sampler } from './sampler.js';
import { WorkerPool } from './worker_pool.js';
import { checkOptions } from '../options.js';

export { defaultCollate };

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null yields samples one by one, uncollated. */
  batchSize?: number | null;
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Shuffling draws from this generator (default: the one kd.manualSeed seeds). */
  generator?: RandomGenerator;
  /** The order of indices (instead of shuffle). */
  sampler?: Iterable<number> & { length?: number };
  /** Batches of indices (instead of batchSize, shuffle, sampler and dropLast). */
  batchSampler?: Iterable<number[]> & { length?: number };
  /** Builds a batch from samples; the default stacks tensors and numbers field by field. */
  collateFn?: (items: T[]) => B;
  /** @deprecated kindling 0.1's name for collateFn. */
  collate?: (items: T[]) => B;
  /** Worker threads loading batches ahead (default 0: load in the loop). */
  numWorkers?: number;
  /** Batches each worker loads ahead (default 2). */
  prefetchFactor?: number;
  /** Seconds to wait for a worker's batch before failing (default 0: no limit). */
  timeout?: number;
}

/** A dataset, a plain array of samples, or a stream of samples. */
export type DataSource<T> = Dataset<T> | readonly T[] | IterableDataset<T>;

function isMapStyle<T>(d: unknown): d is Dataset<T> {
  return typeof d === 'object' && d !== null && typeof (d as Dataset<T>).get === 'function' && typeof (d as Dataset<T>).length === 'number';
}

/** A plain array as a map-style dataset. */
function arrayDataset<T>(items: readonly T[]): Dataset<T> {
  return {
    length: items.length,
    get: (i: number) => {
      if (!Number.isInteger(i) || i < 0 || i >= items.length) throw new RangeError(`DataLoader: index ${i} is out of range for an array of ${items.length} samples`);
      return items[i];
    },
  } as Dataset<T>;
}

export class DataLoader<T = Tensor[], B = T> implements Iterable<B> {
  readonly dataset: Dataset<T> | IterableDataset<T>;
  readonly batchSize: number | null;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  private readonly generator: RandomGenerator;
  private readonly collateFn: ((items: T[]) => B) | null;
  private readonly batchSampler: (Iterable<number[]> & { length?: number }) | null;
  /** With batchSize null: the order of single samples. */
  private readonly singleSampler: (Iterable<number> & { length?: number }) | null = null;
  private readonly prefetchFactor: number;
  private readonly timeout: number;

  /** Throws for a non-dataset, a bad batch size, or options PyTorch also refuses together. */
  constructor(dataset: DataSource<T>, options: DataLoaderOptions<T, B> = {}) {
    options = checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'dropLast', 'generator', 'sampler', 'batchSampler', 'collateFn', 'collate', 'numWorkers', 'prefetchFactor', 'timeout']);
    if (Array.isArray(dataset)) this.dataset = arrayDataset(dataset);
    else if (isMapStyle<T>(dataset) || dataset instanceof IterableDataset) this.dataset = dataset as Dataset<T> | IterableDataset<T>;
    else throw new TypeError(`DataLoader: expected a dataset (length and get(i)), an array of samples or an IterableDataset, but received ${describe(dataset)}`);
    this.batchSize = options.batchSize === undefined ? 1 : options.batchSize;
    if (this.batchSize !== null && (!Number.isInteger(this.batchSize) || this.batchSize <= 0)) {
      throw new RangeError(`DataLoader: expected positive integer for batchSize but received ${String(options.batchSize)}`);
    }
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.generator ?? defaultGenerator;
    this.collateFn = options.collateFn ?? options.collate ?? null;
    if (this.collateFn !== null && typeof this.collateFn !== 'function') throw new TypeError(`DataLoader: expected collateFn to be a function, but received ${describe(this.collateFn)}`);
    for (const key of ['sampler', 'batchSampler'] as const) {
      const v: unknown = options[key];
      if (v !== undefined && v !== null && (typeof v !== 'object' || typeof (v as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')) {
        throw new TypeError(`DataLoader: expected ${key} to be an iterable of ${key === 'sampler' ? 'indices' : 'index arrays'} (a sampler or an array), but received ${describe(v)}`);
      }
    }
    this.numWorkers = options.numWorkers ?? 0;
    if (!Number.isInteger(this.numWorkers) || this.numWorkers < 0) throw new RangeError(`DataLoader: numWorkers should be a non-negative integer, but got ${String(options.numWorkers)}`);
    this.prefetchFactor = options.prefetchFactor ?? 2;
    this.timeout = options.timeout ?? 0;
    if (this.dataset instanceof IterableDataset) {
      if (options.shuffle || options.sampler || options.batchSampler) {
        throw new RangeError('DataLoader: an IterableDataset has no indices: shuffle, sampler and batchSampler do not apply');
      }
      if (this.numWorkers > 0) throw new RangeError('DataLoader: numWorkers > 0 needs a map-style dataset (an IterableDataset would be loaded once per worker)');
      this.batchSampler = null;
      return;
    }
    if (options.sampler && options.shuffle) throw new RangeError('DataLoader: sampler option is mutually exclusive with shuffle');
    if (options.batchSampler) {
      if (options.batchSize !== undefined && options.batchSize !== 1 || options.shuffle || options.sampler || options.dropLast) {
        throw new RangeError('DataLoader: batchSampler option is mutually exclusive with batchSize, shuffle, sampler, and dropLast');
      }
      this.batchSampler = options.batchSampler;
      return;
    }
    const sampler: Sampler | (Iterable<number> & { length?: number }) = options.sampler ??
      (this.shuffle ? new RandomSampler(this.dataset.length, { generator: this.generator }) : new SequentialSampler(this.dataset.length));
    this.batchSampler = this.batchSize === null ? null : new BatchSampler(sampler, this.batchSize, this.dropLast);
    this.singleSampler = this.batchSize === null ? sampler : null;
  }

  /** Batches per epoch (for an IterableDataset: unknown, NaN). */
  get length(): number {
    if (this.dataset instanceof IterableDataset) return NaN;
    if (this.batchSampler) return this.batchSampler.length ?? NaN;
    return this.singleSampler?.length ?? this.dataset.length;
  }

  *[Symbol.iterator](): Iterator<B> {
    if (this.dataset instanceof IterableDataset) {
      yield* this.fromStream(this.dataset);
      return;
    }
    const ds = this.dataset;
    if (this.batchSampler === null) {
      for (const i of this.singleSampler!) yield ds.get(i) as unknown as B;
      return;
    }
    if (this.numWorkers > 0) {
      yield* this.fromWorkers(ds);
      return;
    }
    for (const indices of this.batchSampler) yield this.batch(ds, Int32Array.from(indices));
  }

  private batch(ds: Dataset<T>, idx: Int32Array): B {
    if (this.collateFn === null && ds.getBatch) return ds.getBatch(idx) as unknown as B;
    const items = Array.from(idx, (i) => ds.get(i));
    return this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
  }

  private *fromStream(stream: IterableDataset<T>): Generator<B> {
    if (this.batchSize === null) {
      yield* stream as unknown as Iterable<B>;
      return;
    }
    let items: T[] = [];
    for (const item of stream) {
      items.push(item);
      if (items.length === this.batchSize) {
        yield this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
        items = [];
      }
    }
    if (items.length > 0 && !this.dropLast) yield this.collateFn ? this.collateFn(items) : (defaultCollate(items) as B);
  }

  private *fromWorkers(ds: Dataset<T>): Generator<B> {
    const source = ds.workerSource?.();
    if (!source) {
      throw new TypeError(
        'DataLoader: numWorkers > 0 needs a dataset its workers can rebuild: give the dataset a workerSource() method ' +
          'returning { module, exportName, args } (the module that exports its class, and the constructor arguments)',
      );
    }
    const pool = new WorkerPool(source, this.numWorkers, this.collateFn === null, this.timeout);
    try {
      const pending: number[][] = [...this.batchSampler!];
      const inFlight = pending.length;
      let sent = 0;
      const sendNext = () => {
        if (sent < inFlight) {
          pool.request(sent % this.numWorkers, sent, pending[sent]);
          sent++;
        }
      };
      for (let k = 0; k < this.numWorkers * this.prefetchFactor; k++) sendNext();
      for (let b = 0; b < inFlight; b++) {
        const result = pool.receive(b % this.numWorkers, b);
        sendNext();
        yield (this.collateFn ? this.collateFn(result as T[]) : result) as B;
      }
    } finally {
      pool.close();
    }
  }
}
