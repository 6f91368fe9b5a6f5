// Distributed: kd.distributed beside PyTorch's torch.distributed, both on Gloo over loopback,
// 2 processes × 1 thread: an all-reduce of the MLP's 535,818 float32 gradients, and the DDP
// step overhead (a DDP step at batch 64 per rank minus the same step alone); plus the epoch
// time that buys (2 ranks × 1 thread at batch 64 each) against 1 rank × 2 threads at 128.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt } from './lib/measure.js';
import { torchVersion } from './lib/references.js';

const here = dirname(fileURLToPath(import.meta.url));
const PARAMS = 535818;
const STEPS = Math.ceil(60000 / 128);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function runOne(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => { out += d; });
    c.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Median seconds reported by rank 0 of `ranks` processes (or one process when ranks is 0). */
async function measure(cmd, args, ranks, threads, blasThreads = threads) {
  const env = { KINDLING_NUM_THREADS: String(threads), TORCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(blasThreads) };
  if (ranks === 0) return JSON.parse(await runOne(cmd, args, env)).seconds;
  const port = String(await freePort());
  const outs = await Promise.all(Array.from({ length: ranks }, (_, r) => runOne(cmd, args, {
    ...env, RANK: String(r), WORLD_SIZE: String(ranks), MASTER_ADDR: '127.0.0.1', MASTER_PORT: port,
  })));
  return JSON.parse(outs[0].split('\n').find((l) => l.startsWith('{'))).seconds;
}

/** Rows for the results table. */
export async function distributedRows() {
  const ours = (mode, arg, ranks, threads) => measure(process.execPath, [join(here, 'dist_worker.mjs'), mode, String(arg)], ranks, threads);
  const theirs = (mode, arg, ranks, threads, blasThreads) => measure('/usr/bin/python3', [join(here, 'torch_dist.py'), mode, String(arg)], ranks, threads, blasThreads);
  const torch = torchVersion() !== null;
  const ar = await ours('allreduce', PARAMS, 2, 1);
  const arT = torch ? await theirs('allreduce', PARAMS, 2, 1) : NaN;
  const ddp = await ours('ddp', 64, 2, 1), local = await ours('local', 64, 0, 1), local2 = await ours('local', 128, 0, 2);
  const ddpT = torch ? await theirs('ddp', 64, 2, 1) : NaN, localT = torch ? await theirs('local', 64, 0, 1) : NaN;
  // one process on both cores: PyTorch at its best of ATen 2 × OpenBLAS 1 or 2 (2 × 2 is often far slower)
  const local2T = torch ? Math.min(await theirs('local', 128, 0, 2, 1), await theirs('local', 128, 0, 2, 2)) : NaN;
  const over = ddp - local, overT = ddpT - localT;
  const torchNote = (s) => (torch ? fmt.ms(s) : null);
  return [
    {
      workload: `all-reduce of ${PARAMS.toLocaleString('en')} float32 between 2 local ranks (Gloo, loopback)`,
      kindling: fmt.ms(ar), reference: torch ? `${fmt.ms(arT)} (torch.distributed, Gloo)` : 'PyTorch not installed',
      ratio: torch ? `${fmt.ratio(ar / arT)} PyTorch's time` : '', torch: torchNote(arT), vsTorch: arT / ar,
    },
    {
      workload: 'DDP step overhead: MLP 784-512-256-10 Adam step at batch 64 per rank, 2 ranks × 1 thread, minus the step alone',
      kindling: `${fmt.ms(over)} (${fmt.ms(ddp)} − ${fmt.ms(local)})`,
      reference: torch ? `${fmt.ms(overT)} (PyTorch DDP: ${fmt.ms(ddpT)} − ${fmt.ms(localT)})` : 'PyTorch not installed',
      ratio: torch ? `${fmt.ratio(over / overT)} PyTorch's overhead` : '', torch: torchNote(overT), vsTorch: overT / over,
    },
    {
      workload: `Fashion-MNIST MLP epoch (${STEPS} steps of 128): 2 ranks × 1 thread (DDP, 64 each) vs 1 rank × 2 threads (128)`,
      kindling: `${(ddp * STEPS).toFixed(2)} s vs ${(local2 * STEPS).toFixed(2)} s`,
      reference: torch ? `PyTorch ${(ddpT * STEPS).toFixed(2)} s vs ${(local2T * STEPS).toFixed(2)} s` : 'PyTorch not installed',
      ratio: `DDP at ${fmt.ratio((ddp * STEPS) / (local2 * STEPS))} the one-process time`,
      torch: torch ? `${(ddpT * STEPS).toFixed(2)} s` : null, vsTorch: ddpT / ddp,
    },
  ];
}
