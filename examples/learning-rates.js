// One model, several learning rates: too small crawls, too large bounces or diverges, and a
// schedule (high first, lower later) gets the best of both. Trained on MNIST digits with SGD.
//
//   npm run example:learning-rates
import * as kd from 'kindling';
import { loadDigits } from './lib/digits.js';
import { linePlot } from './lib/plot.js';
import { runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

function run(trainSet, { lr, epochs, schedule, seed }) {
  kd.manualSeed(seed);  // same initial weights and batch order for every run
  const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 64), new nn.ReLU(), new nn.Linear(64, 10));
  const opt = new optim.SGD(model.parameters(), { lr, momentum: 0.9 });
  const sched = schedule ? schedule(opt) : null;
  const loader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
  const losses = [];
  for (let e = 0; e < epochs; e++) {
    let sum = 0;
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      sum += loss.item();
    }
    sched?.step();
    losses.push(sum / loader.length);
  }
  return losses;
}

export async function main({ quick = false, out, seed = 0 }) {
  kd.manualSeed(seed);
  const { images, labels } = loadDigits();
  const [trainSet] = data.randomSplit(new data.TensorDataset(images, labels), [quick ? 1000 : 4000, quick ? 9000 : 6000]);
  const epochs = quick ? 4 : 15;
  const curves = {};
  for (const lr of [0.0005, 0.005, 0.05, 1.5]) {
    curves[`lr ${lr}`] = run(trainSet, { lr, epochs, seed });
  }
  curves['lr 0.2, cosine annealing'] = run(trainSet, {
    lr: 0.2, epochs, seed, schedule: (opt) => new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: epochs }),
  });
  for (const [name, c] of Object.entries(curves)) console.log(`${name.padEnd(28)} final training loss ${c[c.length - 1].toFixed(4)}`);
  const plot = await linePlot(curves, out, 'learning-rates', { title: 'Learning rates and a schedule (SGD with momentum)', x: 'epoch', y: 'mean training loss', logY: true });
  console.log(`plot: ${plot.png}`);
  return { curves, plot };
}

runIfMain(import.meta.url, main);
