/** `kd.data`: datasets, the DataLoader, MNIST / Fashion-MNIST readers and standardisation. */
export { Dataset, IterableDataset, ConcatDataset, TensorDataset, Subset, randomSplit, randperm } from './dataset.js';
export type { WorkerSource } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions, DataSource } from './dataloader.js';
export { defaultCollate } from './collate.js';
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler } from './sampler.js';
export type { Sampler } from './sampler.js';
export { DistributedSampler } from './distributed_sampler.js';
export type { DistributedSamplerOptions } from './distributed_sampler.js';
export { MNIST, FashionMNIST, DEBIAN_FASHION_MNIST } from './mnist.js';
export type { MNISTOptions } from './mnist.js';
export { readIdx, parseIdx } from './idx.js';
export { Standardize } from './transforms.js';
export * as transforms from './image_transforms.js';
