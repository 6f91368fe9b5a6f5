// The prebuilt binary's sgemm (its own statically linked OpenBLAS: the slim build for
// linux-x64) against the source build's (the system's OpenBLAS), both loaded in this process,
// alternating over 9 rounds, same threads, best round of each: `node bench/prebuild_gemm.js`.
// The bar: within 3%.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { medianSeconds } from './lib/measure.js';
import { packageRoot } from '../dist/native.js';

const require = createRequire(import.meta.url);
const system = require(join(packageRoot, 'build', 'Release', 'kindling.node'));
const prebuilt = require(join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'kindling.napi.glibc.node'));
const threads = Number(process.env.KINDLING_NUM_THREADS) || system.getNumThreads();
system.setNumThreads(threads);
prebuilt.setNumThreads(threads);
console.log(`source build: ${system.blasConfig()}\nprebuild:     ${prebuilt.blasConfig()}\nthreads: ${threads}`);
for (const [m, n, k] of [[256, 256, 256], [1024, 1024, 1024], [2048, 2048, 2048], [128, 512, 784], [128, 256, 512]]) {
  const a = new Float32Array(m * k).fill(0.5), b = new Float32Array(k * n).fill(0.25), c = new Float32Array(m * n);
  const layout = new Float64Array([0, 0, m, n, k, k, n, n, 0, 0, 0, 0]);
  const reps = m * n * k > 1e9 ? 7 : 30;
  const sys = [], pre = [];
  for (let round = 0; round < 9; round++) {
    sys.push(medianSeconds(() => system.gemm(a, b, c, layout, 1, 0), { reps }));
    pre.push(medianSeconds(() => prebuilt.gemm(a, b, c, layout, 1, 0), { reps }));
  }
  // the best round of each: on a shared machine the fastest run is the least disturbed one
  const best = (xs) => Math.min(...xs);
  const g = (s) => (2 * m * n * k) / s / 1e9;
  console.log(`sgemm ${m}×${k}·${k}×${n}: system ${g(best(sys)).toFixed(1)} GFLOP/s, prebuild ${g(best(pre)).toFixed(1)} GFLOP/s (${((best(sys) / best(pre)) * 100).toFixed(1)}% of the system's speed)`);
}
