// Elementwise kernels over strided operands: unary math, binary arithmetic with broadcasting
// (stride-0 operands), comparisons, the pointwise backward formulas, where, fill and
// copy-with-cast. Every entry point reads and checks its layout before touching memory.
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "fast_math.h"
#include "kernels.h"
#include "strided.h"
#include "thread_pool.h"

namespace kd {
namespace {

// ---- op tables (exported to JS so both sides share the codes) --------------------------

enum Unary {
  U_NEG, U_EXP, U_LOG, U_SQRT, U_ABS, U_RELU, U_SIGMOID, U_TANH, U_CLAMP, U_LEAKY_RELU,
  U_GELU, U_SIGN, U_POW_SCALAR, U_LOG1P, U_SQUARE, U_RECIPROCAL,
  U_SIN, U_COS, U_TAN, U_ASIN, U_ACOS, U_ATAN, U_SINH, U_COSH, U_ASINH, U_ACOSH, U_ATANH,
  U_EXP2, U_EXPM1, U_LOG2, U_LOG10, U_ERF, U_ERFINV, U_ERFC, U_FLOOR, U_CEIL, U_ROUND, U_TRUNC, U_FRAC,
  U_RSQRT,
  // predicates: output is a Uint8Array (bool)
  U_ISNAN, U_ISINF, U_ISFINITE,
  U_COUNT
};
const char* kUnaryNames[] = {"neg",  "exp",  "log",       "sqrt",   "abs",   "relu",
                             "sigmoid", "tanh", "clamp", "leakyRelu", "gelu", "sign",
                             "powScalar", "log1p", "square", "reciprocal",
                             "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh",
                             "exp2", "expm1", "log2", "log10", "erf", "erfinv", "erfc", "floor", "ceil", "round", "trunc", "frac",
                             "rsqrt", "isnan", "isinf", "isfinite"};

enum Binary {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM,
  // comparisons: output is a Uint8Array (bool)
  B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  // backward formulas: a is the incoming gradient, b what the forward saved
  B_RELU_BWD, B_SIGMOID_BWD, B_TANH_BWD, B_CLAMP_BWD, B_LEAKY_RELU_BWD, B_GELU_BWD,
  B_POW_SCALAR_BWD, B_SQRT_BWD, B_ABS_BWD,
  B_ATAN2, B_REMAINDER, B_FMOD, B_HYPOT,
  B_ADD_SCALED,  // a + p1 * b: add_/sub_ with alpha in one pass
  // bitwise and, or, xor: int32 and bool only (the entry refuses floating-point inputs)
  B_BITAND, B_BITOR, B_BITXOR,
  B_COUNT
};
const char* kBinaryNames[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum",
                              "eq", "ne", "lt", "le", "gt", "ge",
                              "reluBackward", "sigmoidBackward", "tanhBackward", "clampBackward",
                              "leakyReluBackward", "geluBackward", "powScalarBackward", "sqrtBackward",
                              "absBackward", "atan2", "remainder", "fmod", "hypot", "addScaled",
                              "bitwiseAnd", "bitwiseOr", "bitwiseXor"};

static_assert(sizeof(kUnaryNames) / sizeof(kUnaryNames[0]) == U_COUNT, "unary names");
static_assert(sizeof(kBinaryNames) / sizeof(kBinaryNames[0]) == B_COUNT, "binary names");

bool IsComparison(int op) { return op >= B_EQ && op <= B_GE; }
bool IsBitwise(int op) { return op >= B_BITAND && op <= B_BITXOR; }
bool IsPredicate(int op) { return op >= U_ISNAN && op <= U_ISFINITE; }
bool IsTranscendental(int op) {
  return op == U_EXP || op == U_LOG || op == U_TANH || op == U_SIGMOID || op == U_GELU || op == U_LOG1P ||
         (op >= U_SIN && op <= U_ERFC);
}

// ---- generic strided maps ----------------------------------------------------------------

// Long contiguous runs of floating-point output are written with non-temporal (streaming)
// stores: an op's output is usually a fresh buffer that is not in cache, and a normal store
// first reads every line from memory (a third more traffic for add). Runs below the
// threshold, which may well be in cache, use normal stores.
constexpr int64_t kStreamMinBytes = 1 << 19;

// In-place runs (out is x) take the plain per-element loops, which read before they write.
inline bool Overlapping(const void* o, const void* x, int64_t n) {
  return o == x || (static_cast<const char*>(o) < static_cast<const char*>(x) + n * 4 && static_cast<const char*>(x) < static_cast<const char*>(o) + n * 4);
}

#if defined(__SSE2__)
inline void Stream(float* p, const float* v) {
  for (int k = 0; k < 16; k += 4) _mm_stream_ps(p + k, _mm_loadu_ps(v + k));
}
inline void Stream(double* p, const double* v) {
  for (int k = 0; k < 8; k += 2) _mm_stream_pd(p + k, _mm_loadu_pd(v + k));
}
#endif

template <typename TO, typename F>
inline void StoreRun(TO* o, int64_t n, F value) {
#if defined(__SSE2__)
  if constexpr (std::is_same_v<TO, float> || std::is_same_v<TO, double>) {
    if (n * static_cast<int64_t>(sizeof(TO)) >= kStreamMinBytes) {
      constexpr int64_t kLine = 64 / sizeof(TO);
      constexpr int64_t kBlock = 4096 / sizeof(TO);  // computed into L1 by a loop GCC vectorises, then streamed out
      int64_t i = 0;
      for (; i < n && (reinterpret_cast<uintptr_t>(o + i) & 63) != 0; i++) o[i] = value(i);
      alignas(64) TO block[kBlock];
      for (; i + kBlock <= n; i += kBlock) {
        for (int64_t j = 0; j < kBlock; j++) block[j] = value(i + j);
        for (int64_t j = 0; j < kBlock; j += kLine) Stream(o + i + j, block + j);
      }
      for (; i < n; i++) o[i] = value(i);
      // streaming stores are weakly ordered: make them visible before the pool reports done
      _mm_sfence();
      return;
    }
  }
#endif
  for (int64_t i = 0; i < n; i++) o[i] = value(i);
}

// out[i] = f(a[i]); contiguous runs get a plain loop GCC can vectorise.
template <typename TO, typename TA, typename F>
void Map1(Strided<2> s, TO* out, const TA* a, int64_t grain, F f) {
  Collapse(s);
  ParallelFor(s.numel, grain, [&](int64_t begin, int64_t end) {
    ForEachRun<2>(s, begin, end, [&](const int64_t* off, const int64_t* in, int64_t n) {
      TO* o = out + off[0];
      const TA* x = a + off[1];
      if (in[0] == 1 && in[1] == 1) {
        StoreRun(o, n, [&](int64_t i) { return f(x[i]); });
      } else if (in[0] == 1 && in[1] == 0) {
        const TO v = f(*x);
        for (int64_t i = 0; i < n; i++) o[i] = v;
      } else {
        for (int64_t i = 0; i < n; i++) o[i * in[0]] = f(x[i * in[1]]);
      }
    });
  });
}

// out[i] = f(a[i], b[i]) with broadcasting through stride-0 operands.
template <typename TO, typename T, typename F>
void Map2(Strided<3> s, TO* out, const T* a, const T* b, int64_t grain, F f) {
  Collapse(s);
  ParallelFor(s.numel, grain, [&](int64_t begin, int64_t end) {
    ForEachRun<3>(s, begin, end, [&](const int64_t* off, const int64_t* in, int64_t n) {
      TO* o = out + off[0];
      const T* x = a + off[1];
      const T* y = b + off[2];
      if (in[0] == 1 && in[1] == 1 && in[2] == 1) {
        StoreRun(o, n, [&](int64_t i) { return f(x[i], y[i]); });
      } else if (in[0] == 1 && in[1] == 1 && in[2] == 0) {
        const T yv = *y;
        StoreRun(o, n, [&](int64_t i) { return f(x[i], yv); });
      } else if (in[0] == 1 && in[1] == 0 && in[2] == 1) {
        const T xv = *x;
        StoreRun(o, n, [&](int64_t i) { return f(xv, y[i]); });
      } else {
        for (int64_t i = 0; i < n; i++) o[i * in[0]] = f(x[i * in[1]], y[i * in[2]]);
      }
    });
  });
}

template <typename T, typename F>
void Map3(Strided<4> s, T* out, const uint8_t* c, const T* a, const T* b, int64_t grain, F f) {
  Collapse(s);
  ParallelFor(s.numel, grain, [&](int64_t begin, int64_t end) {
    ForEachRun<4>(s, begin, end, [&](const int64_t* off, const int64_t* in, int64_t n) {
      T* o = out + off[0];
      const uint8_t* pc = c + off[1];
      const T* x = a + off[2];
      const T* y = b + off[3];
      for (int64_t i = 0; i < n; i++) o[i * in[0]] = f(pc[i * in[1]], x[i * in[2]], y[i * in[3]]);
    });
  });
}

// ---- scalar formulas ---------------------------------------------------------------------

template <typename T>
inline T Sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

template <typename T>
inline T Gelu(T x) {
  return T(0.5) * x * (T(1) + std::erf(x * T(0.70710678118654752440)));
}

template <typename T>
inline T GeluGrad(T x) {
  const T cdf = T(0.5) * (T(1) + std::erf(x * T(0.70710678118654752440)));
  const T pdf = std::exp(T(-0.5) * x * x) * T(0.39894228040143267794);
  return cdf + x * pdf;
}

template <typename T>
inline T Sign(T x) {
  return static_cast<T>((T(0) < x) - (x < T(0)));
}

// NaN bounds mean "no bound", as PyTorch's optional min/max.
template <typename T>
inline T Clamp(T x, double lo, double hi) {
  if (!std::isnan(lo) && x < static_cast<T>(lo)) x = static_cast<T>(lo);
  if (!std::isnan(hi) && x > static_cast<T>(hi)) x = static_cast<T>(hi);
  return x;
}

// Inverse error function: Giles' single-precision approximation ("Approximating the erfinv
// function", GPU Computing Gems, 2011) as a start, then two Newton steps in double, which
// reach double precision. +-1 give +-inf, outside [-1, 1] NaN.
inline double ErfInv(double y) {
  if (!(y >= -1 && y <= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1) return std::numeric_limits<double>::infinity();
  if (y == -1) return -std::numeric_limits<double>::infinity();
  double w = -std::log((1.0 - y) * (1.0 + y));
  double x;
  if (w < 5.0) {
    w -= 2.5;
    double p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
    x = p * y;
  } else {
    w = std::sqrt(w) - 3.0;
    double p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w; p = 2.83297682 + p * w;
    x = p * y;
  }
  for (int i = 0; i < 2; i++) x -= (std::erf(x) - y) / (1.1283791670955126 * std::exp(-x * x));  // 2/sqrt(pi)
  return x;
}

// One contiguous block of a float op with a vectorised fast form; compiled for AVX2 too and
// picked at run time. Returns whether some element needs redoing (sin/cos past kSinBig).
KD_MULTIVERSION bool FastBlock(int op, float* __restrict o, const float* __restrict x, int64_t n) {
  switch (op) {
    case U_SIN: for (int64_t i = 0; i < n; i++) o[i] = FastSin(x[i]); break;
    case U_COS: for (int64_t i = 0; i < n; i++) o[i] = FastCos(x[i]); break;
    case U_EXP: for (int64_t i = 0; i < n; i++) o[i] = FastExp(x[i]); return false;
    case U_TANH: for (int64_t i = 0; i < n; i++) o[i] = FastTanh(x[i]); return false;
    case U_SIGMOID: for (int64_t i = 0; i < n; i++) o[i] = FastSigmoid(x[i]); return false;
  }
  int big = 0;
  for (int64_t i = 0; i < n; i++) big |= std::abs(x[i]) > kSinBig;
  return big != 0;
}

inline bool HasFastForm(int op) { return op == U_SIN || op == U_COS || op == U_EXP || op == U_TANH || op == U_SIGMOID; }

inline float FastScalar(int op, float v) {
  switch (op) {
    case U_SIN: return std::abs(v) > kSinBig ? std::sin(v) : FastSin(v);
    case U_COS: return std::abs(v) > kSinBig ? std::cos(v) : FastCos(v);
    case U_EXP: return FastExp(v);
    case U_TANH: return FastTanh(v);
    default: return FastSigmoid(v);
  }
}

void MapFast(int op, Strided<2> s, float* out, const float* a) {
  Collapse(s);
  ParallelFor(s.numel, kGrainTranscendental, [&](int64_t begin, int64_t end) {
    ForEachRun<2>(s, begin, end, [&](const int64_t* off, const int64_t* in, int64_t n) {
      float* o = out + off[0];
      const float* x = a + off[1];
      if (in[0] == 1 && in[1] == 1 && !Overlapping(o, x, n)) {
        constexpr int64_t kBlock = 1024;
        for (int64_t b = 0; b < n; b += kBlock) {
          const int64_t e = std::min(n, b + kBlock);
          if (!FastBlock(op, o + b, x + b, e - b)) continue;
          for (int64_t i = b; i < e; i++) {
            if (std::abs(x[i]) > kSinBig) o[i] = op == U_COS ? std::cos(x[i]) : std::sin(x[i]);
          }
        }
      } else {
        for (int64_t i = 0; i < n; i++) o[i * in[0]] = FastScalar(op, x[i * in[1]]);
      }
    });
  });
}

template <typename T>
void RunUnaryFloat(int op, const Strided<2>& s, T* o, const T* x, double p1, double p2) {
  if constexpr (std::is_same_v<T, float>) {
    if (HasFastForm(op)) return MapFast(op, s, o, x);
  }
  const int64_t g = IsTranscendental(op) ? kGrainTranscendental : kGrainElementwise;
  const T a = static_cast<T>(p1);
  switch (op) {
    case U_NEG: return Map1(s, o, x, g, [](T v) { return -v; });
    case U_EXP: return Map1(s, o, x, g, [](T v) { return std::exp(v); });
    case U_LOG: return Map1(s, o, x, g, [](T v) { return std::log(v); });
    case U_SQRT: return Map1(s, o, x, g, [](T v) { return std::sqrt(v); });
    case U_ABS: return Map1(s, o, x, g, [](T v) { return std::abs(v); });
    case U_RELU: return Map1(s, o, x, g, [](T v) { return !(v <= T(0)) ? v : T(0); });  // NaN stays NaN
    case U_SIGMOID: return Map1(s, o, x, g, [](T v) { return Sigmoid(v); });
    case U_TANH: return Map1(s, o, x, g, [](T v) { return std::tanh(v); });
    case U_CLAMP: return Map1(s, o, x, g, [=](T v) { return Clamp(v, p1, p2); });
    case U_LEAKY_RELU: return Map1(s, o, x, g, [=](T v) { return v > T(0) ? v : v * a; });
    case U_GELU: return Map1(s, o, x, g, [](T v) { return Gelu(v); });
    // (0 < v) - (v < 0), as PyTorch computes it: NaN has sign 0 (NumPy would give NaN)
    case U_SIGN: return Map1(s, o, x, g, [](T v) { return Sign(v); });
    case U_POW_SCALAR:
      if (p1 == 2) return Map1(s, o, x, g, [](T v) { return v * v; });
      if (p1 == 0.5) return Map1(s, o, x, g, [](T v) { return std::sqrt(v); });
      return Map1(s, o, x, kGrainTranscendental, [=](T v) { return std::pow(v, a); });
    case U_LOG1P: return Map1(s, o, x, g, [](T v) { return std::log1p(v); });
    case U_SQUARE: return Map1(s, o, x, g, [](T v) { return v * v; });
    case U_RECIPROCAL: return Map1(s, o, x, g, [](T v) { return T(1) / v; });
    case U_SIN: return Map1(s, o, x, g, [](T v) { return std::sin(v); });
    case U_COS: return Map1(s, o, x, g, [](T v) { return std::cos(v); });
    case U_TAN: return Map1(s, o, x, g, [](T v) { return std::tan(v); });
    case U_ASIN: return Map1(s, o, x, g, [](T v) { return std::asin(v); });
    case U_ACOS: return Map1(s, o, x, g, [](T v) { return std::acos(v); });
    case U_ATAN: return Map1(s, o, x, g, [](T v) { return std::atan(v); });
    case U_SINH: return Map1(s, o, x, g, [](T v) { return std::sinh(v); });
    case U_COSH: return Map1(s, o, x, g, [](T v) { return std::cosh(v); });
    case U_ASINH: return Map1(s, o, x, g, [](T v) { return std::asinh(v); });
    case U_ACOSH: return Map1(s, o, x, g, [](T v) { return std::acosh(v); });
    case U_ATANH: return Map1(s, o, x, g, [](T v) { return std::atanh(v); });
    case U_EXP2: return Map1(s, o, x, g, [](T v) { return std::exp2(v); });
    case U_EXPM1: return Map1(s, o, x, g, [](T v) { return std::expm1(v); });
    case U_LOG2: return Map1(s, o, x, g, [](T v) { return std::log2(v); });
    case U_LOG10: return Map1(s, o, x, g, [](T v) { return std::log10(v); });
    case U_ERF: return Map1(s, o, x, g, [](T v) { return std::erf(v); });
    case U_ERFINV: return Map1(s, o, x, g, [](T v) { return static_cast<T>(ErfInv(v)); });
    case U_ERFC: return Map1(s, o, x, g, [](T v) { return std::erfc(v); });
    case U_FLOOR: return Map1(s, o, x, g, [](T v) { return std::floor(v); });
    case U_CEIL: return Map1(s, o, x, g, [](T v) { return std::ceil(v); });
    case U_ROUND: return Map1(s, o, x, g, [](T v) { return std::nearbyint(v); });  // halves to even, as PyTorch
    case U_TRUNC: return Map1(s, o, x, g, [](T v) { return std::trunc(v); });
    case U_FRAC: return Map1(s, o, x, g, [](T v) { return v - std::trunc(v); });
    case U_RSQRT: return Map1(s, o, x, g, [](T v) { return T(1) / std::sqrt(v); });
  }
}

// isnan/isinf/isfinite into a Uint8Array; integers are always finite.
template <typename T>
void RunPredicate(int op, const Strided<2>& s, uint8_t* o, const T* x) {
  const int64_t g = kGrainElementwise;
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case U_ISNAN: return Map1(s, o, x, g, [](T v) { return uint8_t(v != v); });
      case U_ISINF: return Map1(s, o, x, g, [](T v) { return uint8_t(std::isinf(v)); });
      case U_ISFINITE: return Map1(s, o, x, g, [](T v) { return uint8_t(std::isfinite(v)); });
    }
  } else {
    const uint8_t value = op == U_ISFINITE;
    return Map1(s, o, x, g, [=](T) { return value; });
  }
}

void RunUnaryInt(Napi::Env env, int op, const Strided<2>& s, int32_t* o, const int32_t* x, double p1, double p2) {
  const int64_t g = kGrainElementwise;
  // wrap-around negation/abs of INT32_MIN, as PyTorch's int32 ops do
  switch (op) {
    case U_NEG: return Map1(s, o, x, g, [](int32_t v) { return static_cast<int32_t>(0u - static_cast<uint32_t>(v)); });
    case U_ABS: return Map1(s, o, x, g, [](int32_t v) { return v < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(v)) : v; });
    case U_RELU: return Map1(s, o, x, g, [](int32_t v) { return v > 0 ? v : 0; });
    case U_SIGN: return Map1(s, o, x, g, [](int32_t v) { return Sign(v); });
    case U_SQUARE: return Map1(s, o, x, g, [](int32_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v) * static_cast<uint32_t>(v)); });
    case U_FLOOR:
    case U_CEIL:
    case U_ROUND:
    case U_TRUNC: return Map1(s, o, x, g, [](int32_t v) { return v; });
    case U_FRAC: return Map1(s, o, x, g, [](int32_t) { return 0; });
    case U_CLAMP:
      return Map1(s, o, x, g, [=](int32_t v) {
        double d = v;
        if (!std::isnan(p1) && d < p1) d = std::ceil(p1);
        if (!std::isnan(p2) && d > p2) d = std::floor(p2);
        return static_cast<int32_t>(std::max(-2147483648.0, std::min(2147483647.0, d)));
      });
  }
  ThrowType(env, "unary", std::string("op '") + kUnaryNames[op] + "' needs a floating-point input, received Int32Array");
}

template <typename T>
void RunBinaryFloat(int op, const Strided<3>& s, void* out, const T* a, const T* b, double p1, double p2) {
  const int64_t g = kGrainElementwise;
  T* o = static_cast<T*>(out);
  uint8_t* ob = static_cast<uint8_t*>(out);
  const T pa = static_cast<T>(p1);
  switch (op) {
    case B_ADD: return Map2(s, o, a, b, g, [](T x, T y) { return x + y; });
    case B_SUB: return Map2(s, o, a, b, g, [](T x, T y) { return x - y; });
    case B_ADD_SCALED: return Map2(s, o, a, b, g, [pa](T x, T y) { return x + pa * y; });
    case B_MUL: return Map2(s, o, a, b, g, [](T x, T y) { return x * y; });
    case B_DIV: return Map2(s, o, a, b, g, [](T x, T y) { return x / y; });
    case B_POW: return Map2(s, o, a, b, kGrainTranscendental, [](T x, T y) { return std::pow(x, y); });
    case B_MAXIMUM: return Map2(s, o, a, b, g, [](T x, T y) { return (x != x || y != y) ? x + y : (x > y ? x : y); });
    case B_MINIMUM: return Map2(s, o, a, b, g, [](T x, T y) { return (x != x || y != y) ? x + y : (x < y ? x : y); });
    case B_EQ: return Map2(s, ob, a, b, g, [](T x, T y) { return uint8_t(x == y); });
    case B_NE: return Map2(s, ob, a, b, g, [](T x, T y) { return uint8_t(x != y); });
    case B_LT: return Map2(s, ob, a, b, g, [](T x, T y) { return uint8_t(x < y); });
    case B_LE: return Map2(s, ob, a, b, g, [](T x, T y) { return uint8_t(x <= y); });
    case B_GT: return Map2(s, ob, a, b, g, [](T x, T y) { return uint8_t(x > y); });
    case B_GE: return Map2(s, ob, a, b, g, [](T x, T y) { return uint8_t(x >= y); });
    case B_RELU_BWD: return Map2(s, o, a, b, g, [](T gr, T x) { return x > T(0) ? gr : T(0); });
    case B_SIGMOID_BWD: return Map2(s, o, a, b, g, [](T gr, T y) { return gr * y * (T(1) - y); });
    case B_TANH_BWD: return Map2(s, o, a, b, g, [](T gr, T y) { return gr * (T(1) - y * y); });
    case B_CLAMP_BWD:
      return Map2(s, o, a, b, g, [=](T gr, T x) {
        const bool in = (std::isnan(p1) || x >= static_cast<T>(p1)) && (std::isnan(p2) || x <= static_cast<T>(p2));
        return in ? gr : T(0);
      });
    case B_LEAKY_RELU_BWD: return Map2(s, o, a, b, g, [=](T gr, T x) { return x > T(0) ? gr : gr * pa; });
    case B_GELU_BWD: return Map2(s, o, a, b, kGrainTranscendental, [](T gr, T x) { return gr * GeluGrad(x); });
    case B_POW_SCALAR_BWD:
      if (p1 == 0) return Map2(s, o, a, b, g, [](T, T) { return T(0); });
      if (p1 == 2) return Map2(s, o, a, b, g, [](T gr, T x) { return gr * T(2) * x; });
      return Map2(s, o, a, b, kGrainTranscendental, [=](T gr, T x) { return gr * pa * std::pow(x, static_cast<T>(p1 - 1)); });
    case B_SQRT_BWD: return Map2(s, o, a, b, g, [](T gr, T y) { return gr / (T(2) * y); });
    case B_ABS_BWD: return Map2(s, o, a, b, g, [](T gr, T x) { return gr * Sign(x); });
    case B_ATAN2: return Map2(s, o, a, b, kGrainTranscendental, [](T y, T x) { return std::atan2(y, x); });
    // Python's modulo: the result takes the divisor's sign
    case B_REMAINDER:
      return Map2(s, o, a, b, g, [](T x, T y) {
        T r = std::fmod(x, y);
        return (r != T(0) && ((r < T(0)) != (y < T(0)))) ? r + y : r;
      });
    case B_FMOD: return Map2(s, o, a, b, g, [](T x, T y) { return std::fmod(x, y); });
    case B_HYPOT: return Map2(s, o, a, b, g, [](T x, T y) { return std::hypot(x, y); });
  }
}

void RunBinaryInt(Napi::Env env, int op, const Strided<3>& s, void* out, const int32_t* a, const int32_t* b) {
  const int64_t g = kGrainElementwise;
  int32_t* o = static_cast<int32_t*>(out);
  uint8_t* ob = static_cast<uint8_t*>(out);
  using I = int32_t;
  using U = uint32_t;
  if (op == B_REMAINDER || op == B_FMOD) {
    // x % 0 is undefined behaviour (a SIGFPE on x86), and so is INT32_MIN % -1: a zero divisor
    // is reported after the loop, as PyTorch's ZeroDivisionError; % -1 is 0.
    std::atomic<bool> zero{false};
    const bool python = op == B_REMAINDER;
    Map2(s, o, a, b, g, [&](I x, I y) -> I {
      if (y == 0) {
        zero.store(true, std::memory_order_relaxed);
        return 0;
      }
      if (y == -1) return 0;
      I r = x % y;
      return (python && r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
    });
    if (zero.load()) ThrowRange(env, "binary", std::string(kBinaryNames[op]) + ": integer division by zero");
    return;
  }
  // two's-complement wrap-around like PyTorch's int32 arithmetic, without C++'s UB
  switch (op) {
    case B_ADD: return Map2(s, o, a, b, g, [](I x, I y) { return static_cast<I>(U(x) + U(y)); });
    case B_SUB: return Map2(s, o, a, b, g, [](I x, I y) { return static_cast<I>(U(x) - U(y)); });
    case B_MUL: return Map2(s, o, a, b, g, [](I x, I y) { return static_cast<I>(U(x) * U(y)); });
    case B_MAXIMUM: return Map2(s, o, a, b, g, [](I x, I y) { return x > y ? x : y; });
    case B_MINIMUM: return Map2(s, o, a, b, g, [](I x, I y) { return x < y ? x : y; });
    case B_EQ: return Map2(s, ob, a, b, g, [](I x, I y) { return uint8_t(x == y); });
    case B_NE: return Map2(s, ob, a, b, g, [](I x, I y) { return uint8_t(x != y); });
    case B_LT: return Map2(s, ob, a, b, g, [](I x, I y) { return uint8_t(x < y); });
    case B_LE: return Map2(s, ob, a, b, g, [](I x, I y) { return uint8_t(x <= y); });
    case B_GT: return Map2(s, ob, a, b, g, [](I x, I y) { return uint8_t(x > y); });
    case B_GE: return Map2(s, ob, a, b, g, [](I x, I y) { return uint8_t(x >= y); });
    case B_BITAND: return Map2(s, o, a, b, g, [](I x, I y) { return static_cast<I>(x & y); });
    case B_BITOR: return Map2(s, o, a, b, g, [](I x, I y) { return static_cast<I>(x | y); });
    case B_BITXOR: return Map2(s, o, a, b, g, [](I x, I y) { return static_cast<I>(x ^ y); });
  }
  ThrowType(env, "binary", std::string("op '") + kBinaryNames[op] + "' needs floating-point inputs, received Int32Array");
}

void RunBinaryBool(Napi::Env env, int op, const Strided<3>& s, void* out, const uint8_t* a, const uint8_t* b) {
  const int64_t g = kGrainElementwise;
  uint8_t* o = static_cast<uint8_t*>(out);
  using B = uint8_t;
  switch (op) {
    case B_EQ: return Map2(s, o, a, b, g, [](B x, B y) { return B((x != 0) == (y != 0)); });
    case B_NE: return Map2(s, o, a, b, g, [](B x, B y) { return B((x != 0) != (y != 0)); });
    case B_MAXIMUM: return Map2(s, o, a, b, g, [](B x, B y) { return B(x || y); });  // logical or
    case B_MINIMUM: return Map2(s, o, a, b, g, [](B x, B y) { return B(x && y); });  // logical and
    case B_MUL: return Map2(s, o, a, b, g, [](B x, B y) { return B(x && y); });
    case B_BITAND: return Map2(s, o, a, b, g, [](B x, B y) { return B(x && y); });
    case B_BITOR: return Map2(s, o, a, b, g, [](B x, B y) { return B(x || y); });
    case B_BITXOR: return Map2(s, o, a, b, g, [](B x, B y) { return B((x != 0) != (y != 0)); });
  }
  ThrowType(env, "binary", std::string("op '") + kBinaryNames[op] + "' is not defined for Uint8Array (bool) inputs");
}

// A scalar operand: converted to the tensor's type and read through stride 0.
union ScalarBox {
  float f32;
  double f64;
  int32_t i32;
  uint8_t b;
};

ScalarBox BoxScalar(double v, DType t) {
  ScalarBox s;
  switch (t) {
    case DType::F32: s.f32 = static_cast<float>(v); break;
    case DType::F64: s.f64 = v; break;
    case DType::I32: s.i32 = static_cast<int32_t>(std::max(-2147483648.0, std::min(2147483647.0, std::isnan(v) ? 0.0 : v))); break;
    case DType::Bool: s.b = v != 0; break;
  }
  return s;
}

// An operand that is either a typed array or a number.
struct Operand {
  Buf buf;
  bool scalar = false;
  ScalarBox box;
  const void* Ptr() const { return scalar ? static_cast<const void*>(&box) : buf.data; }
};

Operand GetOperand(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  Operand op;
  if (info[i].IsNumber()) {
    op.scalar = true;
  } else {
    op.buf = GetBuf(info, i, fn, name);
  }
  return op;
}

template <int N>
void ZeroScalarStrides(Strided<N>& s, int k) {
  s.offset[k] = 0;
  for (int d = 0; d < s.ndim; d++) s.strides[k][d] = 0;
}

int64_t GetOp(const Napi::CallbackInfo& info, const char* fn, int count) {
  return GetInt(info, 0, fn, "op", 0, count - 1);
}

// unary(op, out, x, layout, p1, p2)
Napi::Value UnaryFn(const Napi::CallbackInfo& info) {
  const char* fn = "unary";
  Napi::Env env = info.Env();
  int op = static_cast<int>(GetOp(info, fn, U_COUNT));
  Buf out = GetBuf(info, 1, fn, "out");
  Buf x = GetBuf(info, 2, fn, "x");
  if (IsPredicate(op)) {
    if (out.dtype != DType::Bool) ThrowType(env, fn, std::string("predicate output 'out' must be a Uint8Array, received ") + DTypeName(out.dtype));
  } else {
    SameDType(env, fn, out, "out", x, "x");
  }
  const Buf* bufs[] = {&out, &x};
  const char* names[] = {"out", "x"};
  Strided<2> s = ReadStrided<2>(info, 3, fn, bufs, names);
  double p1 = info.Length() > 4 && !IsNullish(info[4]) ? GetNumber(info, 4, fn, "p1") : 0;
  double p2 = info.Length() > 5 && !IsNullish(info[5]) ? GetNumber(info, 5, fn, "p2") : 0;
  if (IsPredicate(op)) {
    switch (x.dtype) {
      case DType::F32: RunPredicate<float>(op, s, out.as<uint8_t>(), x.as<float>()); break;
      case DType::F64: RunPredicate<double>(op, s, out.as<uint8_t>(), x.as<double>()); break;
      case DType::I32: RunPredicate<int32_t>(op, s, out.as<uint8_t>(), x.as<int32_t>()); break;
      case DType::Bool: RunPredicate<uint8_t>(op, s, out.as<uint8_t>(), x.as<uint8_t>()); break;
    }
    return env.Undefined();
  }
  switch (x.dtype) {
    case DType::F32: RunUnaryFloat<float>(op, s, out.as<float>(), x.as<float>(), p1, p2); break;
    case DType::F64: RunUnaryFloat<double>(op, s, out.as<double>(), x.as<double>(), p1, p2); break;
    case DType::I32: RunUnaryInt(env, op, s, out.as<int32_t>(), x.as<int32_t>(), p1, p2); break;
    case DType::Bool: ThrowType(env, fn, std::string("op '") + kUnaryNames[op] + "' is not defined for Uint8Array (bool) input");
  }
  return env.Undefined();
}

// binary(op, out, a, b, layout, p1, p2): a or b may be a number.
Napi::Value BinaryFn(const Napi::CallbackInfo& info) {
  const char* fn = "binary";
  Napi::Env env = info.Env();
  int op = static_cast<int>(GetOp(info, fn, B_COUNT));
  Buf out = GetBuf(info, 1, fn, "out");
  Operand a = GetOperand(info, 2, fn, "a");
  Operand b = GetOperand(info, 3, fn, "b");
  if (a.scalar && b.scalar) ThrowType(env, fn, "arguments 'a' and 'b' cannot both be numbers");
  const DType t = a.scalar ? b.buf.dtype : a.buf.dtype;
  if (!a.scalar && !b.scalar) SameDType(env, fn, a.buf, "a", b.buf, "b");
  if (IsBitwise(op) && (t == DType::F32 || t == DType::F64)) {
    ThrowType(env, fn, std::string("op '") + kBinaryNames[op] + "' needs Int32Array or Uint8Array (bool) inputs, received " + DTypeName(t));
  }
  if (IsComparison(op)) {
    if (out.dtype != DType::Bool) ThrowType(env, fn, std::string("comparison output 'out' must be a Uint8Array, received ") + DTypeName(out.dtype));
  } else if (out.dtype != t) {
    ThrowType(env, fn, std::string("argument 'out' must be a ") + DTypeName(t) + " like its inputs, received " + DTypeName(out.dtype));
  }
  if (a.scalar) a.box = BoxScalar(info[2].As<Napi::Number>().DoubleValue(), t);
  if (b.scalar) b.box = BoxScalar(info[3].As<Napi::Number>().DoubleValue(), t);
  const Buf* bufs[] = {&out, a.scalar ? nullptr : &a.buf, b.scalar ? nullptr : &b.buf};
  const char* names[] = {"out", "a", "b"};
  Strided<3> s = ReadStrided<3>(info, 4, fn, bufs, names);
  if (a.scalar) ZeroScalarStrides(s, 1);
  if (b.scalar) ZeroScalarStrides(s, 2);
  double p1 = info.Length() > 5 && !IsNullish(info[5]) ? GetNumber(info, 5, fn, "p1") : 0;
  double p2 = info.Length() > 6 && !IsNullish(info[6]) ? GetNumber(info, 6, fn, "p2") : 0;
  switch (t) {
    case DType::F32:
      RunBinaryFloat<float>(op, s, out.data, static_cast<const float*>(a.Ptr()), static_cast<const float*>(b.Ptr()), p1, p2);
      break;
    case DType::F64:
      RunBinaryFloat<double>(op, s, out.data, static_cast<const double*>(a.Ptr()), static_cast<const double*>(b.Ptr()), p1, p2);
      break;
    case DType::I32:
      RunBinaryInt(env, op, s, out.data, static_cast<const int32_t*>(a.Ptr()), static_cast<const int32_t*>(b.Ptr()));
      break;
    case DType::Bool:
      RunBinaryBool(env, op, s, out.data, static_cast<const uint8_t*>(a.Ptr()), static_cast<const uint8_t*>(b.Ptr()));
      break;
  }
  return env.Undefined();
}

// where(out, cond, a, b, layout): cond is a Uint8Array; a or b may be a number.
Napi::Value WhereFn(const Napi::CallbackInfo& info) {
  const char* fn = "where";
  Napi::Env env = info.Env();
  Buf out = GetBuf(info, 0, fn, "out");
  Buf cond = GetBufOf(info, 1, fn, "cond", DType::Bool);
  Operand a = GetOperand(info, 2, fn, "a");
  Operand b = GetOperand(info, 3, fn, "b");
  if (!a.scalar) SameDType(env, fn, out, "out", a.buf, "a");
  if (!b.scalar) SameDType(env, fn, out, "out", b.buf, "b");
  if (a.scalar) a.box = BoxScalar(info[2].As<Napi::Number>().DoubleValue(), out.dtype);
  if (b.scalar) b.box = BoxScalar(info[3].As<Napi::Number>().DoubleValue(), out.dtype);
  const Buf* bufs[] = {&out, &cond, a.scalar ? nullptr : &a.buf, b.scalar ? nullptr : &b.buf};
  const char* names[] = {"out", "cond", "a", "b"};
  Strided<4> s = ReadStrided<4>(info, 4, fn, bufs, names);
  if (a.scalar) ZeroScalarStrides(s, 2);
  if (b.scalar) ZeroScalarStrides(s, 3);
  auto run = [&](auto* o) {
    using T = std::remove_pointer_t<decltype(o)>;
    Map3(s, o, cond.as<uint8_t>(), static_cast<const T*>(a.Ptr()), static_cast<const T*>(b.Ptr()), kGrainElementwise,
         [](uint8_t c, T x, T y) { return c ? x : y; });
  };
  switch (out.dtype) {
    case DType::F32: run(out.as<float>()); break;
    case DType::F64: run(out.as<double>()); break;
    case DType::I32: run(out.as<int32_t>()); break;
    case DType::Bool: run(out.as<uint8_t>()); break;
  }
  return env.Undefined();
}

// fill(out, value, layout)
Napi::Value FillFn(const Napi::CallbackInfo& info) {
  const char* fn = "fill";
  Napi::Env env = info.Env();
  Buf out = GetBuf(info, 0, fn, "out");
  double v = GetNumber(info, 1, fn, "value");
  const Buf* bufs[] = {&out, nullptr};
  const char* names[] = {"out", "value"};
  Strided<2> s = ReadStrided<2>(info, 2, fn, bufs, names);
  ZeroScalarStrides(s, 1);
  ScalarBox box = BoxScalar(v, out.dtype);
  auto run = [&](auto* o, auto value) {
    using T = std::remove_pointer_t<decltype(o)>;
    Map1(s, o, &value, kGrainElementwise, [](T x) { return x; });
  };
  switch (out.dtype) {
    case DType::F32: run(out.as<float>(), box.f32); break;
    case DType::F64: run(out.as<double>(), box.f64); break;
    case DType::I32: run(out.as<int32_t>(), box.i32); break;
    case DType::Bool: run(out.as<uint8_t>(), box.b); break;
  }
  return env.Undefined();
}

// Float to int32 truncates toward zero; NaN and out-of-range values become INT32_MIN, as
// x86's conversion instruction (and so PyTorch on CPU) does, without C++'s undefined behaviour.
template <typename TO, typename TI>
inline TO Convert(TI v) {
  if constexpr (std::is_same_v<TO, uint8_t>) {
    return static_cast<uint8_t>(v != TI(0));
  } else if constexpr (std::is_same_v<TO, int32_t> && std::is_floating_point_v<TI>) {
    if (!(v > TI(-2147483649.0) && v < TI(2147483648.0))) return std::numeric_limits<int32_t>::min();
    return static_cast<int32_t>(v);
  } else {
    return static_cast<TO>(v);
  }
}

template <typename TO>
void CopyFrom(const Strided<2>& s, TO* o, const Buf& x) {
  switch (x.dtype) {
    case DType::F32: return Map1(s, o, x.as<float>(), kGrainElementwise, [](float v) { return Convert<TO>(v); });
    case DType::F64: return Map1(s, o, x.as<double>(), kGrainElementwise, [](double v) { return Convert<TO>(v); });
    case DType::I32: return Map1(s, o, x.as<int32_t>(), kGrainElementwise, [](int32_t v) { return Convert<TO>(v); });
    case DType::Bool: return Map1(s, o, x.as<uint8_t>(), kGrainElementwise, [](uint8_t v) { return Convert<TO>(v); });
  }
}

// copy(out, x, layout): strided copy with conversion between any two storage types.
Napi::Value CopyFn(const Napi::CallbackInfo& info) {
  const char* fn = "copy";
  Napi::Env env = info.Env();
  Buf out = GetBuf(info, 0, fn, "out");
  Buf x = GetBuf(info, 1, fn, "x");
  const Buf* bufs[] = {&out, &x};
  const char* names[] = {"out", "x"};
  Strided<2> s = ReadStrided<2>(info, 2, fn, bufs, names);
  switch (out.dtype) {
    case DType::F32: CopyFrom(s, out.as<float>(), x); break;
    case DType::F64: CopyFrom(s, out.as<double>(), x); break;
    case DType::I32: CopyFrom(s, out.as<int32_t>(), x); break;
    case DType::Bool: CopyFrom(s, out.as<uint8_t>(), x); break;
  }
  return env.Undefined();
}

}  // namespace

void InitElementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("unaryOps", OpTable(env, kUnaryNames, U_COUNT));
  exports.Set("binaryOps", OpTable(env, kBinaryNames, B_COUNT));
  exports.Set("unary", Napi::Function::New(env, UnaryFn, "unary"));
  exports.Set("binary", Napi::Function::New(env, BinaryFn, "binary"));
  exports.Set("where", Napi::Function::New(env, WhereFn, "where"));
  exports.Set("fill", Napi::Function::New(env, FillFn, "fill"));
  exports.Set("copy", Napi::Function::New(env, CopyFn, "copy"));
}

}  // namespace kd
