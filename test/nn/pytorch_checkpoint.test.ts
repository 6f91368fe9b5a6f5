// A CNN trained in PyTorch (test/fixtures/fashion-cnn.safetensors, described in
// fashion-cnn.json; copied from ../shared/fixtures) loads into the same model written in
// kindling, under PyTorch's keys, and reproduces PyTorch's logits and all 10,000 predictions
// on Debian's Fashion-MNIST test set (.ci/run installs dataset-fashion-mnist).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as kd from '../../lib/index.js';
import type { Tensor } from '../../lib/index.js';
import { expectClose } from '../helpers.js';

const { nn, data } = kd;
const F = nn.functional;
const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'fashion-cnn.json'), 'utf8')) as {
  keys: Record<string, { shape: number[] }>; testAccuracy: number; first64Logits: { shape: number[]; data: number[] }; predictions: number[];
};

class FashionCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 8, 3, { padding: 1 });
  conv2 = new nn.Conv2d(8, 16, 3);
  fc = new nn.Linear(576, 10);
  forward(x: Tensor): Tensor {
    const a = F.maxPool2d(this.conv1(x).relu(), 2) as Tensor;
    const b = F.maxPool2d(this.conv2(a).relu(), 2) as Tensor;
    return this.fc(b.flatten(1));
  }
}

describe('a PyTorch checkpoint', () => {
  it('loads under PyTorch\'s keys and shapes', () => {
    const model = new FashionCNN();
    const state = kd.load(join(here, '..', 'fixtures', 'fashion-cnn.safetensors')) as Record<string, Tensor>;
    expect(Object.keys(model.stateDict()).sort()).toEqual(Object.keys(fixture.keys).sort());
    for (const [k, { shape }] of Object.entries(fixture.keys)) expect(state[k].shape).toEqual(shape);
    model.loadStateDict(state);
  });

  it.runIf(existsSync(join(data.DEBIAN_FASHION_MNIST, 't10k-images-idx3-ubyte.gz')))('reproduces PyTorch\'s logits and predictions on the test set', () => {
    const model = new FashionCNN();
    model.loadStateDict(kd.load(join(here, '..', 'fixtures', 'fashion-cnn.safetensors')) as Record<string, Tensor>);
    model.eval();
    const test = new data.FashionMNIST({ root: data.DEBIAN_FASHION_MNIST, train: false });
    kd.noGrad(() => {
      const logits = model(test.data.narrow(0, 0, 64));
      expect(logits.shape).toEqual(fixture.first64Logits.shape);
      expectClose(logits.toTypedArray(), fixture.first64Logits.data, 1e-4, 1e-4);
      const predictions: number[] = [];
      for (let i = 0; i < 10000; i += 1000) predictions.push(...Array.from(model(test.data.narrow(0, i, 1000)).argmax(1).toTypedArray()));
      const same = predictions.filter((p, i) => p === fixture.predictions[i]).length;
      expect(same).toBe(10000);
      const labels = test.targets.toTypedArray();
      const accuracy = predictions.filter((p, i) => p === labels[i]).length / 10000;
      expect(accuracy).toBeCloseTo(fixture.testAccuracy, 4);
    });
  });
});
