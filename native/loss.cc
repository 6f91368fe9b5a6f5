// Fused classification losses over [N, C] rows: cross-entropy as log-softmax + NLL in one
// pass (with class weights, ignoreIndex and label smoothing), its backward recomputing the
// softmax from the saved row statistics, and NLL over given log-probabilities.
// Each row keeps its max and log-sum separately ("stats", 2 per row) rather than their sum:
// log p = (x - max) - logSum keeps full precision at large logits (x = 1e6 in float32),
// where x - (max + logSum) would lose the small part to rounding.
#include <cmath>

#include "fast_math.h"
#include "kernels.h"
#include "spans.h"
#include "thread_pool.h"

namespace kd {
namespace {

inline float Exp(float x) { return FastExp(x); }
inline double Exp(double x) { return std::exp(x); }

// Row helpers: the float forms vectorise (spans.h, and AVX2 clones); double keeps plain loops.
inline float RowMax(const float* row, int64_t n) { return MaxSpan(row, n); }
inline double RowMax(const double* row, int64_t n) {
  double mx = row[0];
  for (int64_t c = 1; c < n; c++) mx = std::max(mx, row[c]);
  return mx;
}
inline double RowSumExp(const float* row, int64_t n, float mx) { return SumExpShifted(row, n, mx); }
inline double RowSumExp(const double* row, int64_t n, double mx) {
  double s = 0;
  for (int64_t c = 0; c < n; c++) s += std::exp(row[c] - mx);
  return s;
}

// out[c] = scale * softmax(row)[c] - shift, the softmax from the row's max and log-sum.
KD_MULTIVERSION void ScaledSoftmaxRow(float* out, const float* row, int64_t n, float mx, float logSum, float scale, float shift) {
  for (int64_t c = 0; c < n; c++) out[c] = scale * FastExp((row[c] - mx) - logSum) - shift;
}
void ScaledSoftmaxRow(double* out, const double* row, int64_t n, double mx, double logSum, double scale, double shift) {
  for (int64_t c = 0; c < n; c++) out[c] = scale * std::exp((row[c] - mx) - logSum) - shift;
}

struct Rows {
  int64_t off, n, c;
};

Rows ReadRows(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  IntList l = GetIntList(info, i, fn, "layout");
  Rows r;
  r.off = l.Next("offset", 0, kMaxElements);
  r.n = l.Next("rows", 0, kMaxElements);
  r.c = l.Next("classes", 0, 2147483647);
  if (r.c != 0 && r.n > kMaxElements / r.c) ThrowRange(info.Env(), fn, "shape too large");
  return r;
}

// Every target must be a class index or the ignored index; checked before any row is read.
void CheckTargets(Napi::Env env, const char* fn, const Buf& t, const Rows& r, int64_t ignoreIndex) {
  CheckRange(env, fn, "target", t, 0, r.n);
  const int32_t* tp = t.as<int32_t>();
  for (int64_t i = 0; i < r.n; i++) {
    if (tp[i] == ignoreIndex) continue;
    if (tp[i] < 0 || tp[i] >= r.c) {
      ThrowRange(env, fn,
                 "target " + std::to_string(tp[i]) + " at position " + std::to_string(i) + " is out of bounds for " +
                     std::to_string(r.c) + " classes");
    }
  }
}

// Optional class weights: null, or a buffer of the logits' type with at least C entries.
const void* GetWeight(const Napi::CallbackInfo& info, size_t i, const char* fn, const Buf& like, const Rows& r) {
  if (IsNullish(info[i])) return nullptr;
  Buf w = GetBuf(info, i, fn, "weight");
  SameDType(info.Env(), fn, w, "weight", like, "input");
  CheckRange(info.Env(), fn, "weight", w, 0, r.c);
  return w.data;
}

template <typename T>
void CrossEntropyForward(const T* x, const int32_t* t, const T* w, int64_t ignore, Rows r, T* stats, T* nll, T* smooth,
                         T* rowW) {
  ParallelFor(r.n, std::max<int64_t>(1, kGrainTranscendental / std::max<int64_t>(r.c, 1)), [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; n++) {
      const T* row = x + n * r.c;
      T mx = RowMax(row, r.c);
      if (std::isinf(mx) && mx < 0) mx = 0;
      const T logSum = static_cast<T>(std::log(RowSumExp(row, r.c, mx)));
      stats[2 * n] = mx;
      stats[2 * n + 1] = logSum;
      if (t[n] == ignore) {
        nll[n] = smooth[n] = rowW[n] = 0;
        continue;
      }
      const T wt = w ? w[t[n]] : T(1);
      nll[n] = -wt * ((row[t[n]] - mx) - logSum);
      double sm = 0;
      if (w) {
        for (int64_t c = 0; c < r.c; c++) sm -= static_cast<double>(w[c]) * ((row[c] - mx) - logSum);
      } else {  // the same sum taken apart, so it vectorises: C (max + logSum) - sum(x)
        sm = static_cast<double>(r.c) * (static_cast<double>(mx) + static_cast<double>(logSum)) - static_cast<double>(SumSpan(row, r.c));
      }
      smooth[n] = static_cast<T>(sm);
      rowW[n] = wt;
    }
  });
}

// grad[n,c] = g_n * (a * w_t * (p_c - [c == t]) + b * (p_c * sum(w) - w_c)), 0 on ignored rows
template <typename T>
void CrossEntropyBackward(T* dx, const T* x, const int32_t* t, const T* w, int64_t ignore, Rows r, const T* stats,
                          const T* g, int64_t gLen, double a, double b) {
  double wsum = static_cast<double>(r.c);
  if (w) {
    wsum = 0;
    for (int64_t c = 0; c < r.c; c++) wsum += w[c];
  }
  ParallelFor(r.n, std::max<int64_t>(1, kGrainTranscendental / std::max<int64_t>(r.c, 1)), [&](int64_t n0, int64_t n1) {
    for (int64_t n = n0; n < n1; n++) {
      const T* row = x + n * r.c;
      T* out = dx + n * r.c;
      if (t[n] == ignore) {
        for (int64_t c = 0; c < r.c; c++) out[c] = 0;
        continue;
      }
      const T gn = gLen == 1 ? g[0] : g[n];
      const T ga = static_cast<T>(a) * gn * (w ? w[t[n]] : T(1));
      const T gb = static_cast<T>(b) * gn;
      const T gbw = gb * static_cast<T>(wsum);
      const T mx = stats[2 * n], logSum = stats[2 * n + 1];
      if (w) {
        for (int64_t c = 0; c < r.c; c++) {
          const T p = Exp(static_cast<T>((row[c] - mx) - logSum));
          out[c] = ga * p + gbw * p - gb * w[c];
        }
      } else {
        ScaledSoftmaxRow(out, row, r.c, mx, logSum, ga + gbw, gb);
      }
      out[t[n]] -= ga;
    }
  });
}

Buf GetOut(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, const Buf& like, int64_t n) {
  Buf b = GetBuf(info, i, fn, name);
  SameDType(info.Env(), fn, b, name, like, "input");
  CheckRange(info.Env(), fn, name, b, 0, n);
  return b;
}

// crossEntropy(x, target, weight|null, ignoreIndex, layout=[xOff, N, C], stats, nll, smooth, rowWeight)
Napi::Value CrossEntropyFn(const Napi::CallbackInfo& info) {
  const char* fn = "crossEntropy";
  Napi::Env env = info.Env();
  Buf x = GetFloatBuf(info, 0, fn, "input");
  Buf t = GetBufOf(info, 1, fn, "target", DType::I32);
  const int64_t ignore = GetInt(info, 3, fn, "ignoreIndex", INT32_MIN, INT32_MAX);
  Rows r = ReadRows(info, 4, fn);
  if (r.c == 0 && r.n > 0) ThrowRange(env, fn, "input has 0 classes");
  const void* w = GetWeight(info, 2, fn, x, r);
  CheckRange(env, fn, "input", x, r.off, r.n * r.c);
  CheckTargets(env, fn, t, r, ignore);
  Buf stats = GetOut(info, 5, fn, "stats", x, 2 * r.n);
  Buf nll = GetOut(info, 6, fn, "nll", x, r.n);
  Buf sm = GetOut(info, 7, fn, "smooth", x, r.n);
  Buf rw = GetOut(info, 8, fn, "rowWeight", x, r.n);
  if (x.dtype == DType::F32) {
    CrossEntropyForward<float>(x.as<float>() + r.off, t.as<int32_t>(), static_cast<const float*>(w), ignore, r,
                               stats.as<float>(), nll.as<float>(), sm.as<float>(), rw.as<float>());
  } else {
    CrossEntropyForward<double>(x.as<double>() + r.off, t.as<int32_t>(), static_cast<const double*>(w), ignore, r,
                                stats.as<double>(), nll.as<double>(), sm.as<double>(), rw.as<double>());
  }
  return env.Undefined();
}

// crossEntropyBackward(gradInput, x, target, weight|null, ignoreIndex, layout, stats, gradOut, a, b)
Napi::Value CrossEntropyBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "crossEntropyBackward";
  Napi::Env env = info.Env();
  Buf dx = GetFloatBuf(info, 0, fn, "gradInput");
  Buf x = GetFloatBuf(info, 1, fn, "input");
  SameDType(env, fn, dx, "gradInput", x, "input");
  Buf t = GetBufOf(info, 2, fn, "target", DType::I32);
  const int64_t ignore = GetInt(info, 4, fn, "ignoreIndex", INT32_MIN, INT32_MAX);
  Rows r = ReadRows(info, 5, fn);
  const void* w = GetWeight(info, 3, fn, x, r);
  CheckRange(env, fn, "input", x, r.off, r.n * r.c);
  CheckRange(env, fn, "gradInput", dx, 0, r.n * r.c);
  if (Overlaps(dx, 0, r.n * r.c, x, r.off, r.n * r.c)) ThrowRange(env, fn, "'gradInput' overlaps 'input'");
  CheckTargets(env, fn, t, r, ignore);
  Buf stats = GetOut(info, 6, fn, "stats", x, 2 * r.n);
  Buf g = GetBuf(info, 7, fn, "gradOut");
  SameDType(env, fn, g, "gradOut", x, "input");
  if (g.length != 1) CheckRange(env, fn, "gradOut", g, 0, r.n);
  if (g.length < 1 && r.n > 0) ThrowRange(env, fn, "argument 'gradOut' is empty");
  const double a = GetNumber(info, 8, fn, "a");
  const double b = GetNumber(info, 9, fn, "b");
  if (x.dtype == DType::F32) {
    CrossEntropyBackward<float>(dx.as<float>(), x.as<float>() + r.off, t.as<int32_t>(), static_cast<const float*>(w),
                                ignore, r, stats.as<float>(), g.as<float>(), g.length, a, b);
  } else {
    CrossEntropyBackward<double>(dx.as<double>(), x.as<double>() + r.off, t.as<int32_t>(),
                                 static_cast<const double*>(w), ignore, r, stats.as<double>(), g.as<double>(), g.length,
                                 a, b);
  }
  return env.Undefined();
}

// nllLoss(x, target, weight|null, ignoreIndex, layout, nll, rowWeight): nll_n = -w_t * x[n, t]
Napi::Value NllLossFn(const Napi::CallbackInfo& info) {
  const char* fn = "nllLoss";
  Napi::Env env = info.Env();
  Buf x = GetFloatBuf(info, 0, fn, "input");
  Buf t = GetBufOf(info, 1, fn, "target", DType::I32);
  const int64_t ignore = GetInt(info, 3, fn, "ignoreIndex", INT32_MIN, INT32_MAX);
  Rows r = ReadRows(info, 4, fn);
  const void* w = GetWeight(info, 2, fn, x, r);
  CheckRange(env, fn, "input", x, r.off, r.n * r.c);
  CheckTargets(env, fn, t, r, ignore);
  Buf nll = GetOut(info, 5, fn, "nll", x, r.n);
  Buf rw = GetOut(info, 6, fn, "rowWeight", x, r.n);
  auto run = [&](auto* xp, auto* wp, auto* np, auto* rp) {
    const int32_t* tp = t.as<int32_t>();
    for (int64_t n = 0; n < r.n; n++) {
      if (tp[n] == ignore) {
        np[n] = rp[n] = 0;
        continue;
      }
      const auto wt = wp ? wp[tp[n]] : 1;
      np[n] = -wt * xp[n * r.c + tp[n]];
      rp[n] = wt;
    }
  };
  if (x.dtype == DType::F32) run(x.as<float>() + r.off, static_cast<const float*>(w), nll.as<float>(), rw.as<float>());
  else run(x.as<double>() + r.off, static_cast<const double*>(w), nll.as<double>(), rw.as<double>());
  return env.Undefined();
}

// nllLossBackward(gradInput, target, weight|null, ignoreIndex, layout=[0, N, C], gradOut, scale):
// gradInput (zeroed here) gets -scale * g_n * w_t at [n, t].
Napi::Value NllLossBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "nllLossBackward";
  Napi::Env env = info.Env();
  Buf dx = GetFloatBuf(info, 0, fn, "gradInput");
  Buf t = GetBufOf(info, 1, fn, "target", DType::I32);
  const int64_t ignore = GetInt(info, 3, fn, "ignoreIndex", INT32_MIN, INT32_MAX);
  Rows r = ReadRows(info, 4, fn);
  const void* w = GetWeight(info, 2, fn, dx, r);
  CheckRange(env, fn, "gradInput", dx, r.off, r.n * r.c);
  CheckTargets(env, fn, t, r, ignore);
  Buf g = GetBuf(info, 5, fn, "gradOut");
  SameDType(env, fn, g, "gradOut", dx, "gradInput");
  if (g.length != 1) CheckRange(env, fn, "gradOut", g, 0, r.n);
  if (g.length < 1 && r.n > 0) ThrowRange(env, fn, "argument 'gradOut' is empty");
  const double scale = GetNumber(info, 6, fn, "scale");
  auto run = [&](auto* dp, auto* wp, auto* gp) {
    using T = std::remove_pointer_t<decltype(dp)>;
    const int32_t* tp = t.as<int32_t>();
    for (int64_t i = 0; i < r.n * r.c; i++) dp[i] = 0;
    for (int64_t n = 0; n < r.n; n++) {
      if (tp[n] == ignore) continue;
      const T gn = g.length == 1 ? gp[0] : gp[n];
      dp[n * r.c + tp[n]] = -static_cast<T>(scale) * gn * (wp ? wp[tp[n]] : T(1));
    }
  };
  if (dx.dtype == DType::F32) run(dx.as<float>() + r.off, static_cast<const float*>(w), g.as<float>());
  else run(dx.as<double>() + r.off, static_cast<const double*>(w), g.as<double>());
  return env.Undefined();
}

}  // namespace

void InitLoss(Napi::Env env, Napi::Object exports) {
  exports.Set("crossEntropy", Napi::Function::New(env, CrossEntropyFn, "crossEntropy"));
  exports.Set("crossEntropyBackward", Napi::Function::New(env, CrossEntropyBackwardFn, "crossEntropyBackward"));
  exports.Set("nllLoss", Napi::Function::New(env, NllLossFn, "nllLoss"));
  exports.Set("nllLossBackward", Napi::Function::New(env, NllLossBackwardFn, "nllLossBackward"));
}

}  // namespace kd
