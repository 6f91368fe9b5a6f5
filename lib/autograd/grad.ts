/**
 * Gradients on demand (PyTorch's torch.autograd.grad and torch.autograd.backward), and hooks
 * on tensors' gradients.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, sameShape } from '../tensor/shape.js';
import { fullTensor } from '../ops/alloc.js';
import { runGraph, type BackwardOptions } from './engine.js';
import type { GradHook } from './node.js';
import { checkOptions } from '../options.js';

const BACKWARD_KEYS = ['retainGraph'] as const;
const GRAD_KEYS = [...BACKWARD_KEYS, 'gradOutputs', 'allowUnused'] as const;

/** Whether v is what PyTorch passes as grad_outputs / grad_tensors: a tensor, a list, or null. */
function isGradList(v: unknown): v is Tensor | (Tensor | null)[] | null {
  return v === null || v instanceof Tensor || Array.isArray(v);
}

function tensorList(op: string, name: string, v: unknown): Tensor[] {
  const list = Array.isArray(v) ? v : [v];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name}[${i}] to be a Tensor, but received ${describe(t)}`);
  });
  return list as Tensor[];
}

/** The seeds for backward from `outputs`: given, or ones for one-element outputs. */
function seedsFor(op: string, outputs: Tensor[], given: unknown): Tensor[] {
  const list = given === undefined || given === null ? outputs.map(() => null) : Array.isArray(given) ? given : [given];
  if (list.length !== outputs.length) throw new RangeError(`${op}: got ${list.length} gradients for ${outputs.length} outputs`);
  return outputs.map((o, i) => {
    if (!o.requiresGrad) throw new Error(`${op}: output ${i} does not require grad and has no gradFn`);
    const g = list[i];
    if (g === null || g === undefined) {
      if (o.numel() !== 1) throw new RangeError(`${op}: grad can be implicitly created only for one-element outputs; output ${i} has shape ${formatShape(o.shape)}`);
      return fullTensor(o.shape, 1, o.dtype);
    }
    if (!(g instanceof Tensor)) throw new TypeError(`${op}: expected gradient ${i} to be a Tensor, but received ${describe(g)}`);
    if (!sameShape(g.shape, o.shape)) throw new RangeError(`${op}: gradient ${i} has shape ${formatShape(g.shape)} but output ${i} has ${formatShape(o.shape)}`);
    return g.detach();
  });
}

/** Options of autograd.grad (PyTorch's keywords). */
export interface GradOptions extends BackwardOptions {
  /** The gradient of each output (default: ones, for one-element outputs). */
  gradOutputs?: Tensor | (Tensor | null)[] | null;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/**
 * The gradients of `outputs` with respect to `inputs` (leaves or intermediate tensors), as an
 * array, without touching any `.grad`. The output gradients come third, as PyTorch's
 * positional grad_outputs (`grad(y, x, v)`), or as `{ gradOutputs }` in the options. Throws when
 * an input does not require grad, or is not reached (unless allowUnused), and on an unknown
 * option (createGraph — higher-order gradients — is not supported).
 */
export function grad(
  outputs: Tensor | Tensor[],
  inputs: Tensor | Tensor[],
  gradOutputs?: Tensor | (Tensor | null)[] | null | GradOptions,
  options?: GradOptions,
): (Tensor | null)[] {
  let opts: GradOptions = options ?? {};
  let seeds: unknown = undefined;
  if (isGradList(gradOutputs)) {
    seeds = gradOutputs;
  } else if (gradOutputs !== undefined) {
    if (options !== undefined) throw new TypeError(`grad: expected the output gradients (a Tensor, an array or null) before the options, but received ${describe(gradOutputs)}`);
    opts = gradOutputs;
  }
  checkOptions('grad', opts, GRAD_KEYS);
  if (opts.gradOutputs !== undefined) {
    if (seeds !== undefined) throw new TypeError('grad: the output gradients were given twice (as the third argument and as options.gradOutputs)');
    seeds = opts.gradOutputs;
  }
  const outs = tensorList('grad', 'outputs', outputs);
  const ins = tensorList('grad', 'inputs', inputs);
  ins.forEach((t, i) => {
    if (!t.requiresGrad) throw new Error(`grad: input ${i} does not require grad`);
  });
  const result = runGraph(outs, seedsFor('grad', outs, seeds), { retainGraph: opts.retainGraph, capture: ins });
  if (!opts.allowUnused) {
    const unused = result.findIndex((g) => g === null);
    if (unused >= 0) throw new Error(`grad: input ${unused} appears to not have been used in the graph; pass { allowUnused: true } if this is intended`);
  }
  return result;
}

/** Accumulates the gradients of several outputs (each with its seed) into the leaves' `.grad`. */
export function backward(tensors: Tensor | Tensor[], grads?: Tensor | (Tensor | null)[] | null, options: BackwardOptions = {}): void {
  checkOptions('backward', options, BACKWARD_KEYS);
  const outs = tensorList('backward', 'tensors', tensors);
  runGraph(outs, seedsFor('backward', outs, grads), options);
}

/** What registerHook returns: `remove()` unregisters the hook. */
export interface HookHandle {
  remove(): void;
}

/**
 * Registers hook(grad) on t's gradient: for a leaf, it runs on the gradient of each backward
 * before it accumulates into `.grad`; for a non-leaf, when the gradient reaching t is complete.
 * It may return a replacement gradient.
 */
export function registerHook(t: Tensor, hook: GradHook): HookHandle {
  if (typeof hook !== 'function') throw new TypeError(`registerHook: expected a function, but received ${describe(hook)}`);
  if (!t.requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
  let list: GradHook[];
  if (t.gradFn) {
    list = t.gradFn.hooks.get(t.outputNr) ?? [];
    t.gradFn.hooks.set(t.outputNr, list);
  } else {
    list = t.leafHooks ??= [];
  }
  list.push(hook);
  return {
    remove: () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/** Registers hook(t) to run once backward has accumulated leaf t's gradient into `.grad`. */
export function registerPostAccumulateGradHook(t: Tensor, hook: (leaf: Tensor) => void): HookHandle {
  if (typeof hook !== 'function') throw new TypeError(`registerPostAccumulateGradHook: expected a function, but received ${describe(hook)}`);
  if (!t.requiresGrad) throw new Error("registerPostAccumulateGradHook: cannot register a hook on a tensor that doesn't require gradient");
  if (t.gradFn) throw new Error('registerPostAccumulateGradHook: only leaf tensors accumulate gradients; use registerHook on a non-leaf');
  const list = (t.postAccumulateHooks ??= []);
  list.push(hook);
  return {
    remove: () => {
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

/** Makes a non-leaf tensor keep its gradient in `.grad` (leaves always do). */
export function retainGrad(t: Tensor): void {
  if (!t.requiresGrad) throw new Error("retainGrad: can't retain the gradient of a tensor that doesn't require grad");
  if (t.isLeaf || t.retainsGrad) return;
  t.retainsGrad = true;
  registerHook(t, (g) => {
    t.grad = t.grad ? t.grad.add(g) : g.clone();
  });
}
