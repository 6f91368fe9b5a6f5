// A small convolutional network with BatchNorm on Fashion-MNIST: two conv blocks
// (Conv2d → BatchNorm2d → ReLU → MaxPool2d), then two linear layers. Saves a checkpoint and
// loads it into a fresh model in eval mode, which must predict exactly the same.
// Reads the IDX files from Debian's dataset-fashion-mnist package, or from --data DIR.
//
//   npm run example:cnn [-- --data /path/to/idx/files]
import { join } from 'node:path';
import * as kd from 'kindling';
import { linePlot } from './lib/plot.js';
import { loadFashionMNIST } from './lib/fashion.js';
import { Progress } from './lib/progress.js';
import { outputDir, runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;

class FashionCNN extends nn.Module {
  features = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
  );
  classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear(32 * 7 * 7, 128), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(128, 10));
  forward(x) {
    return this.classifier(this.features(x));
  }
}

/** Predicted classes of all images, in batches (the columns of a whole test set at once would be large). */
function predict(model, images) {
  const out = [];
  kd.noGrad(() => {
    for (let i = 0; i < images.shape[0]; i += 1000) out.push(model(images.narrow(0, i, Math.min(1000, images.shape[0] - i))).argmax(1));
  });
  return kd.cat(out);
}

export async function main({ quick = false, out, seed = 0, data: dir = data.DEBIAN_FASHION_MNIST }) {
  const sets = loadFashionMNIST(dir, 'cnn');
  if (!sets) return { skipped: true };
  kd.manualSeed(seed);
  const { train, test } = sets;
  const trainSet = quick ? data.randomSplit(train, [4096, train.length - 4096])[0] : train;
  const testImages = quick ? test.data.narrow(0, 0, 2000) : test.data;
  const testLabels = quick ? test.targets.narrow(0, 0, 2000) : test.targets;
  console.log(`Fashion-MNIST: ${trainSet.length} training images, ${testImages.shape[0]} test images`);
  const model = new FashionCNN();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loader = new data.DataLoader(trainSet, { batchSize: 128, shuffle: true });
  const epochs = quick ? 1 : 4;
  const progress = new Progress({ epochs, batches: loader.length });
  const losses = [];
  const errors = [];
  let accuracy = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    progress.startEpoch(epoch);
    for (const [x, y] of loader) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model(x), y);
      loss.backward();
      opt.step();
      progress.tick(loss.item(), y.numel());
    }
    model.eval();
    accuracy = predict(model, testImages).eq(testLabels).float().mean().item();
    errors.push(1 - accuracy);
    losses.push(progress.endEpoch(`test accuracy ${(accuracy * 100).toFixed(2)}%`));
  }
  // The checkpoint holds BatchNorm's running statistics too, under PyTorch's names.
  const file = join(outputDir(out), 'fashion-cnn.safetensors');
  kd.save(model.stateDict(), file);
  const restored = new FashionCNN();
  restored.loadStateDict(kd.load(file));
  restored.eval();
  const same = predict(restored, testImages).eq(predict(model, testImages)).all().item();
  console.log(`checkpoint ${file}: reloaded model predicts ${same ? 'the same classes' : 'DIFFERENT classes'}`);
  const plot = await linePlot({ 'training loss': losses.map((l, i) => [i + 1, l]), 'test error': errors.map((e, i) => [i + 1, e]) },
    out, 'cnn', { title: 'Fashion-MNIST CNN', x: 'epoch', y: 'value' });
  console.log(`plot: ${plot.png}`);
  return { accuracy, losses, reloadedSame: Boolean(same), checkpoint: file, plot };
}

runIfMain(import.meta.url, main, { data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' } });
