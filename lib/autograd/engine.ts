/**
 * The backward pass: walks the tape from one or more roots in reverse topological order, sums
 * the gradients reaching each node (per output of the node), runs tensor hooks, and either
 * accumulates leaves' gradients into `.grad` (backward) or hands back the gradients of chosen
 * tensors (autograd.grad). A leaf's gradient is accumulated as soon as the last edge into it
 * has been walked, and its post-accumulate hooks run right then: DDP starts communicating a
 * gradient bucket while the rest of backward still runs.
 */
import type { Tensor } from '../tensor/tensor.js';
import { GradFn, isNodeEdge, type GradHook, type OutputMeta } from './node.js';
import { noGrad } from './grad_mode.js';
import { isAnomalyEnabled } from './anomaly.js';
import { zerosTensor } from '../ops/alloc.js';
import { promoteTypes } from '../tensor/dtype.js';

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (PyTorch's retain_graph). */
  retainGraph?: boolean;
}

/** How one run of the graph ends. */
interface RunOptions extends BackwardOptions {
  /** Tensors whose gradients to hand back (autograd.grad); when set, no `.grad` is touched. */
  capture?: readonly Tensor[];
}

/** Reachable nodes and leaves, and how many edges point at each (its count of pending contributions). */
function countDependencies(starts: readonly GradFn[]): { deps: Map<GradFn, number>; leafDeps: Map<Tensor, number> } {
  const deps = new Map<GradFn, number>();
  const leafDeps = new Map<Tensor, number>();
  const stack: GradFn[] = [];
  for (const s of starts) {
    if (!deps.has(s)) {
      deps.set(s, 0);
      stack.push(s);
    }
  }
  while (stack.length > 0) {
    const fn = stack.pop()!;
    for (const e of fn.next) {
      if (!isNodeEdge(e)) {
        if (e !== null) leafDeps.set(e, (leafDeps.get(e) ?? 0) + 1);
        continue;
      }
      const seen = deps.get(e.fn);
      deps.set(e.fn, (seen ?? 0) + 1);
      if (seen === undefined) stack.push(e.fn);
    }
  }
  return { deps, leafDeps };
}

function runHooks(hooks: readonly GradHook[] | undefined, g: Tensor): Tensor {
  if (!hooks) return g;
  for (const h of hooks) {
    const r = h(g);
    if (r !== undefined && r !== null) {
      if (typeof (r as Tensor).shape !== 'object') throw new TypeError('registerHook: a hook must return a Tensor or nothing');
      if ((r as Tensor).shape.length !== g.shape.length || (r as Tensor).shape.some((s, i) => s !== g.shape[i])) {
        throw new RangeError(`registerHook: the hook returned a gradient of shape [${(r as Tensor).shape.join(', ')}] for one of shape [${g.shape.join(', ')}]`);
      }
      g = r as Tensor;
    }
  }
  return g;
}

function checkFinite(fn: GradFn, grads: readonly (Tensor | null)[]): void {
  grads.forEach((g, i) => {
    if (!g || (g.dtype !== 'float32' && g.dtype !== 'float64')) return;
    const data = g.toTypedArray();
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k])) {
        const where = fn.creationStack ? `\nThe forward call that created it:\n${fn.creationStack}` : '';
        throw new Error(`detectAnomaly: Function '${fn.name}' returned ${Number.isNaN(data[k]) ? 'nan' : 'inf'} values in its gradient for input ${i}${where}`);
      }
    }
  });
}

const zerosOf = (m: OutputMeta): Tensor => zerosTensor(m.shape, m.dtype);
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Runs the graph backward from `roots`, each seeded with its gradient. Without `capture`,
 * gradients of leaves that require grad accumulate into `.grad` (contiguous tensors of their
 * own, never shared). With it, returns the gradient reaching each captured tensor (null where
 * none did) and leaves every `.grad` alone.
 */
export function runGraph(roots: readonly Tensor[], seeds: readonly Tensor[], options: RunOptions = {}): (Tensor | null)[] {
  const capture = options.capture;
  const leafGrads = new Map<Tensor, Tensor>();
  const captured = new Map<Tensor, Tensor>();
  // non-leaf tensors captured by the node output they came from
  const captureAt = new Map<GradFn, Map<number, Tensor>>();
  for (const t of capture ?? []) {
    if (!t.gradFn) continue;
    let m = captureAt.get(t.gradFn);
    if (!m) captureAt.set(t.gradFn, (m = new Map()));
    m.set(t.outputNr, t);
  }
  // Sums of several gradients that the engine made itself: nothing else holds one while it sits
  // in its slot, so later terms are added in place (an RNN weight gets one term per step).
  const ownSums = new Set<Tensor>();
  const sum = (prev: Tensor, g: Tensor): Tensor => {
    if (ownSums.has(prev) && promoteTypes(prev.dtype, g.dtype) === prev.dtype && sameShape(prev.shape, g.shape)) {
      prev.add_(g);
      return prev;
    }
    const s = prev.add(g);
    ownSums.add(s);
    return s;
  };
  const toLeaf = (leaf: Tensor, g: Tensor) => {
    const prev = leafGrads.get(leaf);
    leafGrads.set(leaf, prev ? sum(prev, g) : g);
  };

  noGrad(() => {
    const grads = new Map<GradFn, (Tensor | null)[]>();
    const addGrad = (fn: GradFn, nr: number, g: Tensor) => {
      let slots = grads.get(fn);
      if (!slots) grads.set(fn, (slots = new Array<Tensor | null>(fn.numOutputs).fill(null)));
      slots[nr] = slots[nr] ? sum(slots[nr]!, g) : g;
    };
    const starts: GradFn[] = [];
    roots.forEach((root, i) => {
      if (root.gradFn === null) toLeaf(root, seeds[i]);
      else {
        addGrad(root.gradFn, root.outputNr, seeds[i]);
        starts.push(root.gradFn);
      }
    });
    const { deps, leafDeps } = countDependencies(starts);
    // Leaves get contiguous gradients of their own: several edges often carry one tensor, or
    // views of one storage (which share the storage object).
    const handedOut = new Set<ArrayBufferView>(seeds.map((s) => s.storage));
    const finished = new Set<Tensor>();
    const finishLeaf = (leaf: Tensor) => {
      const g1 = leafGrads.get(leaf);
      if (!g1 || finished.has(leaf)) return;
      finished.add(leaf);
      const g0 = runHooks(leaf.leafHooks, g1);
      leafGrads.set(leaf, g0);
      if (capture) return;
      let g = g0.dtype === leaf.dtype ? g0 : g0.to(leaf.dtype);
      if (leaf.grad !== null) {
        leaf.grad.add_(g);
      } else {
        if (!g.isContiguous() || g.offset !== 0 || g.storage.length !== g.numel() || handedOut.has(g.storage)) g = g.clone();
        handedOut.add(g.storage);
        leaf.grad = g;
      }
      if (leaf.postAccumulateHooks) for (const h of [...leaf.postAccumulateHooks]) h(leaf);
    };
    const leafArrive = (leaf: Tensor) => {
      const left = leafDeps.get(leaf)! - 1;
      leafDeps.set(leaf, left);
      if (left === 0) finishLeaf(leaf);
    };
    const ready = [...new Set(starts)].filter((fn) => deps.get(fn) === 0);
    // Every edge counts down its node once, whether or not a gradient flowed along it.
    const arrive = (fn: GradFn) => {
      const left = deps.get(fn)! - 1;
      deps.set(fn, left);
      if (left > 0) return;
      if (grads.has(fn)) {
        ready.push(fn);
      } else {
        if (!options.retainGraph) fn.release();
        for (const e of fn.next) {
          if (isNodeEdge(e)) arrive(e.fn);
          else if (e !== null) leafArrive(e);
        }
      }
    };
    while (ready.length > 0) {
      const fn = ready.pop()!;
      const slots = grads.get(fn)!;
      grads.delete(fn);
      // handed to the node (which may pass one on unchanged to several inputs, as add does):
      // from here on a sum is shared, so nothing may add into it in place
      for (const t of slots) if (t) ownSums.delete(t);
      for (let nr = 0; nr < slots.length; nr++) {
        if (slots[nr] === null) continue;
        slots[nr] = runHooks(fn.hooks.get(nr), slots[nr]!);
        const t = captureAt.get(fn)?.get(nr);
        if (t) captured.set(t, slots[nr]!);
      }
      const inputGrads = fn.apply(slots, zerosOf);
      if (isAnomalyEnabled()) checkFinite(fn, inputGrads);
      if (!options.retainGraph) fn.release();
      for (let i = 0; i < fn.next.length; i++) {
        const edge = fn.next[i];
        const g = inputGrads[i] ?? null;
        if (isNodeEdge(edge)) {
          if (g) addGrad(edge.fn, edge.nr, g);
          arrive(edge.fn);
        } else if (edge !== null) {
          if (g) toLeaf(edge, g);
          leafArrive(edge);
        }
      }
    }
    // roots that are leaves themselves have no edge into them
    for (const leaf of [...leafGrads.keys()]) finishLeaf(leaf);
  });
  if (!capture) return [];
  return capture.map((t) => (t.gradFn ? captured.get(t) : leafGrads.get(t)) ?? null);
}

/** d(root)/d(leaf) for every leaf that requires grad, accumulated into `.grad`. */
export function runBackward(root: Tensor, gradient: Tensor, options: BackwardOptions = {}): void {
  runGraph([root], [gradient], options);
}
