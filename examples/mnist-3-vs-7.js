// Is it a 3 or a 7? A first image classifier, built from parts.
//
// Each image is 784 pixels. A linear model gives every pixel a weight; a sigmoid turns the
// weighted sum into a probability that the digit is a 3; the loss is the distance from the
// right answer. We train it with SGD on mini-batches, then add a hidden ReLU layer.
//
//   npm run example:mnist-3-vs-7
import * as kd from 'kindling';
import { loadDigits } from './lib/digits.js';
import { linePlot } from './lib/plot.js';
import { runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

/** Distance from the right answer: 1 - p for a 3, p for a 7 (p = predicted chance of a 3). */
function mnistLoss(logits, isThree) {
  const p = logits.sigmoid();
  return kd.where(isThree.eq(1), kd.sub(1, p), p).mean();
}

/** Fraction of images whose prediction (p > 0.5 means 3) is right. */
function accuracy(model, x, isThree) {
  return kd.noGrad(() => model.forward(x).sigmoid().gt(0.5).int().eq(isThree).float().mean().item());
}

function train(model, trainSet, valid, { epochs, lr }) {
  const opt = new optim.SGD(model.parameters(), { lr });
  const loader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true });
  const history = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const [x, y] of loader) {
      const loss = mnistLoss(model.forward(x), y);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    const acc = accuracy(model, valid.x, valid.y);
    history.push(acc);
    console.log(`  epoch ${epoch}: validation accuracy ${(acc * 100).toFixed(1)}%`);
  }
  return history;
}

export async function main({ quick = false, out, seed = 0 }) {
  kd.manualSeed(seed);
  const { images, labels } = loadDigits([3, 7]);
  const x = images.flatten(1);                                  // [N, 784]
  const isThree = labels.eq(3).int().unsqueeze(1);             // [N, 1]: 1 for a 3, 0 for a 7
  const [trainPart, validPart] = data.randomSplit(new data.TensorDataset(x, isThree), [0.8, 0.2]);
  const [vx, vy] = validPart.getBatch(new Int32Array(validPart.length).map((_, i) => i));
  console.log(`${trainPart.length} training and ${validPart.length} validation images of 3s and 7s`);
  const epochs = quick ? 3 : 10;

  console.log('linear model (one weight per pixel):');
  const linear = new nn.Linear(784, 1);
  const linearAcc = train(linear, trainPart, { x: vx, y: vy }, { epochs, lr: 1 });

  console.log('with a hidden ReLU layer:');
  const hidden = new nn.Sequential(new nn.Linear(784, 30), new nn.ReLU(), new nn.Linear(30, 1));
  const hiddenAcc = train(hidden, trainPart, { x: vx, y: vy }, { epochs, lr: 0.1 });

  const plot = await linePlot(
    { 'linear': linearAcc.map((a, i) => [i + 1, a]), 'hidden ReLU layer': hiddenAcc.map((a, i) => [i + 1, a]) },
    out, 'mnist-3-vs-7-accuracy', { title: '3 vs 7: validation accuracy', x: 'epoch', y: 'accuracy' },
  );
  console.log(`plot: ${plot.png}`);
  return { linearAcc, hiddenAcc, plot };
}

runIfMain(import.meta.url, main);
