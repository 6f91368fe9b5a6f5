// A rank that trains with DDP and, when FAULT_RANK is this rank, kills itself at step 3; or,
// with FAULT=hang, never joins. The others must fail with a clear error, not hang.
import * as kd from '../../../dist/index.js';

const { nn } = kd;
const dist = kd.distributed;
const rank = Number(process.env.RANK);
if (process.env.FAULT === 'absent' && rank === Number(process.env.FAULT_RANK)) process.exit(0);
await dist.initProcessGroup({ timeout: Number(process.env.DIST_TIMEOUT ?? 20000) });
const ddp = new nn.parallel.DistributedDataParallel(new nn.Linear(50, 50));
for (let step = 0; step < 1000; step++) {
  if (step === 3 && rank === Number(process.env.FAULT_RANK)) process.kill(process.pid, 'SIGKILL');
  ddp(kd.randn([8, 50])).sum().backward();
  await new Promise((r) => setTimeout(r, 5));
}
console.log('finished');
