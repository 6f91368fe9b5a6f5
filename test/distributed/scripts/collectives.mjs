// One rank of the collectives test: every collective on every dtype and on sizes 0, 1, odd and
// large, checked against values each rank can compute for itself. Prints one JSON line.
import * as kd from '../../../dist/index.js';

const dist = kd.distributed;
await dist.initProcessGroup({ timeout: 20000 });
const rank = dist.getRank(), world = dist.getWorldSize();
const failures = [];
const check = (what, actual, expected) => {
  const a = Array.from(actual), e = Array.from(expected);
  const bad = a.length !== e.length ? -1 : a.findIndex((v, i) => !(v === e[i] || (Number.isNaN(v) && Number.isNaN(e[i]))));
  if (bad !== -1 || a.length !== e.length) failures.push(`${what}: at ${bad} got ${a.slice(Math.max(bad, 0), Math.max(bad, 0) + 3)} expected ${e.slice(Math.max(bad, 0), Math.max(bad, 0) + 3)} (lengths ${a.length}/${e.length})`);
};
// exact in every dtype: small integers (bool: parity)
const value = (r, i, dtype) => (dtype === 'bool' ? (r + i) % 2 : ((r + 1) * 3 + i) % 7 - 3);
const make = (r, n, dtype) => kd.tensor(Array.from({ length: n }, (_, i) => value(r, i, dtype)), { dtype });
const ranks = Array.from({ length: world }, (_, r) => r);
const reduceOf = { sum: (a, b) => a + b, product: (a, b) => a * b, min: (a, b) => Math.min(a, b), max: (a, b) => Math.max(a, b) };
const boolOf = { sum: (a, b) => a | b, product: (a, b) => a & b, min: (a, b) => a & b, max: (a, b) => a | b };

for (const dtype of ['float32', 'float64', 'int32', 'bool']) {
  for (const n of [0, 1, 7, 100003]) {
    const tag = `${dtype}[${n}]`;
    for (const op of ['sum', 'product', 'min', 'max']) {
      const t = make(rank, n, dtype);
      await dist.allReduce(t, op);
      const f = dtype === 'bool' ? boolOf[op] : reduceOf[op];
      check(`allReduce ${op} ${tag}`, t.toTypedArray(), Array.from({ length: n }, (_, i) => ranks.map((r) => value(r, i, dtype)).reduce(f)));
    }
    if (dtype.startsWith('float')) {
      const t = make(rank, n, dtype);
      await dist.allReduce(t, 'avg');
      check(`allReduce avg ${tag}`, t.toTypedArray(), kd.tensor(Array.from({ length: n }, (_, i) => ranks.map((r) => value(r, i, dtype)).reduce((a, b) => a + b) / world), { dtype }).toTypedArray());
    }
    const b = make(rank, n, dtype);
    await dist.broadcast(b, world - 1);
    check(`broadcast ${tag}`, b.toTypedArray(), make(world - 1, n, dtype).toTypedArray());
    const list = ranks.map(() => kd.zeros([n], { dtype }));
    await dist.allGather(list, make(rank, n, dtype));
    ranks.forEach((r) => check(`allGather ${tag} from ${r}`, list[r].toTypedArray(), make(r, n, dtype).toTypedArray()));
    const gl = rank === 0 ? ranks.map(() => kd.zeros([n], { dtype })) : null;
    await dist.gather(make(rank, n, dtype), gl, 0);
    if (gl) ranks.forEach((r) => check(`gather ${tag} from ${r}`, gl[r].toTypedArray(), make(r, n, dtype).toTypedArray()));
    const out = kd.zeros([n], { dtype });
    await dist.scatter(out, rank === 1 ? ranks.map((r) => make(r + 10, n, dtype)) : null, 1);
    check(`scatter ${tag}`, out.toTypedArray(), make(rank + 10, n, dtype).toTypedArray());
    if (dtype !== 'bool') {
      const rs = kd.zeros([n], { dtype });
      await dist.reduceScatter(rs, ranks.map((r) => make(rank + r, n, dtype)));
      check(`reduceScatter ${tag}`, rs.toTypedArray(), Array.from({ length: n }, (_, i) => ranks.map((q) => value(q + rank, i, dtype)).reduce((a, c) => a + c)));
    }
  }
}
// views: a transposed (non-contiguous) and an offset tensor are reduced in place
const base = kd.arange(12).float().reshape([3, 4]).add(rank);
const view = base.transpose(0, 1);
await dist.allReduce(view);
check('allReduce on a transposed view', base.toTypedArray(), kd.arange(12).float().mul(world).add(ranks.reduce((a, b) => a + b)).toTypedArray());
const wide = kd.zeros([10]).add(rank + 1);
await dist.allReduce(wide.narrow(0, 3, 4), 'max');
check('allReduce on a narrowed view', wide.toTypedArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => (i >= 3 && i < 7 ? world : rank + 1)));
// asyncOp handles, point to point in a ring, barrier, a subgroup
const w1 = dist.allReduce(kd.ones([5]), 'sum', { asyncOp: true });
const w2 = dist.allReduce(kd.ones([5], { dtype: 'int32' }), 'sum', { asyncOp: true });
await w1.wait();
await w2.wait();
if (!w1.isCompleted() || !w2.isCompleted()) failures.push('asyncOp: not completed after wait');
// collectives run two at a time (as PyTorch's two Gloo workers) unless their buffers overlap:
// back-to-back async ops on one tensor, and on overlapping views, give JS's order's result
const big = kd.ones([1 << 20]);
const chain = [1, 2, 3].map(() => dist.allReduce(big, 'sum', { asyncOp: true }));
const side = kd.full([1 << 18], rank);
const sideWork = dist.allReduce(side, 'max', { asyncOp: true });  // independent: may run beside the chain
for (const w of chain) await w.wait();
await sideWork.wait();
check('three async allReduces of one tensor, in order', [big.min().item(), big.max().item()], [world ** 3, world ** 3]);
check('an independent allReduce beside them', [side.min().item(), side.max().item()], [world - 1, world - 1]);
const strip = kd.ones([1000]);
const left = dist.allReduce(strip.narrow(0, 0, 600), 'sum', { asyncOp: true });
const right = dist.allReduce(strip.narrow(0, 400, 600), 'sum', { asyncOp: true });
const bar = dist.barrier({ asyncOp: true });
await Promise.all([left.wait(), right.wait(), bar.wait()]);
check('async allReduces of overlapping views, in order', [0, 399, 400, 599, 600, 999].map((i) => strip.toTypedArray()[i]), [world, world, world * world, world * world, world, world]);
const next = (rank + 1) % world, prev = (rank + world - 1) % world;
const sent = dist.isend(kd.full([3], rank), next, { tag: 5 });
const got = kd.zeros([3]);
const from = await dist.irecv(got, prev, { tag: 5 }).wait();
await sent.wait();
check(`recv from ${prev}`, [...got.toTypedArray(), from], [prev, prev, prev, prev]);
await dist.barrier();
const sub = await dist.newGroup([0, world - 1]);
if (sub) {
  const t = kd.full([2], rank + 1);
  await dist.allReduce(t, 'sum', { group: sub });
  check('allReduce in newGroup([0, last])', t.toTypedArray(), [world + 1, world + 1]);
  if (dist.getWorldSize(sub) !== 2) failures.push(`getWorldSize(sub) = ${dist.getWorldSize(sub)}`);
} else if (rank !== 0 && rank !== world - 1) {
  if (dist.getRank(sub) !== -1) failures.push('a non-member has a rank in the subgroup');
} else failures.push('newGroup returned null on a member');
// bad input is refused before anything is sent, naming the argument
for (const [what, fn, re] of [
  ['broadcast src out of range', () => dist.broadcast(kd.ones([2]), world), /src .* is not a rank of this group/],
  ['allGather list length', () => dist.allGather([kd.ones([2])], kd.ones([2])), new RegExp(`tensorList to hold ${world} tensors`)],
  ['allReduce avg on int32', () => dist.allReduce(kd.ones([2], { dtype: 'int32' }), 'avg'), /AVG needs a floating-point tensor/],
  ['allReduce unknown op', () => dist.allReduce(kd.ones([2]), 'mean'), /op must be one of/],
  ['allReduce a number', () => dist.allReduce(3), /expected tensor to be a Tensor/],
  ['send to self', () => dist.send(kd.ones([1]), rank), /is this rank/],
]) {
  try { await fn(); failures.push(`${what}: did not throw`); } catch (e) { if (!re.test(e.message)) failures.push(`${what}: ${e.message}`); }
}
await dist.barrier();
dist.destroyProcessGroup();
console.log(JSON.stringify({ rank, failures }));
