/**
 * kd.autograd.Function: custom ops with a hand-written backward, as in PyTorch.
 *
 *   class Exp extends kd.autograd.Function {
 *     static forward(ctx, x) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *     static backward(ctx, g) { const [y] = ctx.savedTensors; return g.mul(y); }
 *   }
 *   const y = Exp.apply(x);
 *
 * forward runs without recording; apply records one tape node for all its outputs, on the
 * same recording API the library's own ops use (lib/autograd/record.ts).
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, sameShape } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { isGradEnabled, noGrad } from './grad_mode.js';
import { needsGrad, recordMulti } from './record.js';

/** What forward and backward share: saved tensors, flags, and any values stored on it. */
export class FunctionCtx {
  /** For each argument of forward: whether backward must compute its gradient. */
  readonly needsInputGrad: readonly boolean[];
  private saved: Tensor[] = [];
  /** @internal */ readonly nonDifferentiable = new Set<Tensor>();
  /** @internal */ readonly dirty = new Set<Tensor>();
  /** Anything else forward wants backward to see: `ctx.alpha = 2`. */
  [key: string]: unknown;

  constructor(needsInputGrad: boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  /** Keeps tensors for backward (checked for in-place changes before backward reads them). */
  saveForBackward(...tensors: (Tensor | null)[]): void {
    tensors.forEach((t, i) => {
      if (t !== null && !(t instanceof Tensor)) throw new TypeError(`saveForBackward: argument ${i} is ${describe(t)}, not a Tensor or null`);
    });
    this.saved = tensors.filter((t): t is Tensor => t !== null);
  }

  /** The tensors given to saveForBackward, in order. */
  get savedTensors(): Tensor[] {
    return this.saved.slice();
  }

  /** Declares outputs that have no gradient (e.g. indices): they will not require grad. */
  markNonDifferentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this.nonDifferentiable.add(t);
  }

  /** Declares inputs that forward modified in place: they take the function's place in the graph. */
  markDirty(...tensors: Tensor[]): void {
    for (const t of tensors) this.dirty.add(t);
  }
}

type ForwardOutput = Tensor | Tensor[];
type BackwardOutput = Tensor | null | undefined | (Tensor | null | undefined)[];

/** The base of custom differentiable ops: subclass with static forward and backward, call `apply`. */
export abstract class Function {
  /** Computes the outputs (recording is off inside). Subclasses define it. */
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): ForwardOutput {
    throw new Error(`${this.name}.forward is not defined: a Function subclass must define static forward(ctx, ...args)`);
  }

  /** One gradient (or null) per argument of forward, given one per output. Subclasses define it. */
  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): BackwardOutput {
    throw new Error(`${this.name}.backward is not defined: a Function subclass must define static backward(ctx, ...grads)`);
  }

  /**
   * Runs forward and records the op: returns its output(s). Throws, naming the Function, when
   * forward returns something other than tensors, or when backward later returns the wrong
   * number of gradients or a gradient of the wrong shape.
   */
  static apply(...args: unknown[]): ForwardOutput {
    const name = this.name || 'Function';
    const tensorArgs = args.map((a) => (a instanceof Tensor ? a : null));
    const ctx = new FunctionCtx(tensorArgs.map((t) => t !== null && isGradEnabled() && t.requiresGrad));
    const result = noGrad(() => this.forward(ctx, ...args));
    const single = !Array.isArray(result);
    const outs = single ? [result] : result;
    outs.forEach((o, i) => {
      if (!(o instanceof Tensor)) throw new TypeError(`${name}.forward must return a Tensor or an array of Tensors, but output ${i} is ${describe(o)}`);
    });
    for (const d of ctx.dirty) {
      if (d.isLeaf && d.requiresGrad && isGradEnabled()) {
        throw new Error(`${name}: a leaf tensor that requires grad was modified in place (markDirty); wrap the call in kd.noGrad(() => ...)`);
      }
      d.versionCounter.value++;
    }
    // An output that is one of the inputs (and not dirty) becomes a new alias, so the input's own history stays.
    const outputs = outs.map((o) => (tensorArgs.includes(o) && !ctx.dirty.has(o) ? o.detach() : o));
    if (!needsGrad(tensorArgs)) return single ? outputs[0] : outputs;
    const differentiable = outputs.map((o, i) => !ctx.nonDifferentiable.has(outs[i]) && isFloating(o.dtype));
    recordMulti(outputs, `${name}Backward`, tensorArgs, (grads) => {
      const r = noGrad(() => this.backward(ctx, ...grads));
      const list = Array.isArray(r) ? r : [r];
      if (list.length !== args.length) {
        throw new RangeError(`${name}.backward returned ${list.length} gradient${list.length === 1 ? '' : 's'}, but forward took ${args.length} argument${args.length === 1 ? '' : 's'} (return null for those without one)`);
      }
      return list.map((g, i) => {
        const t = tensorArgs[i];
        if (g === null || g === undefined || t === null) return null;
        if (!(g instanceof Tensor)) throw new TypeError(`${name}.backward returned ${describe(g)} as the gradient of argument ${i}; expected a Tensor or null`);
        if (!sameShape(g.shape, t.shape)) {
          throw new RangeError(`${name}.backward returned a gradient of shape ${formatShape(g.shape)} for argument ${i}, which has shape ${formatShape(t.shape)}`);
        }
        return g;
      });
    }, ctx.savedTensors, differentiable);
    return single ? outputs[0] : outputs;
  }
}
