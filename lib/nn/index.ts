/** `kd.nn`: modules, layers, losses, initialisers and the functional forms. */
export { Module } from './module.js';
export type { StateDict, LoadStateDictResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, LogSoftmax, Dropout, Flatten, Identity } from './layers.js';
export { Sequential, ModuleList } from './containers.js';
export { MSELoss, L1Loss, HuberLoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss } from './losses.js';
export * as init from './init.js';
export * as functional from './functional.js';
