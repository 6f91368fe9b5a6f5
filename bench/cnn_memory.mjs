// One process's peak RSS while training examples/cnn.js's network (two Conv2d-BatchNorm2d-
// ReLU-MaxPool2d blocks, then 1568→128→10) on Fashion-MNIST: the 60,000 training images held as
// float32 (as torchvision's tensors would be after ToTensor), then `steps` Adam steps at batch
// 128 in a shuffled order. Prints {"peakRssMb", "seconds"}. Run by bench/layers.js beside
// bench/torch_cnn_memory.py, which does the same in PyTorch.
import { readFileSync } from 'node:fs';
import * as kd from '../dist/index.js';

const steps = Number(process.argv[2] ?? 100);
const { nn, optim, data } = kd;
const train = new data.FashionMNIST({ root: data.DEBIAN_FASHION_MNIST, train: true });
kd.manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(32 * 7 * 7, 128), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(128, 10),
);
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const loader = new data.DataLoader(train, { batchSize: 128, shuffle: true });
const t0 = performance.now();
let n = 0;
for (const [x, y] of loader) {
  opt.zeroGrad();
  nn.functional.crossEntropy(model(x), y).backward();
  opt.step();
  if (++n >= steps) break;
}
const seconds = (performance.now() - t0) / 1000;
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
console.log(JSON.stringify({ peakRssMb: hwm / 1024, seconds, steps: n }));
