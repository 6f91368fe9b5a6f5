/** `kd.data`: datasets, the DataLoader, MNIST / Fashion-MNIST readers and standardisation. */
export { TensorDataset, Subset, randomSplit, randperm } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DataLoader, defaultCollate } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { MNIST, FashionMNIST, DEBIAN_FASHION_MNIST } from './mnist.js';
export type { MNISTOptions } from './mnist.js';
export { readIdx, parseIdx } from './idx.js';
export { Standardize } from './transforms.js';
