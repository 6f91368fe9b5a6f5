// The process-wide worker pool that every threaded kernel runs on. Threads are created once
// and sleep on a condition variable between jobs (after a short spin), so they never compete
// with OpenBLAS's own threads while a GEMM runs.
#pragma once

#include <cstdint>
#include <functional>

namespace kd {

// Threads the pool and OpenBLAS use; at least 1.
int NumThreads();

// Resizes the pool and gives OpenBLAS the same count.
void SetNumThreads(int n);

// Sets OpenBLAS's own thread count (the pool's stays): for a caller that runs several
// single-threaded products side by side on the pool, and then sets it back.
void SetBlasThreads(int n);

// The pooled path of ParallelFor.
void ParallelForPooled(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// Runs fn(begin, end) over [0, n) in contiguous chunks of at least `grain` elements. Small
// ranges run inline without building a std::function (whose allocation would cost more
// than a small op); nested calls and calls made while another JS thread owns the pool also
// run inline.
template <typename F>
inline void ParallelFor(int64_t n, int64_t grain, F&& fn) {
  if (n <= 0) return;
  if (n <= grain || NumThreads() == 1) {
    fn(int64_t(0), n);
    return;
  }
  ParallelForPooled(n, grain, std::function<void(int64_t, int64_t)>(std::forward<F>(fn)));
}

// Default work sizes below which splitting costs more than it saves.
constexpr int64_t kGrainElementwise = 32768;
constexpr int64_t kGrainTranscendental = 4096;

}  // namespace kd
