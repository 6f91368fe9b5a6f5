// Layer, group and instance normalisation, fused: x viewed as R rows of M elements, each row
// normalised by its own mean and biased variance (one statistics pass, one normalise pass),
// then an optional affine transform whose parameter for element j of row r is
// ((r mod A) * M + j) / D — layer norm: A = D = 1 (one parameter per element of the row);
// group norm: A = groups, D = spatial size (one per channel); instance norm: A = channels,
// D = M. The backward is one pass per row; the parameters' gradients are summed per thread
// over its rows and then across threads in a fixed order.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops (lib/ops/normalization.ts); an entry in test/native/fuzz.test.ts.
#include <algorithm>
#include <cmath>
#include <exception>
#include <vector>

#include "kernels.h"
#include "norm_args.h"
#include "spans.h"
#include "thread_pool.h"

namespace kd {
namespace {

struct Rows {
  int64_t xOff, yOff, wOff, bOff, r, m, a, d, params;
  int64_t Param(int64_t row, int64_t j) const { return a == 1 && d == 1 ? j : ((row % a) * m + j) / d; }
};

// layout: [xOffset, second offset (y's or dy's), wOffset, bOffset, R, M, A, D].
Rows ParseRows(Napi::Env env, const char* fn, const Napi::CallbackInfo& info, size_t i) {
  IntList l = GetIntList(info, i, fn, "layout");
  Rows p;
  p.xOff = l.Next("xOffset", 0, kMaxElements);
  p.yOff = l.Next("yOffset", 0, kMaxElements);
  p.wOff = l.Next("wOffset", 0, kMaxElements);
  p.bOff = l.Next("bOffset", 0, kMaxElements);
  p.r = l.Next("R", 0, kMaxElements);
  p.m = l.Next("M", 0, kMaxElements);
  p.a = l.Next("A", 1, kMaxElements);
  p.d = l.Next("D", 1, kMaxElements);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 8");
  if (p.m != 0 && p.r > kMaxElements / p.m) ThrowRange(env, fn, "shape too large");
  if (p.m != 0 && p.a > kMaxElements / p.m) ThrowRange(env, fn, "shape too large");
  if ((p.a * p.m) % p.d != 0) ThrowRange(env, fn, "A * M must be a multiple of D");
  p.params = p.a * p.m / p.d;
  return p;
}

int64_t RowGrain(const Rows& p) { return std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, p.m)); }

// stats: [mean R, rstd R].
template <typename T>
void Forward(const Rows& p, const T* x, const T* w, const T* b, T* y, T* stats, double eps) {
  ParallelFor(p.r, RowGrain(p), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r++) {
      const T* xr = x + r * p.m;
      T* yr = y + r * p.m;
      const double mean = p.m > 0 ? static_cast<double>(SumSpan(xr, p.m)) / static_cast<double>(p.m) : 0;
      const double var = p.m > 0 ? SumSquaredDeviation(xr, p.m, mean) / static_cast<double>(p.m) : 0;
      const T mu = static_cast<T>(mean), rstd = static_cast<T>(1.0 / std::sqrt(var + eps));
      stats[r] = mu;
      stats[p.r + r] = rstd;
      if (!w && !b) {
        for (int64_t j = 0; j < p.m; j++) yr[j] = (xr[j] - mu) * rstd;
      } else if (p.d == 1 && p.a == 1) {  // layer norm: parameters run along the row
        for (int64_t j = 0; j < p.m; j++) yr[j] = (xr[j] - mu) * rstd * (w ? w[j] : T(1)) + (b ? b[j] : T(0));
      } else {
        for (int64_t j = 0; j < p.m; j++) {
          const int64_t k = p.Param(r, j);
          yr[j] = (xr[j] - mu) * rstd * (w ? w[k] : T(1)) + (b ? b[k] : T(0));
        }
      }
    }
  });
}

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = dy * w; dw += dy * xhat, db += dy.
template <typename T>
void Backward(const Rows& p, const T* x, const T* dy, const T* w, const T* stats, T* dx, T* dwdb, std::vector<double>& part,
              int64_t slots) {
  const int64_t P = p.params;
  auto rows = [&](int64_t s, int64_t r0, int64_t r1) {
    double* pw = dwdb ? part.data() + s * 2 * P : nullptr;
    for (int64_t r = r0; r < r1; r++) {
      const T* xr = x + r * p.m;
      const T* gr = dy + r * p.m;
      const T mu = stats[r], rstd = stats[p.r + r];
      if (dx) {
        double sg = 0, sgx = 0;
        for (int64_t j = 0; j < p.m; j++) {
          const double g = static_cast<double>(gr[j]) * (w ? static_cast<double>(w[p.Param(r, j)]) : 1.0);
          sg += g;
          sgx += g * static_cast<double>((xr[j] - mu) * rstd);
        }
        const T mg = static_cast<T>(sg / static_cast<double>(p.m)), mgx = static_cast<T>(sgx / static_cast<double>(p.m));
        T* dr = dx + r * p.m;
        for (int64_t j = 0; j < p.m; j++) {
          const T g = gr[j] * (w ? w[p.Param(r, j)] : T(1));
          dr[j] = rstd * (g - mg - (xr[j] - mu) * rstd * mgx);
        }
      }
      if (pw) {
        for (int64_t j = 0; j < p.m; j++) {
          const int64_t k = p.Param(r, j);
          pw[k] += static_cast<double>(gr[j]) * static_cast<double>((xr[j] - mu) * rstd);
          pw[P + k] += static_cast<double>(gr[j]);
        }
      }
    }
  };
  if (slots <= 1) {
    rows(0, 0, p.r);
  } else {
    ParallelFor(slots, 1, [&](int64_t s0, int64_t s1) {
      for (int64_t s = s0; s < s1; s++) rows(s, s * p.r / slots, (s + 1) * p.r / slots);
    });
  }
  if (dwdb) {
    for (int64_t k = 0; k < 2 * P; k++) {
      double sum = 0;
      for (int64_t s = 0; s < slots; s++) sum += part[s * 2 * P + k];
      dwdb[k] = static_cast<T>(sum);
    }
  }
}

// rowNorm(x, weight | null, bias | null, stats, y, layout, eps): y (at yOffset) = x (at
// xOffset) normalised per row, with the affine transform; stats dense [2R] (mean, rstd).
Napi::Value RowNormFn(const Napi::CallbackInfo& info) {
  const char* fn = "rowNorm";
  Napi::Env env = info.Env();
  NormForwardArgs a = ReadNormForward(info, fn);
  Rows p = ParseRows(env, fn, info, 5);
  const double eps = GetNumber(info, 6, fn, "eps");
  if (!(eps >= 0)) ThrowRange(env, fn, "eps must be at least 0");
  CheckNormForward(env, fn, a, p.xOff, p.yOff, p.r * p.m, p.wOff, p.bOff, p.params, 2 * p.r, true);
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Forward<T>(p, a.x.as<T>() + p.xOff, At<T>(a.w, a.hasW, p.wOff), At<T>(a.b, a.hasB, p.bOff), a.y.as<T>() + p.yOff, a.stats.as<T>(), eps);
  };
  if (a.x.dtype == DType::F32) run(0.f);
  else run(0.0);
  return env.Undefined();
}

// rowNormBackward(x, dy, weight | null, stats, dx | null, dwdb | null, layout): dx dense [R, M]
// and dwdb dense [2P] (the weight's gradient, then the bias's), each skipped when null.
Napi::Value RowNormBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "rowNormBackward";
  Napi::Env env = info.Env();
  NormBackwardArgs a = ReadNormBackward(info, fn);
  Rows p = ParseRows(env, fn, info, 6);
  CheckNormBackward(env, fn, a, p.xOff, p.yOff, p.r * p.m, p.wOff, p.params, 2 * p.r);
  // the parameters' partial sums, one set per thread, allocated before any thread starts
  const int64_t slots = std::max<int64_t>(1, std::min<int64_t>(NumThreads(), p.r));
  std::vector<double> part;
  if (a.hasDwdb) {
    try {
      part.assign(static_cast<size_t>(slots * 2 * p.params), 0.0);
    } catch (const std::exception&) {
      ThrowRange(env, fn, "cannot allocate the parameter gradients' partial sums");
    }
  }
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Backward<T>(p, a.x.as<T>() + p.xOff, a.dy.as<T>() + p.yOff, At<T>(a.w, a.hasW, p.wOff), a.stats.as<T>(), At<T>(a.dx, a.hasDx, 0),
                At<T>(a.dwdb, a.hasDwdb, 0), part, slots);
  };
  if (a.x.dtype == DType::F32) run(0.f);
  else run(0.0);
  return env.Undefined();
}

}  // namespace

void InitRowNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("rowNorm", Napi::Function::New(env, RowNormFn, "rowNorm"));
  exports.Set("rowNormBackward", Napi::Function::New(env, RowNormBackwardFn, "rowNormBackward"));
}

}  // namespace kd
