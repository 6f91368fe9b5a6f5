// Ordering along one axis of a contiguous block viewed as [outer, R, inner]: a stable sort,
// top-k, the k-th smallest value and the median, each writing values and int32 indices.
// NaN orders above every number, as in PyTorch (last ascending, first descending); the
// median of a lane holding NaN is NaN. Each lane is copied into a per-thread buffer of
// (value, index) pairs, ordered there, and written back; lanes are spread over the pool.
#include <algorithm>
#include <cmath>
#include <vector>

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

template <typename T>
void OrderLanes(int op, const T* x, T* values, int32_t* indices, int64_t outer, int64_t R, int64_t inner, int64_t k,
                bool descending) {
  const int64_t lanes = outer * inner;
  const int64_t outLen = op == O_SORT ? R : op == O_TOPK ? k : 1;
  const int64_t cost = std::max<int64_t>(1, R * 8);
  ParallelFor(lanes, std::max<int64_t>(1, kGrainElementwise / cost), [&](int64_t l0, int64_t l1) {
    std::vector<std::pair<T, int32_t>> buf(static_cast<size_t>(R));
    for (int64_t l = l0; l < l1; l++) {
      const int64_t o = l / inner, j = l % inner;
      const T* lane = x + o * R * inner + j;
      for (int64_t r = 0; r < R; r++) buf[r] = {lane[r * inner], static_cast<int32_t>(r)};
      auto begin = buf.begin();
      switch (op) {
        case O_SORT:
          // Index order breaks ties, so std::sort is as stable as a stable sort here.
          if (descending) std::sort(begin, buf.end(), Descending<T>());
          else std::sort(begin, buf.end(), Ascending<T>());
          break;
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
      T* v = values + o * outLen * inner + j;
      int32_t* ix = indices + o * outLen * inner + j;
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

Napi::Object OrderTable(Napi::Env env) {
  Napi::Object t = Napi::Object::New(env);
  for (int i = 0; i < O_COUNT; i++) t.Set(kOrderNames[i], Napi::Number::New(env, i));
  return t;
}

}  // namespace

void InitSort(Napi::Env env, Napi::Object exports) {
  exports.Set("orderOps", OrderTable(env));
  exports.Set("order", Napi::Function::New(env, OrderFn, "order"));
}

}  // namespace kd
