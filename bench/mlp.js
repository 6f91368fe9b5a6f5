// The headline workload: seconds per Fashion-MNIST epoch of the MLP 784-512-256-10 with
// Adam, kindling beside PyTorch at its best over a sweep of its thread settings (ATen threads
// × OpenBLAS threads), and beside PyTorch with the same threads as kindling.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeSetting, runTorch, torchSettings } from './lib/references.js';

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
  const settings = torchSettings(threads);
  const torchRuns = settings.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    oursRuns.push(kindlingRun(threads));
    settings.forEach((setting, i) => {
      const run = runTorch('mlp', setting, { root: ROOT, epochs: EPOCHS });
      if (run) torchRuns[i].push(run);
    });
  }
  const k = steady(oursRuns);
  const accuracy = oursRuns[0].accuracy;
  const measured = settings.map((setting, i) => ({ setting, epoch: torchRuns[i].length ? steady(torchRuns[i]) : null })).filter((m) => m.epoch);
  const best = measured.length ? measured.reduce((a, b) => (b.epoch.seconds < a.epoch.seconds ? b : a)) : null;
  const same = measured.find((m) => m.setting.aten === threads && m.setting.blas === threads) ?? null;
  const row = (workload, m) => ({
    workload,
    kindling: describeEpoch(k),
    reference: `PyTorch, ${describeSetting(m.setting)}: ${describeEpoch(m.epoch)}`,
    ratio: `${(k.seconds / m.epoch.seconds).toFixed(2)}× PyTorch's time`,
    torch: `${m.epoch.seconds.toFixed(2)} s`,
    vsTorch: m.epoch.seconds / k.seconds,
  });
  const title = `MLP 784-512-256-10, Adam, batch 128: one Fashion-MNIST epoch (test accuracy after ${EPOCHS} epochs ${(accuracy * 100).toFixed(1)}%)`;
  const rows = best
    ? [row(`${title}, against PyTorch's fastest of ${measured.length} thread settings (${measured.map((m) => `${m.setting.aten}×${m.setting.blas}: ${m.epoch.seconds.toFixed(2)} s`).join(', ')})`, best)]
    : [{ workload: title, kindling: describeEpoch(k), reference: 'PyTorch not installed', ratio: '', torch: null, vsTorch: NaN }];
  if (same && same !== best) rows.push(row(`same, against PyTorch with kindling's thread count (${threads})`, same));
  const bestRuns = best ? torchRuns[settings.indexOf(best.setting)] : [];
  const peak = (runs) => Math.max(...runs.map((r) => r.peakRssMB));
  rows.push({
    workload: 'MLP training: peak RSS of the process',
    kindling: `${peak(oursRuns).toFixed(0)} MB`,
    reference: bestRuns.length ? `PyTorch ${peak(bestRuns).toFixed(0)} MB (its fastest setting)` : '',
    ratio: '',
    torch: bestRuns.length ? `${peak(bestRuns).toFixed(0)} MB` : null,
    vsTorch: NaN,
  });
  return rows;
}
