// Persistent thread pool: one job at a time, split into chunks claimed through an atomic
// counter. The caller thread works too, so n threads means n - 1 workers.
#include "thread_pool.h"

#ifdef __linux__
#include <sched.h>
#endif

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define KD_PAUSE() _mm_pause()
#else
#define KD_PAUSE() std::this_thread::yield()
#endif

// OpenBLAS exports this; cblas.h declares it on most installs but not all.
extern "C" void openblas_set_num_threads(int);

namespace kd {
namespace {

thread_local bool tInsideJob = false;

class Pool {
 public:
  Pool() { Resize(DefaultThreads()); }

  int Threads() const { return threads_; }

  void Resize(int n) {
    std::lock_guard<std::mutex> use(useMutex_);
    StopWorkers();
    threads_ = std::max(1, n);
    stop_ = false;
    for (int i = 1; i < threads_; i++) workers_.emplace_back([this] { WorkerLoop(); });
    openblas_set_num_threads(threads_);
  }

  void Run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    if (n <= 0) return;
    int64_t chunks = std::min<int64_t>(threads_, (n + grain - 1) / std::max<int64_t>(grain, 1));
    if (chunks <= 1 || tInsideJob) {
      fn(0, n);
      return;
    }
    std::unique_lock<std::mutex> use(useMutex_, std::try_to_lock);
    if (!use.owns_lock()) {  // another JS thread is using the pool: don't wait for it
      fn(0, n);
      return;
    }
    Job job(fn, n, std::min<int64_t>(chunks, threads_));
    {
      std::lock_guard<std::mutex> lk(jobMutex_);
      current_ = &job;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    tInsideJob = true;
    job.Work();
    tInsideJob = false;
    while (job.pending.load(std::memory_order_acquire) != 0) KD_PAUSE();
    {
      std::lock_guard<std::mutex> lk(jobMutex_);
      current_ = nullptr;  // late wakers find nothing to attach to
    }
    while (job.attached.load(std::memory_order_acquire) != 0) KD_PAUSE();
  }

 private:
  // Lives on the caller's stack for one Run; workers attach under jobMutex_ and detach last.
  struct Job {
    Job(const std::function<void(int64_t, int64_t)>& f, int64_t total, int64_t c)
        : fn(f), n(total), chunks(c), pending(c) {}
    void Work() {
      for (;;) {
        int64_t c = next.fetch_add(1, std::memory_order_relaxed);
        if (c >= chunks) return;
        fn(n * c / chunks, n * (c + 1) / chunks);
        pending.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
    const std::function<void(int64_t, int64_t)>& fn;
    const int64_t n;
    const int64_t chunks;
    std::atomic<int64_t> next{0};
    std::atomic<int64_t> pending;
    std::atomic<int> attached{0};
  };

  static int DefaultThreads() {
    if (const char* env = std::getenv("KINDLING_NUM_THREADS")) {
      int v = std::atoi(env);
      if (v > 0) return v;
    }
#ifdef __linux__
    // The CPUs this process may run on (taskset, cgroups cpusets, a launcher's pinning), not
    // the machine's: several ranks on one host then never oversubscribe it.
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
      int n = CPU_COUNT(&set);
      if (n > 0) return n;
    }
#endif
    unsigned hc = std::thread::hardware_concurrency();
    return hc == 0 ? 1 : static_cast<int>(hc);
  }

  void WorkerLoop() {
    tInsideJob = true;
    uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      Job* job = nullptr;
      // Spin briefly: back-to-back ops reuse awake workers; then sleep so GEMM has the cores.
      auto spinUntil = std::chrono::steady_clock::now() + std::chrono::microseconds(30);
      while (generation_.load(std::memory_order_acquire) == seen && !stop_.load(std::memory_order_relaxed) &&
             std::chrono::steady_clock::now() < spinUntil) {
        for (int i = 0; i < 32; i++) KD_PAUSE();
      }
      {
        std::unique_lock<std::mutex> lk(jobMutex_);
        wake_.wait(lk, [&] { return generation_.load(std::memory_order_acquire) != seen || stop_.load(); });
        if (stop_.load()) return;
        seen = generation_.load(std::memory_order_acquire);
        job = current_;
        if (job) job->attached.fetch_add(1, std::memory_order_relaxed);
      }
      if (job) {
        job->Work();
        job->attached.fetch_sub(1, std::memory_order_release);
      }
    }
  }

  void StopWorkers() {
    {
      std::lock_guard<std::mutex> lk(jobMutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
  }

  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex useMutex_;  // one job at a time
  std::mutex jobMutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<bool> stop_{false};
  Job* current_ = nullptr;  // guarded by jobMutex_
};

// Never destroyed: worker threads may still be parked when the process exits, and joining
// them from a static destructor can deadlock.
Pool& ThePool() {
  static Pool* pool = new Pool();
  return *pool;
}

}  // namespace

int NumThreads() { return ThePool().Threads(); }
void SetNumThreads(int n) { ThePool().Resize(n); }
void SetBlasThreads(int n) { openblas_set_num_threads(n); }

void ParallelForPooled(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  ThePool().Run(n, grain, fn);
}

}  // namespace kd
