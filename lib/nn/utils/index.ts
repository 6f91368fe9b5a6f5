/** `kd.nn.utils`: gradient clipping, parameter vectors, and `rnn` (padSequence, PackedSequence and packing). */
export { clipGradNorm_, clipGradValue_ } from './clip_grad.js';
export { parametersToVector, vectorToParameters } from './convert_parameters.js';
export * as rnn from './rnn.js';
