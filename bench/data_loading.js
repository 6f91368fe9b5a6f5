// DataLoader workers: a dataset whose get(i) costs about 1 ms of CPU, loaded with 0 and with 2
// worker threads (batch 32, 2,048 samples), in the same run.
import * as kd from '../dist/index.js';
import { fmt } from './lib/measure.js';
import { SlowDataset } from '../test/fixtures/slow_dataset.mjs';

function epochSeconds(loader) {
  const t0 = performance.now();
  let n = 0;
  for (const [x] of loader) n += x.shape[0];
  if (n !== loader.dataset.length) throw new Error(`bench: loaded ${n} samples, expected ${loader.dataset.length}`);
  return (performance.now() - t0) / 1000;
}

/** Rows for the results table. */
export function dataRows() {
  const ds = new SlowDataset(2048, 1);
  const median = (v) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const serial = [];
  const workers = [];
  for (let r = 0; r < 3; r++) {
    serial.push(epochSeconds(new kd.data.DataLoader(ds, { batchSize: 32 })));
    workers.push(epochSeconds(new kd.data.DataLoader(ds, { batchSize: 32, numWorkers: 2 })));
  }
  const s = median(serial);
  const w = median(workers);
  return [{
    workload: 'DataLoader, 2,048 samples at ~1 ms of CPU each, batch 32: 2 workers (incl. their start) vs none',
    kindling: `${fmt.ms(w)} with 2 workers`,
    reference: `${fmt.ms(s)} with 0 workers`,
    ratio: `${(s / w).toFixed(2)}× faster`,
    torch: null,
    vsTorch: NaN,
  }];
}
