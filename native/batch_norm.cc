// Batch normalisation over x viewed as [N, C, S] (S the product of the spatial dims), fused:
// one statistics pass and one normalise pass per channel forward, one pass of sums and one of
// gradients backward — ATen's CPU formulas (batch_norm_cpu_transform_input and
// batch_norm_backward_cpu_template), so results match PyTorch's to rounding. Composed of
// elementwise ops, the same layer made about a dozen full-size temporaries each way.
// Work splits over channels; each channel's sums are taken in double.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops (lib/ops/batch_norm.ts); an entry in test/native/fuzz.test.ts.
#include <algorithm>
#include <cmath>

#include "kernels.h"
#include "norm_args.h"
#include "spans.h"
#include "thread_pool.h"

namespace kd {
namespace {

struct Norm {
  int64_t xOff, yOff, wOff, bOff, n, c, s;
};

// layout: [xOffset, second offset (y's or dy's), wOffset, bOffset, N, C, S].
Norm ParseNorm(Napi::Env env, const char* fn, const Napi::CallbackInfo& info, size_t i) {
  IntList l = GetIntList(info, i, fn, "layout");
  Norm p;
  p.xOff = l.Next("xOffset", 0, kMaxElements);
  p.yOff = l.Next("yOffset", 0, kMaxElements);
  p.wOff = l.Next("wOffset", 0, kMaxElements);
  p.bOff = l.Next("bOffset", 0, kMaxElements);
  p.n = l.Next("N", 0, kMaxElements);
  p.c = l.Next("C", 0, kMaxElements);
  p.s = l.Next("S", 0, kMaxElements);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 7");
  if (p.c != 0 && p.n > kMaxElements / p.c) ThrowRange(env, fn, "shape too large");
  if (p.s != 0 && p.n * p.c > kMaxElements / p.s) ThrowRange(env, fn, "shape too large");
  return p;
}

int64_t ChannelGrain(const Norm& p) { return std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, p.n * p.s)); }

// sum((x - mean) * dy) over a span.
template <typename T>
double SumDeviationTimes(const T* x, const T* dy, int64_t n, double mean) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += (static_cast<double>(x[i + j]) - mean) * static_cast<double>(dy[i + j]);
  for (; i < n; i++) acc[i & 7] += (static_cast<double>(x[i]) - mean) * static_cast<double>(dy[i]);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// stats: [mean C, invstd C, biased variance C]. Training computes all three; otherwise mean and
// invstd are read (the running statistics, invstd already 1 / sqrt(var + eps)).
template <typename T>
void Forward(const Norm& p, const T* x, const T* w, const T* b, T* y, T* stats, bool training, double eps) {
  const int64_t M = p.n * p.s;
  ParallelFor(p.c, ChannelGrain(p), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      if (training) {
        double sum = 0;
        for (int64_t n = 0; n < p.n; n++) sum += static_cast<double>(SumSpan(x + (n * p.c + c) * p.s, p.s));
        const double mean = M > 0 ? sum / static_cast<double>(M) : 0;
        double sq = 0;
        for (int64_t n = 0; n < p.n; n++) sq += SumSquaredDeviation(x + (n * p.c + c) * p.s, p.s, mean);
        const double var = M > 0 ? sq / static_cast<double>(M) : 0;
        stats[c] = static_cast<T>(mean);
        stats[p.c + c] = static_cast<T>(1.0 / std::sqrt(var + eps));
        stats[2 * p.c + c] = static_cast<T>(var);
      }
      const T mean = stats[c], invstd = stats[p.c + c];
      const T alpha = invstd * (w ? w[c] : T(1));
      const T beta = (b ? b[c] : T(0)) - mean * alpha;
      for (int64_t n = 0; n < p.n; n++) {
        const T* xs = x + (n * p.c + c) * p.s;
        T* ys = y + (n * p.c + c) * p.s;
        for (int64_t i = 0; i < p.s; i++) ys[i] = xs[i] * alpha + beta;
      }
    }
  });
}

template <typename T>
void Backward(const Norm& p, const T* x, const T* dy, const T* w, const T* stats, T* dx, T* dwdb, bool training) {
  const int64_t M = p.n * p.s;
  ParallelFor(p.c, ChannelGrain(p), [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; c++) {
      const T mean = stats[c], invstd = stats[p.c + c];
      double sum = 0, dotp = 0;
      for (int64_t n = 0; n < p.n; n++) {
        const int64_t at = (n * p.c + c) * p.s;
        sum += static_cast<double>(SumSpan(dy + at, p.s));
        dotp += SumDeviationTimes(x + at, dy + at, p.s, static_cast<double>(mean));
      }
      const T wc = w ? w[c] : T(1);
      if (dx) {
        if (training) {
          const T k = static_cast<T>(dotp) * invstd * invstd / static_cast<T>(M);
          const T gradMean = static_cast<T>(sum) / static_cast<T>(M);
          const T scale = invstd * wc;
          for (int64_t n = 0; n < p.n; n++) {
            const int64_t at = (n * p.c + c) * p.s;
            for (int64_t i = 0; i < p.s; i++) dx[at + i] = (dy[at + i] - gradMean - (x[at + i] - mean) * k) * scale;
          }
        } else {
          const T scale = invstd * wc;
          for (int64_t n = 0; n < p.n; n++) {
            const int64_t at = (n * p.c + c) * p.s;
            for (int64_t i = 0; i < p.s; i++) dx[at + i] = dy[at + i] * scale;
          }
        }
      }
      if (dwdb) {
        dwdb[c] = static_cast<T>(dotp) * invstd;
        dwdb[p.c + c] = static_cast<T>(sum);
      }
    }
  });
}

// batchNorm(x, weight | null, bias | null, stats, y, layout [xOffset, yOffset, wOffset,
// bOffset, N, C, S], training, eps): y (at yOffset) = the normalised x. stats is dense [3C]
// (written when training, its mean and invstd read otherwise).
Napi::Value BatchNormFn(const Napi::CallbackInfo& info) {
  const char* fn = "batchNorm";
  Napi::Env env = info.Env();
  NormForwardArgs a = ReadNormForward(info, fn);
  Norm p = ParseNorm(env, fn, info, 5);
  const bool training = GetBool(info, 6, fn, "training");
  const double eps = GetNumber(info, 7, fn, "eps");
  if (!(eps >= 0)) ThrowRange(env, fn, "eps must be at least 0");
  CheckNormForward(env, fn, a, p.xOff, p.yOff, p.n * p.c * p.s, p.wOff, p.bOff, p.c, 3 * p.c, training);
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Forward<T>(p, a.x.as<T>() + p.xOff, At<T>(a.w, a.hasW, p.wOff), At<T>(a.b, a.hasB, p.bOff), a.y.as<T>() + p.yOff, a.stats.as<T>(),
               training, eps);
  };
  if (a.x.dtype == DType::F32) run(0.f);
  else run(0.0);
  return env.Undefined();
}

// batchNormBackward(x, dy, weight | null, stats, dx | null, dwdb | null, layout [xOffset,
// dyOffset, wOffset, bOffset (unused), N, C, S], training): dx dense [N, C, S] and dwdb dense
// [2C] (the weight's gradient, then the bias's), overwritten; stats as the forward left them.
Napi::Value BatchNormBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "batchNormBackward";
  Napi::Env env = info.Env();
  NormBackwardArgs a = ReadNormBackward(info, fn);
  Norm p = ParseNorm(env, fn, info, 6);
  const bool training = GetBool(info, 7, fn, "training");
  CheckNormBackward(env, fn, a, p.xOff, p.yOff, p.n * p.c * p.s, p.wOff, p.c, 2 * p.c);
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Backward<T>(p, a.x.as<T>() + p.xOff, a.dy.as<T>() + p.yOff, At<T>(a.w, a.hasW, p.wOff), a.stats.as<T>(), At<T>(a.dx, a.hasDx, 0),
                At<T>(a.dwdb, a.hasDwdb, 0), training);
  };
  if (a.x.dtype == DType::F32) run(0.f);
  else run(0.0);
  return env.Undefined();
}

}  // namespace

void InitBatchNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNorm", Napi::Function::New(env, BatchNormFn, "batchNorm"));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackwardFn, "batchNormBackward"));
}

}  // namespace kd
