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
  Buf x = GetFloatBuf(info, 0, fn, "x");
  const bool hasW = !IsNullish(info[1]), hasB = !IsNullish(info[2]);
  Buf w = hasW ? GetFloatBuf(info, 1, fn, "weight") : Buf{};
  Buf b = hasB ? GetFloatBuf(info, 2, fn, "bias") : Buf{};
  Buf stats = GetFloatBuf(info, 3, fn, "stats");
  Buf y = GetFloatBuf(info, 4, fn, "y");
  Rows p = ParseRows(env, fn, info, 5);
  const double eps = GetNumber(info, 6, fn, "eps");
  if (!(eps >= 0)) ThrowRange(env, fn, "eps must be at least 0");
  if (hasW) SameDType(env, fn, w, "weight", x, "x");
  if (hasB) SameDType(env, fn, b, "bias", x, "x");
  SameDType(env, fn, stats, "stats", x, "x");
  SameDType(env, fn, y, "y", x, "x");
  const int64_t count = p.r * p.m;
  CheckRange(env, fn, "x", x, p.xOff, count);
  CheckRange(env, fn, "y", y, p.yOff, count);
  if (hasW) CheckRange(env, fn, "weight", w, p.wOff, p.params);
  if (hasB) CheckRange(env, fn, "bias", b, p.bOff, p.params);
  CheckRange(env, fn, "stats", stats, 0, 2 * p.r);
  if (Overlaps(y, p.yOff, count, x, p.xOff, count)) ThrowRange(env, fn, "arguments 'y' and 'x' overlap");
  if (Overlaps(stats, 0, 2 * p.r, x, p.xOff, count) || Overlaps(stats, 0, 2 * p.r, y, p.yOff, count)) {
    ThrowRange(env, fn, "argument 'stats' overlaps 'x' or 'y'");
  }
  if (x.dtype == DType::F32) {
    Forward<float>(p, x.as<float>() + p.xOff, hasW ? w.as<float>() + p.wOff : nullptr, hasB ? b.as<float>() + p.bOff : nullptr,
                   y.as<float>() + p.yOff, stats.as<float>(), eps);
  } else {
    Forward<double>(p, x.as<double>() + p.xOff, hasW ? w.as<double>() + p.wOff : nullptr, hasB ? b.as<double>() + p.bOff : nullptr,
                    y.as<double>() + p.yOff, stats.as<double>(), eps);
  }
  return env.Undefined();
}

// rowNormBackward(x, dy, weight | null, stats, dx | null, dwdb | null, layout): dx dense [R, M]
// and dwdb dense [2P] (the weight's gradient, then the bias's), each skipped when null.
Napi::Value RowNormBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "rowNormBackward";
  Napi::Env env = info.Env();
  Buf x = GetFloatBuf(info, 0, fn, "x");
  Buf dy = GetFloatBuf(info, 1, fn, "dy");
  const bool hasW = !IsNullish(info[2]);
  Buf w = hasW ? GetFloatBuf(info, 2, fn, "weight") : Buf{};
  Buf stats = GetFloatBuf(info, 3, fn, "stats");
  const bool hasDx = !IsNullish(info[4]), hasDwdb = !IsNullish(info[5]);
  Buf dx = hasDx ? GetFloatBuf(info, 4, fn, "dx") : Buf{};
  Buf dwdb = hasDwdb ? GetFloatBuf(info, 5, fn, "dwdb") : Buf{};
  Rows p = ParseRows(env, fn, info, 6);
  SameDType(env, fn, dy, "dy", x, "x");
  if (hasW) SameDType(env, fn, w, "weight", x, "x");
  SameDType(env, fn, stats, "stats", x, "x");
  if (hasDx) SameDType(env, fn, dx, "dx", x, "x");
  if (hasDwdb) SameDType(env, fn, dwdb, "dwdb", x, "x");
  const int64_t count = p.r * p.m;
  CheckRange(env, fn, "x", x, p.xOff, count);
  CheckRange(env, fn, "dy", dy, p.yOff, count);
  if (hasW) CheckRange(env, fn, "weight", w, p.wOff, p.params);
  CheckRange(env, fn, "stats", stats, 0, 2 * p.r);
  if (hasDx) {
    CheckRange(env, fn, "dx", dx, 0, count);
    if (Overlaps(dx, 0, count, x, p.xOff, count) || Overlaps(dx, 0, count, dy, p.yOff, count)) {
      ThrowRange(env, fn, "argument 'dx' overlaps 'x' or 'dy'");
    }
  }
  if (hasDwdb) {
    CheckRange(env, fn, "dwdb", dwdb, 0, 2 * p.params);
    if (Overlaps(dwdb, 0, 2 * p.params, x, p.xOff, count) || Overlaps(dwdb, 0, 2 * p.params, dy, p.yOff, count) ||
        (hasDx && Overlaps(dwdb, 0, 2 * p.params, dx, 0, count))) {
      ThrowRange(env, fn, "argument 'dwdb' overlaps another argument");
    }
  }
  // the parameters' partial sums, one set per thread, allocated before any thread starts
  const int64_t slots = hasDwdb ? std::max<int64_t>(1, std::min<int64_t>(NumThreads(), p.r)) : std::min<int64_t>(NumThreads(), std::max<int64_t>(1, p.r));
  std::vector<double> part;
  if (hasDwdb) {
    try {
      part.assign(static_cast<size_t>(slots * 2 * p.params), 0.0);
    } catch (const std::exception&) {
      ThrowRange(env, fn, "cannot allocate the parameter gradients' partial sums");
    }
  }
  if (x.dtype == DType::F32) {
    Backward<float>(p, x.as<float>() + p.xOff, dy.as<float>() + p.yOff, hasW ? w.as<float>() + p.wOff : nullptr, stats.as<float>(),
                    hasDx ? dx.as<float>() : nullptr, hasDwdb ? dwdb.as<float>() : nullptr, part, slots);
  } else {
    Backward<double>(p, x.as<double>() + p.xOff, dy.as<double>() + p.yOff, hasW ? w.as<double>() + p.wOff : nullptr,
                     stats.as<double>(), hasDx ? dx.as<double>() : nullptr, hasDwdb ? dwdb.as<double>() : nullptr, part, slots);
  }
  return env.Undefined();
}

}  // namespace

void InitRowNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("rowNorm", Napi::Function::New(env, RowNormFn, "rowNorm"));
  exports.Set("rowNormBackward", Napi::Function::New(env, RowNormBackwardFn, "rowNormBackward"));
}

}  // namespace kd
