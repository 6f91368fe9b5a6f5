/** `kd.autograd`: custom functions, gradients on demand, anomaly detection, gradient checking. */
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export type { BackwardOptions } from './engine.js';
export { Function, FunctionCtx } from './function.js';
export { grad, backward } from './grad.js';
export type { GradOptions, HookHandle } from './grad.js';
export { detectAnomaly, setDetectAnomaly, isAnomalyEnabled } from './anomaly.js';
