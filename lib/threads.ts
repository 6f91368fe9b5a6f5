/**
 * The thread count kindling's kernels and OpenBLAS share. The default is the number of CPUs
 * this process may run on (its affinity mask: taskset, cpusets), or KINDLING_NUM_THREADS
 * when set. Calls from several worker_threads at once
 * share one pool: a call that finds it busy runs on its own thread instead of waiting.
 */
import { native } from './native.js';

/** Sets the threads used by kernels and GEMM (PyTorch's torch.set_num_threads). Throws RangeError unless 1..1024. */
export function setNumThreads(n: number): void {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1024) {
    throw new RangeError(`setNumThreads: expected a positive integer up to 1024, but received ${String(n)}`);
  }
  native.setNumThreads(n);
}

/** The threads kernels and GEMM use. */
export function getNumThreads(): number {
  return native.getNumThreads();
}
