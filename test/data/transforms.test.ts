// Image transforms on [C, H, W] tensors: exact results where the transform is determined,
// seeded randomness, and their errors.
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';

const T = kd.data.transforms;
const img = () => kd.arange(0, 2 * 3 * 4, 1, { dtype: 'float32' }).reshape([2, 3, 4]).div(24);

describe('image transforms', () => {
  it('Normalize subtracts and divides per channel; Compose chains callables', () => {
    const x = img();
    const y = new T.Normalize([0.5, 0.25], [0.5, 2])(x);
    expect(y.select(0, 0).tolist()).toEqual(x.select(0, 0).sub(0.5).div(0.5).tolist());
    expect(y.select(0, 1).tolist()).toEqual(x.select(0, 1).sub(0.25).div(2).tolist());
    const both = new T.Compose([(t: kd.Tensor) => t.mul(2), new T.Normalize([1, 1], [1, 1])]);
    expect(both(x).tolist()).toEqual(x.mul(2).sub(1).tolist());
    expect(() => new T.Normalize([0.5], [0])).toThrow(/division by zero/);
    expect(() => new T.Normalize([0.1, 0.2, 0.3], [1, 1, 1])(x)).toThrow(/3 means for an image with 2 channels/);
  });

  it('RandomHorizontalFlip flips with probability p, reproducibly from a generator', () => {
    const x = img();
    expect(new T.RandomHorizontalFlip(1)(x).tolist()).toEqual(x.flip(-1).tolist());
    expect(new T.RandomHorizontalFlip(0)(x)).toBe(x);
    const flips = (seed: number) => Array.from({ length: 20 }, () => new T.RandomHorizontalFlip(0.5, { generator: new kd.Generator(seed) })).map((t) => t(x).equal(x));
    expect(flips(4)).toEqual(flips(4));
  });

  it('RandomCrop pads with fill and crops windows of the padded image', () => {
    const x = img();
    const crop = new T.RandomCrop([3, 4], { padding: 2, fill: -1, generator: new kd.Generator(1) });
    for (let k = 0; k < 10; k++) {
      const y = crop(x);
      expect(y.shape).toEqual([2, 3, 4]);
      // every value is the fill or a pixel of the image
      const pixels = new Set(Array.from(x.toTypedArray()));
      expect(Array.from(y.toTypedArray()).every((v) => v === -1 || pixels.has(v))).toBe(true);
    }
    expect(new T.RandomCrop(3)(x.narrow(2, 0, 3)).tolist()).toEqual(x.narrow(2, 0, 3).tolist());
    expect(() => new T.RandomCrop(5)(x)).toThrow(/crop \[5, 5\] is larger than the \(padded\) image \[3, 4\]/);
  });

  it('RandomRotation by exactly 90 degrees turns a square image counter-clockwise', () => {
    const x = kd.arange(0, 9, 1, { dtype: 'float32' }).reshape([1, 3, 3]);
    const y = new T.RandomRotation([90, 90])(x);
    expect(y.tolist()).toEqual([[[2, 5, 8], [1, 4, 7], [0, 3, 6]]]);
    const z = new T.RandomRotation([45, 45], { fill: -1 })(kd.ones([1, 5, 5]));
    expect(z.index(0, 0, 0).item()).toBe(-1);
    expect(z.index(0, 2, 2).item()).toBe(1);
  });

  it('ColorJitter scales brightness and contrast within their ranges, clamped to [0, 1]', () => {
    const x = img();
    const b = new T.ColorJitter({ brightness: 0.5, generator: new kd.Generator(2) })(x);
    const ratio = b.index(0, 0, 1).item() / x.index(0, 0, 1).item();
    expect(ratio).toBeGreaterThanOrEqual(0.5);
    expect(ratio).toBeLessThanOrEqual(1.5);
    const c = new T.ColorJitter({ contrast: 0.8, generator: new kd.Generator(2) })(x);
    expect(c.min().item()).toBeGreaterThanOrEqual(0);
    expect(c.max().item()).toBeLessThanOrEqual(1);
    expect(Math.abs(c.mean().item() - x.mean().item())).toBeLessThan(0.05);
    expect(() => new T.ColorJitter({ brightness: -1 })).toThrow(/brightness must be non-negative/);
  });
});
