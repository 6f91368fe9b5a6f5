// Data-parallel training: the Fashion-MNIST MLP on several processes with
// DistributedDataParallel over Gloo. Each rank trains on its own share of every epoch
// (DistributedSampler) with a share of the global batch of 128, gradients are averaged across
// ranks in backward, so the model trains as one process would on the whole batch.
//
//   npm run example:ddp                                  (2 processes on this machine)
//   npx kindling-run --nproc-per-node 4 examples/ddp.js  (any number)
//   node examples/ddp.js                                 (one process, for comparison)
import * as kd from 'kindling';
import { loadFashionMNIST } from './lib/fashion.js';
import { runIfMain } from './lib/cli.js';

const { nn, optim, data } = kd;
const dist = kd.distributed;

export async function main({ quick = false, seed = 0, data: dir = data.DEBIAN_FASHION_MNIST, epochs: epochsArg }) {
  // started by kindling-run (or torchrun-style variables), or alone as a world of one
  if (process.env.RANK === undefined) {
    Object.assign(process.env, { RANK: '0', WORLD_SIZE: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: process.env.MASTER_PORT ?? '29555' });
  }
  await dist.initProcessGroup({ backend: 'gloo' });
  const rank = dist.getRank(), world = dist.getWorldSize();
  const log = (...a) => { if (rank === 0) console.log(...a); };
  try {
    const sets = loadFashionMNIST(dir, 'ddp');
    if (!sets) return { skipped: true };
    const { test } = sets;
    kd.manualSeed(seed);
    const train = quick ? data.randomSplit(sets.train, [10000, sets.train.length - 10000], new kd.Generator(seed))[0] : sets.train;
    const globalBatch = 128;
    if (globalBatch % world !== 0) throw new Error(`the global batch of ${globalBatch} does not split over ${world} processes`);
    kd.manualSeed(seed + rank);  // rank 0's initial weights are copied to all by DDP
    const model = new nn.Sequential(
      new nn.Flatten(), new nn.Linear(784, 512), new nn.ReLU(), new nn.Linear(512, 256), new nn.ReLU(), new nn.Linear(256, 10),
    );
    const ddp = new nn.parallel.DistributedDataParallel(model);
    const opt = new optim.Adam(ddp.parameters(), { lr: 1e-3 });
    const sampler = new data.DistributedSampler(train, { seed, dropLast: true });
    const loader = new data.DataLoader(train, { batchSize: globalBatch / world, sampler });
    const epochs = Number(epochsArg ?? (quick ? 1 : 3));
    log(`${world} process${world > 1 ? 'es' : ''} × ${kd.getNumThreads()} thread${kd.getNumThreads() > 1 ? 's' : ''}, ` +
      `${train.length} training images, batch ${globalBatch / world} per process (${globalBatch} in all)`);
    let accuracy = 0;
    const epochSeconds = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      sampler.setEpoch(epoch);
      const t0 = performance.now();
      let lossSum = 0, steps = 0;
      for (const [x, y] of loader) {
        opt.zeroGrad();
        const loss = nn.functional.crossEntropy(ddp(x), y);
        loss.backward();
        opt.step();
        lossSum += loss.item();
        steps++;
      }
      epochSeconds.push((performance.now() - t0) / 1000);
      accuracy = kd.noGrad(() => model(test.data).argmax(1).eq(test.targets).float().mean().item());
      log(`epoch ${epoch}: ${epochSeconds.at(-1).toFixed(1)} s, rank 0 loss ${(lossSum / steps).toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(2)}%`);
    }
    return { accuracy, world, epochSeconds };
  } finally {
    dist.destroyProcessGroup();
  }
}

runIfMain(import.meta.url, main, { data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' }, epochs: { type: 'string' } });
