// Layers: one training step of pytorch/examples' MNIST Net (conv 1→32→64 3×3, max pool,
// dropout, fc 9216→128→10, log-softmax + NLL, Adam) at batch 64, and of its word language
// model (Embedding 10k×200 → 2-layer LSTM 200 → Linear 200→10k, bptt 35, batch 20, clip 0.25,
// SGD), each beside PyTorch at its best thread setting; and the peak RSS of a CNN epoch
// (bench/cnn_memory.mjs beside bench/torch_cnn_memory.py).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as kd from '../dist/index.js';
import { medianSeconds, fmt } from './lib/measure.js';
import { bestTorch, describeSetting } from './lib/references.js';

const { nn } = kd;
const F = nn.functional;

class MnistNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 32, 3);
  conv2 = new nn.Conv2d(32, 64, 3);
  fc1 = new nn.Linear(9216, 128);
  fc2 = new nn.Linear(128, 10);
  forward(x) {
    let h = F.maxPool2d(this.conv2(this.conv1(x).relu()).relu(), 2);
    h = F.dropout(h, 0.25, this.training);
    h = F.dropout(this.fc1(h.flatten(1)).relu(), 0.5, this.training);
    return F.logSoftmax(this.fc2(h), 1);
  }
}

class WordLM extends nn.Module {
  encoder = new nn.Embedding(10000, 200);
  rnn = new nn.LSTM(200, 200, { numLayers: 2, dropout: 0.2 });
  decoder = new nn.Linear(200, 10000);
  forward(x, hidden) {
    const [out, h] = this.rnn.forward(F.dropout(this.encoder(x), 0.2, this.training), hidden);
    return [this.decoder(F.dropout(out, 0.2, this.training)).reshape([-1, 10000]), h];
  }
}

function wordLmRow(threads) {
  kd.manualSeed(0);
  const model = new WordLM();
  const x = kd.randint(0, 10000, [35, 20]);
  const y = kd.randint(0, 10000, [35 * 20]);
  let hidden = [kd.zeros([2, 20, 200]), kd.zeros([2, 20, 200])];
  const ours = medianSeconds(() => {
    model.zeroGrad();
    const [out, h] = model.forward(x, hidden.map((t) => t.detach()));
    F.crossEntropy(out, y).backward();
    nn.utils.clipGradNorm_(model.parameters(), 0.25);
    kd.noGrad(() => { for (const p of model.parameters()) p.add_(p.grad, { alpha: -20 }); });  // as the PyTorch side
    hidden = h;
  }, { reps: 15 });
  const best = bestTorch('word_lm', threads);
  const torch = best?.result.seconds ?? NaN;
  return {
    workload: 'pytorch/examples word language model (small), one SGD step: bptt 35 × batch 20 (≈ 11 GFLOP)',
    kindling: fmt.ms(ours),
    reference: best ? `${fmt.ms(torch)} (PyTorch, ${describeSetting(best.setting)})` : 'PyTorch not installed',
    ratio: best ? `${fmt.ratio(ours / torch)} PyTorch's time` : '',
    torch: best ? fmt.ms(torch) : null,
    vsTorch: torch / ours,
  };
}

/** Peak RSS of one Fashion-MNIST epoch of examples/cnn.js's network, each framework in its own process. */
function cnnMemoryRow(threads) {
  const here = dirname(fileURLToPath(import.meta.url));
  if (!existsSync('/usr/share/datasets/fashion-mnist')) return null;
  const env = { ...process.env, KINDLING_NUM_THREADS: String(threads), TORCH_THREADS: String(threads) };
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { env, encoding: 'utf8' });
    return r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').pop()) : null;
  };
  const ours = run(process.execPath, [join(here, 'cnn_memory.mjs'), '469']);
  const theirs = run('/usr/bin/python3', [join(here, 'torch_cnn_memory.py'), '469']);
  if (!ours) return null;
  return {
    workload: 'examples/cnn.js network, one Fashion-MNIST epoch (469 Adam steps at batch 128, data as float32): peak RSS (time)',
    kindling: `${ours.peakRssMb.toFixed(0)} MB (${ours.seconds.toFixed(1)} s)`,
    reference: theirs ? `${theirs.peakRssMb.toFixed(0)} MB (${theirs.seconds.toFixed(1)} s), PyTorch, ${threads} threads` : 'PyTorch not installed',
    ratio: theirs ? `${fmt.ratio(ours.peakRssMb / theirs.peakRssMb)} PyTorch's peak RSS` : '',
    torch: theirs ? `${theirs.peakRssMb.toFixed(0)} MB` : null,
    vsTorch: theirs ? theirs.peakRssMb / ours.peakRssMb : NaN,
  };
}

/** Rows for the results table. */
export function layerRows(threads) {
  kd.manualSeed(0);
  const net = new MnistNet();
  const opt = new kd.optim.Adam(net.parameters(), { lr: 1e-3 });
  const x = kd.randn([64, 1, 28, 28]);
  const y = kd.randint(0, 10, [64]);
  const ours = medianSeconds(() => {
    opt.zeroGrad();
    F.nllLoss(net(x), y).backward();
    opt.step();
  }, { reps: 15 });
  const best = bestTorch('mnist_net', threads);
  const torch = best?.result.seconds ?? NaN;
  return [{
    workload: 'pytorch/examples MNIST Net, one Adam training step at batch 64 (≈ 4.6 GFLOP)',
    kindling: fmt.ms(ours),
    reference: best ? `${fmt.ms(torch)} (PyTorch, ${describeSetting(best.setting)})` : 'PyTorch not installed',
    ratio: best ? `${fmt.ratio(ours / torch)} PyTorch's time` : '',
    torch: best ? fmt.ms(torch) : null,
    vsTorch: torch / ours,
  }, wordLmRow(threads), cnnMemoryRow(threads)].filter(Boolean);
}
