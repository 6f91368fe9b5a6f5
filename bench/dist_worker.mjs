// One rank of the distributed benchmark (started by bench/distributed.js with RANK etc.):
//   allreduce N: median seconds of an all-reduce of N float32 (30 timed, after 5 warm-up)
//   ddp B: median seconds of an MLP 784-512-256-10 Adam step at batch B per rank, with DDP
//   local B: the same step in this process alone, without DDP
// Rank 0 prints {"seconds": s} as one JSON line.
import * as kd from '../dist/index.js';

const [mode, arg] = process.argv.slice(2);
const dist = kd.distributed;
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const mlp = () => new kd.nn.Sequential(new kd.nn.Linear(784, 512), new kd.nn.ReLU(), new kd.nn.Linear(512, 256), new kd.nn.ReLU(), new kd.nn.Linear(256, 10));

async function stepTimes(model, batch, reps) {
  const opt = new kd.optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = kd.randn([batch, 784]);
  const y = kd.randint(0, 10, [batch]);
  const times = [];
  for (let i = 0; i < reps + 5; i++) {
    const t0 = performance.now();
    opt.zeroGrad();
    kd.nn.functional.crossEntropy(model(x), y).backward();
    opt.step();
    if (i >= 5) times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

let seconds;
if (mode === 'local') {
  seconds = await stepTimes(mlp(), Number(arg), 60);
  console.log(JSON.stringify({ seconds }));
} else {
  await dist.initProcessGroup({ timeout: 60000 });
  if (mode === 'allreduce') {
    const t = kd.ones([Number(arg)]);
    const times = [];
    for (let i = 0; i < 35; i++) {
      await dist.barrier();
      const t0 = performance.now();
      await dist.allReduce(t);
      if (i >= 5) times.push((performance.now() - t0) / 1000);
    }
    seconds = median(times);
  } else {
    kd.manualSeed(0);
    seconds = await stepTimes(new kd.nn.parallel.DistributedDataParallel(mlp()), Number(arg), 60);
  }
  // rank 0 reports the slower rank's median (a step ends when both have)
  const s = kd.tensor([seconds], { dtype: 'float64' });
  await dist.allReduce(s, 'max');
  if (dist.getRank() === 0) console.log(JSON.stringify({ seconds: s.item() }));
  dist.destroyProcessGroup();
}
