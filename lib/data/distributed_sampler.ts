/**
 * DistributedSampler (PyTorch's torch.utils.data.distributed): each of numReplicas ranks
 * visits its own share of the dataset, the shares together covering every index each epoch.
 * Without dropLast the index list is padded by repeating its start, so every rank gets the same
 * number of samples (ranks must run the same number of steps); with dropLast the tail that does
 * not divide evenly is dropped. Shuffling uses seed + epoch, the same on every rank: call
 * setEpoch(e) at the start of each epoch for a new order.
 */
import { describe } from '../tensor/shape.js';
import { Generator } from '../tensor/random.js';
import { randperm } from './dataset.js';
import type { Sampler } from './sampler.js';
import * as dist from '../distributed/index.js';

export interface DistributedSamplerOptions {
  /** Default: the default process group's world size. */
  numReplicas?: number;
  /** Default: this process's rank. */
  rank?: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
}

export class DistributedSampler implements Sampler {
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  /** Samples this rank visits per epoch. */
  readonly length: number;
  readonly totalSize: number;
  private readonly n: number;
  private epoch = 0;

  /**
   * Throws when numReplicas or rank is not given and no process group is initialized, or when
   * rank is outside [0, numReplicas).
   */
  constructor(dataset: { length: number } | number, options: DistributedSamplerOptions = {}) {
    const n = typeof dataset === 'number' ? dataset : dataset?.length;
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`DistributedSampler: expected a dataset (or a length), but received ${describe(dataset)}`);
    this.n = n;
    const replicas = options.numReplicas ?? (dist.isInitialized() ? dist.getWorldSize() : null);
    const rank = options.rank ?? (dist.isInitialized() ? dist.getRank() : null);
    if (replicas === null || rank === null) {
      throw new Error('DistributedSampler: pass { numReplicas, rank }, or call kd.distributed.initProcessGroup() first so they can be read from it');
    }
    if (!Number.isInteger(replicas) || replicas < 1) throw new RangeError(`DistributedSampler: numReplicas must be a positive integer, but got ${describe(replicas)}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= replicas) {
      throw new RangeError(`DistributedSampler: invalid rank ${describe(rank)}, rank should be in the interval [0, ${replicas - 1}]`);
    }
    this.numReplicas = replicas;
    this.rank = rank;
    this.shuffle = options.shuffle ?? true;
    this.seed = options.seed ?? 0;
    this.dropLast = options.dropLast ?? false;
    this.length = this.dropLast && n % replicas !== 0 ? Math.ceil((n - replicas) / replicas) : Math.ceil(n / replicas);
    this.totalSize = this.length * replicas;
  }

  /** Sets the epoch, which (with seed) picks this epoch's shuffle on every rank alike. */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`DistributedSampler.setEpoch: expected a non-negative integer, but got ${describe(epoch)}`);
    this.epoch = epoch;
  }

  *[Symbol.iterator](): Iterator<number> {
    const order = this.shuffle ? randperm(this.n, new Generator(this.seed + this.epoch)) : Int32Array.from({ length: this.n }, (_, i) => i);
    for (let k = this.rank; k < this.totalSize; k += this.numReplicas) {
      // past the end: wrap around to the start (padding), as PyTorch repeats the list
      yield order[k % this.n];
    }
  }
}
