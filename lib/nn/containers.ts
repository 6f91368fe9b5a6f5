/** Sequential and ModuleList: modules held in order, named '0', '1', … as in PyTorch. */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { Module } from './module.js';

function checkModule(op: string, m: unknown, i: number): Module {
  if (!(m instanceof Module)) throw new TypeError(`${op}: expected entry ${i} to be a Module, but received ${describe(m)}`);
  return m;
}

/** Modules in a list; not callable itself (iterate it in your own forward). */
export class ModuleList extends Module {
  [index: number]: Module;
  private count = 0;

  constructor(modules: Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }

  append(m: Module): this {
    this[this.count] = checkModule('ModuleList', m, this.count);
    this.count++;
    return this;
  }

  get length(): number {
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
    for (const m of this) y = (m.forward as (v: unknown) => unknown)(y);
    return y as Tensor;
  }
}
