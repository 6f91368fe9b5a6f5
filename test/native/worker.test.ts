// The addon is context-aware: it loads and computes inside worker_threads, several at once,
// while the main thread keeps using it too.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { native, packageRoot } from '../../lib/native.js';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const b = require(require.resolve('node-gyp-build', { paths: [workerData.root] }))(workerData.root);
const n = 256;
const A = new Float32Array(n * n).fill(1), C = new Float32Array(n * n);
let sum = 0;
for (let r = 0; r < 20; r++) {
  b.gemm(A, A, C, new Float64Array([0, 0, n, n, n, n, n, n, 0, 0, 0, 0]), 1, 0);
  const big = new Float32Array(1 << 18).fill(r);
  const out = new Float32Array(1 << 18);
  b.binary(b.binaryOps.add, out, big, 1, new Float64Array([1, 1 << 18, 0, 1, 0, 1, 0, 0]));
  sum += out[12345];
}
let threw = false;
try { b.gemm(A, A, C, new Float64Array([0, 0, n, n, n + 1, n, n, n, 0, 0, 0, 0]), 1, 0); } catch (e) { threw = e instanceof RangeError; }
parentPort.postMessage({ c: C[0], sum, threw });
`;

function runWorker(): Promise<{ c: number; sum: number; threw: boolean }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { root: packageRoot } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('worker_threads', () => {
  it('loads the addon in several workers at once, beside the main thread', async () => {
    const pending = [runWorker(), runWorker()];
    // keep the main thread's pool busy meanwhile
    const x = new Float32Array(1 << 20).fill(2);
    const out = new Float32Array(1 << 20);
    for (let i = 0; i < 20; i++) native.binary(native.binaryOps.mul, out, x, x, new Float64Array([1, 1 << 20, 0, 1, 0, 1, 0, 1]));
    expect(out[777]).toBe(4);
    const results = await Promise.all(pending);
    for (const r of results) {
      expect(r.c).toBe(256);
      expect(r.sum).toBe(Array.from({ length: 20 }, (_, i) => i + 1).reduce((a, b) => a + b, 0));
      expect(r.threw).toBe(true);
    }
  });
});
