// The wider tensor surface on 2^20-element float32 tensors, beside PyTorch at its best thread
// setting: a transcendental pointwise op, a scan, a reduction over a dim, top-k and sort over
// rows, and a two-operand einsum (attention scores).
import * as kd from '../dist/index.js';
import { medianSeconds, fmt } from './lib/measure.js';
import { bestTorch, describeSetting } from './lib/references.js';

/** Each workload: kindling's call on tensors made by `setup`, and its name in torch_ref.py. */
const WORKLOADS = [
  { name: 'sin', label: 'x.sin(), [1024, 1024]', setup: () => [kd.randn([1024, 1024])], run: (x) => x.sin() },
  { name: 'cumsum', label: 'x.cumsum(1), [1024, 1024]', setup: () => [kd.randn([1024, 1024])], run: (x) => x.cumsum(1) },
  { name: 'logsumexp', label: 'x.logsumexp(1), [1024, 1024]', setup: () => [kd.randn([1024, 1024])], run: (x) => x.logsumexp(1) },
  { name: 'topk', label: 'x.topk(10, 1), [1024, 1024]', setup: () => [kd.randn([1024, 1024])], run: (x) => x.topk(10, 1) },
  { name: 'sort', label: 'x.sort(1), [1024, 1024]', setup: () => [kd.randn([1024, 1024])], run: (x) => x.sort(1) },
  {
    name: 'einsum',
    label: "einsum('bhqd,bhkd->bhqk'), two [8, 8, 128, 128]",
    setup: () => [kd.randn([8, 8, 128, 128]), kd.randn([8, 8, 128, 128])],
    run: (a, b) => kd.einsum('bhqd,bhkd->bhqk', a, b),
  },
];

/** Rows for the results table. */
export function surfaceRows(threads) {
  return WORKLOADS.map((w) => {
    kd.manualSeed(0);
    const inputs = w.setup();
    const ours = medianSeconds(() => w.run(...inputs), { reps: 20 });
    const best = bestTorch('surface', threads, { op: w.name });
    const torch = best?.result.seconds ?? NaN;
    return {
      workload: w.label,
      kindling: fmt.ms(ours),
      reference: best ? `${fmt.ms(torch)} (PyTorch, ${describeSetting(best.setting)})` : 'PyTorch not installed',
      ratio: best ? `${fmt.ratio(ours / torch)} PyTorch's time` : '',
      torch: best ? fmt.ms(torch) : null,
      vsTorch: torch / ours,
    };
  });
}
