/** `kd.optim`: optimizers with PyTorch's update rules, and `optim.lrScheduler`. */
export { Optimizer } from './optimizer.js';
export type { ParamGroup, ParamState, OptimizerStateDict, ParamsInput } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adam, AdamW } from './adam.js';
export type { AdamOptions } from './adam.js';
export * as lrScheduler from './lr_scheduler.js';
