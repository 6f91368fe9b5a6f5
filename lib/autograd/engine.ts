/**
 * The backward pass: walks the tape from a root in reverse topological order, sums the
 * gradients reaching each node, and accumulates leaves' gradients into `.grad`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { GradFn } from './node.js';
import { noGrad } from './grad_mode.js';

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (PyTorch's retain_graph). */
  retainGraph?: boolean;
}

/** Reachable nodes and how many edges point at each (its count of pending contributions). */
function countDependencies(root: GradFn): Map<GradFn, number> {
  const deps = new Map<GradFn, number>([[root, 0]]);
  const stack: GradFn[] = [root];
  while (stack.length > 0) {
    const fn = stack.pop()!;
    for (const e of fn.next) {
      if (e instanceof GradFn) {
        const seen = deps.get(e);
        deps.set(e, (seen ?? 0) + 1);
        if (seen === undefined) stack.push(e);
      }
    }
  }
  return deps;
}

/**
 * Computes d(root)/d(leaf) for every leaf that requires grad, seeding with `gradient`.
 * Gradients stored into `.grad` are always contiguous tensors of their own, never shared
 * with another tensor (several edges often receive the very same gradient object).
 */
export function runBackward(root: Tensor, gradient: Tensor, options: BackwardOptions = {}): void {
  const rootFn = root.gradFn;
  const leafGrads = new Map<Tensor, Tensor>();
  const toLeaf = (leaf: Tensor, g: Tensor) => {
    const prev = leafGrads.get(leaf);
    leafGrads.set(leaf, prev ? prev.add(g) : g);
  };

  noGrad(() => {
    if (rootFn === null) {
      toLeaf(root, gradient);
    } else {
      const deps = countDependencies(rootFn);
      const grads = new Map<GradFn, Tensor>([[rootFn, gradient]]);
      const ready: GradFn[] = [rootFn];
      // Every edge counts down its node once, whether or not a gradient flowed along it.
      const arrive = (fn: GradFn, g: Tensor | null) => {
        if (g) {
          const prev = grads.get(fn);
          grads.set(fn, prev ? prev.add(g) : g);
        }
        const left = deps.get(fn)! - 1;
        deps.set(fn, left);
        if (left > 0) return;
        if (grads.has(fn)) {
          ready.push(fn);
        } else {
          if (!options.retainGraph) fn.release();
          for (const e of fn.next) if (e instanceof GradFn) arrive(e, null);
        }
      };
      while (ready.length > 0) {
        const fn = ready.pop()!;
        const g = grads.get(fn)!;
        grads.delete(fn);
        const inputGrads = fn.apply(g);
        if (!options.retainGraph) fn.release();
        for (let i = 0; i < fn.next.length; i++) {
          const edge = fn.next[i];
          if (edge instanceof GradFn) arrive(edge, inputGrads[i] ?? null);
          else if (edge !== null && inputGrads[i]) toLeaf(edge, inputGrads[i]!);
        }
      }
    }
    // Leaves get contiguous gradients of their own: several edges often carry one tensor, or
    // views of one storage (which share the storage object).
    const handedOut = new Set<ArrayBufferView>([gradient.storage]);
    for (const [leaf, g0] of leafGrads) {
      let g = g0.dtype === leaf.dtype ? g0 : g0.to(leaf.dtype);
      if (leaf.grad !== null) {
        leaf.grad.add_(g);
        continue;
      }
      if (!g.isContiguous() || g.offset !== 0 || g.storage.length !== g.numel() || handedOut.has(g.storage)) {
        g = g.clone();
      }
      handedOut.add(g.storage);
      leaf.grad = g;
    }
  });
}
