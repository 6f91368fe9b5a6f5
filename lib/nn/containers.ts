/** Sequential and ModuleList: modules held in order, named '0', '1', … as in PyTorch. */
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';
import { describe } from '../tensor/shape.js';
import { Module } from './module.js';

function checkModule(op: string, m: unknown, i: number): Module {
  if (!(m instanceof Module)) throw new TypeError(`${op}: expected entry ${i} to be a Module, but received ${describe(m)}`);
  return m;
}

/** null (PyTorch's None) as empty; anything else that is not iterable is a TypeError naming the argument. */
function iterableArg<T>(op: string, what: string, v: Iterable<T> | null): Iterable<T> {
  if (v === null || v === undefined) return [];
  if (typeof v !== 'object' || typeof (v as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${op}: expected ${what} to be an array or another iterable, but received ${describe(v)}`);
  }
  return v;
}

/** Modules in a list; not callable itself (iterate it in your own forward). */
export class ModuleList extends Module {
  [index: number]: Module;
  private count = 0;

  constructor(modules: Iterable<Module> | null = []) {
    super();
    for (const m of iterableArg('ModuleList', 'modules', modules)) this.append(m);
  }

  append(m: Module): this {
    this[this.count] = checkModule('ModuleList', m, this.count);
    this.count++;
    return this;
  }

  override get length(): number {
    return this.count;
  }

  /** The module at index i (negative counts from the end). */
  at(i: number): Module {
    const j = i < 0 ? i + this.count : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.count) throw new RangeError(`index ${i} is out of range for a list of ${this.count} modules`);
    return this[j];
  }

  *[Symbol.iterator](): IterableIterator<Module> {
    for (let i = 0; i < this.count; i++) yield this[i];
  }

  forward(..._inputs: never[]): unknown {
    throw new Error('ModuleList has no forward(); iterate over it in your own module');
  }
}

/** Runs its modules in order, each one's output feeding the next. */
export class Sequential extends ModuleList {
  constructor(...modules: Module[]) {
    super(modules.map((m, i) => checkModule('Sequential', m, i)));
  }

  override forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this) y = m(y);
    return y as Tensor;
  }

  /** A Sequential of the modules from start to end (exclusive), as PyTorch's seq[start:end]. */
  slice(start = 0, end = this.length): Sequential {
    const n = this.length;
    const s = Math.max(0, start < 0 ? start + n : start);
    const e = Math.min(n, end < 0 ? end + n : end);
    const out: Module[] = [];
    for (let i = s; i < e; i++) out.push(this[i]);
    return new Sequential(...out);
  }
}

/** Submodules by name (PyTorch's ModuleDict); registered like fields, in insertion order. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | [string, Module][] | null = {}) {
    super();
    for (const entry of Array.isArray(modules) ? modules : Object.entries(modules ?? {})) {
      if (!Array.isArray(entry) || entry.length !== 2) throw new TypeError(`ModuleDict: expected [key, module] pairs or an object of modules, but received the entry ${describe(entry)}`);
      this.set(entry[0], entry[1]);
    }
  }

  /** Adds or replaces the module under key. */
  set(key: string, module: Module): this {
    if (!(module instanceof Module)) throw new TypeError(`ModuleDict: expected '${key}' to be a Module, but received ${describe(module)}`);
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new TypeError(`ModuleDict: keys must be non-empty strings without '.', but received ${describe(key)}`);
    (this as unknown as Record<string, Module>)[key] = module;
    return this;
  }

  /** The module under key, or undefined. */
  get(key: string): Module | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Module ? v : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  values(): Module[] {
    return this.children();
  }

  entries(): [string, Module][] {
    return this.namedChildren();
  }

  forward(..._inputs: never[]): unknown {
    throw new Error('ModuleDict has no forward(); pick its modules in your own module');
  }
}

/** Parameters in a list (PyTorch's ParameterList), registered as '0', '1', …. */
export class ParameterList extends Module {
  [index: number]: Parameter;
  private count = 0;

  constructor(params: Iterable<Parameter | Tensor> | null = []) {
    super();
    for (const p of iterableArg('ParameterList', 'params', params)) this.append(p);
  }

  /** Adds a parameter (a plain tensor is wrapped in one, as PyTorch does). */
  append(p: Parameter | Tensor): this {
    if (!(p instanceof Tensor)) throw new TypeError(`ParameterList: expected a Parameter or a Tensor, but received ${describe(p)}`);
    this[this.count] = p instanceof Parameter ? p : new Parameter(p);
    this.count++;
    return this;
  }

  override get length(): number {
    return this.count;
  }

  *[Symbol.iterator](): IterableIterator<Parameter> {
    for (let i = 0; i < this.count; i++) yield this[i];
  }

  forward(..._inputs: never[]): unknown {
    throw new Error('ParameterList has no forward(); use its parameters in your own module');
  }
}

/** Parameters by name (PyTorch's ParameterDict). */
export class ParameterDict extends Module {
  constructor(params: Record<string, Parameter | Tensor> | null = {}) {
    super();
    for (const [k, p] of Object.entries(params ?? {})) this.set(k, p);
  }

  /** Adds or replaces the parameter under key (a plain tensor is wrapped in one). */
  set(key: string, p: Parameter | Tensor): this {
    if (!(p instanceof Tensor)) throw new TypeError(`ParameterDict: expected '${key}' to be a Parameter or a Tensor, but received ${describe(p)}`);
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new TypeError(`ParameterDict: keys must be non-empty strings without '.', but received ${describe(key)}`);
    (this as unknown as Record<string, Parameter>)[key] = p instanceof Parameter ? p : new Parameter(p);
    return this;
  }

  get(key: string): Parameter | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Parameter ? v : undefined;
  }

  keys(): string[] {
    return this.namedParameters(false).map(([k]) => k);
  }

  forward(..._inputs: never[]): unknown {
    throw new Error('ParameterDict has no forward(); use its parameters in your own module');
  }
}
