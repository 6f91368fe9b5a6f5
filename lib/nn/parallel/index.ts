/** `kd.nn.parallel`: DistributedDataParallel. */
export { DistributedDataParallel } from './distributed.js';
export type { DistributedDataParallelOptions } from './distributed.js';
