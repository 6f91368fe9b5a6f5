/** Pooling modules (PyTorch's nn/modules/pooling.py); no parameters, forward as the F.* forms. */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';
import type { AvgPoolOptions, MaxPoolOptions } from '../ops/pooling.js';
import { checkOptions } from '../options.js';
import type { Pool3dOptions } from '../ops/pooling3d.js';

const MAX_POOL_OPTIONS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];
const AVG_POOL_OPTIONS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];

type Pair = number | [number, number];

/** Max over kernelSize windows of [N, C, H, W]; with returnIndices, forward returns [values, indices]. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPoolOptions = {}) { super(); this.options = checkOptions('MaxPool2d', options, MAX_POOL_OPTIONS); }
  forward(x: Tensor): Tensor | [Tensor, Tensor] { return F.maxPool2d(x, this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${String(this.kernelSize)}`; }
}

/** Max over kernelSize windows of [N, C, L]. */
export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: Parameters<typeof F.maxPool1d>[2] = {}) { super(); this.options = checkOptions('MaxPool1d', options, MAX_POOL_OPTIONS); }
  forward(x: Tensor): Tensor | [Tensor, Tensor] { return F.maxPool1d(x, this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${this.kernelSize}`; }
}

/** Mean over kernelSize windows of [N, C, H, W]. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPoolOptions = {}) { super(); this.options = checkOptions('AvgPool2d', options, AVG_POOL_OPTIONS); }
  forward(x: Tensor): Tensor { return F.avgPool2d(x, this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${String(this.kernelSize)}`; }
}

/** Mean over kernelSize windows of [N, C, L]. */
export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: Parameters<typeof F.avgPool1d>[2] = {}) { super(); this.options = checkOptions('AvgPool1d', options, AVG_POOL_OPTIONS); }
  forward(x: Tensor): Tensor { return F.avgPool1d(x, this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${this.kernelSize}`; }
}

/** Mean over adaptive windows to a fixed output size (null keeps that dim). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Pair | [number | null, number | null]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(x, this.outputSize); }
  override extraRepr(): string { return `outputSize=${String(this.outputSize)}`; }
}

/** Mean over adaptive windows of [N, C, L] to a fixed length. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool1d(x, this.outputSize); }
  override extraRepr(): string { return `outputSize=${this.outputSize}`; }
}

/** Max over adaptive windows to a fixed output size. */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: Pair | [number | null, number | null], readonly options: { returnIndices?: boolean } = {}) { super(); this.options = checkOptions('AdaptiveMaxPool2d', options, ['returnIndices']); }
  forward(x: Tensor): Tensor | [Tensor, Tensor] { return F.adaptiveMaxPool2d(x, this.outputSize, this.options); }
  override extraRepr(): string { return `outputSize=${String(this.outputSize)}`; }
}

/** Max over adaptive windows of [N, C, L] to a fixed length. */
export class AdaptiveMaxPool1d extends Module {
  constructor(readonly outputSize: number, readonly options: { returnIndices?: boolean } = {}) { super(); this.options = checkOptions('AdaptiveMaxPool1d', options, ['returnIndices']); }
  forward(x: Tensor): Tensor | [Tensor, Tensor] { return F.adaptiveMaxPool1d(x, this.outputSize, this.options); }
  override extraRepr(): string { return `outputSize=${this.outputSize}`; }
}

/** The normType-norm over each window of [N, C, L]. */
export class LPPool1d extends Module {
  constructor(readonly normType: number, readonly kernelSize: number, readonly stride: number | null = null, readonly ceilMode = false) { super(); }
  forward(x: Tensor): Tensor { return F.lpPool1d(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode }); }
  override extraRepr(): string { return `normType=${this.normType}, kernelSize=${this.kernelSize}, stride=${this.stride}, ceilMode=${this.ceilMode}`; }
}

/** The normType-norm over each window of [N, C, H, W]. */
export class LPPool2d extends Module {
  constructor(readonly normType: number, readonly kernelSize: number | [number, number], readonly stride: number | [number, number] | null = null, readonly ceilMode = false) { super(); }
  forward(x: Tensor): Tensor { return F.lpPool2d(x, this.normType, this.kernelSize, { stride: this.stride, ceilMode: this.ceilMode }); }
  override extraRepr(): string { return `normType=${this.normType}, kernelSize=${String(this.kernelSize)}, stride=${String(this.stride)}, ceilMode=${this.ceilMode}`; }
}

/** Max over each window of [N, C, D, H, W]. */
export class MaxPool3d extends Module {
  constructor(readonly kernelSize: number | [number, number, number], readonly options: Pool3dOptions = {}) {
    super();
    this.options = options = checkOptions('MaxPool3d', options, ['stride', 'padding', 'dilation', 'ceilMode']);
  }
  forward(x: Tensor): Tensor { return F.maxPool3d(x, this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${String(this.kernelSize)}`; }
}

/** Mean over each window of [N, C, D, H, W]. */
export class AvgPool3d extends Module {
  constructor(readonly kernelSize: number | [number, number, number], readonly options: Omit<Pool3dOptions, 'dilation'> & { countIncludePad?: boolean; divisorOverride?: number | null } = {}) {
    super();
    this.options = options = checkOptions('AvgPool3d', options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  }
  forward(x: Tensor): Tensor { return F.avgPool3d(x, this.kernelSize, this.options); }
  override extraRepr(): string { return `kernelSize=${String(this.kernelSize)}`; }
}
