// Reductions over one contiguous span that the compiler can vectorise: independent
// accumulators instead of one running value (whose adds or comparisons would each wait on
// the last). Shared by the reductions (reduce.cc) and the fused losses (loss.cc); internal
// linkage, so each file gets its own AVX2/baseline clones.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "fast_math.h"

namespace kd {
namespace {

template <typename T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

// Sum of a contiguous span with eight independent accumulators (vectorisable, and more
// accurate than one running float sum).
template <typename T>
Acc<T> SumSpan(const T* x, int64_t n) {
  Acc<T> acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) acc[j] += x[i + j];
  for (; i < n; i++) acc[i & 7] += x[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// sum(exp(x - shift)) of a contiguous float span: exponentials a block at a time (a vectorised
// loop), summed with eight double accumulators (a single one would serialise the adds).
[[maybe_unused]] KD_MULTIVERSION double SumExpShifted(const float* x, int64_t n, float shift) {
  constexpr int64_t kBlock = 256;
  float e[kBlock];
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t m = std::min(kBlock, n - b);
    for (int64_t i = 0; i < m; i++) e[i] = FastExp(x[b + i] - shift);
    int64_t i = 0;
    for (; i + 8 <= m; i += 8)
      for (int j = 0; j < 8; j++) acc[j] += e[i + j];
    for (; i < m; i++) acc[i & 7] += e[i];
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// sum((x - mean)^2) over a span, eight accumulators so the loop vectorises.
template <typename T>
double SumSquaredDeviation(const T* x, int64_t n, double mean) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; j++) {
      const double d = static_cast<double>(x[i + j]) - mean;
      acc[j] += d * d;
    }
  }
  for (; i < n; i++) {
    const double d = static_cast<double>(x[i]) - mean;
    acc[i & 7] += d * d;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

// max of a float span as std::max folds it (NaN elements are passed over), in eight lanes.
[[maybe_unused]] KD_MULTIVERSION float MaxSpan(const float* x, int64_t n) {
  float lane[8];
  for (int j = 0; j < 8; j++) lane[j] = x[0];
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) lane[j] = lane[j] < x[i + j] ? x[i + j] : lane[j];
  for (; i < n; i++) lane[0] = lane[0] < x[i] ? x[i] : lane[0];
  float m = lane[0];
  for (int j = 1; j < 8; j++) m = m < lane[j] ? lane[j] : m;
  return m;
}

}  // namespace
}  // namespace kd
