/**
 * Samplers: the order in which a DataLoader visits a map-style dataset (PyTorch's
 * torch.utils.data samplers), each an iterable of indices with a length, drawing from a
 * seedable generator.
 */
import { describe } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { randperm } from './dataset.js';

/** An iterable of dataset indices with a known length. */
export interface Sampler extends Iterable<number> {
  readonly length: number;
}

function sizeOf(name: string, source: { length: number } | number): number {
  const n = typeof source === 'number' ? source : source?.length;
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`${name}: expected a dataset (or a length), but received ${describe(source)}`);
  return n;
}

/** 0, 1, …, n-1 in order. */
export class SequentialSampler implements Sampler {
  readonly length: number;
  constructor(source: { length: number } | number) {
    this.length = sizeOf('SequentialSampler', source);
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

/** A random order each epoch: a permutation, or numSamples draws with replacement. */
export class RandomSampler implements Sampler {
  readonly length: number;
  private readonly n: number;
  private readonly replacement: boolean;
  private readonly generator: Generator;
  constructor(source: { length: number } | number, options: { replacement?: boolean; numSamples?: number; generator?: Generator } = {}) {
    this.n = sizeOf('RandomSampler', source);
    this.replacement = options.replacement ?? false;
    this.length = options.numSamples ?? this.n;
    if (!Number.isInteger(this.length) || this.length <= 0) throw new RangeError(`RandomSampler: numSamples should be a positive integer, but got ${options.numSamples}`);
    this.generator = options.generator ?? defaultGenerator;
  }
  *[Symbol.iterator](): Iterator<number> {
    if (this.replacement) {
      for (let i = 0; i < this.length; i++) yield this.generator.nextBelow(this.n);
      return;
    }
    // numSamples beyond n: as many whole permutations as needed, as PyTorch
    for (let done = 0; done < this.length;) {
      const p = randperm(this.n, this.generator);
      for (let k = 0; k < p.length && done < this.length; k++, done++) yield p[k];
    }
  }
}

/** The given indices in a random order each epoch. */
export class SubsetRandomSampler implements Sampler {
  readonly length: number;
  private readonly indices: number[];
  private readonly generator: Generator;
  constructor(indices: ArrayLike<number>, options: { generator?: Generator } = {}) {
    this.indices = Array.from(indices);
    this.indices.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0) throw new RangeError(`SubsetRandomSampler: indices[${k}] is ${i}, not a dataset index`);
    });
    this.length = this.indices.length;
    this.generator = options.generator ?? defaultGenerator;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const k of randperm(this.length, this.generator)) yield this.indices[k];
  }
}

/** numSamples indices drawn with probability proportional to weights (with replacement by default). */
export class WeightedRandomSampler implements Sampler {
  readonly length: number;
  private readonly weights: Float64Array;
  private readonly replacement: boolean;
  private readonly generator: Generator;
  constructor(weights: ArrayLike<number> | Tensor, numSamples: number, options: { replacement?: boolean; generator?: Generator } = {}) {
    this.weights = Float64Array.from(weights instanceof Tensor ? weights.toTypedArray() : weights);
    if (this.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new RangeError('WeightedRandomSampler: weights must be finite and non-negative');
    if (!this.weights.some((w) => w > 0)) throw new RangeError('WeightedRandomSampler: at least one weight must be positive');
    if (!Number.isInteger(numSamples) || numSamples <= 0) throw new RangeError(`WeightedRandomSampler: numSamples should be a positive integer, but got ${numSamples}`);
    this.replacement = options.replacement ?? true;
    const positive = this.weights.filter((w) => w > 0).length;
    if (!this.replacement && numSamples > positive) {
      throw new RangeError(`WeightedRandomSampler: cannot draw ${numSamples} samples without replacement from ${positive} with positive weight`);
    }
    this.length = numSamples;
    this.generator = options.generator ?? defaultGenerator;
  }
  *[Symbol.iterator](): Iterator<number> {
    const w = this.weights.slice();
    for (let s = 0; s < this.length; s++) {
      let total = 0;
      for (let i = 0; i < w.length; i++) total += w[i];
      let u = this.generator.nextFloat64() * total;
      let pick = w.length - 1;
      for (let i = 0; i < w.length; i++) {
        u -= w[i];
        if (u < 0 && w[i] > 0) {
          pick = i;
          break;
        }
      }
      while (w[pick] === 0) pick--;  // rounding at the very end of the range
      yield pick;
      if (!this.replacement) w[pick] = 0;
    }
  }
}

/** Groups another sampler's indices into batches of batchSize (the last smaller unless dropLast). */
export class BatchSampler implements Iterable<number[]> {
  constructor(readonly sampler: Iterable<number> & { length?: number }, readonly batchSize: number, readonly dropLast = false) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`BatchSampler: batchSize should be a positive integer, but got ${batchSize}`);
  }
  get length(): number {
    const n = this.sampler.length ?? 0;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
