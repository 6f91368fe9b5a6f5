// Random calls to every native entry point — random buffer kinds and lengths, random (mostly
// invalid) shapes, strides, offsets, indices and hyper-parameters — in a child process that
// must end normally: each call either works or throws a JS error, and never crashes.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/native.js';

const CHILD = String.raw`
const b = require(require.resolve('node-gyp-build', { paths: [process.argv[1]] }))(process.argv[1]);
let seed = Number(process.argv[2]) >>> 0;
const rnd = () => {  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (xs) => xs[int(0, xs.length - 1)];
const kinds = [Float32Array, Float64Array, Int32Array, Uint8Array];
const buf = () => { const K = rnd() < 0.7 ? Float32Array : pick(kinds); const a = new K(int(0, 64)); for (let i = 0; i < a.length; i++) a[i] = K === Uint8Array ? int(0, 1) : int(-3, 12); return a; };
const weird = () => pick([0, 1, 2, 3, 5, -1, 0.5, NaN, Infinity, 2 ** 31, 2 ** 53, -(2 ** 40)]);
const num = () => (rnd() < 0.92 ? int(0, 4) : rnd() < 0.5 ? int(-2, 8) : weird());
const list = (n) => new Float64Array(Array.from({ length: n }, num));
const elementwise = (nops) => { const nd = int(0, 4); return list(1 + nd + nops * (1 + nd)).map((v, i) => (i === 0 && rnd() < 0.8 ? nd : v)); };
const arg = () => (rnd() < 0.15 ? pick([null, undefined, 3, 'x', [1, 2], {}]) : buf());
const calls = [
  () => b.unary(int(0, 44), rnd() < 0.2 ? new Uint8Array(int(0, 20)) : arg(), arg(), elementwise(2), num(), num()),
  () => b.binary(int(0, 28), arg(), rnd() < 0.2 ? num() : arg(), rnd() < 0.2 ? num() : arg(), elementwise(3), num(), num()),
  () => b.where(arg(), rnd() < 0.5 ? new Uint8Array(int(0, 20)) : arg(), arg(), rnd() < 0.3 ? num() : arg(), elementwise(4)),
  () => b.fill(arg(), num(), elementwise(2)),
  () => b.copy(arg(), arg(), elementwise(2)),
  () => { const nb = int(0, 2); b.gemm(arg(), arg(), arg(), list(12 + 4 * nb).map((v, i) => (i === 11 && rnd() < 0.8 ? nb : i < 2 ? int(0, 1) : v)), num(), num()); },
  () => b.reduce(int(0, 11), arg(), arg(), list(5), num()),
  () => b.scan(int(-1, 4), arg(), arg(), rnd() < 0.5 ? null : new Int32Array(int(0, 40)), list(4)),
  () => b.order(int(-1, 4), arg(), rnd() < 0.8 ? new Int32Array(int(0, 40)) : arg(), arg(), list(5), rnd() < 0.5),
  () => { const nd = int(1, 3); b.scatter(int(-1, 5), arg(), arg(), new Int32Array(int(0, 20)).map(() => int(-2, 8)), list(3 + nd + 3 * (1 + nd)).map((v, i) => (i === 0 && rnd() < 0.8 ? nd : v))); },
  () => b.softmax(rnd() < 0.5, arg(), arg(), list(5)),
  () => b.softmaxBackward(rnd() < 0.5, arg(), arg(), arg(), list(6)),
  () => b.crossEntropy(arg(), new Int32Array(int(0, 12)).map(() => int(-2, 6)), rnd() < 0.5 ? null : arg(), int(-3, 3), list(3), arg(), arg(), arg(), arg()),
  () => b.crossEntropyBackward(arg(), arg(), new Int32Array(int(0, 12)).map(() => int(-2, 6)), null, -100, list(3), arg(), arg(), num(), num()),
  () => b.nllLoss(arg(), new Int32Array(int(0, 12)).map(() => int(-2, 6)), null, -100, list(3), arg(), arg()),
  () => b.nllLossBackward(arg(), new Int32Array(int(0, 12)).map(() => int(-2, 6)), null, -100, list(3), arg(), num()),
  () => { const nd = int(1, 3); b.gather(arg(), arg(), new Int32Array(int(0, 20)).map(() => int(-2, 8)), list(3 + nd + 3 * (1 + nd)).map((v, i) => (i === 0 && rnd() < 0.8 ? nd : v))); },
  () => { const nd = int(1, 3); b.scatterAdd(arg(), arg(), new Int32Array(int(0, 20)).map(() => int(-2, 8)), list(3 + nd + 3 * (1 + nd)).map((v, i) => (i === 0 && rnd() < 0.8 ? nd : v))); },
  () => b.sgd(arg(), arg(), rnd() < 0.5 ? null : arg(), num(), num(), num(), num(), rnd() < 0.5, rnd() < 0.5, rnd() < 0.5),
  () => b.adagrad(arg(), arg(), arg(), num(), num(), num(), rnd() < 0.5),
  () => b.rmsprop(arg(), arg(), arg(), rnd() < 0.5 ? null : arg(), rnd() < 0.5 ? null : arg(), num(), num(), num(), num(), num(), false),
  () => b.adam(arg(), arg(), arg(), arg(), rnd() < 0.5 ? null : arg(), num(), num(), num(), num(), num(), num(), rnd() < 0.5, false),
  () => b.unfold(rnd() < 0.5, arg(), arg(), list(15)),
  () => {  // a consistent geometry (oH, oW as the kernel gives them) over buffers of random lengths
    const g = [int(0, 2), int(0, 2), int(0, 3), int(0, 5), int(0, 5), int(1, 3), int(1, 3), int(0, 2), int(0, 2), int(1, 3), int(1, 3), int(1, 2), int(1, 2)];
    const size = (n, k, p, s, d) => { const span = n + 2 * p - d * (k - 1) - 1; return span < 0 ? 0 : Math.floor(span / s) + 1; };
    const [, , , h, w, kh, kw, ph, pw, sh, sw, dh, dw] = g;
    b.unfold(rnd() < 0.5, arg(), arg(), new Float64Array([...g, rnd() < 0.9 ? size(h, kh, ph, sh, dh) : int(0, 4), size(w, kw, pw, sw, dw)]));
  },
  () => {  // conv2d's three entry points over a mostly consistent geometry and buffers of random lengths
    const [n, c, h, w, o, groups, kh, kw, ph, pw, sh, sw, dh, dw] = [int(0, 2), int(0, 4), int(0, 5), int(0, 5), int(1, 4), int(1, 2), int(1, 3), int(1, 3), int(0, 2), int(0, 2), int(1, 3), int(1, 3), int(1, 2), int(1, 2)];
    const size = (x, k, p, s, d) => { const span = x + 2 * p - d * (k - 1) - 1; return span < 0 ? 0 : Math.floor(span / s) + 1; };
    const layout = new Float64Array([int(0, 3), int(0, 3), int(0, 3), int(0, 3), n, c, h, w, o, groups, kh, kw, ph, pw, sh, sw, dh, dw, rnd() < 0.9 ? size(h, kh, ph, sh, dh) : int(0, 4), size(w, kw, pw, sw, dw)]);
    const which = int(0, 2);
    if (which === 0) b.conv2d(arg(), arg(), rnd() < 0.5 ? null : arg(), arg(), rnd() < 0.1 ? list(20) : layout);
    else if (which === 1) b.conv2dBackwardInput(arg(), arg(), arg(), rnd() < 0.1 ? list(20) : layout);
    else b.conv2dBackwardWeight(arg(), arg(), arg(), rnd() < 0.5 ? null : arg(), rnd() < 0.1 ? list(20) : layout);
  },
  () => {  // pooling forward and backward, indices of random values
    const layout = new Float64Array([int(0, 3), int(0, 3), int(0, 5), int(0, 5), int(1, 3), int(1, 3), int(1, 3), int(1, 3), int(0, 2), int(0, 2), int(1, 2), int(1, 2), int(0, 4), int(0, 4), int(0, 1), rnd() < 0.8 ? 0 : num()]);
    const idx = rnd() < 0.2 ? null : new Int32Array(int(0, 40)).map(() => int(-2, 30));
    if (rnd() < 0.5) b.pool2d(int(-1, 2), arg(), arg(), idx, rnd() < 0.1 ? list(16) : layout);
    else b.pool2dBackward(int(-1, 2), arg(), idx, arg(), rnd() < 0.1 ? list(16) : layout);
  },
  () => b.randomUniform(rnd() < 0.8 ? new Int32Array(rnd() < 0.9 ? 4 : int(0, 6)) : arg(), arg(), num(), num()),
  () => { const lay = rnd() < 0.2 ? list(5) : new Float64Array([int(0, 3), int(0, 3), int(0, 3), int(0, 3), int(0, 3)]); if (rnd() < 0.5) b.lstmCell(arg(), arg(), arg(), arg(), arg(), arg(), arg(), lay); else b.lstmCellBackward(arg(), arg(), arg(), arg(), arg(), arg(), arg(), lay); },
  () => {  // batch norm forward and backward over small [N, C, S] blocks at random offsets
    const lay = rnd() < 0.2 ? list(7) : new Float64Array([int(0, 3), int(0, 3), int(0, 3), int(0, 3), int(0, 3), int(0, 3), int(0, 4)]);
    if (rnd() < 0.5) b.batchNorm(arg(), rnd() < 0.3 ? null : arg(), rnd() < 0.3 ? null : arg(), arg(), arg(), lay, rnd() < 0.5, rnd() < 0.9 ? 1e-5 : num());
    else b.batchNormBackward(arg(), arg(), rnd() < 0.3 ? null : arg(), arg(), rnd() < 0.3 ? null : arg(), rnd() < 0.3 ? null : arg(), lay, rnd() < 0.5);
  },
  () => {  // row norms with random offsets, rows, row lengths and parameter maps
    const lay = rnd() < 0.2 ? list(8) : new Float64Array([int(0, 3), int(0, 3), int(0, 3), int(0, 3), int(0, 4), int(0, 6), int(1, 4), int(1, 6)]);
    if (rnd() < 0.5) b.rowNorm(arg(), rnd() < 0.3 ? null : arg(), rnd() < 0.3 ? null : arg(), arg(), arg(), lay, rnd() < 0.9 ? 1e-5 : num());
    else b.rowNormBackward(arg(), arg(), rnd() < 0.3 ? null : arg(), arg(), rnd() < 0.3 ? null : arg(), rnd() < 0.3 ? null : arg(), lay);
  },
  () => b.dropoutMask(rnd() < 0.8 ? new Int32Array(rnd() < 0.9 ? 4 : int(0, 6)) : arg(), arg(), num(), num(), rnd() < 0.7 ? rnd() : num()),
  () => { const lay = rnd() < 0.2 ? list(5) : new Float64Array([int(0, 3), int(0, 3), int(0, 3), int(0, 3), int(0, 3)]); if (rnd() < 0.5) b.gruCell(arg(), arg(), arg(), arg(), arg(), lay); else b.gruCellBackward(arg(), arg(), arg(), arg(), arg(), arg(), arg(), lay); },
  () => b.setNumThreads(pick([1, 2, 0, -1, 2.5, NaN, 5000])),
];
let ok = 0, threw = 0;
for (let i = 0; i < Number(process.argv[3]); i++) {
  try { pick(calls)(); ok++; } catch (e) { if (!(e instanceof Error)) throw e; threw++; }
}
b.setNumThreads(2);
console.log(JSON.stringify({ ok, threw }));
`;

describe('native fuzzing', () => {
  it('survives 60,000 random calls with random arguments', () => {
    for (const seed of [1, 2, 3]) {
      const r = spawnSync(process.execPath, ['-e', CHILD, packageRoot, String(seed * 7919), '20000'], { encoding: 'utf8', cwd: join(packageRoot) });
      expect(r.signal, `seed ${seed} crashed: ${r.stderr}`).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const { ok, threw } = JSON.parse(r.stdout.trim());
      expect(ok + threw).toBe(20000);
      expect(ok).toBeGreaterThan(100);  // some calls are valid and really run
    }
  }, 120_000);
});
