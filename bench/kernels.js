// Kernel-level benchmarks: GEMM through the addon against OpenBLAS called from C, add/relu
// against a plain C loop, per-call cost of a tiny op, and one fused Adam step against
// PyTorch's optimizer.step(). Every ratio compares runs made by this same script.
import { native } from '../dist/native.js';
import * as kd from '../dist/index.js';
import { medianSeconds, medianSecondsPerCall, fmt } from './lib/measure.js';
import { bestTorch, cProgram, describeSetting, runC } from './lib/references.js';

/** Rounds of alternating kindling and reference measurements; each side reports its median. */
const ROUNDS = 3;

function alternate(ours, reference) {
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(ours());
    b.push(reference());
  }
  const median = (v) => v.slice().sort((x, y) => x - y)[Math.floor(v.length / 2)];
  return [median(a), median(b)];
}

const SGEMM_SHAPES = [
  [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [2048, 2048, 2048],
  [128, 512, 784], [128, 256, 512], [128, 10, 256],
];

function sgemmRows(threads) {
  const bin = cProgram('sgemm');
  return SGEMM_SHAPES.map(([m, n, k]) => {
    const a = new Float32Array(m * k).fill(0.5);
    const b = new Float32Array(k * n).fill(0.25);
    const c = new Float32Array(m * n);
    const layout = new Float64Array([0, 0, m, n, k, k, n, n, 0, 0, 0, 0]);
    const reps = m * n * k > 1e9 ? 7 : 30;
    const [ours, blas] = alternate(
      () => medianSeconds(() => native.gemm(a, b, c, layout, 1, 0), { reps }),
      () => (bin ? runC(bin, [m, n, k, reps], threads) : NaN),
    );
    const best = bestTorch('sgemm', threads, { m, n, k, reps });
    const torch = best?.result.seconds ?? NaN;
    const gflops = (s) => (2 * m * n * k) / s / 1e9;
    return {
      workload: `sgemm ${m}×${k}·${k}×${n}`,
      kindling: `${gflops(ours).toFixed(1)} GFLOP/s`,
      reference: bin ? `${gflops(blas).toFixed(1)} GFLOP/s (OpenBLAS from C)` : 'C compiler or OpenBLAS missing',
      ratio: bin ? `${fmt.pct(blas / ours)} of OpenBLAS` : '—',
      torch: best ? `${gflops(torch).toFixed(1)} GFLOP/s (${describeSetting(best.setting)})` : null,
      vsTorch: torch / ours,
    };
  });
}

function bandwidthRows(threads) {
  const n = 1 << 22;
  const bin = cProgram('bandwidth');
  const rows = [];
  for (const op of ['add', 'relu']) {
    const a = kd.randn([n]);
    const b = kd.randn([n]);
    const out = new Float32Array(n);
    const layout = op === 'add'
      ? new Float64Array([1, n, 0, 1, 0, 1, 0, 1])
      : new Float64Array([1, n, 0, 1, 0, 1]);
    const kernel = op === 'add'
      ? () => native.binary(native.binaryOps.add, out, a.storage, b.storage, layout)
      : () => native.unary(native.unaryOps.relu, out, a.storage, layout);
    const bytes = (op === 'add' ? 3 : 2) * 4 * n;
    const [ours, c] = alternate(() => medianSeconds(kernel, { reps: 50 }), () => (bin ? runC(bin, [n, threads, 50, op], threads) : NaN));
    const withAlloc = medianSeconds(() => (op === 'add' ? a.add(b) : a.relu()), { reps: 50 });
    const best = bestTorch(op, threads, { n });
    const bestFresh = bestTorch(op, threads, { n, fresh: true });
    const torchFresh = bestFresh?.result.seconds ?? NaN;
    const torch = best?.result.seconds ?? NaN;
    const gbs = (s) => bytes / s / 1e9;
    rows.push({
      workload: `${op}, 2^22 float32 (kernel into a reused buffer; PyTorch with out=)`,
      kindling: `${gbs(ours).toFixed(1)} GB/s`,
      reference: bin ? `${gbs(c).toFixed(1)} GB/s (C loop, ${threads} threads)` : 'C compiler missing',
      ratio: bin ? `${fmt.pct(c / ours)} of the C loop` : '—',
      torch: best ? `${gbs(torch).toFixed(1)} GB/s (${describeSetting(best.setting)})` : null,
      vsTorch: torch / ours,
    });
    rows.push({
      workload: `x.${op}(${op === 'add' ? 'y' : ''}), 2^22 float32 (new output tensor, as PyTorch's torch.${op}(…))`,
      kindling: `${gbs(withAlloc).toFixed(1)} GB/s (${fmt.ms(withAlloc)})`,
      reference: bin ? `${gbs(c).toFixed(1)} GB/s (C loop)` : '—',
      ratio: bin ? `${fmt.pct(c / withAlloc)} of the C loop` : '—',
      torch: bestFresh ? `${gbs(torchFresh).toFixed(1)} GB/s (${fmt.ms(torchFresh)}, ${describeSetting(bestFresh.setting)})` : null,
      vsTorch: torchFresh / withAlloc,
    });
  }
  const a16 = new Float32Array(16).fill(1);
  const o16 = new Float32Array(16);
  const l16 = new Float64Array([1, 16, 0, 1, 0, 1, 0, 1]);
  const call = medianSecondsPerCall(() => native.binary(native.binaryOps.add, o16, a16, a16, l16), { inner: 100000 });
  const t16 = kd.ones([16]);
  const op = medianSecondsPerCall(() => t16.add(t16), { inner: 100000 });
  rows.push({ workload: 'add, 16 elements: one addon call', kindling: fmt.us(call), reference: 'target < 1 µs', ratio: '', torch: null, vsTorch: NaN });
  rows.push({ workload: 'add, 16 elements: kd tensor op (alloc + checks)', kindling: fmt.us(op), reference: '', ratio: '', torch: null, vsTorch: NaN });
  return rows;
}

/** The MLP 784-512-256-10's parameter shapes: 535,818 numbers. */
export const MLP_SHAPES = [[512, 784], [512], [256, 512], [256], [10, 256], [10]];

function adamRow(threads) {
  const params = MLP_SHAPES.map((s) => kd.randn(s).storage);
  const grads = MLP_SHAPES.map((s) => kd.randn(s).storage);
  const m = params.map((p) => new Float32Array(p.length));
  const v = params.map((p) => new Float32Array(p.length));
  let step = 0;
  const ours = medianSeconds(() => {
    step++;
    for (let i = 0; i < params.length; i++) native.adam(params[i], grads[i], m[i], v[i], null, 1e-3, 0.9, 0.999, 1e-8, 0, step, false, false);
  }, { reps: 50 });
  const best = bestTorch('adam', threads);
  const torch = best?.result.seconds ?? NaN;
  const count = params.reduce((s, p) => s + p.length, 0);
  // bytes moved: read p, g, m, v and write p, m, v
  const gbs = (7 * 4 * count) / ours / 1e9;
  return {
    workload: `Adam step, ${count.toLocaleString('en-US')} params`,
    kindling: `${fmt.us(ours)} (${gbs.toFixed(1)} GB/s)`,
    reference: best ? `${fmt.us(torch)} (PyTorch optimizer.step(), ${describeSetting(best.setting)})` : 'PyTorch not installed',
    ratio: Number.isNaN(torch) ? '' : `${fmt.ratio(ours / torch)} PyTorch's time`,
    torch: Number.isNaN(torch) ? null : fmt.us(torch),
    vsTorch: torch / ours,
  };
}

/** Runs the kernel benchmarks; returns table rows. */
export function kernelBenchmarks(threads) {
  return [...sgemmRows(threads), ...bandwidthRows(threads), adamRow(threads)];
}
