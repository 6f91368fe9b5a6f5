// Reductions, softmax and log-softmax along one axis of a contiguous block viewed as
// [outer, R, inner] (JS merges adjacent reduced dims and makes inputs contiguous).
// Work is split into blocks whose boundaries depend only on the shape, never on the thread
// count, so results are bitwise identical whatever setNumThreads says.
#include <cmath>
#include <exception>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <limits>
#include <vector>

#include "fast_math.h"
#include "kernels.h"
#include "spans.h"
#include "thread_pool.h"

namespace kd {
namespace {

enum Reduce { R_SUM, R_MEAN, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN, R_VAR, R_STD, R_PROD, R_LOGSUMEXP, R_SUMSQ, R_COUNT };
const char* kReduceNames[] = {"sum", "mean", "max", "min", "argmax", "argmin", "var", "std", "prod", "logsumexp", "sumSquares"};
static_assert(sizeof(kReduceNames) / sizeof(kReduceNames[0]) == R_COUNT, "reduce names");

constexpr int64_t kSumBlock = 65536;  // elements per partial sum of a full reduction
constexpr int64_t kColBlock = 256;    // output columns per work item when inner > 1

// e^x: the vectorised form for float, libm's for double.
inline float Exp(float x) { return FastExp(x); }
inline double Exp(double x) { return std::exp(x); }

#if defined(__SSE2__)
// SSE2 registers of floats or doubles. Max(v, m) is v > m ? v : m (m when either is NaN),
// exactly the scalar select; Unordered(acc, v) sets acc's lanes where v is NaN.
template <typename T>
struct SseLanes;
template <>
struct SseLanes<float> {
  using V = __m128;
  static constexpr int kWidth = 4;
  static V Zero() { return _mm_setzero_ps(); }
  static V Load(const float* p) { return _mm_loadu_ps(p); }
  static void Store(float* p, V v) { _mm_store_ps(p, v); }
  static V Max(V v, V m) { return _mm_max_ps(v, m); }
  static V Min(V v, V m) { return _mm_min_ps(v, m); }
  static V Unordered(V acc, V v) { return _mm_or_ps(acc, _mm_cmpunord_ps(v, v)); }
};
template <>
struct SseLanes<double> {
  using V = __m128d;
  static constexpr int kWidth = 2;
  static V Zero() { return _mm_setzero_pd(); }
  static V Load(const double* p) { return _mm_loadu_pd(p); }
  static void Store(double* p, V v) { _mm_store_pd(p, v); }
  static V Max(V v, V m) { return _mm_max_pd(v, m); }
  static V Min(V v, V m) { return _mm_min_pd(v, m); }
  static V Unordered(V acc, V v) { return _mm_or_pd(acc, _mm_cmpunord_pd(v, v)); }
};
#endif

// The max (or min) of a contiguous span without its index, NaN winning as PyTorch's amax.
// Floats go through SSE2's max/min four (or two) lanes at a time, NaN noted by an unordered
// compare beside them: GCC leaves the plain select loop scalar (0.54 → 0.18 ms for 1M floats
// on one thread), and ExtremeSpan's branch per element (it tracks the index) is slower still.
template <typename T, bool IsMax>
T ExtremeValueSpan(const T* x, int64_t n) {
  auto pick = [](T v, T m) { return IsMax ? (v > m ? v : m) : (v < m ? v : m); };
  T r = x[0];
  bool nan = false;
  int64_t i = 1;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    using L = SseLanes<T>;
    constexpr int W = L::kWidth;
    if (n >= 4 * W) {
      typename L::V m[4], u[4];
      for (int k = 0; k < 4; k++) {
        m[k] = L::Load(x + k * W);
        u[k] = L::Unordered(L::Zero(), m[k]);
      }
      for (i = 4 * W; i + 4 * W <= n; i += 4 * W) {
        for (int k = 0; k < 4; k++) {
          const typename L::V v = L::Load(x + i + k * W);
          m[k] = IsMax ? L::Max(v, m[k]) : L::Min(v, m[k]);
          u[k] = L::Unordered(u[k], v);
        }
      }
      alignas(16) T lanes[4 * W], flags[4 * W];
      for (int k = 0; k < 4; k++) {
        L::Store(lanes + k * W, m[k]);
        L::Store(flags + k * W, u[k]);
      }
      for (int j = 0; j < 4 * W; j++) {
        r = pick(lanes[j], r);
        nan |= flags[j] != flags[j];  // an all-ones mask reads as a NaN
      }
    }
  }
#endif
  for (; i < n; i++) {
    r = pick(x[i], r);
    nan |= x[i] != x[i];
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (nan || x[0] != x[0]) return std::numeric_limits<T>::quiet_NaN();
  }
  return r;
}

// log(sum(exp(x))) of a span: its max taken out first (an all -inf span gives -inf, a +inf or
// NaN element gives itself), the exponentials summed in double.
template <typename T>
T LogSumExpSpan(const T* x, int64_t n, int64_t stride) {
  T mx = x[0];
  if (stride == 1) {
    mx = ExtremeValueSpan<T, true>(x, n);
    if (mx != mx) return mx;
  } else {
    bool nan = false;
    for (int64_t i = 1; i < n; i++) {
      const T v = x[i * stride];
      mx = v > mx ? v : mx;
      nan |= v != v;
    }
    if (nan || x[0] != x[0]) return std::numeric_limits<T>::quiet_NaN();
  }
  if (std::isinf(mx)) return mx;
  double sum = 0;
  if constexpr (std::is_same_v<T, float>) {
    if (stride == 1) return static_cast<T>(static_cast<double>(mx) + std::log(SumExpShifted(x, n, mx)));
  }
  for (int64_t i = 0; i < n; i++) sum += static_cast<double>(Exp(static_cast<T>(x[i * stride] - mx)));
  return static_cast<T>(static_cast<double>(mx) + std::log(sum));
}

// Products: floats in double; int32 wraps around modulo 2^32 like PyTorch's integer arithmetic.
template <typename T>
using ProdAcc = std::conditional_t<std::is_floating_point_v<T>, double, uint32_t>;

template <typename T>
ProdAcc<T> ProdSpan(const T* x, int64_t n, int64_t stride = 1) {
  ProdAcc<T> p = 1;
  for (int64_t i = 0; i < n; i++) p *= static_cast<ProdAcc<T>>(x[i * stride]);
  return p;
}

template <typename T, typename TO>
TO FromProd(ProdAcc<T> p) {
  if constexpr (std::is_floating_point_v<T>) return static_cast<TO>(p);
  else return static_cast<TO>(static_cast<int32_t>(p));
}

// Max/min with NaN winning and the first index kept on ties, as PyTorch.
template <typename T, bool IsMax>
inline bool Better(T v, T best) {
  if constexpr (std::is_floating_point_v<T>) {
    if (v != v) return best == best;
    if (best != best) return false;
  }
  return IsMax ? v > best : v < best;
}

template <typename T, bool IsMax>
void ExtremeSpan(const T* x, int64_t n, int64_t stride, T* best, int64_t* at) {
  T b = x[0];
  int64_t bi = 0;
  for (int64_t i = 1; i < n; i++) {
    T v = x[i * stride];
    if (Better<T, IsMax>(v, b)) {
      b = v;
      bi = i;
    }
  }
  *best = b;
  *at = bi;
}

struct Shape3 {
  int64_t outer, r, inner;
};

// inner == 1: each output reduces one contiguous span.
template <typename T, typename TO>
void ReduceRows(int op, const T* x, TO* out, Shape3 s, double correction) {
  const int64_t R = s.r;
  auto row = [&](int64_t o) -> void {
    const T* p = x + o * R;
    switch (op) {
      case R_SUM: out[o] = static_cast<TO>(SumSpan(p, R)); break;
      case R_SUMSQ: out[o] = static_cast<TO>(SumSquaredDeviation(p, R, 0.0)); break;
      case R_PROD: out[o] = FromProd<T, TO>(ProdSpan(p, R)); break;
      case R_LOGSUMEXP:
        if constexpr (std::is_floating_point_v<T>) out[o] = static_cast<TO>(LogSumExpSpan(p, R, 1));
        break;
      case R_MEAN: out[o] = static_cast<TO>(static_cast<double>(SumSpan(p, R)) / static_cast<double>(R)); break;
      case R_MAX: out[o] = static_cast<TO>(ExtremeValueSpan<T, true>(p, R)); break;
      case R_MIN: out[o] = static_cast<TO>(ExtremeValueSpan<T, false>(p, R)); break;
      case R_ARGMAX:
      case R_ARGMIN: {
        T b;
        int64_t at;
        if (op == R_MAX || op == R_ARGMAX) ExtremeSpan<T, true>(p, R, 1, &b, &at);
        else ExtremeSpan<T, false>(p, R, 1, &b, &at);
        out[o] = (op == R_MAX || op == R_MIN) ? static_cast<TO>(b) : static_cast<TO>(at);
        break;
      }
      case R_VAR:
      case R_STD: {
        double mean = static_cast<double>(SumSpan(p, R)) / static_cast<double>(R);
        double v = SumSquaredDeviation(p, R, mean) / std::max(0.0, static_cast<double>(R) - correction);
        out[o] = static_cast<TO>(op == R_STD ? std::sqrt(v) : v);
        break;
      }
    }
  };
  if (s.outer == 1 && R > kSumBlock && op != R_LOGSUMEXP) {
    // One long span: fixed blocks of partial results, combined in order.
    const int64_t nb = (R + kSumBlock - 1) / kSumBlock;
    auto blockLen = [&](int64_t b) { return std::min(kSumBlock, R - b * kSumBlock); };
    if (op == R_PROD) {
      std::vector<ProdAcc<T>> part(nb);
      ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) part[b] = ProdSpan(x + b * kSumBlock, blockLen(b));
      });
      ProdAcc<T> prod = 1;
      for (auto v : part) prod *= v;
      out[0] = FromProd<T, TO>(prod);
      return;
    }
    if (op == R_SUMSQ) {
      std::vector<double> part(nb);
      ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) part[b] = SumSquaredDeviation(x + b * kSumBlock, blockLen(b), 0.0);
      });
      double ss = 0;
      for (double v : part) ss += v;
      out[0] = static_cast<TO>(ss);
      return;
    }
    if (op == R_SUM || op == R_MEAN || op == R_VAR || op == R_STD) {
      std::vector<double> part(nb);
      ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) part[b] = static_cast<double>(SumSpan(x + b * kSumBlock, blockLen(b)));
      });
      double sum = 0;
      for (double v : part) sum += v;
      if (op == R_SUM) {
        out[0] = static_cast<TO>(sum);
        return;
      }
      double mean = sum / static_cast<double>(R);
      if (op == R_MEAN) {
        out[0] = static_cast<TO>(mean);
        return;
      }
      ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) part[b] = SumSquaredDeviation(x + b * kSumBlock, blockLen(b), mean);
      });
      double ss = 0;
      for (double v : part) ss += v;
      double v = ss / std::max(0.0, static_cast<double>(R) - correction);
      out[0] = static_cast<TO>(op == R_STD ? std::sqrt(v) : v);
      return;
    }
    const bool isMax = op == R_MAX || op == R_ARGMAX;
    if (op == R_MAX || op == R_MIN) {
      std::vector<T> part(nb);
      ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; b++) {
          const T* span = x + b * kSumBlock;
          part[b] = isMax ? ExtremeValueSpan<T, true>(span, blockLen(b)) : ExtremeValueSpan<T, false>(span, blockLen(b));
        }
      });
      out[0] = static_cast<TO>(isMax ? ExtremeValueSpan<T, true>(part.data(), nb) : ExtremeValueSpan<T, false>(part.data(), nb));
      return;
    }
    std::vector<T> best(nb);
    std::vector<int64_t> at(nb);
    ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) {
        if (isMax) ExtremeSpan<T, true>(x + b * kSumBlock, blockLen(b), 1, &best[b], &at[b]);
        else ExtremeSpan<T, false>(x + b * kSumBlock, blockLen(b), 1, &best[b], &at[b]);
        at[b] += b * kSumBlock;
      }
    });
    T b = best[0];
    int64_t bi = at[0];
    for (int64_t i = 1; i < nb; i++) {
      if (isMax ? Better<T, true>(best[i], b) : Better<T, false>(best[i], b)) {
        b = best[i];
        bi = at[i];
      }
    }
    out[0] = (op == R_MAX || op == R_MIN) ? static_cast<TO>(b) : static_cast<TO>(bi);
    return;
  }
  ParallelFor(s.outer, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(R, 1)), [&](int64_t o0, int64_t o1) {
    for (int64_t o = o0; o < o1; o++) row(o);
  });
}

// Sums over the rows of wide blocks (a bias gradient: [700, 10000] summed over its 700 rows).
// Column blocks would read every row in 1 KB pieces 40 KB apart; instead fixed blocks of
// kRowBlock rows are summed row by row in order into partial rows (in parallel), which are
// then added in block order — block boundaries depend on the shape only, so the result is the
// same for every thread count. False (the caller then takes the column path) for narrow or
// short blocks, or when the partial rows would not fit.
constexpr int64_t kRowBlock = 64;

template <typename T, typename TO>
bool SumWideRows(bool mean, const T* x, TO* out, Shape3 s) {
  if (s.inner < 1024 || s.r < 2 * kRowBlock) return false;
  const int64_t nb = (s.r + kRowBlock - 1) / kRowBlock;
  if (nb > (int64_t(1) << 24) / s.inner) return false;
  std::vector<Acc<T>> part;
  try {
    part.assign(static_cast<size_t>(nb * s.inner), Acc<T>(0));
  } catch (const std::exception&) {
    return false;
  }
  for (int64_t o = 0; o < s.outer; o++) {
    const T* base = x + o * s.r * s.inner;
    ParallelFor(nb, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) {
        Acc<T>* acc = part.data() + b * s.inner;
        std::fill(acc, acc + s.inner, Acc<T>(0));
        for (int64_t r = b * kRowBlock; r < std::min(s.r, (b + 1) * kRowBlock); r++) {
          const T* row = base + r * s.inner;
          for (int64_t j = 0; j < s.inner; j++) acc[j] += row[j];
        }
      }
    });
    TO* dst = out + o * s.inner;
    for (int64_t j = 0; j < s.inner; j++) {
      Acc<T> sum = 0;
      for (int64_t b = 0; b < nb; b++) sum += part[b * s.inner + j];
      dst[j] = mean ? static_cast<TO>(static_cast<double>(sum) / static_cast<double>(s.r)) : static_cast<TO>(sum);
    }
  }
  return true;
}

// inner > 1: each work item owns up to kColBlock output columns of one outer index and
// sweeps R rows over them, so memory is read in order.
template <typename T, typename TO>
void ReduceColumns(int op, const T* x, TO* out, Shape3 s, double correction) {
  if ((op == R_SUM || op == R_MEAN) && SumWideRows<T, TO>(op == R_MEAN, x, out, s)) return;
  const int64_t nColBlocks = (s.inner + kColBlock - 1) / kColBlock;
  const int64_t items = s.outer * nColBlocks;
  const int64_t grain = std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(s.r * kColBlock, 1));
  ParallelFor(items, grain, [&](int64_t i0, int64_t i1) {
    Acc<T> acc[kColBlock];
    double mean[kColBlock];
    T best[kColBlock];
    int64_t at[kColBlock];
    for (int64_t it = i0; it < i1; it++) {
      const int64_t o = it / nColBlocks;
      const int64_t j0 = (it % nColBlocks) * kColBlock;
      const int64_t w = std::min(kColBlock, s.inner - j0);
      const T* base = x + o * s.r * s.inner + j0;
      TO* dst = out + o * s.inner + j0;
      if (op == R_LOGSUMEXP) {
        if constexpr (std::is_floating_point_v<T>) {
          for (int64_t j = 0; j < w; j++) dst[j] = static_cast<TO>(LogSumExpSpan(base + j, s.r, s.inner));
        }
        continue;
      }
      if (op == R_PROD) {
        ProdAcc<T> prod[kColBlock];
        for (int64_t j = 0; j < w; j++) prod[j] = 1;
        for (int64_t r = 0; r < s.r; r++) {
          const T* p = base + r * s.inner;
          for (int64_t j = 0; j < w; j++) prod[j] *= static_cast<ProdAcc<T>>(p[j]);
        }
        for (int64_t j = 0; j < w; j++) dst[j] = FromProd<T, TO>(prod[j]);
        continue;
      }
      if (op == R_SUMSQ) {
        double sq[kColBlock];
        for (int64_t j = 0; j < w; j++) sq[j] = 0;
        for (int64_t r = 0; r < s.r; r++) {
          const T* p = base + r * s.inner;
          for (int64_t j = 0; j < w; j++) sq[j] += static_cast<double>(p[j]) * static_cast<double>(p[j]);
        }
        for (int64_t j = 0; j < w; j++) dst[j] = static_cast<TO>(sq[j]);
        continue;
      }
      if (op == R_SUM || op == R_MEAN || op == R_VAR || op == R_STD) {
        for (int64_t j = 0; j < w; j++) acc[j] = 0;
        for (int64_t r = 0; r < s.r; r++) {
          const T* p = base + r * s.inner;
          for (int64_t j = 0; j < w; j++) acc[j] += p[j];
        }
        if (op == R_SUM) {
          for (int64_t j = 0; j < w; j++) dst[j] = static_cast<TO>(acc[j]);
          continue;
        }
        for (int64_t j = 0; j < w; j++) mean[j] = static_cast<double>(acc[j]) / static_cast<double>(s.r);
        if (op == R_MEAN) {
          for (int64_t j = 0; j < w; j++) dst[j] = static_cast<TO>(mean[j]);
          continue;
        }
        double ss[kColBlock];
        for (int64_t j = 0; j < w; j++) ss[j] = 0;
        for (int64_t r = 0; r < s.r; r++) {
          const T* p = base + r * s.inner;
          for (int64_t j = 0; j < w; j++) {
            double d = p[j] - mean[j];
            ss[j] += d * d;
          }
        }
        const double denom = std::max(0.0, static_cast<double>(s.r) - correction);
        for (int64_t j = 0; j < w; j++) {
          double v = ss[j] / denom;
          dst[j] = static_cast<TO>(op == R_STD ? std::sqrt(v) : v);
        }
        continue;
      }
      const bool isMax = op == R_MAX || op == R_ARGMAX;
      for (int64_t j = 0; j < w; j++) {
        best[j] = base[j];
        at[j] = 0;
      }
      for (int64_t r = 1; r < s.r; r++) {
        const T* p = base + r * s.inner;
        for (int64_t j = 0; j < w; j++) {
          if (isMax ? Better<T, true>(p[j], best[j]) : Better<T, false>(p[j], best[j])) {
            best[j] = p[j];
            at[j] = r;
          }
        }
      }
      for (int64_t j = 0; j < w; j++) dst[j] = (op == R_MAX || op == R_MIN) ? static_cast<TO>(best[j]) : static_cast<TO>(at[j]);
    }
  });
}

template <typename T, typename TO>
void RunReduce(int op, const T* x, TO* out, Shape3 s, double correction) {
  if (s.outer == 0 || s.inner == 0) return;
  if (s.r == 0) {  // empty reductions: sum 0, prod 1, logsumexp -inf, mean/var NaN (max/min were refused earlier)
    const TO fillv = op == R_SUM || op == R_SUMSQ ? TO(0) : op == R_PROD ? TO(1)
                     : op == R_LOGSUMEXP ? static_cast<TO>(-std::numeric_limits<double>::infinity())
                                         : static_cast<TO>(std::numeric_limits<double>::quiet_NaN());
    for (int64_t i = 0; i < s.outer * s.inner; i++) out[i] = fillv;
    return;
  }
  if (s.inner == 1) ReduceRows<T, TO>(op, x, out, s, correction);
  else ReduceColumns<T, TO>(op, x, out, s, correction);
}

Shape3 ReadShape3(IntList& l) {
  Shape3 s;
  s.outer = l.Next("outer", 0, kMaxElements);
  s.r = l.Next("reduced", 0, kMaxElements);
  s.inner = l.Next("inner", 0, kMaxElements);
  return s;
}

void CheckShape3(Napi::Env env, const char* fn, const Shape3& s) {
  if (s.r != 0 && s.outer > kMaxElements / s.r) ThrowRange(env, fn, "shape too large");
  if (s.inner != 0 && s.outer * s.r > kMaxElements / s.inner) ThrowRange(env, fn, "shape too large");
}

// reduce(op, out, x, layout = [xOff, outOff, outer, R, inner], correction)
Napi::Value ReduceFn(const Napi::CallbackInfo& info) {
  const char* fn = "reduce";
  Napi::Env env = info.Env();
  const int op = static_cast<int>(GetInt(info, 0, fn, "op", 0, R_COUNT - 1));
  Buf out = GetBuf(info, 1, fn, "out");
  Buf x = GetBuf(info, 2, fn, "x");
  IntList l = GetIntList(info, 3, fn, "layout");
  const int64_t xOff = l.Next("xOffset", 0, kMaxElements);
  const int64_t outOff = l.Next("outOffset", 0, kMaxElements);
  Shape3 s = ReadShape3(l);
  CheckShape3(env, fn, s);
  const double correction = info.Length() > 4 && !IsNullish(info[4]) ? GetNumber(info, 4, fn, "correction") : 1.0;
  const bool isIndex = op == R_ARGMAX || op == R_ARGMIN;
  const bool needsFloat = op == R_MEAN || op == R_VAR || op == R_STD || op == R_LOGSUMEXP || op == R_SUMSQ;
  if (x.dtype == DType::Bool || (needsFloat && x.dtype == DType::I32)) {
    ThrowType(env, fn, std::string("op '") + kReduceNames[op] + "' does not accept a " + DTypeName(x.dtype));
  }
  if (isIndex) {
    if (out.dtype != DType::I32) ThrowType(env, fn, std::string("argument 'out' of ") + kReduceNames[op] + " must be an Int32Array, received " + DTypeName(out.dtype));
  } else {
    SameDType(env, fn, out, "out", x, "x");
  }
  if (s.r == 0 && (op == R_MAX || op == R_MIN || isIndex) && s.outer * s.inner > 0) {
    ThrowRange(env, fn, std::string(kReduceNames[op]) + " of an empty dimension is not defined");
  }
  if (isIndex && s.r > 2147483647) ThrowRange(env, fn, "reduced dimension too long for Int32 indices");
  CheckRange(env, fn, "x", x, xOff, s.outer * s.r * s.inner);
  CheckRange(env, fn, "out", out, outOff, s.outer * s.inner);
  if (Overlaps(out, outOff, s.outer * s.inner, x, xOff, s.outer * s.r * s.inner)) ThrowRange(env, fn, "output 'out' overlaps input 'x'");
  switch (x.dtype) {
    case DType::F32:
      if (isIndex) RunReduce<float, int32_t>(op, x.as<float>() + xOff, out.as<int32_t>() + outOff, s, correction);
      else RunReduce<float, float>(op, x.as<float>() + xOff, out.as<float>() + outOff, s, correction);
      break;
    case DType::F64:
      if (isIndex) RunReduce<double, int32_t>(op, x.as<double>() + xOff, out.as<int32_t>() + outOff, s, correction);
      else RunReduce<double, double>(op, x.as<double>() + xOff, out.as<double>() + outOff, s, correction);
      break;
    case DType::I32:
      RunReduce<int32_t, int32_t>(op, x.as<int32_t>() + xOff, out.as<int32_t>() + outOff, s, correction);
      break;
    case DType::Bool:
      break;
  }
  return env.Undefined();
}

// ---- softmax / log-softmax ---------------------------------------------------------------

// One softmax row of R elements at stride `st`.
// Contiguous float rows: the max through SSE2 lanes, the exponentials and sums in loops the
// compiler vectorises (AVX-512/AVX2 clones), instead of one scalar pass per step.
KD_MULTIVERSION void ExpShiftedInto(const float* x, float* y, int64_t n, float shift) {
  for (int64_t i = 0; i < n; i++) y[i] = FastExp(x[i] - shift);
}
KD_MULTIVERSION void ScaleInto(float* y, int64_t n, float k) {
  for (int64_t i = 0; i < n; i++) y[i] *= k;
}
KD_MULTIVERSION void ShiftInto(const float* x, float* y, int64_t n, float mx, float logSum) {
  for (int64_t i = 0; i < n; i++) y[i] = (x[i] - mx) - logSum;
}

void SoftmaxRowFast(bool log, const float* x, float* y, int64_t R) {
  float mx = ExtremeValueSpan<float, true>(x, R);
  if (std::isinf(mx) && mx < 0) mx = 0;
  if (log) {
    const float logSum = static_cast<float>(std::log(SumExpShifted(x, R, mx)));
    ShiftInto(x, y, R, mx, logSum);
  } else {
    ExpShiftedInto(x, y, R, mx);
    ScaleInto(y, R, static_cast<float>(1.0 / SumSpan(y, R)));
  }
}

template <typename T>
void SoftmaxRow(bool log, const T* x, T* y, int64_t R, int64_t st) {
  if constexpr (std::is_same_v<T, float>) {
    if (st == 1 && R >= 16) {
      SoftmaxRowFast(log, x, y, R);
      return;
    }
  }
  T mx = x[0];
  for (int64_t r = 1; r < R; r++) mx = std::max(mx, x[r * st]);
  if (std::isinf(mx) && mx < 0) mx = 0;  // an all -inf row: keep exp finite-free of NaN from inf - inf
  double sum = 0;
  if (log) {
    for (int64_t r = 0; r < R; r++) sum += static_cast<double>(Exp(static_cast<T>(x[r * st] - mx)));
    // (x - max) - logSum, not x - (max + logSum): the sum would round away logSum at large x.
    const T logSum = static_cast<T>(std::log(sum));
    for (int64_t r = 0; r < R; r++) y[r * st] = (x[r * st] - mx) - logSum;
  } else {
    for (int64_t r = 0; r < R; r++) {
      T e = Exp(static_cast<T>(x[r * st] - mx));
      y[r * st] = e;
      sum += e;
    }
    const T inv = static_cast<T>(1.0 / sum);
    for (int64_t r = 0; r < R; r++) y[r * st] *= inv;
  }
}

// softmax backward: dx = y * (g - sum(g * y)); log-softmax: dx = g - exp(y) * sum(g)
template <typename T>
void SoftmaxBackwardRow(bool log, const T* g, const T* y, T* dx, int64_t R, int64_t st) {
  double acc = 0;
  if (log) {
    for (int64_t r = 0; r < R; r++) acc += g[r * st];
    const T s = static_cast<T>(acc);
    for (int64_t r = 0; r < R; r++) dx[r * st] = g[r * st] - Exp(y[r * st]) * s;
  } else {
    for (int64_t r = 0; r < R; r++) acc += static_cast<double>(g[r * st]) * y[r * st];
    const T s = static_cast<T>(acc);
    for (int64_t r = 0; r < R; r++) dx[r * st] = y[r * st] * (g[r * st] - s);
  }
}

template <typename F>
void ForEachLane(Shape3 s, F f) {
  const int64_t lanes = s.outer * s.inner;
  ParallelFor(lanes, std::max<int64_t>(1, kGrainTranscendental / std::max<int64_t>(s.r, 1)), [&](int64_t l0, int64_t l1) {
    for (int64_t l = l0; l < l1; l++) {
      const int64_t o = l / s.inner, j = l % s.inner;
      f(o * s.r * s.inner + j);
    }
  });
}

// softmax(log, out, x, layout = [xOff, outOff, outer, R, inner])
Napi::Value SoftmaxFn(const Napi::CallbackInfo& info) {
  const char* fn = "softmax";
  Napi::Env env = info.Env();
  const bool log = GetBool(info, 0, fn, "log");
  Buf out = GetFloatBuf(info, 1, fn, "out");
  Buf x = GetFloatBuf(info, 2, fn, "x");
  SameDType(env, fn, out, "out", x, "x");
  IntList l = GetIntList(info, 3, fn, "layout");
  const int64_t xOff = l.Next("xOffset", 0, kMaxElements);
  const int64_t outOff = l.Next("outOffset", 0, kMaxElements);
  Shape3 s = ReadShape3(l);
  CheckShape3(env, fn, s);
  const int64_t n = s.outer * s.r * s.inner;
  CheckRange(env, fn, "x", x, xOff, n);
  CheckRange(env, fn, "out", out, outOff, n);
  if (n == 0) return env.Undefined();
  auto run = [&](auto* xp, auto* yp) {
    ForEachLane(s, [&](int64_t base) { SoftmaxRow(log, xp + base, yp + base, s.r, s.inner); });
  };
  if (x.dtype == DType::F32) run(x.as<float>() + xOff, out.as<float>() + outOff);
  else run(x.as<double>() + xOff, out.as<double>() + outOff);
  return env.Undefined();
}

// softmaxBackward(log, gradIn, gradOut, y, layout = [gOff, yOff, outOff, outer, R, inner])
Napi::Value SoftmaxBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "softmaxBackward";
  Napi::Env env = info.Env();
  const bool log = GetBool(info, 0, fn, "log");
  Buf dx = GetFloatBuf(info, 1, fn, "gradIn");
  Buf g = GetFloatBuf(info, 2, fn, "gradOut");
  Buf y = GetFloatBuf(info, 3, fn, "y");
  SameDType(env, fn, dx, "gradIn", g, "gradOut");
  SameDType(env, fn, dx, "gradIn", y, "y");
  IntList l = GetIntList(info, 4, fn, "layout");
  const int64_t gOff = l.Next("gradOutOffset", 0, kMaxElements);
  const int64_t yOff = l.Next("yOffset", 0, kMaxElements);
  const int64_t dxOff = l.Next("gradInOffset", 0, kMaxElements);
  Shape3 s = ReadShape3(l);
  CheckShape3(env, fn, s);
  const int64_t n = s.outer * s.r * s.inner;
  CheckRange(env, fn, "gradOut", g, gOff, n);
  CheckRange(env, fn, "y", y, yOff, n);
  CheckRange(env, fn, "gradIn", dx, dxOff, n);
  if (n == 0) return env.Undefined();
  auto run = [&](auto* gp, auto* yp, auto* dp) {
    ForEachLane(s, [&](int64_t base) { SoftmaxBackwardRow(log, gp + base, yp + base, dp + base, s.r, s.inner); });
  };
  if (dx.dtype == DType::F32) run(g.as<float>() + gOff, y.as<float>() + yOff, dx.as<float>() + dxOff);
  else run(g.as<double>() + gOff, y.as<double>() + yOff, dx.as<double>() + dxOff);
  return env.Undefined();
}

}  // namespace

void InitReduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduceOps", OpTable(env, kReduceNames, R_COUNT));
  exports.Set("reduce", Napi::Function::New(env, ReduceFn, "reduce"));
  exports.Set("softmax", Napi::Function::New(env, SoftmaxFn, "softmax"));
  exports.Set("softmaxBackward", Napi::Function::New(env, SoftmaxBackwardFn, "softmaxBackward"));
}

}  // namespace kd
