// Timing helpers shared by the benchmarks: medians of repeated runs, never single shots.
import { performance } from 'node:perf_hooks';

/** Median seconds per call of fn over `reps` timed runs after `warmup` untimed ones. */
export function medianSeconds(fn, { reps = 20, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** Median seconds per call when one call is too short to time alone: batches of `inner` calls. */
export function medianSecondsPerCall(fn, { inner = 10000, reps = 9 } = {}) {
  return medianSeconds(() => {
    for (let i = 0; i < inner; i++) fn();
  }, { reps, warmup: 2 }) / inner;
}

export const fmt = {
  ms: (s) => `${(s * 1e3).toFixed(3)} ms`,
  us: (s) => `${(s * 1e6).toFixed(2)} µs`,
  pct: (x) => `${(x * 100).toFixed(0)}%`,
  ratio: (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—'),
};
