/**
 * nn.Module: the base of every layer and model. Submodules and parameters are whatever
 * Module and Parameter values the instance's own fields hold, in the order the fields were
 * first assigned — so `this.fc1 = new nn.Linear(...)` registers fc1 with no extra call.
 *
 * Modules are callable, as in PyTorch: `model(x)` runs forward with the registered hooks.
 * The constructor returns a function whose prototype is the module's class, so `instanceof`,
 * fields, methods and printing work as for any object.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, sameShape } from '../tensor/shape.js';
import { isGradEnabled, noGrad } from '../autograd/grad_mode.js';
import { Function, type FunctionCtx } from '../autograd/function.js';
import { Parameter } from './parameter.js';
import { isDType, isFloating, type DType } from '../tensor/dtype.js';

function checkName(op: string, m: Module, name: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) {
    throw new TypeError(`${op}: a name must be a non-empty string without '.', but received ${describe(name)}`);
  }
  if (name in m && !Object.hasOwn(m, name)) throw new RangeError(`${op}: attribute '${name}' already exists`);
}

/** A state dict: parameter and buffer names (PyTorch's dotted names) to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** What register*Hook returns: `remove()` unregisters the hook. */
export interface RemovableHandle {
  remove(): void;
}

/** A forward pre-hook: sees the inputs; may return replacements (an array, or one value). */
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown[] | unknown | void;
/** A forward hook: sees inputs and output; may return a replacement output. */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown | void;

/**
 * A full backward hook: sees the gradients with respect to the module's tensor inputs (null
 * where an input needs none) and outputs; may return replacement input gradients.
 */
export type FullBackwardHook = (module: Module, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => (Tensor | null)[] | void;

/** Shared by the two identity functions that bracket a module with backward hooks. */
interface HookState {
  module: Module;
  hooks: FullBackwardHook[];
  gradOutput: (Tensor | null)[];
  inputsTracked: boolean;
}

function runBackwardHooks(state: HookState, gradInput: (Tensor | null)[]): (Tensor | null)[] {
  let current = gradInput;
  for (const hook of state.hooks) {
    const r = hook(state.module, current, state.gradOutput);
    if (r === undefined) continue;
    if (!Array.isArray(r) || r.length !== current.length) {
      throw new TypeError(`registerFullBackwardHook: a hook must return nothing or an array of ${current.length} gradients (one per tensor input)`);
    }
    current = r;
  }
  return current;
}

/** Identity over a module's outputs: its backward sees the output gradients first. */
class BackwardHookOutputs extends Function {
  static override forward(ctx: FunctionCtx, state: HookState, ...outs: Tensor[]): Tensor[] {
    ctx.state = state;
    return outs;
  }
  static override backward(ctx: FunctionCtx, ...grads: Tensor[]): (Tensor | null)[] {
    const state = ctx.state as HookState;
    state.gradOutput = grads;
    if (!state.inputsTracked) runBackwardHooks(state, []);
    return [null, ...grads];
  }
}

/** Identity over a module's tensor inputs: its backward sees their gradients and runs the hooks. */
class BackwardHookInputs extends Function {
  static override forward(ctx: FunctionCtx, state: HookState, ...ins: Tensor[]): Tensor[] {
    ctx.state = state;
    return ins;
  }
  static override backward(ctx: FunctionCtx, ...grads: Tensor[]): (Tensor | null)[] {
    return [null, ...runBackwardHooks(ctx.state as HookState, grads)];
  }
}

/** Calling a module runs forward with its hooks; R is what forward returns (a Tensor for most layers). */
export interface Module {
  <R = Tensor>(...inputs: unknown[]): R;
}

/** Per-module state that is not a field users see: hidden from Object.entries and printing. */
interface Internals {
  bufferNames: Set<string>;
  preHooks: Map<number, ForwardPreHook>;
  hooks: Map<number, ForwardHook>;
  backwardHooks: Map<number, FullBackwardHook>;
}

let nextHookId = 0;

export abstract class Module {
  /** True in training mode (the default); eval() clears it. Affects Dropout and similar layers. */
  declare training: boolean;
  declare private readonly internals: Internals;

  constructor() {
    const call = (...inputs: unknown[]): unknown => (call as unknown as Module).callForward(inputs);
    // A function's own name and length would shadow fields and getters of those names.
    delete (call as { name?: string }).name;
    delete (call as { length?: number }).length;
    Object.setPrototypeOf(call, new.target.prototype);
    // Set here, not as field initialisers: those would land on the object `new` made, not on `call`.
    Object.defineProperty(call, 'training', { value: true, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(call, 'internals', {
      value: { bufferNames: new Set<string>(), preHooks: new Map(), hooks: new Map(), backwardHooks: new Map() } satisfies Internals,
    });
    return call as unknown as Module;
  }

  /** The layer's computation. */
  abstract forward(...inputs: never[]): unknown;

  /** forward with the forward pre-hooks before and the forward hooks after (what `module(x)` does). */
  private callForward(inputs: unknown[]): unknown {
    let args = inputs;
    for (const hook of this.internals.preHooks.values()) {
      const r = hook(this, args);
      if (r !== undefined) args = Array.isArray(r) ? r : [r];
    }
    const backwardHooks = this.internals.backwardHooks;
    let state: HookState | null = null;
    if (backwardHooks.size > 0 && isGradEnabled()) {
      // bracket forward with identities whose backward sees the output and input gradients
      const tensorAt = args.map((a, i) => (a instanceof Tensor && a.requiresGrad ? i : -1)).filter((i) => i >= 0);
      state = { module: this, hooks: [...backwardHooks.values()], gradOutput: [], inputsTracked: tensorAt.length > 0 };
      if (tensorAt.length > 0) {
        const wrapped = BackwardHookInputs.apply(state, ...tensorAt.map((i) => args[i])) as Tensor[];
        args = args.slice();
        tensorAt.forEach((i, k) => (args[i] = wrapped[k]));
      }
    }
    let out = (this.forward as (...a: unknown[]) => unknown)(...args);
    if (state) {
      if (out instanceof Tensor) out = (BackwardHookOutputs.apply(state, out) as Tensor[])[0];
      else if (Array.isArray(out) && out.every((o) => o instanceof Tensor)) out = BackwardHookOutputs.apply(state, ...(out as Tensor[]));
    }
    for (const hook of this.internals.hooks.values()) {
      const r = hook(this, args, out);
      if (r !== undefined) out = r;
    }
    return out;
  }

  /**
   * Calls hook(module, gradInput, gradOutput) during backward, once the gradients with respect
   * to the module's tensor inputs are known (PyTorch's register_full_backward_hook); it may
   * return replacement input gradients.
   */
  registerFullBackwardHook(hook: FullBackwardHook): RemovableHandle {
    return this.addHook('registerFullBackwardHook', this.internals.backwardHooks, hook);
  }

  /** Calls hook(module, inputs) before every forward; it may return replacement inputs. */
  registerForwardPreHook(hook: ForwardPreHook): RemovableHandle {
    return this.addHook('registerForwardPreHook', this.internals.preHooks, hook);
  }

  /** Calls hook(module, inputs, output) after every forward; it may return a replacement output. */
  registerForwardHook(hook: ForwardHook): RemovableHandle {
    return this.addHook('registerForwardHook', this.internals.hooks, hook);
  }

  private addHook<H>(op: string, into: Map<number, H>, hook: H): RemovableHandle {
    if (typeof hook !== 'function') throw new TypeError(`${op}: expected a function, but received ${describe(hook)}`);
    const id = nextHookId++;
    into.set(id, hook);
    return { remove: () => void into.delete(id) };
  }

  /** Registers a non-learned tensor (e.g. running statistics) as field `name`, saved in stateDict. */
  registerBuffer(name: string, tensor: Tensor | null): void {
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this.internals.bufferNames.add(name);
  }

  /** Direct submodules as [name, module], in registration order. */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) if (v instanceof Module) out.push([k, v]);
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all below it, depth first, each once, named by dotted path ('' for this one). */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    }
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Own parameters (not submodules'), as [name, parameter]. */
  private ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [k, v] of Object.entries(this)) if (v instanceof Parameter) out.push([k, v]);
    return out;
  }

  /** Every parameter with its dotted name (`0.weight`, `fc1.bias`), each parameter once. */
  namedParameters(recurse = true): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const modules = recurse ? this.namedModules() : ([['', this]] as [string, Module][]);
    for (const [prefix, m] of modules) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  /** Every parameter, for an optimizer: `new optim.Adam(model.parameters())`. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters(recurse).map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const name of m.internals.bufferNames) {
        const t = (m as unknown as Record<string, unknown>)[name];
        if (t instanceof Tensor) out.push([prefix ? `${prefix}.${name}` : name, t]);
      }
    }
    return out;
  }

  /** Every buffer (running statistics and the like), in namedBuffers' order. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Sets training mode here and in every submodule; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient: to null (default, like PyTorch 2), or to zeros. */
  zeroGrad(setToNone: boolean | { setToNone?: boolean } = true): void {
    const none = typeof setToNone === 'object' ? setToNone.setToNone ?? true : setToNone;
    for (const p of this.parameters()) {
      if (none) p.grad = null;
      else if (p.grad) noGrad(() => p.grad!.zero_());
    }
  }

  /** Sets requiresGrad on every parameter (e.g. false to freeze a pretrained part); returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Converts every floating-point parameter and buffer to dtype ('cpu', the only device, changes
   * nothing). Parameters are replaced by converted ones (tied ones stay tied), so create the
   * optimizer after converting, as in PyTorch. Returns this.
   */
  to(dtype: DType | 'cpu'): this {
    if (dtype === 'cpu') return this;
    if (!isDType(dtype)) throw new TypeError(`to: unknown dtype ${String(dtype)} (expected 'float32', 'float64', 'int32' or 'bool', or 'cpu')`);
    if (!isFloating(dtype)) throw new TypeError(`to: a module converts to a floating-point dtype, not ${dtype}`);
    const converted = new Map<Tensor, Tensor>();
    for (const m of this.modules()) {
      const fields = m as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(m)) {
        if (!(v instanceof Tensor) || !isFloating(v.dtype) || v.dtype === dtype) continue;
        if (!(v instanceof Parameter) && !m.internals.bufferNames.has(k)) continue;
        let c = converted.get(v);
        if (c === undefined) {
          c = v instanceof Parameter ? new Parameter(v.detach().to(dtype), v.requiresGrad) : v.detach().to(dtype);
          converted.set(v, c);
        }
        fields[k] = c;
      }
    }
    return this;
  }

  /** Does nothing and returns this: the CPU is kindling's only device (PyTorch's module.cpu()). */
  cpu(): this {
    return this;
  }

  /** to('float32'). */
  float(): this {
    return this.to('float32');
  }

  /** to('float64'). */
  double(): this {
    return this.to('float64');
  }

  /** Adds a parameter (or null) as field `name`, as assigning it would. */
  registerParameter(name: string, param: Parameter | null): void {
    checkName('registerParameter', this, name);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(`registerParameter: cannot assign ${describe(param)} as parameter '${name}' (nn.Parameter or null expected)`);
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Adds a submodule (or null) as field `name`, as assigning it would. */
  addModule(name: string, module: Module | null): void {
    checkName('addModule', this, name);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`addModule: ${describe(module)} is not a Module`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** addModule under PyTorch's newer name. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  /** The submodule a dotted path's last part belongs to, and that part ('a.b.weight' -> [a.b, 'weight']). */
  private ownerOf(target: string): [Module, string] {
    const dot = target.lastIndexOf('.');
    return [this.getSubmodule(dot < 0 ? '' : target.slice(0, dot)), target.slice(dot + 1)];
  }

  /** The parameter at a dotted path ('encoder.weight'); throws naming what is missing. */
  getParameter(target: string): Parameter {
    const [owner, name] = this.ownerOf(target);
    const p = (owner as unknown as Record<string, unknown>)[name];
    if (!(p instanceof Parameter)) throw new RangeError(`getParameter: ${owner.constructor.name} has no parameter '${name}' (in '${target}')`);
    return p;
  }

  /** The buffer at a dotted path ('bn.running_mean'); throws naming what is missing. */
  getBuffer(target: string): Tensor {
    const [owner, name] = this.ownerOf(target);
    const b = (owner as unknown as Record<string, unknown>)[name];
    if (!owner.internals.bufferNames.has(name) || !(b instanceof Tensor)) throw new RangeError(`getBuffer: ${owner.constructor.name} has no buffer '${name}' (in '${target}')`);
    return b;
  }

  /** The submodule at a dotted path ('encoder.layers.0'); throws naming the missing part. */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let m: Module = this;
    for (const part of target.split('.')) {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new RangeError(`getSubmodule: ${m.constructor.name} has no submodule '${part}' (in '${target}')`);
      m = next;
    }
    return m;
  }

  /** Calls fn on every submodule and then this one (e.g. for custom initialisation); returns this. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Every parameter and buffer under every name that reaches it, as PyTorch's state_dict
   * lists them: a tied weight (one Parameter in two fields, or one module in two places)
   * appears under each name. Parameters before buffers within each module, as in PyTorch.
   */
  private stateEntries(prefix = '', path = new Set<Module>()): [string, Tensor][] {
    if (path.has(this)) return [];  // a module that contains itself: stop the cycle
    path.add(this);
    const out: [string, Tensor][] = [];
    const name = (k: string) => (prefix ? `${prefix}.${k}` : k);
    for (const [k, p] of this.ownParameters()) out.push([name(k), p]);
    for (const k of this.internals.bufferNames) {
      const t = (this as unknown as Record<string, unknown>)[k];
      if (t instanceof Tensor) out.push([name(k), t]);
    }
    for (const [k, child] of this.namedChildren()) out.push(...child.stateEntries(name(k), path));
    path.delete(this);
    return out;
  }

  /** Parameters and buffers by dotted name, as detached tensors sharing storage. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, t] of this.stateEntries()) out[name] = t.detach();
    return out;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers. Strict (the
   * default) throws listing every missing key, unexpected key and shape mismatch; non-strict
   * loads what matches and reports the missing and unexpected keys.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): LoadStateDictResult {
    if (typeof state !== 'object' || state === null) throw new TypeError(`loadStateDict: expected an object of tensors, but received ${describe(state)}`);
    const strict = options.strict ?? true;
    const own = new Map<string, Tensor>(this.stateEntries());
    const missingKeys = [...own.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !own.has(k));
    const mismatches: string[] = [];
    for (const [k, t] of own) {
      const src = state[k];
      if (src === undefined) continue;
      if (!(src instanceof Tensor)) mismatches.push(`${k}: expected a Tensor, got ${describe(src)}`);
      else if (!sameShape(src.shape, t.shape)) mismatches.push(`size mismatch for ${k}: copying a param with shape ${formatShape(src.shape)}, the shape in the current model is ${formatShape(t.shape)}`);
    }
    if (mismatches.length > 0 || (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0))) {
      const lines = [`Error(s) in loading state dict for ${this.constructor.name}:`];
      if (missingKeys.length) lines.push(`  Missing key(s) in state dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (unexpectedKeys.length) lines.push(`  Unexpected key(s) in state dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
      for (const m of mismatches) lines.push(`  ${m}.`);
      throw new Error(lines.join('\n'));
    }
    noGrad(() => {
      for (const [k, t] of own) {
        const src = state[k];
        if (src instanceof Tensor) t.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** The text after the layer name in toString(), e.g. `inFeatures=784, outFeatures=512, bias=true`. */
  extraRepr(): string {
    return '';
  }

  /** The module tree as PyTorch prints it. */
  toString(): string {
    const children = this.namedChildren();
    const name = this.constructor.name;
    if (children.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = children.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${name}(\n${extra ? `  ${extra}\n` : ''}${lines.join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
