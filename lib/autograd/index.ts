/** `kd.autograd`: gradient checking and the backward options type. */
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export type { BackwardOptions } from './engine.js';
