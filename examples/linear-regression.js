// Linear regression, the training loop one step at a time.
//
// Data: y = 1 + 2x + noise. We fit b and w by gradient descent: first computing gradients
// by hand, then with autograd, then with an optimizer; then we compare batch, mini-batch
// and stochastic gradient descent, several learning rates, and raw vs standardised features.
//
//   npm run example:linear-regression            (plots go to examples/output/)
import * as kd from 'kindling';
import { linePlot } from './lib/plot.js';
import { runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

/** 100 points of y = 1 + 2x + noise, x uniform in [0, 1), split 80 train / 20 validation. */
function makeData(seed) {
  kd.manualSeed(seed);
  const x = kd.rand([100, 1]);
  const y = x.mul(2).add(1).add(kd.randn([100, 1]).mul(0.1));
  const [trainIdx, valIdx] = data.randomSplit(new data.TensorDataset(x, y), [80, 20]).map((s) => kd.tensor(s.indices));
  return { xTrain: x.indexSelect(0, trainIdx), yTrain: y.indexSelect(0, trainIdx), xVal: x.indexSelect(0, valIdx), yVal: y.indexSelect(0, valIdx) };
}

/** Step 1: everything by hand — forward pass, errors, MSE, gradients, update. */
function byHand({ xTrain, yTrain }, epochs, lr) {
  kd.manualSeed(1);
  let b = kd.randn([1]);
  let w = kd.randn([1]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const yhat = xTrain.mul(w).add(b);              // forward pass: predictions
    const error = yhat.sub(yTrain);                 // how far off each prediction is
    const loss = error.pow(2).mean();               // mean squared error
    const bGrad = error.mean().mul(2);              // dLoss/db = 2 * mean(error)
    const wGrad = xTrain.mul(error).mean().mul(2);  // dLoss/dw = 2 * mean(x * error)
    b = b.sub(bGrad.mul(lr));                       // step against the gradient
    w = w.sub(wGrad.mul(lr));
    if (epoch === epochs - 1) return { b: b.item(), w: w.item(), loss: loss.item() };
  }
  return null;
}

/** Step 2: the same loop, with autograd computing the gradients; the update runs under noGrad. */
function withAutograd({ xTrain, yTrain }, epochs, lr) {
  kd.manualSeed(1);
  const b = kd.randn([1], { requiresGrad: true });
  const w = kd.randn([1], { requiresGrad: true });
  for (let epoch = 0; epoch < epochs; epoch++) {
    const loss = xTrain.mul(w).add(b).sub(yTrain).pow(2).mean();
    loss.backward();                                // fills b.grad and w.grad
    kd.noGrad(() => {
      b.sub_(b.grad.mul(lr));
      w.sub_(w.grad.mul(lr));
    });
    b.grad.zero_();                                 // gradients accumulate: reset them
    w.grad.zero_();
  }
  return { b: b.item(), w: w.item() };
}

/** Step 3: a model, a loss function and an optimizer; returns the loss after each epoch. */
function withOptimizer(dataset, { epochs, lr, batchSize, seed = 1 }) {
  kd.manualSeed(seed);
  const model = new nn.Linear(dataset.tensors[0].shape[1], 1);
  const lossFn = new nn.MSELoss();
  const opt = new optim.SGD(model.parameters(), { lr });
  const loader = new data.DataLoader(dataset, { batchSize, shuffle: true });
  const [xAll, yAll] = dataset.tensors;
  const losses = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [xb, yb] of loader) {
      opt.zeroGrad();
      lossFn.forward(model.forward(xb), yb).backward();
      opt.step();
    }
    losses.push(kd.noGrad(() => lossFn.forward(model.forward(xAll), yAll).item()));
  }
  return { model, losses };
}

export async function main({ quick = false, out, seed = 42 }) {
  const d = makeData(seed);
  const epochs = quick ? 300 : 1000;
  const manual = byHand(d, epochs, 0.1);
  console.log(`by hand:        b = ${manual.b.toFixed(4)}, w = ${manual.w.toFixed(4)} (true values 1 and 2)`);
  const auto = withAutograd(d, epochs, 0.1);
  console.log(`with autograd:  b = ${auto.b.toFixed(4)}, w = ${auto.w.toFixed(4)}`);
  const train = new data.TensorDataset(d.xTrain, d.yTrain);
  const fitted = withOptimizer(train, { epochs, lr: 0.1, batchSize: 80 });
  const [w, b] = [fitted.model.weight.item(), fitted.model.bias.item()];
  const valLoss = kd.noGrad(() => nn.functional.mseLoss(fitted.model.forward(d.xVal), d.yVal).item());
  console.log(`with optim.SGD: b = ${b.toFixed(4)}, w = ${w.toFixed(4)}, validation MSE ${valLoss.toFixed(4)}`);

  // Batch (all 80 points per step), mini-batch (16) and stochastic (1) gradient descent.
  const gdEpochs = quick ? 20 : 60;
  const batchModes = {
    'batch (80)': withOptimizer(train, { epochs: gdEpochs, lr: 0.1, batchSize: 80 }).losses,
    'mini-batch (16)': withOptimizer(train, { epochs: gdEpochs, lr: 0.1, batchSize: 16 }).losses,
    'stochastic (1)': withOptimizer(train, { epochs: gdEpochs, lr: 0.1, batchSize: 1 }).losses,
  };
  // Learning rates: one that crawls, one that works, one that diverges.
  const lrs = {
    'lr 0.01 (crawls)': withOptimizer(train, { epochs: gdEpochs, lr: 0.01, batchSize: 80 }).losses,
    'lr 0.5 (works)': withOptimizer(train, { epochs: gdEpochs, lr: 0.5, batchSize: 80 }).losses,
    'lr 1.1 (diverges)': withOptimizer(train, { epochs: gdEpochs, lr: 1.1, batchSize: 80 }).losses,
  };
  // Raw vs standardised features: add a second feature on a scale of hundreds.
  kd.manualSeed(seed + 1);
  const x2 = kd.rand([80, 1]).mul(300);
  const raw = kd.cat([d.xTrain, x2], 1);
  const yScaled = d.yTrain.add(x2.mul(0.01));
  const scaler = data.Standardize.fit(raw);
  const features = {
    'raw features (lr 1e-5, the largest that is stable)': withOptimizer(new data.TensorDataset(raw, yScaled), { epochs: gdEpochs, lr: 1e-5, batchSize: 80 }).losses,
    'standardised (lr 0.5)': withOptimizer(new data.TensorDataset(scaler.apply(raw), yScaled), { epochs: gdEpochs, lr: 0.5, batchSize: 80 }).losses,
  };
  const plots = [
    await linePlot(batchModes, out, 'linear-regression-batch-sizes', { title: 'Batch vs mini-batch vs stochastic gradient descent', x: 'epoch', y: 'training MSE', logY: true }),
    await linePlot(lrs, out, 'linear-regression-learning-rates', { title: 'Learning rate', x: 'epoch', y: 'training MSE', logY: true }),
    await linePlot(features, out, 'linear-regression-features', { title: 'Raw vs standardised features', x: 'epoch', y: 'training MSE', logY: true }),
  ];
  for (const p of plots) console.log(`plot: ${p.png}`);
  return { manual, auto, fitted: { b, w, valLoss }, batchModes, lrs, features, plots };
}

runIfMain(import.meta.url, main);
