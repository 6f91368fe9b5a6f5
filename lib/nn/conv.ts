/** Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d (PyTorch's nn/modules/conv.py), keys weight and bias. */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import { empty } from '../tensor/create.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import * as init from './init.js';
import * as F from './functional.js';
import type { PadMode } from '../ops/pad.js';
import { checkOptions } from '../options.js';
import type { Conv3dOptions, Triple } from '../ops/conv3d.js';

type Pair = number | [number, number];
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvModuleOptions {
  stride?: Pair;
  padding?: Pair | 'same' | 'valid';
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  dtype?: DType;
}

export interface ConvTransposeModuleOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  dtype?: DType;
}

type ConvTranspose1dOptions = ConvTransposeModuleOptions & { stride?: number; padding?: number; outputPadding?: number; dilation?: number };

const MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/** Shared parameters and checks of the four convolution modules. */
abstract class ConvBase extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number[], groups: number | undefined,
    transposed: boolean, bias: boolean | undefined, dtype: DType | undefined) {
    super();
    const name = this.constructor.name;
    for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name}: expected ${k} to be a positive integer, but received ${describe(v)}`);
    }
    if (kernelSize.some((k) => !Number.isInteger(k) || k <= 0)) throw new RangeError(`${name}: expected kernelSize to be positive integers, but received ${describe(kernelSize)}`);
    this.groups = groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups <= 0 || inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new RangeError(`${name}: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${String(groups)})`);
    }
    const shape = transposed
      ? [inChannels, outChannels / this.groups, ...kernelSize]
      : [outChannels, inChannels / this.groups, ...kernelSize];
    this.weight = new Parameter(empty(shape, { dtype: dtype ?? 'float32' }));
    this.bias = bias === false ? null : new Parameter(empty([outChannels], { dtype: dtype ?? 'float32' }));
    this.resetParameters();
  }

  /** PyTorch's init: kaiming-uniform (a = sqrt(5)) weight, bias uniform in ±1/sqrt(fanIn). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const { fanIn } = init.calculateFans(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
}

const TRANSPOSE_OPTIONS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias', 'dtype'];

abstract class ConvNd extends ConvBase {
  readonly paddingMode: PaddingMode;

  readonly options: ConvModuleOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: number[], opts: ConvModuleOptions | null) {
    const options = checkOptions(new.target.name, opts, ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', 'dtype']);
    super(inChannels, outChannels, kernelSize, options.groups, false, options.bias, options.dtype);
    this.options = options;
    this.paddingMode = options.paddingMode ?? 'zeros';
    if (!MODES.includes(this.paddingMode)) throw new RangeError(`${this.constructor.name}: paddingMode must be one of ${MODES.join(', ')}, but received ${describe(options.paddingMode)}`);
    if (this.paddingMode !== 'zeros' && typeof options.padding === 'string') {
      throw new RangeError(`${this.constructor.name}: padding='${options.padding}' works with paddingMode 'zeros' only`);
    }
  }

  /** What the functional form takes: the module's options without bias, paddingMode and dtype. */
  protected callOptions(padding: ConvModuleOptions['padding']): F.ConvOptions {
    const { stride, dilation } = this.options;
    return { stride, dilation, groups: this.groups, padding };
  }

  /** The padding amounts per spatial dim (for non-zero padding modes, padded before the convolution). */
  protected amounts(dims: number): number[] {
    const p = this.options.padding ?? 0;
    if (typeof p === 'string') return [];
    return typeof p === 'number' ? Array<number>(dims).fill(p) : p;
  }

  protected input(x: Tensor, dims: number): { x: Tensor; padding: ConvModuleOptions['padding'] } {
    if (this.paddingMode === 'zeros') return { x, padding: this.options.padding };
    const amounts = this.amounts(dims);
    // F.pad lists the last dim first, each as (before, after)
    const pads = amounts.slice().reverse().flatMap((a) => [a, a]);
    return { x: F.pad(x, pads, { mode: this.paddingMode as PadMode }), padding: 0 };
  }

  override extraRepr(): string {
    const o = this.options;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}]` +
      (o.stride !== undefined ? `, stride=${String(o.stride)}` : '') + (o.padding !== undefined ? `, padding=${String(o.padding)}` : '') +
      (o.dilation !== undefined ? `, dilation=${String(o.dilation)}` : '') + (this.groups !== 1 ? `, groups=${this.groups}` : '') +
      (this.bias === null ? ', bias=false' : '') + (this.paddingMode !== 'zeros' ? `, paddingMode=${this.paddingMode}` : '');
  }
}

/** kernelSize as one number per spatial dim; throws TypeError for anything but a number or an array of dims numbers. */
function sizes(owner: string, k: unknown, dims: number): number[] {
  if (typeof k === 'number') return Array<number>(dims).fill(k);
  if (Array.isArray(k) && k.length === dims) return k as number[];
  throw new TypeError(`${owner}: expected kernelSize to be a number or an array of ${dims} numbers, but received ${describe(k)}`);
}

/** 2-D convolution over [N, C, H, W]; weight [outChannels, inChannels/groups, kH, kW]. Throws RangeError for bad sizes. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options: ConvModuleOptions | null = {}) {
    super(inChannels, outChannels, sizes('Conv2d', kernelSize, 2), options);
  }
  forward(x: Tensor): Tensor {
    const { x: xp, padding } = this.input(x, 2);
    return F.conv2d(xp, this.weight, this.bias, this.callOptions(padding));
  }
}

/**
 * 3-D convolution over [N, C, D, H, W]; weight [outChannels, inChannels/groups, kD, kH, kW].
 * Throws RangeError for bad sizes.
 */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Triple, options: Omit<ConvModuleOptions, 'stride' | 'padding' | 'dilation'> & Conv3dOptions & { paddingMode?: PaddingMode } | null = {}) {
    super(inChannels, outChannels, sizes('Conv3d', kernelSize, 3), options as ConvModuleOptions);
  }
  forward(x: Tensor): Tensor {
    const { x: xp, padding } = this.input(x, 3);
    return F.conv3d(xp, this.weight, this.bias, this.callOptions(padding) as Conv3dOptions);
  }
}

/** 1-D convolution over [N, C, L]; weight [outChannels, inChannels/groups, k]. Throws RangeError for bad sizes. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Omit<ConvModuleOptions, 'stride' | 'padding' | 'dilation'> & { stride?: number; padding?: number | 'same' | 'valid'; dilation?: number } | null = {}) {
    super(inChannels, outChannels, sizes('Conv1d', kernelSize, 1), options);
  }
  forward(x: Tensor): Tensor {
    const { x: xp, padding } = this.input(x, 1);
    return F.conv1d(xp, this.weight, this.bias, this.callOptions(padding));
  }
}

/** What the functional form takes: the module's options without bias and dtype. */
function transposeCall(o: ConvTransposeModuleOptions, groups: number): F.ConvTransposeOptions {
  return { stride: o.stride, padding: o.padding, outputPadding: o.outputPadding, dilation: o.dilation, groups };
}

/** Transposed 2-D convolution; weight [inChannels, outChannels/groups, kH, kW]. */
export class ConvTranspose2d extends ConvBase {
  readonly options: ConvTransposeModuleOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: ConvTransposeModuleOptions | null = {}) {
    const options = checkOptions('ConvTranspose2d', opts, TRANSPOSE_OPTIONS);
    super(inChannels, outChannels, sizes('ConvTranspose2d', kernelSize, 2), options.groups, true, options.bias, options.dtype);
    this.options = options;
  }
  forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, transposeCall(this.options, this.groups));
  }
}

/** Transposed 1-D convolution; weight [inChannels, outChannels/groups, k]. */
export class ConvTranspose1d extends ConvBase {
  readonly options: ConvTranspose1dOptions;

  constructor(inChannels: number, outChannels: number, kernelSize: number, opts: ConvTranspose1dOptions | null = {}) {
    const options = checkOptions('ConvTranspose1d', opts, TRANSPOSE_OPTIONS);
    super(inChannels, outChannels, sizes('ConvTranspose1d', kernelSize, 1), options.groups, true, options.bias, options.dtype);
    this.options = options;
  }
  forward(x: Tensor): Tensor {
    return F.convTranspose1d(x, this.weight, this.bias, transposeCall(this.options, this.groups));
  }
}
