// The same kind of classifier on Fashion-MNIST: 70,000 images of clothing in 10 classes.
// Reads the IDX files from Debian's dataset-fashion-mnist package, or from --data DIR.
//
//   npm run example:fashion-mnist [-- --data /path/to/idx/files]
import * as kd from 'kindling';
import { linePlot } from './lib/plot.js';
import { loadFashionMNIST } from './lib/fashion.js';
import { Progress } from './lib/progress.js';
import { runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

export async function main({ quick = false, out, seed = 0, data: dir = data.DEBIAN_FASHION_MNIST }) {
  const sets = loadFashionMNIST(dir, 'fashion-mnist');
  if (!sets) return { skipped: true };
  kd.manualSeed(seed);
  const { train, test } = sets;
  const trainSet = quick ? data.randomSplit(train, [10000, train.length - 10000])[0] : train;
  console.log(`Fashion-MNIST: ${trainSet.length} training images, ${test.length} test images`);
  const model = new nn.Sequential(
    new nn.Flatten(), new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10),
  );
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loader = new data.DataLoader(trainSet, { batchSize: 128, shuffle: true });
  const epochs = quick ? 1 : 5;
  const progress = new Progress({ epochs, batches: loader.length });
  const losses = [];
  const accs = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    progress.startEpoch(epoch);
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      progress.tick(loss.item(), y.numel());
    }
    const acc = kd.noGrad(() => model.forward(test.data).argmax(1).eq(test.targets).float().mean().item());
    accs.push(acc);
    losses.push(progress.endEpoch(`test accuracy ${(acc * 100).toFixed(2)}%`));
  }
  // Per-class accuracy: which garments get confused?
  const pred = kd.noGrad(() => model.forward(test.data).argmax(1));
  data.FashionMNIST.classes.forEach((name, c) => {
    const isC = test.targets.eq(c);
    const right = pred.eq(c).int().mul(isC.int()).sum().item();
    console.log(`  ${name.padEnd(12)} ${((right / isC.int().sum().item()) * 100).toFixed(1)}%`);
  });
  const plot = await linePlot({ 'training loss': losses.map((l, i) => [i + 1, l]), 'test error': accs.map((a, i) => [i + 1, 1 - a]) },
    out, 'fashion-mnist', { title: 'Fashion-MNIST MLP', x: 'epoch', y: 'value' });
  console.log(`plot: ${plot.png}`);
  return { accuracy: accs[accs.length - 1], losses, plot };
}

runIfMain(import.meta.url, main, { data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' } });
