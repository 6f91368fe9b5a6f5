// The headline workload: seconds per Fashion-MNIST epoch of the MLP 784-512-256-10 with
// Adam, kindling beside PyTorch (same threads, and PyTorch's fastest thread count).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTorch } from './lib/references.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.FASHION_MNIST ?? '/usr/share/datasets/fashion-mnist';
const EPOCHS = 3;
/** kindling and PyTorch runs alternate this many times, so drifting machine load hits both. */
const ROUNDS = 2;

function kindlingRun(threads) {
  const r = spawnSync(process.execPath, [join(here, 'mlp_train.js'), ROOT, String(EPOCHS), String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: the kindling MLP run failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/**
 * The steady-state epoch over several runs: the median, by time, of every epoch but each
 * run's first (which pays for warm-up and page faults).
 */
function steady(runs) {
  const epochs = runs.flatMap((r) => r.epochs.slice(1)).sort((a, b) => a.seconds - b.seconds);
  return epochs[Math.floor((epochs.length - 1) / 2)];
}
const ms = (epoch, part) => ((epoch[part] / epoch.steps) * 1000).toFixed(2);
const describeEpoch = (e) => `${e.seconds.toFixed(2)} s (${((e.seconds / e.steps) * 1000).toFixed(2)} ms/step: data ${ms(e, 'data')}, forward ${ms(e, 'forward')}, backward ${ms(e, 'backward')}, step ${ms(e, 'step')})`;

/** Rows for the results table, or a note when the data set is missing. */
export function mlpRows(threads) {
  if (!existsSync(join(ROOT, 'train-images-idx3-ubyte.gz')) && !existsSync(join(ROOT, 'train-images-idx3-ubyte'))) {
    return [{ workload: 'MLP epoch on Fashion-MNIST', kindling: 'skipped', reference: `no Fashion-MNIST in ${ROOT} (apt-get install dataset-fashion-mnist)`, ratio: '', torch: null, vsTorch: NaN }];
  }
  const oursRuns = [];
  const sameRuns = [];
  const oneRuns = [];
  for (let r = 0; r < ROUNDS; r++) {
    oursRuns.push(kindlingRun(threads));
    const same = runTorch('mlp', threads, { root: ROOT, epochs: EPOCHS });
    if (same) sameRuns.push(same);
    if (threads !== 1 && same) oneRuns.push(runTorch('mlp', 1, { root: ROOT, epochs: EPOCHS }));
  }
  const k = steady(oursRuns);
  const accuracy = oursRuns[0].accuracy;
  const ts = sameRuns.length ? steady(sameRuns) : null;
  const to = threads === 1 ? ts : oneRuns.length ? steady(oneRuns) : null;
  const rows = [{
    workload: `MLP 784-512-256-10, Adam, batch 128: one Fashion-MNIST epoch (test accuracy after ${EPOCHS} epochs ${(accuracy * 100).toFixed(1)}%)`,
    kindling: describeEpoch(k),
    reference: ts ? `PyTorch, ${threads} threads: ${describeEpoch(ts)}` : 'PyTorch not installed',
    ratio: ts ? `${(k.seconds / ts.seconds).toFixed(2)}× PyTorch's time` : '',
    torch: ts ? `${ts.seconds.toFixed(2)} s` : null,
    vsTorch: ts ? ts.seconds / k.seconds : NaN,
  }];
  if (to && threads !== 1) {
    rows.push({
      workload: 'same, against PyTorch with 1 thread (its fastest setting on 2 cores)',
      kindling: `${k.seconds.toFixed(2)} s`,
      reference: `PyTorch, 1 thread: ${describeEpoch(to)}`,
      ratio: `${(k.seconds / to.seconds).toFixed(2)}× PyTorch's time`,
      torch: `${to.seconds.toFixed(2)} s`,
      vsTorch: to.seconds / k.seconds,
    });
  }
  const peak = (runs) => Math.max(...runs.map((r) => r.peakRssMB));
  rows.push({
    workload: 'MLP training: peak RSS of the process',
    kindling: `${peak(oursRuns).toFixed(0)} MB`,
    reference: sameRuns.length ? `PyTorch ${peak(sameRuns).toFixed(0)} MB` : '',
    ratio: '',
    torch: sameRuns.length ? `${peak(sameRuns).toFixed(0)} MB` : null,
    vsTorch: NaN,
  });
  return rows;
}
