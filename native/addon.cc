// Entry point of the kindling addon: registers every kernel family and the thread controls.
// Node-API addons are context-aware, and nothing here keeps per-context state in statics,
// so the addon loads in any number of worker_threads.
#include <cblas.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "kernels.h"
#include "thread_pool.h"

extern "C" char* openblas_get_config(void);

namespace kd {
namespace {

Napi::Value SetNumThreadsFn(const Napi::CallbackInfo& info) {
  SetNumThreads(static_cast<int>(GetInt(info, 0, "setNumThreads", "n", 1, 1024)));
  return info.Env().Undefined();
}

Napi::Value GetNumThreadsFn(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), NumThreads()); }

Napi::Value BlasConfigFn(const Napi::CallbackInfo& info) {
  const char* c = openblas_get_config();
  return Napi::String::New(info.Env(), c ? c : "unknown");
}

// glibc returns every free()d block above its mmap threshold (at most 32 MiB) to the OS,
// so a training loop that allocates a multi-megabyte tensor per op page-faults it in again
// each time, which costs more than the op. Keeping such blocks in the heap (and not trimming
// it) makes them reusable; the process keeps its peak heap instead of shrinking.
// KINDLING_MALLOC_TUNING=0 leaves glibc's defaults alone.
void TuneMalloc() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("KINDLING_MALLOC_TUNING");
    if (env && std::strcmp(env, "0") == 0) return;
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
  });
#endif
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneMalloc();
  InitElementwise(env, exports);
  InitGemm(env, exports);
  InitReduce(env, exports);
  InitLoss(env, exports);
  InitIndexing(env, exports);
  InitOptim(env, exports);
  InitScan(env, exports);
  InitSort(env, exports);
  InitIm2col(env, exports);
  InitConv(env, exports);
  InitPool(env, exports);
  InitRandom(env, exports);
  InitRnn(env, exports);
  InitBatchNorm(env, exports);
  InitRowNorm(env, exports);
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreadsFn, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreadsFn, "getNumThreads"));
  exports.Set("blasConfig", Napi::Function::New(env, BlasConfigFn, "blasConfig"));
  return exports;
}

}  // namespace kd

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return kd::Init(env, exports); }

NODE_API_MODULE(kindling, InitAddon)
