/** `kd.nn.utils`: gradient clipping and parameter vectors. */
export { clipGradNorm_, clipGradValue_ } from './clip_grad.js';
export { parametersToVector, vectorToParameters } from './convert_parameters.js';
