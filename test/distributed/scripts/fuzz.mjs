// Random, mostly invalid calls to every entry point of the Gloo addon on a world of one: each
// call either works or throws a JS error; the process must end normally. Seed from argv.
import { createRequire } from 'node:module';
import { StoreServer } from '../../../dist/distributed/store.js';

const require = createRequire(import.meta.url);
const g = require('../../../build/distributed/kindling_gloo.node');
let seed = Number(process.argv[2]) >>> 0;
const rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (xs) => xs[int(0, xs.length - 1)];
const kinds = [Float32Array, Float64Array, Int32Array, Uint8Array, Int16Array, BigInt64Array];
const buf = () => { const K = pick(kinds); return new K(int(0, 9)); };
const arg = () => (rnd() < 0.7 ? buf() : pick([null, undefined, 3, -1, 'x', [1, 2], {}, NaN, 2 ** 40, 0.5]));
const num = () => pick([0, 0, 0, 1, -1, 2, 0.5, NaN, Infinity, 2 ** 31, '0', null]);

const server = await StoreServer.listen(0);
const bad = [
  () => g.connect(), () => g.connect(3), () => g.connect({}), () => g.connect({ host: '', port: 1, size: 1, rank: 0, timeoutMs: 10 }),
  () => g.connect({ host: 'x', port: 70000, size: 1, rank: 0, timeoutMs: 10 }), () => g.connect({ host: 'x', port: 1, size: 2, rank: 2, timeoutMs: 10 }),
  () => new g.GlooGroup(), () => new g.GlooGroup(5),
];
for (const f of bad) { try { await f(); } catch { /* refused */ } }
const group = await g.connect({ host: '127.0.0.1', port: server.port, prefix: 'fuzz/', rank: 0, size: 1, timeoutMs: 2000 });
const ops = [
  () => group.allReduce(arg(), num()), () => group.reduce(arg(), num(), num()), () => group.broadcast(arg(), num()),
  () => group.allGather(arg(), arg()), () => group.gather(arg(), arg(), num()), () => group.scatter(arg(), arg(), num()),
  () => group.barrier(), () => group.send(arg(), num(), num()), () => group.recv(arg(), num(), num()), () => group.waitSync(num()),
];
let ok = 0, refused = 0;
const pending = [];
for (let i = 0; i < 3000; i++) {
  try {
    const r = pick(ops)();
    if (r && r.promise) pending.push(r.promise.catch(() => {}));
    ok++;
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`a non-Error was thrown: ${String(e)}`);
    refused++;
  }
}
await Promise.all(pending);
group.close();
try { group.allReduce(new Float32Array(1), 0); } catch { refused++; }
server.close();
console.log(JSON.stringify({ ok, refused }));
