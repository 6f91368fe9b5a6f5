// One rank of the DDP test: an MLP trained 20 steps with DistributedDataParallel on this rank's
// share of each batch. Rank 0 also trains an identical model alone on the whole batches; the
// parameters must agree. Then gradient accumulation with noSync, and findUnusedParameters.
import * as kd from '../../../dist/index.js';

const { nn, optim } = kd;
const dist = kd.distributed;
await dist.initProcessGroup({ timeout: 20000 });
const rank = dist.getRank(), world = dist.getWorldSize();
const per = 8;
const batch = (step) => {
  const g = new kd.Generator(1000 + step);
  return [kd.randn([per * world, 10], { generator: g }), kd.randn([per * world, 3], { generator: g })];
};
const makeModel = () => {
  kd.manualSeed(rank === 0 ? 7 : 100 + rank);  // different starting points: DDP must copy rank 0's
  return new nn.Sequential(new nn.Linear(10, 16), new nn.Tanh(), new nn.Linear(16, 3));
};
const model = makeModel();
const ddp = new nn.parallel.DistributedDataParallel(model, { bucketCapMb: 0.0005 });  // several buckets
const opt = new optim.SGD(ddp.parameters(), { lr: 0.1, momentum: 0.9 });
const lossFn = new nn.MSELoss();
for (let step = 0; step < 20; step++) {
  const [x, y] = batch(step);
  opt.zeroGrad();
  lossFn.forward(ddp(x.narrow(0, rank * per, per)), y.narrow(0, rank * per, per)).backward();
  opt.step();
}
let maxDiff = 0;
if (rank === 0) {
  const ref = makeModel();
  const refOpt = new optim.SGD(ref.parameters(), { lr: 0.1, momentum: 0.9 });
  for (let step = 0; step < 20; step++) {
    const [x, y] = batch(step);
    refOpt.zeroGrad();
    lossFn.forward(ref(x), y).backward();
    refOpt.step();
  }
  const a = model.parameters(), b = ref.parameters();
  a.forEach((p, i) => { maxDiff = Math.max(maxDiff, p.sub(b[i]).abs().max().item()); });
}
// every rank ends with the same parameters
const flat = kd.cat(model.parameters().map((p) => p.detach().reshape([-1])));
const fromZero = flat.clone();
await dist.broadcast(fromZero, 0);
const replicaDiff = flat.sub(fromZero).abs().max().item();
// noSync: two local backwards, then one averaged one, equals averaging the summed gradients
const m2 = new nn.Linear(4, 2);
const d2 = new nn.parallel.DistributedDataParallel(m2);
const xs = [0, 1, 2].map((k) => kd.full([2, 4], rank + k + 1));
d2.noSync(() => { d2(xs[0]).sum().backward(); d2(xs[1]).sum().backward(); });
d2(xs[2]).sum().backward();
// d/dw of sum(x w^T) summed over 3 batches, each row x = (rank + k + 1): 2 rows * sum_k (rank+k+1), averaged over ranks
const expected = Array.from({ length: world }, (_, r) => 2 * (3 * r + 6)).reduce((a, b) => a + b) / world;
const accumErr = Math.abs(m2.weight.grad.toTypedArray()[0] - expected);
// findUnusedParameters: a branch only odd steps use
class Branchy extends nn.Module {
  constructor() { super(); this.a = new nn.Linear(3, 3); this.b = new nn.Linear(3, 3); }
  forward(x, useB) { return useB ? this.b(this.a(x)) : this.a(x); }
}
const br = new Branchy();
const d3 = new nn.parallel.DistributedDataParallel(br, { findUnusedParameters: true });
let unusedOk = true;
for (let s = 0; s < 3; s++) {
  br.zeroGrad();
  d3(kd.ones([2, 3]), (s + rank) % 2 === 1).sum().backward();
  if (br.a.weight.grad === null) unusedOk = false;
}
// without findUnusedParameters, the next forward names the parameters that got no gradient
const d4 = new nn.parallel.DistributedDataParallel(new Branchy());
d4(kd.ones([1, 3]), false).sum().backward();
let unusedError = '';
try { d4(kd.ones([1, 3]), false); } catch (e) { unusedError = e.message; }
await dist.barrier();
dist.destroyProcessGroup();
console.log(JSON.stringify({ rank, maxDiff, replicaDiff, accumErr, unusedOk, unusedError, keys: Object.keys(ddp.stateDict()).slice(0, 2) }));
