// Vectorisable float32 forms of sin, cos, exp, tanh and sigmoid, shared by the elementwise,
// reduction and loss kernels: branch-free, so GCC vectorises the loops that call them
// (libm's are calls per element). Each is within 2-3 ulp of the double-precision result
// (test/native/fast_math.test.ts), with NaN, infinities and signed zeros handled.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace kd {

// sin and cos in float, branch-free so GCC vectorises them: x = k pi + r with k the nearest
// integer, the reduction done in double with pi in two parts (exact for the k that occur),
// then sin(r) = r + r^3 P(r^2) on [-pi/2, pi/2] in float (coefficients fitted for relative
// error: under 2 ulp) and the sign (-1)^k. Past |x| = 8192 the elements are redone with
// std::sin (callers check kSinBig); NaN and Infinity come out NaN by themselves.
constexpr float kInvPi = 0.318309886183790671538f;
constexpr double kPiHi = 3.1415926535883045;  // 40 significant bits: k * kPiHi is exact
constexpr double kPiLo = 1.4887094960973246e-12;
constexpr float kSinBig = 8192.f;

inline float SinPoly(float r, int32_t k) {
  const float z = r * r;
  float p = 2.6060608888656134e-06f;
  p = p * z - 0.00019809705554507673f;
  p = p * z + 0.008333067409694195f;
  p = p * z - 0.16666659712791443f;
  const float s = r + r * z * p;
  return (k & 1) ? -s : s;
}

inline float FastSin(float x) {
  const float k = (x * kInvPi + 12582912.f) - 12582912.f;  // nearest integer (1.5 * 2^23 trick)
  const double r = (static_cast<double>(x) - static_cast<double>(k) * kPiHi) - static_cast<double>(k) * kPiLo;
  const float s = SinPoly(static_cast<float>(r), static_cast<int32_t>(k));
  return x == 0 ? x : s;  // sin(-0) is -0
}

// cos(x) = sin(x + pi/2): with x = (j - 1/2) pi + r, cos(x) = (-1)^j sin(r)
inline float FastCos(float x) {
  const float j = (x * kInvPi + 0.5f + 12582912.f) - 12582912.f;
  const double h = static_cast<double>(j) - 0.5;
  const double r = (static_cast<double>(x) - h * kPiHi) - h * kPiLo;
  return SinPoly(static_cast<float>(r), static_cast<int32_t>(j));
}

// exp in float, branch-free: x = k ln2 + r (Cody-Waite, ln2 in two parts), e^r by a degree-6
// polynomial on [-ln2/2, ln2/2] (about 1 ulp), times 2^k built in the exponent bits in two
// halves so that subnormal results come out right; overflow gives Infinity, NaN stays NaN.
inline float Pow2Int(int32_t k) {
  const int32_t bits = (k + 127) << 23;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline float FastExp(float x) {
  const float xc = std::min(std::max(x, -104.f), 89.f);
  const float k = (xc * 1.44269504088896341f + 12582912.f) - 12582912.f;
  const float r = (xc - k * 0.693359375f) + k * 2.12194440e-4f;
  float p = 0.0013819477753713727f;
  p = p * r + 0.008368666283786297f;
  p = p * r + 0.041668299585580826f;
  p = p * r + 0.1666652113199234f;
  p = p * r + 0.4999999403953552f;
  const float e = 1.f + r + r * r * p;
  const int32_t ki = static_cast<int32_t>(k);
  const int32_t k1 = ki >> 1;
  const float y = e * Pow2Int(k1) * Pow2Int(ki - k1);
  return x != x ? x : y;
}

// tanh: x + x^3 P(x^2) below |x| = 0.625 (Cephes' tanhf coefficients), 1 - 2 / (e^2|x| + 1)
// with x's sign above; both are computed and one selected, which keeps the loop vectorised.
inline float FastTanh(float x) {
  const float a = std::abs(x);
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  const float big = 1.f - 2.f / (FastExp(2.f * a) + 1.f);
  const float t = x < 0 ? -big : big;
  return x == 0 ? x : a < 0.625f ? small : t;  // tanh(-0) is -0
}

// 1 / (1 + e^-x), as e^x / (1 + e^x) for negative x so the far tail keeps its precision.
inline float FastSigmoid(float x) {
  const float e = FastExp(-std::abs(x));
  const float s = 1.f / (1.f + e);
  return x < 0 ? e * s : s;
}

// Functions whose loops call these are compiled for AVX-512 and AVX2 too, and glibc's ifunc
// picks the variant the CPU supports at load time (elsewhere: the baseline build only). The
// build turns off FMA contraction (CMakeLists.txt), so every variant rounds alike.
#if defined(__x86_64__) && defined(__GLIBC__)
#define KD_MULTIVERSION __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define KD_MULTIVERSION
#endif

}  // namespace kd
