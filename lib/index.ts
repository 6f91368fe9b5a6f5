/**
 * kindling: deep learning for Node.js with PyTorch's programming model.
 *
 *   import * as kd from 'kindling';
 *   const x = kd.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 *   x.matmul(x).sum().backward();
 */
export { Tensor } from './tensor/tensor.js';
export type { TensorLike, NestedArray } from './tensor/tensor.js';
export type { DType } from './tensor/dtype.js';
export {
  tensor, zeros, ones, full, empty, zerosLike, onesLike, fullLike, emptyLike, rand, randn, randLike, randnLike,
  randint, randintLike, arange, linspace, logspace, eye,
} from './tensor/create.js';
export type { TensorOptions, RandomOptions } from './tensor/create.js';
export { multinomial, randperm, normal, bernoulli } from './ops/sampling.js';
export { Generator, manualSeed, defaultGenerator } from './tensor/random.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, inferenceMode } from './autograd/grad_mode.js';
export { setNumThreads, getNumThreads } from './threads.js';
export * from './functional.js';
export * as autograd from './autograd/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/index.js';
export * as distributed from './distributed/index.js';
export { save, load } from './io/safetensors.js';
export type { Saveable } from './io/safetensors.js';
export * as distributions from './distributions/index.js';
