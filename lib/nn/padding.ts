/**
 * Padding modules (PyTorch's nn/modules/padding.py): ZeroPad, ConstantPad, ReflectionPad,
 * ReplicationPad and CircularPad in 1-D and 2-D, each F.pad with its mode. `padding` is one
 * number for every side, or (left, right) in 1-D and (left, right, top, bottom) in 2-D.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import { Module } from './module.js';
import { pad } from '../ops/pad.js';
import type { PadMode } from '../ops/pad.js';

function sides(op: string, padding: number | number[], n: number): number[] {
  const list = typeof padding === 'number' ? new Array<number>(n).fill(padding) : padding;
  if (!Array.isArray(list) || list.length !== n || list.some((p) => typeof p !== 'number' || !Number.isInteger(p))) {
    throw new TypeError(`${op}: padding must be an integer or ${n} integers, but received ${describe(padding)}`);
  }
  return list.slice();
}

abstract class PadNd extends Module {
  readonly padding: number[];
  constructor(op: string, padding: number | number[], dims: 1 | 2, private readonly mode: PadMode, private readonly value = 0) {
    super();
    this.padding = sides(op, padding, 2 * dims);
  }
  forward(x: Tensor): Tensor { return pad(x, this.padding, { mode: this.mode, value: this.value }); }
  override extraRepr(): string { return `padding=[${this.padding.join(', ')}]${this.mode === 'constant' && this.value !== 0 ? `, value=${this.value}` : ''}`; }
}

export class ZeroPad1d extends PadNd { constructor(padding: number | number[]) { super('ZeroPad1d', padding, 1, 'constant'); } }
export class ZeroPad2d extends PadNd { constructor(padding: number | number[]) { super('ZeroPad2d', padding, 2, 'constant'); } }
export class ConstantPad1d extends PadNd { constructor(padding: number | number[], value: number) { super('ConstantPad1d', padding, 1, 'constant', value); } }
export class ConstantPad2d extends PadNd { constructor(padding: number | number[], value: number) { super('ConstantPad2d', padding, 2, 'constant', value); } }
export class ReflectionPad1d extends PadNd { constructor(padding: number | number[]) { super('ReflectionPad1d', padding, 1, 'reflect'); } }
export class ReflectionPad2d extends PadNd { constructor(padding: number | number[]) { super('ReflectionPad2d', padding, 2, 'reflect'); } }
export class ReplicationPad1d extends PadNd { constructor(padding: number | number[]) { super('ReplicationPad1d', padding, 1, 'replicate'); } }
export class ReplicationPad2d extends PadNd { constructor(padding: number | number[]) { super('ReplicationPad2d', padding, 2, 'replicate'); } }
export class CircularPad1d extends PadNd { constructor(padding: number | number[]) { super('CircularPad1d', padding, 1, 'circular'); } }
export class CircularPad2d extends PadNd { constructor(padding: number | number[]) { super('CircularPad2d', padding, 2, 'circular'); } }
