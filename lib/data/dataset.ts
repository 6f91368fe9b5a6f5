/**
 * Datasets: anything with a `length` and `get(i)`. Tensor-backed datasets also offer
 * `getBatch(indices)`, which the DataLoader uses to gather a whole batch in one native call
 * per tensor instead of one JS object per sample.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';

/**
 * PyTorch's map-style Dataset: `length` items, item i from `get(i)`. Extend this class (or give
 * any object a length and get); the DataLoader also takes plain arrays of samples.
 */
export abstract class Dataset<T = unknown> {
  abstract readonly length: number;
  abstract get(index: number): T;
  /** Optional fast path: the collated batch of the given items. */
  getBatch?(indices: Int32Array): T;
  /**
   * Optional: how a DataLoader worker (numWorkers > 0) rebuilds this dataset in its own
   * thread — the module to import, the exported class and its constructor arguments
   * (structured-cloneable).
   */
  workerSource?(): WorkerSource;
}

/** What a worker imports to rebuild a dataset: `new (await import(module))[exportName](...args)`. */
export interface WorkerSource {
  module: string | URL;
  exportName?: string;
  args?: unknown[];
}

/** A dataset that is a stream of samples (PyTorch's IterableDataset): extend it and define the iterator. */
export abstract class IterableDataset<T = unknown> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
}

/** The items of several datasets one after another. */
export class ConcatDataset<T> extends Dataset<T> {
  private readonly ends: number[];
  constructor(readonly datasets: Dataset<T>[]) {
    super();
    if (!Array.isArray(datasets) || datasets.length === 0) throw new TypeError('ConcatDataset: expected a non-empty array of datasets');
    let total = 0;
    this.ends = datasets.map((d, i) => {
      if (typeof d !== 'object' || d === null || typeof d.get !== 'function' || !Number.isInteger(d.length)) {
        throw new TypeError(`ConcatDataset: datasets[${i}] is ${describe(d)}, not a map-style dataset`);
      }
      total += d.length;
      return total;
    });
  }
  get length(): number {
    return this.ends[this.ends.length - 1];
  }
  get(i: number): T {
    checkIndex('ConcatDataset', i, this.length);
    const k = this.ends.findIndex((e) => i < e);
    return this.datasets[k].get(i - (k === 0 ? 0 : this.ends[k - 1]));
  }
}

/** Throws a RangeError unless i is an integer index into a dataset of n items. */
/** Throws a TypeError naming `name` unless d is a map-style dataset (a number length and get(i)). */
function checkDataset(name: string, d: unknown): void {
  if (typeof d !== 'object' || d === null || typeof (d as { get?: unknown }).get !== 'function' || typeof (d as { length?: unknown }).length !== 'number') {
    throw new TypeError(`${name}: expected a dataset (length and get(i)), but received ${describe(d)}`);
  }
}

export function checkIndex(name: string, i: number, n: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`${name}: index ${i} is out of range for a dataset of ${n} items`);
}

function indexTensor(indices: Int32Array): Tensor {
  return Tensor.fromStorage(indices, [indices.length], 'int32');
}

/** Samples are rows of the given tensors, which share their first dimension. */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  /** Throws if the tensors' first dims differ. */
  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new TypeError('TensorDataset: needs at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} is ${describe(t)}, not a Tensor`);
      if (t.dim() === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; samples are rows along the first dim`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) throw new RangeError(`TensorDataset: size mismatch between tensors: tensor 0 has ${n} rows, tensor ${i} has shape ${formatShape(t.shape)}`);
    });
    this.tensors = tensors.map((t) => t.detach());
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(i: number): Tensor[] {
    checkIndex('TensorDataset', i, this.length);
    return this.tensors.map((t) => t.narrow(0, i, 1).squeeze(0));
  }

  override getBatch(indices: Int32Array): Tensor[] {
    const idx = indexTensor(indices);
    return this.tensors.map((t) => t.indexSelect(0, idx));
  }
}

/** The items of another dataset at the given indices. */
export class Subset<T> extends Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: Int32Array) {
    super();
    checkDataset('Subset', dataset);
    if (!(indices instanceof Int32Array) && !Array.isArray(indices)) throw new TypeError(`Subset: expected indices to be an array or an Int32Array, but received ${describe(indices)}`);
    for (const i of indices) checkIndex('Subset', i, dataset.length);
  }

  get length(): number {
    return this.indices.length;
  }

  get(i: number): T {
    checkIndex('Subset', i, this.length);
    return this.dataset.get(this.indices[i]);
  }

  override getBatch(indices: Int32Array): T {
    const mapped = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      checkIndex('Subset', indices[k], this.length);
      mapped[k] = this.indices[indices[k]];
    }
    if (this.dataset.getBatch) return this.dataset.getBatch(mapped);
    throw new TypeError('Subset.getBatch: the underlying dataset has no getBatch');
  }
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates on the given generator). */
export function randperm(n: number, generator: Generator = defaultGenerator): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.nextBelow(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * Splits a dataset into random non-overlapping subsets of the given lengths (counts that
 * sum to its length, or fractions that sum to 1, remainders going round-robin as PyTorch).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], generator: Generator = defaultGenerator): Subset<T>[] {
  checkDataset('randomSplit', dataset);
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0) throw new TypeError('randomSplit: lengths must be a non-empty array');
  let counts = lengths.slice();
  const total = counts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) < 1e-9 && counts.every((f) => f >= 0 && f <= 1) && total !== n) {
    counts = counts.map((f) => Math.floor(n * f));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]++;
  }
  if (counts.some((c) => !Number.isInteger(c) || c < 0) || counts.reduce((a, b) => a + b, 0) !== n) {
    throw new RangeError(`randomSplit: sum of input lengths [${lengths.join(', ')}] does not equal the length of the input dataset (${n})`);
  }
  const perm = randperm(n, generator);
  let start = 0;
  return counts.map((c) => {
    const part = perm.slice(start, start + c);
    start += c;
    return new Subset(dataset, part);
  });
}
