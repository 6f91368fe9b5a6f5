/** PixelShuffle and PixelUnshuffle (PyTorch's nn/modules/pixelshuffle.py). */
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import * as F from './functional.js';

export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) { super(); }
  forward(x: Tensor): Tensor { return F.pixelShuffle(x, this.upscaleFactor); }
  override extraRepr(): string { return `upscaleFactor=${this.upscaleFactor}`; }
}

export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) { super(); }
  forward(x: Tensor): Tensor { return F.pixelUnshuffle(x, this.downscaleFactor); }
  override extraRepr(): string { return `downscaleFactor=${this.downscaleFactor}`; }
}
