// The headline workload: seconds per Fashion-MNIST epoch of the MLP 784-512-256-10 with
// Adam, kindling beside PyTorch (same threads, and PyTorch's fastest thread count).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTorch } from './lib/references.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
const EPOCHS = 2;

function kindlingRun(threads) {
  const r = spawnSync(process.execPath, [join(here, 'mlp_train.js'), ROOT, String(EPOCHS), String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: the kindling MLP run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The steady-state epoch: the last one (the first pays for warm-up). */
const steady = (run) => run.epochs[run.epochs.length - 1];
const ms = (epoch, part) => ((epoch[part] / epoch.steps) * 1000).toFixed(2);
const describeEpoch = (e) => `${e.seconds.toFixed(2)} s (${((e.seconds / e.steps) * 1000).toFixed(2)} ms/step: data ${ms(e, 'data')}, forward ${ms(e, 'forward')}, backward ${ms(e, 'backward')}, step ${ms(e, 'step')})`;

/** Rows for the results table, or a note when the data set is missing. */
export function mlpRows(threads) {
  if (!existsSync(join(ROOT, 'train-images-idx3-ubyte.gz')) && !existsSync(join(ROOT, 'train-images-idx3-ubyte'))) {
    return [{ workload: 'MLP epoch on Fashion-MNIST', kindling: 'skipped', reference: `no Fashion-MNIST in ${ROOT} (apt-get install dataset-fashion-mnist)`, ratio: '', torch: null, vsTorch: NaN }];
  }
  const ours = kindlingRun(threads);
  const torchSame = runTorch('mlp', threads, { root: ROOT, epochs: EPOCHS });
  const torchOne = threads === 1 ? torchSame : runTorch('mlp', 1, { root: ROOT, epochs: EPOCHS });
  const k = steady(ours);
  const rows = [{
    workload: `MLP 784-512-256-10, Adam, batch 128: one Fashion-MNIST epoch (test accuracy after ${EPOCHS} epochs ${(ours.accuracy * 100).toFixed(1)}%)`,
    kindling: describeEpoch(k),
    reference: torchSame ? `PyTorch, ${threads} threads: ${describeEpoch(steady(torchSame))}` : 'PyTorch not installed',
    ratio: torchSame ? `${(k.seconds / steady(torchSame).seconds).toFixed(2)}× PyTorch's time` : '',
    torch: torchSame ? `${steady(torchSame).seconds.toFixed(2)} s` : null,
    vsTorch: torchSame ? steady(torchSame).seconds / k.seconds : NaN,
  }];
  if (torchOne && threads !== 1) {
    rows.push({
      workload: 'same, against PyTorch with 1 thread (its fastest setting on 2 cores)',
      kindling: `${k.seconds.toFixed(2)} s`,
      reference: `PyTorch, 1 thread: ${describeEpoch(steady(torchOne))}`,
      ratio: `${(k.seconds / steady(torchOne).seconds).toFixed(2)}× PyTorch's time`,
      torch: `${steady(torchOne).seconds.toFixed(2)} s`,
      vsTorch: steady(torchOne).seconds / k.seconds,
    });
  }
  rows.push({
    workload: 'MLP training: peak RSS of the process',
    kindling: `${ours.peakRssMB.toFixed(0)} MB`,
    reference: torchSame ? `PyTorch ${torchSame.peakRssMB.toFixed(0)} MB` : '',
    ratio: '',
    torch: torchSame ? `${torchSame.peakRssMB.toFixed(0)} MB` : null,
    vsTorch: NaN,
  });
  return rows;
}
