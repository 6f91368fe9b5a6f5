// Ordering along one axis of a contiguous block viewed as [outer, R, inner]: a stable sort
// (LSD radix on orderable keys), top-k (one pass keeping the k best; a partial sort for large
// k), the k-th smallest value and the median (nth_element on (value, index) pairs), each
// writing values and int32 indices. NaN orders above every number, as in PyTorch (last
// ascending, first descending); the median of a lane holding NaN is NaN. Lanes are spread
// over the pool, each thread with its own buffers.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

enum Order { O_SORT, O_TOPK, O_KTHVALUE, O_MEDIAN, O_COUNT };
const char* kOrderNames[] = {"sort", "topk", "kthvalue", "median"};
static_assert(sizeof(kOrderNames) / sizeof(kOrderNames[0]) == O_COUNT, "order names");

template <typename T>
inline bool IsNan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  else return false;
}

// Strict orders with NaN above every number; equal values keep index order, which makes
// partial orders (top-k, k-th value) deterministic too.
template <typename T>
struct Ascending {
  bool operator()(const std::pair<T, int32_t>& a, const std::pair<T, int32_t>& b) const {
    const bool na = IsNan(a.first), nb = IsNan(b.first);
    if (na || nb) return !na && nb ? true : (na && nb ? a.second < b.second : false);
    if (a.first != b.first) return a.first < b.first;
    return a.second < b.second;
  }
};

template <typename T>
struct Descending {
  bool operator()(const std::pair<T, int32_t>& a, const std::pair<T, int32_t>& b) const {
    const bool na = IsNan(a.first), nb = IsNan(b.first);
    if (na || nb) return na && !nb ? true : (na && nb ? a.second < b.second : false);
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  }
};

// Orderable unsigned keys: a float's bits with the sign handled so that unsigned order is
// numeric order, every NaN above +Infinity; int32 with its sign bit flipped. Descending
// order uses the complement, so a stable ascending sort of keys is the stable sort wanted.
inline uint32_t Key(float v) {
  if (v != v) return 0xFFFFFFFFu;
  uint32_t b;
  std::memcpy(&b, &v, 4);
  if (b == 0x80000000u) b = 0;  // -0 sorts with +0
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}
inline uint64_t Key(double v) {
  if (v != v) return ~uint64_t(0);
  uint64_t b;
  std::memcpy(&b, &v, 8);
  if (b == (uint64_t(1) << 63)) b = 0;
  return (b >> 63) ? ~b : (b | (uint64_t(1) << 63));
}
inline uint32_t Key(int32_t v) { return static_cast<uint32_t>(v) ^ 0x80000000u; }

// A stable LSD radix sort of one lane by its keys, 8 bits a pass (passes whose byte is the
// same for every key are skipped): O(R) per lane where a comparison sort is O(R log R).
template <typename T>
void RadixSortLane(const T* lane, int64_t R, int64_t stride, bool descending, T* values, int32_t* indices, int64_t outStride,
                   std::vector<uint64_t>& keys, std::vector<int32_t>& idx, std::vector<uint64_t>& keys2, std::vector<int32_t>& idx2) {
  using K = decltype(Key(T()));
  keys.resize(R);
  idx.resize(R);
  keys2.resize(R);
  idx2.resize(R);
  for (int64_t r = 0; r < R; r++) {
    const K k = Key(lane[r * stride]);
    keys[r] = descending ? static_cast<K>(~k) : k;
    idx[r] = static_cast<int32_t>(r);
  }
  // NaN sorts first when descending (as the largest): its complement is 0, already first
  for (int shift = 0; shift < static_cast<int>(sizeof(K) * 8); shift += 8) {
    int64_t count[257] = {0};
    for (int64_t r = 0; r < R; r++) count[((keys[r] >> shift) & 0xFF) + 1]++;
    bool trivial = false;
    for (int b = 1; b <= 256; b++) if (count[b] == R) trivial = true;
    if (trivial) continue;
    for (int b = 0; b < 256; b++) count[b + 1] += count[b];
    for (int64_t r = 0; r < R; r++) {
      const int64_t at = count[(keys[r] >> shift) & 0xFF]++;
      keys2[at] = keys[r];
      idx2[at] = idx[r];
    }
    keys.swap(keys2);
    idx.swap(idx2);
  }
  for (int64_t r = 0; r < R; r++) {
    values[r * outStride] = lane[static_cast<int64_t>(idx[r]) * stride];
    indices[r * outStride] = idx[r];
  }
}

// The k best of a lane by one pass: a sorted list of the best so far, entered only by an
// element strictly better than its worst (so earlier indices win ties, as the sort's order).
// Most elements of a long lane fail one comparison with the worst value, kept in a register.
template <typename T, typename Better>
void TopKLane(const T* lane, int64_t R, int64_t stride, int64_t k, bool largest, T* values, int32_t* indices,
              int64_t outStride, std::vector<std::pair<T, int32_t>>& best, Better better) {
  best.clear();
  int64_t r = 0;
  for (; r < R && static_cast<int64_t>(best.size()) < k; r++) {
    const std::pair<T, int32_t> e{lane[r * stride], static_cast<int32_t>(r)};
    best.insert(std::upper_bound(best.begin(), best.end(), e, better), e);
  }
  if (k > 0) {
    T worst = best.back().first;
    auto visit = [&](int64_t i) {
      const T v = lane[i * stride];
      // a quick test equivalent to better({v, i}, back) for an index i after every kept one
      const bool wins = largest ? (IsNan(v) ? !IsNan(worst) : v > worst) : (!IsNan(v) && (IsNan(worst) || v < worst));
      if (!wins) return;
      // the new element replaces the worst and moves up to its sorted place (what
      // pop_back + insert at upper_bound does, without the vector's shuffling)
      const std::pair<T, int32_t> e{v, static_cast<int32_t>(i)};
      int64_t p = k - 1;
      while (p > 0 && better(e, best[p - 1])) {
        best[p] = best[p - 1];
        p--;
      }
      best[p] = e;
      worst = best.back().first;
    };
#if defined(__SSE2__)
    // Contiguous float lanes: a block of four is skipped at once when none of it can enter
    // (no element beats the worst kept, and for the largest none is NaN) — in a long lane
    // almost every block, since entries grow rare as the kept values get better.
    if constexpr (std::is_same_v<T, float>) {
      if (stride == 1) {
        for (; r + 4 <= R; r += 4) {
          if (IsNan(worst)) break;
          const __m128 v = _mm_loadu_ps(lane + r), w = _mm_set1_ps(worst);
          const __m128 hit = largest ? _mm_or_ps(_mm_cmpgt_ps(v, w), _mm_cmpunord_ps(v, v)) : _mm_cmplt_ps(v, w);
          if (_mm_movemask_ps(hit) == 0) continue;
          for (int64_t i = r; i < r + 4; i++) visit(i);
        }
      }
    }
#endif
    for (; r < R; r++) visit(r);
  }
  for (int64_t i = 0; i < k; i++) {
    values[i * outStride] = best[i].first;
    indices[i * outStride] = best[i].second;
  }
}

template <typename T>
void OrderLanes(int op, const T* x, T* values, int32_t* indices, int64_t outer, int64_t R, int64_t inner, int64_t k,
                bool descending) {
  const int64_t lanes = outer * inner;
  const int64_t outLen = op == O_SORT ? R : op == O_TOPK ? k : 1;
  const int64_t cost = std::max<int64_t>(1, R * 8);
  ParallelFor(lanes, std::max<int64_t>(1, kGrainElementwise / cost), [&](int64_t l0, int64_t l1) {
    std::vector<std::pair<T, int32_t>> buf;
    std::vector<uint64_t> keys, keys2;
    std::vector<int32_t> idx, idx2;
    for (int64_t l = l0; l < l1; l++) {
      const int64_t o = l / inner, j = l % inner;
      const T* lane = x + o * R * inner + j;
      T* v = values + o * outLen * inner + j;
      int32_t* ix = indices + o * outLen * inner + j;
      if (op == O_SORT) {
        RadixSortLane<T>(lane, R, inner, descending, v, ix, inner, keys, idx, keys2, idx2);
        continue;
      }
      if (op == O_TOPK && k <= 64) {
        if (descending) TopKLane<T>(lane, R, inner, k, true, v, ix, inner, buf, Descending<T>());
        else TopKLane<T>(lane, R, inner, k, false, v, ix, inner, buf, Ascending<T>());
        continue;
      }
      buf.resize(static_cast<size_t>(R));
      for (int64_t r = 0; r < R; r++) buf[r] = {lane[r * inner], static_cast<int32_t>(r)};
      auto begin = buf.begin();
      switch (op) {
        case O_TOPK:
          if (descending) std::partial_sort(begin, begin + k, buf.end(), Descending<T>());
          else std::partial_sort(begin, begin + k, buf.end(), Ascending<T>());
          break;
        case O_KTHVALUE:
          std::nth_element(begin, begin + (k - 1), buf.end(), Ascending<T>());
          buf[0] = buf[k - 1];
          break;
        case O_MEDIAN: {
          auto nan = std::find_if(begin, buf.end(), [](const std::pair<T, int32_t>& p) { return IsNan(p.first); });
          if (nan != buf.end()) {
            buf[0] = *nan;
          } else {
            std::nth_element(begin, begin + (R - 1) / 2, buf.end(), Ascending<T>());
            buf[0] = buf[(R - 1) / 2];
          }
          break;
        }
      }
      for (int64_t r = 0; r < outLen; r++) {
        v[r * inner] = buf[r].first;
        ix[r * inner] = buf[r].second;
      }
    }
  });
}

// order(op, values, indices, x, layout = [xOffset, outer, R, inner, k], descending): values
// (x's kind) and indices (Int32Array) are dense [outer, n, inner] from element 0, where n is R
// (sort), k (topk) or 1 (kthvalue, whose k counts from 1; median).
Napi::Value OrderFn(const Napi::CallbackInfo& info) {
  const char* fn = "order";
  Napi::Env env = info.Env();
  const int op = static_cast<int>(GetInt(info, 0, fn, "op", 0, O_COUNT - 1));
  Buf values = GetBuf(info, 1, fn, "values");
  Buf indices = GetBufOf(info, 2, fn, "indices", DType::I32);
  Buf x = GetBuf(info, 3, fn, "x");
  SameDType(env, fn, values, "values", x, "x");
  if (x.dtype == DType::Bool) ThrowType(env, fn, std::string("op '") + kOrderNames[op] + "' does not accept a Uint8Array (bool)");
  IntList l = GetIntList(info, 4, fn, "layout");
  const int64_t xOff = l.Next("xOffset", 0, kMaxElements);
  const int64_t outer = l.Next("outer", 0, kMaxElements);
  const int64_t R = l.Next("R", 0, 2147483647);
  const int64_t inner = l.Next("inner", 0, kMaxElements);
  const int64_t k = l.Next("k", 0, 2147483647);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 5");
  const bool descending = GetBool(info, 5, fn, "descending");
  if ((R != 0 && outer > kMaxElements / R) || (inner != 0 && outer * R > kMaxElements / inner)) ThrowRange(env, fn, "shape too large");
  if (op == O_TOPK && k > R) ThrowRange(env, fn, "k (" + std::to_string(k) + ") is larger than the dimension (" + std::to_string(R) + ")");
  if (op == O_KTHVALUE && (k < 1 || k > R)) ThrowRange(env, fn, "k (" + std::to_string(k) + ") must be in [1, " + std::to_string(R) + "]");
  if (op == O_MEDIAN && R == 0 && outer * inner > 0) ThrowRange(env, fn, "median of an empty dimension is not defined");
  const int64_t n = outer * R * inner;
  const int64_t outLen = op == O_SORT ? R : op == O_TOPK ? k : 1;
  const int64_t m = outer * outLen * inner;
  CheckRange(env, fn, "x", x, xOff, n);
  CheckRange(env, fn, "values", values, 0, m);
  CheckRange(env, fn, "indices", indices, 0, m);
  if (Overlaps(values, 0, m, x, xOff, n) || Overlaps(indices, 0, m, x, xOff, n) || Overlaps(values, 0, m, indices, 0, m)) {
    ThrowRange(env, fn, "outputs 'values' and 'indices' must not overlap each other or 'x'");
  }
  if (m == 0) return env.Undefined();
  switch (x.dtype) {
    case DType::F32: OrderLanes<float>(op, x.as<float>() + xOff, values.as<float>(), indices.as<int32_t>(), outer, R, inner, k, descending); break;
    case DType::F64: OrderLanes<double>(op, x.as<double>() + xOff, values.as<double>(), indices.as<int32_t>(), outer, R, inner, k, descending); break;
    case DType::I32: OrderLanes<int32_t>(op, x.as<int32_t>() + xOff, values.as<int32_t>(), indices.as<int32_t>(), outer, R, inner, k, descending); break;
    case DType::Bool: break;
  }
  return env.Undefined();
}

}  // namespace

void InitSort(Napi::Env env, Napi::Object exports) {
  exports.Set("orderOps", OpTable(env, kOrderNames, O_COUNT));
  exports.Set("order", Napi::Function::New(env, OrderFn, "order"));
}

}  // namespace kd
