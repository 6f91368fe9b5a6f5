/**
 * The recording API every differentiable op uses (and kd.autograd.Function is built on): an
 * op computes its output, then calls `record` with its inputs and backward formula; nothing
 * is recorded under noGrad or when no input requires grad.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './grad_mode.js';
import { isAnomalyEnabled } from './anomaly.js';
import { GradFn, type BackwardFn, type Edge, type MultiBackwardFn } from './node.js';

/** True when recording is on and some input requires grad. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/** Where a gradient for t goes: the node that made it (and which output), t itself (a leaf), or nowhere. */
export function edgeOf(t: Tensor | null | undefined): Edge {
  if (!t || !t.requiresGrad) return null;
  return t.gradFn ? { fn: t.gradFn, nr: t.outputNr } : t;
}

function makeNode(name: string, inputs: readonly (Tensor | null | undefined)[], backward: BackwardFn | MultiBackwardFn,
  saved: readonly Tensor[], outputs: readonly Tensor[]): GradFn {
  const fn = new GradFn(name, inputs.map(edgeOf), backward, saved, outputs.map((o) => ({ shape: o.shape.slice(), dtype: o.dtype })));
  if (isAnomalyEnabled()) fn.creationStack = new Error(`${name} was created here`).stack ?? null;
  return fn;
}

/**
 * Makes `out` a recorded result of `name` over `inputs`, when recording applies. `saved`
 * lists the tensors the formula reads later, so in-place changes to them are detected.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  if (!needsGrad(inputs)) return out;
  out.requiresGrad = true;
  out.gradFn = makeNode(name, inputs, backward, saved, []);
  out.outputNr = 0;
  return out;
}

/**
 * Records several outputs of one op: backward receives one gradient per output (zeros for
 * outputs that got none) and returns one per input.
 */
export function recordMulti(
  outs: readonly Tensor[],
  name: string,
  inputs: readonly (Tensor | null | undefined)[],
  backward: MultiBackwardFn,
  saved: readonly Tensor[] = [],
  differentiable: readonly boolean[] = outs.map(() => true),
): readonly Tensor[] {
  if (!needsGrad(inputs)) return outs;
  const fn = makeNode(name, inputs, backward, saved, outs);
  outs.forEach((o, i) => {
    if (!differentiable[i]) return;
    o.requiresGrad = true;
    o.gradFn = fn;
    o.outputNr = i;
  });
  return outs;
}
