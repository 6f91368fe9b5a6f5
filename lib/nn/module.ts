/**
 * nn.Module: the base of every layer and model. Submodules and parameters are whatever
 * Module and Parameter values the instance's own fields hold, in the order the fields were
 * first assigned — so `this.fc1 = new nn.Linear(...)` registers fc1 with no extra call.
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, sameShape } from '../tensor/shape.js';
import { noGrad } from '../autograd/grad_mode.js';
import { Parameter } from './parameter.js';

/** A state dict: parameter and buffer names (PyTorch's dotted names) to tensors, in registration order. */
export type StateDict = Record<string, Tensor>;

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

export abstract class Module {
  /** True in training mode (the default); eval() clears it. Affects Dropout and similar layers. */
  training = true;
  /** Names of fields holding buffers: tensors saved in the state dict that are not learned. */
  private readonly bufferNames = new Set<string>();

  /** The layer's computation. */
  abstract forward(...inputs: never[]): unknown;

  /** Registers a non-learned tensor (e.g. running statistics) as field `name`, saved in stateDict. */
  registerBuffer(name: string, tensor: Tensor | null): void {
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this.bufferNames.add(name);
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
      for (const name of m.bufferNames) {
        const t = (m as unknown as Record<string, unknown>)[name];
        if (t instanceof Tensor) out.push([prefix ? `${prefix}.${name}` : name, t]);
      }
    }
    return out;
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
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else if (p.grad) p.grad.zero_();
    }
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
    for (const k of this.bufferNames) {
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
