// Per-op overhead of the JS layer: a tiny graph forward and backward, where allocation,
// tape bookkeeping and N-API crossings are the whole cost.
import * as kd from '../dist/index.js';
import { medianSecondsPerCall, fmt } from './lib/measure.js';
import { runTorch } from './lib/references.js';

/** `y = a.mul(b).add(c).sum(); y.backward()` on 16-element tensors that require grad. */
export function perOpRow(threads) {
  const [a, b, c] = [0, 1, 2].map(() => kd.rand([16], { requiresGrad: true }));
  const ours = medianSecondsPerCall(() => {
    const y = a.mul(b).add(c).sum();
    y.backward();
  }, { inner: 10000, reps: 7 });
  const torch = runTorch('perop', threads)?.seconds ?? NaN;
  return {
    workload: '(a*b + c).sum().backward(), 16 elements',
    kindling: fmt.us(ours),
    reference: Number.isNaN(torch) ? 'PyTorch not installed' : `${fmt.us(torch)} (PyTorch)`,
    ratio: Number.isNaN(torch) ? '' : `${fmt.ratio(ours / torch)} PyTorch's time`,
    torch: Number.isNaN(torch) ? null : fmt.us(torch),
    vsTorch: torch / ours,
  };
}
