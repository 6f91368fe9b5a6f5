// Per-op overhead of the JS layer: a tiny graph forward and backward, where allocation,
// tape bookkeeping and N-API crossings are the whole cost.
import * as kd from '../dist/index.js';
import { medianSeconds, medianSecondsPerCall, fmt } from './lib/measure.js';
import { bestTorch, describeSetting } from './lib/references.js';

/** `y = a.mul(b).add(c).sum(); y.backward()` on 16-element tensors that require grad. */
export function perOpRow(threads) {
  const [a, b, c] = [0, 1, 2].map(() => kd.rand([16], { requiresGrad: true }));
  const ours = medianSecondsPerCall(() => {
    const y = a.mul(b).add(c).sum();
    y.backward();
  }, { inner: 10000, reps: 7 });
  const best = bestTorch('perop', threads);
  const torch = best?.result.seconds ?? NaN;
  return {
    workload: '(a*b + c).sum().backward(), 16 elements',
    kindling: fmt.us(ours),
    reference: best ? `${fmt.us(torch)} (PyTorch, ${describeSetting(best.setting)})` : 'PyTorch not installed',
    ratio: Number.isNaN(torch) ? '' : `${fmt.ratio(ours / torch)} PyTorch's time`,
    torch: Number.isNaN(torch) ? null : fmt.us(torch),
    vsTorch: torch / ours,
  };
}

/** Linear regression by hand-written gradient descent: 1000 full-batch steps on 100 points. */
export function linregRow(threads) {
  kd.manualSeed(0);
  const x = kd.rand([100, 1]);
  const y = x.mul(2).add(1).add(kd.randn([100, 1]).mul(0.1));
  const fit = () => {
    const b = kd.zeros([1], { requiresGrad: true });
    const w = kd.zeros([1], { requiresGrad: true });
    for (let i = 0; i < 1000; i++) {
      const loss = x.mul(w).add(b).sub(y).pow(2).mean();
      loss.backward();
      kd.noGrad(() => {
        b.sub_(b.grad.mul(0.1));
        w.sub_(w.grad.mul(0.1));
      });
      b.grad.zero_();
      w.grad.zero_();
    }
  };
  const ours = medianSeconds(fit, { reps: 7, warmup: 1 });
  const best = bestTorch('linreg', threads);
  const torch = best?.result.seconds ?? NaN;
  return {
    workload: 'linear regression: 1000 full-batch GD steps, 100 points',
    kindling: fmt.ms(ours),
    reference: best ? `${fmt.ms(torch)} (PyTorch, ${describeSetting(best.setting)})` : 'PyTorch not installed',
    ratio: Number.isNaN(torch) ? '' : `${fmt.ratio(ours / torch)} PyTorch's time`,
    torch: Number.isNaN(torch) ? null : fmt.ms(torch),
    vsTorch: torch / ours,
  };
}
