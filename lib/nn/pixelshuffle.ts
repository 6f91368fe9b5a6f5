/** PixelShuffle and PixelUnshuffle (PyTorch's nn/modules/pixelshuffle.py), and ChannelShuffle. */
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

/** Regroups channels across `groups` (ShuffleNet's channel shuffle). */
export class ChannelShuffle extends Module {
  constructor(readonly groups: number) { super(); }
  forward(x: Tensor): Tensor { return F.channelShuffle(x, this.groups); }
  override extraRepr(): string { return `groups=${this.groups}`; }
}
