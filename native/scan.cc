// Scans along one axis of a contiguous block viewed as [outer, R, inner]: cumsum, cumprod,
// cummax and cummin (with the index of each running extreme). Every lane (o, j) runs
// serially over r; lanes are spread over the pool, in blocks of adjacent columns when
// inner > 1 so memory is read in order. Floats accumulate in double, like PyTorch's CPU
// scans; int32 wraps around modulo 2^32.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops/layout.ts; an entry in test/native/fuzz.test.ts.
#include <cmath>
#include <limits>

#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

enum Scan { S_CUMSUM, S_CUMPROD, S_CUMMAX, S_CUMMIN, S_COUNT };
const char* kScanNames[] = {"cumsum", "cumprod", "cummax", "cummin"};
static_assert(sizeof(kScanNames) / sizeof(kScanNames[0]) == S_COUNT, "scan names");

constexpr int64_t kColBlock = 64;

template <typename T>
using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint32_t>;

// NaN takes over and stays; ties move the index forward, as PyTorch's cummax/cummin.
template <typename T, bool IsMax>
inline bool TakesOver(T v, T best) {
  if constexpr (std::is_floating_point_v<T>) {
    if (best != best) return false;
    if (v != v) return true;
  }
  return IsMax ? v >= best : v <= best;
}

// One block of w adjacent lanes starting at x (stride `inner` between steps of r).
template <typename T>
void ScanBlock(int op, const T* x, T* out, int32_t* idx, int64_t R, int64_t inner, int64_t w) {
  Acc<T> acc[kColBlock];
  T best[kColBlock];
  int32_t at[kColBlock];
  for (int64_t j = 0; j < w; j++) {
    acc[j] = op == S_CUMPROD ? 1 : 0;
    at[j] = 0;
  }
  for (int64_t r = 0; r < R; r++) {
    const T* p = x + r * inner;
    T* q = out + r * inner;
    if (op == S_CUMSUM) {
      for (int64_t j = 0; j < w; j++) {
        acc[j] += static_cast<Acc<T>>(p[j]);
        q[j] = static_cast<T>(acc[j]);
      }
    } else if (op == S_CUMPROD) {
      for (int64_t j = 0; j < w; j++) {
        acc[j] *= static_cast<Acc<T>>(p[j]);
        q[j] = static_cast<T>(acc[j]);
      }
    } else {
      const bool isMax = op == S_CUMMAX;
      int32_t* qi = idx + r * inner;
      for (int64_t j = 0; j < w; j++) {
        if (r == 0 || (isMax ? TakesOver<T, true>(p[j], best[j]) : TakesOver<T, false>(p[j], best[j]))) {
          best[j] = p[j];
          at[j] = static_cast<int32_t>(r);
        }
        q[j] = best[j];
        qi[j] = at[j];
      }
    }
  }
}

template <typename T>
void RunScan(int op, const T* x, T* out, int32_t* idx, int64_t outer, int64_t R, int64_t inner) {
  const int64_t blocks = (inner + kColBlock - 1) / kColBlock;
  const int64_t items = outer * blocks;
  const int64_t perItem = R * std::min(inner, kColBlock);
  ParallelFor(items, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(perItem, 1)), [&](int64_t i0, int64_t i1) {
    for (int64_t it = i0; it < i1; it++) {
      const int64_t o = it / blocks;
      const int64_t j0 = (it % blocks) * kColBlock;
      const int64_t w = std::min(kColBlock, inner - j0);
      const int64_t base = o * R * inner + j0;
      ScanBlock<T>(op, x + base, out + base, idx ? idx + base : nullptr, R, inner, w);
    }
  });
}

// scan(op, out, x, indices | null, layout = [xOffset, outer, R, inner]): out and indices are
// dense from element 0; indices (Int32Array) are required by cummax/cummin.
Napi::Value ScanFn(const Napi::CallbackInfo& info) {
  const char* fn = "scan";
  Napi::Env env = info.Env();
  const int op = static_cast<int>(GetInt(info, 0, fn, "op", 0, S_COUNT - 1));
  Buf out = GetBuf(info, 1, fn, "out");
  Buf x = GetBuf(info, 2, fn, "x");
  SameDType(env, fn, out, "out", x, "x");
  if (x.dtype == DType::Bool) ThrowType(env, fn, std::string("op '") + kScanNames[op] + "' does not accept a Uint8Array (bool)");
  const bool indexed = op == S_CUMMAX || op == S_CUMMIN;
  Buf idx;
  if (indexed) idx = GetBufOf(info, 3, fn, "indices", DType::I32);
  else if (!IsNullish(info[3])) ThrowType(env, fn, std::string("argument 'indices' must be null for ") + kScanNames[op]);
  IntList l = GetIntList(info, 4, fn, "layout");
  const int64_t xOff = l.Next("xOffset", 0, kMaxElements);
  const int64_t outer = l.Next("outer", 0, kMaxElements);
  const int64_t R = l.Next("R", 0, 2147483647);
  const int64_t inner = l.Next("inner", 0, kMaxElements);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 4");
  if ((R != 0 && outer > kMaxElements / R) || (inner != 0 && outer * R > kMaxElements / inner)) ThrowRange(env, fn, "shape too large");
  const int64_t n = outer * R * inner;
  CheckRange(env, fn, "x", x, xOff, n);
  CheckRange(env, fn, "out", out, 0, n);
  if (Overlaps(out, 0, n, x, xOff, n)) ThrowRange(env, fn, "output 'out' overlaps input 'x'");
  if (indexed) {
    CheckRange(env, fn, "indices", idx, 0, n);
    if (Overlaps(idx, 0, n, x, xOff, n) || Overlaps(idx, 0, n, out, 0, n)) ThrowRange(env, fn, "argument 'indices' overlaps 'x' or 'out'");
  }
  if (n == 0) return env.Undefined();
  int32_t* ip = indexed ? idx.as<int32_t>() : nullptr;
  switch (x.dtype) {
    case DType::F32: RunScan<float>(op, x.as<float>() + xOff, out.as<float>(), ip, outer, R, inner); break;
    case DType::F64: RunScan<double>(op, x.as<double>() + xOff, out.as<double>(), ip, outer, R, inner); break;
    case DType::I32: RunScan<int32_t>(op, x.as<int32_t>() + xOff, out.as<int32_t>(), ip, outer, R, inner); break;
    case DType::Bool: break;
  }
  return env.Undefined();
}

Napi::Object ScanTable(Napi::Env env) {
  Napi::Object t = Napi::Object::New(env);
  for (int i = 0; i < S_COUNT; i++) t.Set(kScanNames[i], Napi::Number::New(env, i));
  return t;
}

}  // namespace

void InitScan(Napi::Env env, Napi::Object exports) {
  exports.Set("scanOps", ScanTable(env));
  exports.Set("scan", Napi::Function::New(env, ScanFn, "scan"));
}

}  // namespace kd
