/**
 * A node of the autograd tape: what one op needs to send gradients to its inputs. Edges
 * point to the inputs' own nodes (non-leaf inputs) or to the leaf tensors themselves, so
 * the tape keeps alive only what backward saved, not every intermediate tensor.
 */
import type { Tensor } from '../tensor/tensor.js';

/** Gradients for each input (null where an input needs none), given the output's gradient. */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

/** Where an input's gradient goes: its node, the leaf tensor itself, or nowhere. */
export type Edge = GradFn | Tensor | null;

export class GradFn {
  /** Set to null when the graph is freed after backward (unless retainGraph). */
  backwardFn: BackwardFn | null;
  readonly needs: boolean[];
  private saved: readonly Tensor[];
  private savedVersions: number[];

  constructor(
    readonly name: string,
    readonly next: Edge[],
    backwardFn: BackwardFn,
    saved: readonly Tensor[],
  ) {
    this.backwardFn = backwardFn;
    this.needs = next.map((e) => e !== null);
    this.saved = saved;
    this.savedVersions = saved.map((t) => t.version);
  }

  /** Runs the backward formula after checking nothing it saved was modified in place. */
  apply(grad: Tensor): (Tensor | null)[] {
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
    return this.backwardFn(grad, this.needs);
  }

  /** Drops the formula and what it saved, so their memory can be reclaimed. */
  release(): void {
    this.backwardFn = null;
    this.saved = [];
    this.savedVersions = [];
  }
}
