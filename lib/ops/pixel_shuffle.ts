/**
 * Pixel shuffle (PyTorch's F.pixel_shuffle / pixel_unshuffle): channels traded for spatial
 * resolution by an upscale factor r, [*, C·r², H, W] ↔ [*, C, H·r, W·r], as a reshape, a
 * permute and a reshape (so the gradient is theirs).
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe, formatShape } from '../tensor/shape.js';
import { checkTensor } from './unary.js';
import { permute, reshape } from './views.js';

function checkFactor(op: string, x: Tensor, r: number): void {
  checkTensor(op, x);
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new RangeError(`${op}: the factor must be a positive integer, but got ${describe(r)}`);
  if (x.dim() < 3) throw new RangeError(`${op}: expected an input with at least 3 dims [*, C, H, W], but got ${formatShape(x.shape)}`);
}

/** [*, C·r², H, W] to [*, C, H·r, W·r]. */
export function pixelShuffle(x: Tensor, upscaleFactor: number): Tensor {
  checkFactor('pixelShuffle', x, upscaleFactor);
  const r = upscaleFactor;
  const nd = x.dim();
  const lead = x.shape.slice(0, nd - 3);
  const [c, h, w] = x.shape.slice(nd - 3);
  if (c % (r * r) !== 0) throw new RangeError(`pixelShuffle: the channel dim of ${formatShape(x.shape)} (${c}) must be divisible by the square of the upscale factor (${r * r})`);
  const oc = c / (r * r);
  const k = lead.length;
  const y = reshape(x, [...lead, oc, r, r, h, w]);
  const order = [...lead.map((_, i) => i), k, k + 3, k + 1, k + 4, k + 2];
  return reshape(permute(y, order), [...lead, oc, h * r, w * r]);
}

/** [*, C, H·r, W·r] to [*, C·r², H, W], the inverse of pixelShuffle. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number): Tensor {
  checkFactor('pixelUnshuffle', x, downscaleFactor);
  const r = downscaleFactor;
  const nd = x.dim();
  const lead = x.shape.slice(0, nd - 3);
  const [c, h, w] = x.shape.slice(nd - 3);
  if (h % r !== 0 || w % r !== 0) throw new RangeError(`pixelUnshuffle: the height and width of ${formatShape(x.shape)} must be divisible by the downscale factor ${r}`);
  const k = lead.length;
  const y = reshape(x, [...lead, c, h / r, r, w / r, r]);
  const order = [...lead.map((_, i) => i), k, k + 2, k + 4, k + 1, k + 3];
  return reshape(permute(y, order), [...lead, c * r * r, h / r, w / r]);
}
