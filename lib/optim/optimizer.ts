/**
 * The optimizer base: parameter groups with per-group options, lazily created per-parameter
 * state, zeroGrad, and state dicts that refer to parameters by index (so training resumes
 * in a new process). Subclasses define one fused update per parameter.
 */
import { Tensor } from '../tensor/tensor.js';
import type { FloatStorage } from '../native.js';
import { describe, formatShape, sameShape } from '../tensor/shape.js';
import { isFloating } from '../tensor/dtype.js';
import { zerosTensor } from '../ops/alloc.js';
import { noGrad } from '../autograd/grad_mode.js';
import { checkOptions } from '../options.js';

/** A group's options plus its parameters. */
export type ParamGroup<O> = O & { params: Tensor[]; initialLr?: number };

/** What a constructor accepts: parameters, or groups of parameters with their own options. */
export type ParamsInput<O> = Iterable<Tensor> | (Partial<O> & { params: Iterable<Tensor> })[];

/** Per-parameter state: tensors (moment buffers) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[]; initialLr?: number })[];
}

/** Throws `Invalid <what>: <value>` unless ok, as PyTorch's constructors do. */
export function require(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new RangeError(`Invalid ${what}: ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`);
}

/**
 * The elements of what an optimizer is given as params, as an array; throws TypeError for a
 * single Tensor (PyTorch refuses it too: iterating it would give its rows) or a non-iterable.
 */
function tensorsOf(owner: string, what: string, v: unknown): unknown[] {
  if (v instanceof Tensor) throw new TypeError(`${owner}: ${what} should be an iterable of Tensors or of parameter groups, but received a single Tensor; wrap it in an array`);
  if (typeof v !== 'object' || v === null || typeof (v as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${owner}: ${what} should be an iterable of Tensors or of parameter groups, but received ${describe(v)}`);
  }
  return Array.from(v as Iterable<unknown>);
}

/** Checks the hyper-parameters the Adam family shares, with PyTorch's messages; throws RangeError. */
/** The options every Adam-family optimizer takes (PyTorch's names in camelCase). */
export interface AdamLikeOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  maximize?: boolean;
}

export function requireAdamLike(o: { lr: number; eps: number; betas: [number, number]; weightDecay: number }): void {
    require(o.lr >= 0, 'learning rate', o.lr);
    require(o.eps >= 0, 'epsilon value', o.eps);
    require(Array.isArray(o.betas) && o.betas.length === 2, 'betas', o.betas);
    require(o.betas[0] >= 0 && o.betas[0] < 1, 'beta parameter at index 0', o.betas[0]);
    require(o.betas[1] >= 0 && o.betas[1] < 1, 'beta parameter at index 1', o.betas[1]);
    require(o.weightDecay >= 0, 'weight_decay value', o.weightDecay);
}

/** The elements of a contiguous tensor as one flat typed array (a view, not a copy). */
export function flat(t: Tensor): FloatStorage {
  const n = t.numel();
  const s = t.storage as FloatStorage;
  return t.offset === 0 && s.length === n ? s : (s.subarray(t.offset, t.offset + n) as FloatStorage);
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** How many times step() has run (schedulers check it was called before theirs). */
  stepCount = 0;
  readonly state = new Map<Tensor, ParamState>();

  readonly defaults: O;

  /**
   * defaults: every option's default; options: what the caller passed, checked against those
   * names (a snake_case or misspelt key throws instead of silently keeping the default).
   */
  constructor(params: ParamsInput<O>, defaults: O, options?: object) {
    defaults = { ...defaults, ...checkOptions(this.constructor.name, options, [...new Set([...Object.keys(defaults), 'lr'])]) } as O;
    this.defaults = defaults;
    this.validate(defaults);
    const list = tensorsOf(this.constructor.name, 'params', params);
    if (list.length === 0) throw new RangeError(`${this.constructor.name}: got an empty parameter list`);
    const grouped = list.every((g) => typeof g === 'object' && g !== null && !(g instanceof Tensor) && 'params' in g);
    if (grouped) for (const g of list as (Partial<O> & { params: Iterable<Tensor> })[]) this.addParamGroup(g);
    else this.addParamGroup({ params: list as Tensor[] } as unknown as Partial<O> & { params: Iterable<Tensor> });
  }

  /** Checks hyper-parameters; throws RangeError naming the bad one. */
  protected abstract validate(options: O): void;

  /** Applies one update to parameter p (its gradient is contiguous, same dtype and shape). */
  protected abstract update(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /** Adds a group of parameters with its own options (missing ones from the defaults). */
  addParamGroup(group: Partial<O> & { params: Iterable<Tensor> }): void {
    if (typeof group !== 'object' || group === null || !('params' in group)) {
      throw new TypeError(`addParamGroup: expected { params, ...options }, but received ${describe(group)}`);
    }
    const params = tensorsOf(this.constructor.name, "a parameter group's params", group.params);
    const tensors = params.map((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${this.constructor.name}: params[${i}] is ${describe(p)}, not a Tensor`);
      if (!isFloating(p.dtype)) throw new TypeError(`${this.constructor.name}: params[${i}] is ${p.dtype}; only floating-point tensors can be optimized`);
      if (!p.isLeaf) throw new TypeError(`${this.constructor.name}: can't optimize a non-leaf Tensor (params[${i}])`);
      if (!p.isContiguous()) throw new TypeError(`${this.constructor.name}: params[${i}] is not contiguous; pass a contiguous tensor`);
      return p;
    });
    if (new Set(params).size !== params.length) throw new RangeError(`${this.constructor.name}: a parameter group lists the same parameter more than once`);
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (tensors.some((p) => existing.has(p))) throw new RangeError('some parameters appear in more than one parameter group');
    const full = { ...this.defaults, ...group, params: tensors } as ParamGroup<O>;
    this.validate(full);
    this.paramGroups.push(full);
  }

  /** Clears gradients: to null (default, like PyTorch 2) or to zeros. */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) noGrad(() => p.grad!.zero_());
      }
    }
  }

  /**
   * Updates every parameter that has a gradient. With a closure, calls it first (under grad
   * mode) to recompute the loss, and returns that loss.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    this.stepCount++;
    const loss = closure ? closure() : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let g = p.grad;
          if (!sameShape(g.shape, p.shape)) throw new RangeError(`${this.constructor.name}.step: gradient shape ${formatShape(g.shape)} does not match parameter shape ${formatShape(p.shape)}`);
          if (g.dtype !== p.dtype) g = g.to(p.dtype);
          if (!g.isContiguous()) g = g.contiguous();
          let st = this.state.get(p);
          if (st === undefined) {
            st = {};
            this.state.set(p, st);
          }
          this.update(p, g, st, group);
          p.versionCounter.value++;
        }
      }
    });
    return loss;
  }

  /** A zero tensor shaped like p, for state buffers. */
  protected zerosLike(p: Tensor): Tensor {
    return zerosTensor(p.shape, p.dtype);
  }

  /** State and groups with parameters replaced by their index across all groups. */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    let i = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      return { ...(options as unknown as O), params: params.map((p) => (index.has(p) ? index.get(p)! : (index.set(p, i), i++))) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const k = index.get(p);
      if (k !== undefined) state[k] = { ...s };
    }
    return { state, paramGroups };
  }

  /** Restores state and group options saved by stateDict(); the groups must match in size. */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (typeof sd !== 'object' || sd === null || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') {
      throw new TypeError('loadStateDict: expected { state, paramGroups } as stateDict() returns');
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(`loadStateDict: loaded state dict has ${sd.paramGroups.length} parameter groups, but the optimizer has ${this.paramGroups.length}`);
    }
    const byIndex: Tensor[] = [];
    sd.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi];
      if (!Array.isArray(saved.params) || saved.params.length !== group.params.length) {
        throw new RangeError(`loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group ${gi}`);
      }
      saved.params.forEach((k, j) => (byIndex[k] = group.params[j]));
    });
    this.state.clear();
    for (const [k, s] of Object.entries(sd.state)) {
      const p = byIndex[Number(k)];
      if (!p) throw new RangeError(`loadStateDict: state refers to parameter ${k}, which no group holds`);
      const copy: ParamState = {};
      for (const [name, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          if (!sameShape(v.shape, p.shape)) throw new RangeError(`loadStateDict: state ${name} of parameter ${k} has shape ${formatShape(v.shape)}, the parameter has ${formatShape(p.shape)}`);
          copy[name] = v.to(p.dtype).clone();
        } else {
          copy[name] = v;
        }
      }
      this.state.set(p, copy);
    }
    sd.paramGroups.forEach((saved, gi) => {
      const { params: _params, ...options } = saved;
      Object.assign(this.paramGroups[gi], options);
    });
  }
}
