// One process, one job: trains the MLP 784-512-ReLU-256-ReLU-10 with Adam (lr 1e-3, batch
// 128) on Fashion-MNIST and prints per-epoch timings, test accuracy and peak RSS as JSON.
// Run by bench/mlp.js in its own process so the RSS belongs to this workload alone.
// usage: node bench/mlp_train.js ROOT EPOCHS THREADS
import * as kd from '../dist/index.js';

const [root, epochsArg, threadsArg] = process.argv.slice(2);
kd.setNumThreads(Number(threadsArg));
const { nn, optim, data } = kd;
kd.manualSeed(0);
const train = new data.FashionMNIST({ root, train: true });
const test = new data.FashionMNIST({ root, train: false });
const model = new nn.Sequential(
  new nn.Flatten(), new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10),
);
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const loader = new data.DataLoader(train, { batchSize: 128, shuffle: true });
const epochs = [];
for (let e = 0; e < Number(epochsArg); e++) {
  const split = { data: 0, forward: 0, backward: 0, step: 0 };
  let steps = 0;
  const t0 = performance.now();
  let last = t0;
  for (const [x, y] of loader) {
    const t1 = performance.now();
    split.data += t1 - last;
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    const t2 = performance.now();
    split.forward += t2 - t1;
    opt.zeroGrad();
    loss.backward();
    const t3 = performance.now();
    split.backward += t3 - t2;
    opt.step();
    last = performance.now();
    split.step += last - t3;
    steps++;
  }
  const seconds = (performance.now() - t0) / 1000;
  epochs.push({ seconds, steps, data: split.data / 1000, forward: split.forward / 1000, backward: split.backward / 1000, step: split.step / 1000 });
}
const accuracy = kd.noGrad(() => model.eval().forward(test.data).argmax(1).eq(test.targets).float().mean().item());
console.log(JSON.stringify({ epochs, accuracy, peakRssMB: process.resourceUsage().maxRSS / 1024 }));
