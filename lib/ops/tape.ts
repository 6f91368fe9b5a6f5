/**
 * Recording ops on the autograd tape: an op computes its output, then calls `record` with
 * its inputs and backward formula; nothing is recorded under noGrad or when no input
 * requires grad.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../autograd/grad_mode.js';
import { GradFn, type BackwardFn, type Edge } from '../autograd/node.js';

export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

function edgeOf(t: Tensor | null | undefined): Edge {
  if (!t || !t.requiresGrad) return null;
  return t.gradFn ?? t;
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
  out.gradFn = new GradFn(name, inputs.map(edgeOf), backward, saved);
  return out;
}
