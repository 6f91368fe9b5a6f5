/**
 * A node of the autograd tape: what one op needs to send gradients to its inputs. Edges
 * point to the inputs' own nodes (with which of that node's outputs the input is) or to the
 * leaf tensors themselves, so the tape keeps alive only what backward saved, not every
 * intermediate tensor. Most nodes have one output; autograd.Function nodes may have several.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';

/** Gradients for each input (null where an input needs none), given the output's gradient. */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => (Tensor | null)[];
/** The same for a node with several outputs: one gradient per output (zeros where none arrived). */
export type MultiBackwardFn = (grads: Tensor[], needs: readonly boolean[]) => (Tensor | null)[];

/** An input that came out of another node: that node and which of its outputs. */
export interface NodeEdge {
  fn: GradFn;
  nr: number;
}

/** Where an input's gradient goes: its node, the leaf tensor itself, or nowhere. */
export type Edge = NodeEdge | Tensor | null;

/** A hook on a tensor's gradient: may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void | undefined;

/** The shape and dtype of a multi-output node's outputs, to fill in zeros for unused ones. */
export interface OutputMeta {
  shape: readonly number[];
  dtype: DType;
}

export class GradFn {
  /** Set to null when the graph is freed after backward (unless retainGraph). */
  private backwardFn: BackwardFn | MultiBackwardFn | null;
  readonly needs: boolean[];
  private saved: readonly Tensor[];
  private savedVersions: number[];
  /** Hooks on this node's outputs' gradients (tensor.registerHook on a non-leaf), by output. */
  readonly hooks = new Map<number, GradHook[]>();
  /** Where the op ran, kept in anomaly-detection mode to name it when its backward fails. */
  creationStack: string | null = null;

  constructor(
    readonly name: string,
    readonly next: Edge[],
    backwardFn: BackwardFn | MultiBackwardFn,
    saved: readonly Tensor[],
    /** Outputs of a multi-output node; empty for the usual single output. */
    readonly outputs: readonly OutputMeta[] = [],
  ) {
    this.backwardFn = backwardFn;
    this.needs = next.map((e) => e !== null);
    this.saved = saved;
    this.savedVersions = saved.map((t) => t.version);
  }

  get numOutputs(): number {
    return Math.max(1, this.outputs.length);
  }

  /** Runs the backward formula after checking nothing it saved was modified in place. */
  apply(grads: (Tensor | null)[], zerosLike: (meta: OutputMeta) => Tensor): (Tensor | null)[] {
    if (this.backwardFn === null) {
      throw new Error(
        `Trying to backward through the graph a second time (${this.name} was already freed). ` +
          'Pass { retainGraph: true } to the first backward() if you need to backward through it again.',
      );
    }
    for (let i = 0; i < this.saved.length; i++) {
      const t = this.saved[i];
      if (t.version !== this.savedVersions[i]) {
        throw new Error(
          'one of the tensors needed for gradient computation has been modified by an in-place operation: ' +
            `[${t.dtype} [${t.shape.join(', ')}]] is at version ${t.version}; expected version ${this.savedVersions[i]} ` +
            `instead (needed by ${this.name}).`,
        );
      }
    }
    if (this.outputs.length === 0) return (this.backwardFn as BackwardFn)(grads[0]!, this.needs);
    const full = this.outputs.map((m, i) => grads[i] ?? zerosLike(m));
    return (this.backwardFn as MultiBackwardFn)(full, this.needs);
  }

  /** Drops the formula and what it saved, so their memory can be reclaimed. */
  release(): void {
    this.backwardFn = null;
    this.saved = [];
    this.savedVersions = [];
  }
}

/** True for an edge into another node (not a leaf, not nothing). */
export function isNodeEdge(e: Edge): e is NodeEdge {
  return e !== null && 'fn' in e && 'nr' in e;
}
