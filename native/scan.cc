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
#include <vector>

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

// One block of w lanes starting at x: lane j's step r is at j * laneStride + r * step. Several
// lanes at once hide the latency of each lane's serial chain of additions.
template <typename T>
void ScanBlock(int op, const T* x, T* out, int32_t* idx, int64_t R, int64_t laneStride, int64_t step, int64_t w) {
  Acc<T> acc[kColBlock];
  T best[kColBlock];
  int32_t at[kColBlock];
  for (int64_t j = 0; j < w; j++) {
    acc[j] = op == S_CUMPROD ? 1 : 0;
    at[j] = 0;
  }
  for (int64_t r = 0; r < R; r++) {
    const T* p = x + r * step;
    T* q = out + r * step;
    if (op == S_CUMSUM) {
      for (int64_t j = 0; j < w; j++) {
        acc[j] += static_cast<Acc<T>>(p[j * laneStride]);
        q[j * laneStride] = static_cast<T>(acc[j]);
      }
    } else if (op == S_CUMPROD) {
      for (int64_t j = 0; j < w; j++) {
        acc[j] *= static_cast<Acc<T>>(p[j * laneStride]);
        q[j * laneStride] = static_cast<T>(acc[j]);
      }
    } else {
      const bool isMax = op == S_CUMMAX;
      int32_t* qi = idx + r * step;
      for (int64_t j = 0; j < w; j++) {
        const T v = p[j * laneStride];
        if (r == 0 || (isMax ? TakesOver<T, true>(v, best[j]) : TakesOver<T, false>(v, best[j]))) {
          best[j] = v;
          at[j] = static_cast<int32_t>(r);
        }
        q[j * laneStride] = best[j];
        qi[j * laneStride] = at[j];
      }
    }
  }
}

// A contiguous row's cumsum/cumprod: one running total is a serial chain of dependent adds
// (a few cycles each), so the row is cut into kChunks pieces scanned side by side, and each
// piece then gets the total of the pieces before it. Partial sums stay in double.
constexpr int64_t kChunks = 8;

template <typename T, bool Prod>
void ScanRow(const T* x, T* out, int64_t R, std::vector<double>& buf) {
  const int64_t L = R / kChunks;
  if (L < 8) {
    double acc = Prod ? 1 : 0;
    for (int64_t i = 0; i < R; i++) {
      acc = Prod ? acc * static_cast<double>(x[i]) : acc + static_cast<double>(x[i]);
      out[i] = static_cast<T>(acc);
    }
    return;
  }
  buf.resize(static_cast<size_t>(R));
  double acc[kChunks];
  for (int64_t c = 0; c < kChunks; c++) acc[c] = Prod ? 1 : 0;
  for (int64_t i = 0; i < L; i++) {
    for (int64_t c = 0; c < kChunks; c++) {
      const int64_t k = c * L + i;
      acc[c] = Prod ? acc[c] * static_cast<double>(x[k]) : acc[c] + static_cast<double>(x[k]);
      buf[k] = acc[c];
    }
  }
  // the tail past kChunks * L belongs to the last piece
  for (int64_t k = kChunks * L; k < R; k++) {
    acc[kChunks - 1] = Prod ? acc[kChunks - 1] * static_cast<double>(x[k]) : acc[kChunks - 1] + static_cast<double>(x[k]);
    buf[k] = acc[kChunks - 1];
  }
  double before = Prod ? 1 : 0;
  for (int64_t c = 0; c < kChunks; c++) {
    const int64_t b = c * L, e = c == kChunks - 1 ? R : b + L;
    for (int64_t k = b; k < e; k++) out[k] = static_cast<T>(Prod ? buf[k] * before : buf[k] + before);
    before = Prod ? before * acc[c] : before + acc[c];
  }
}

template <typename T>
void RunScan(int op, const T* x, T* out, int32_t* idx, int64_t outer, int64_t R, int64_t inner) {
  if constexpr (std::is_floating_point_v<T>) {
    if (inner == 1 && (op == S_CUMSUM || op == S_CUMPROD)) {
      ParallelFor(outer, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(R, 1)), [&](int64_t o0, int64_t o1) {
        std::vector<double> buf;
        for (int64_t o = o0; o < o1; o++) {
          if (op == S_CUMSUM) ScanRow<T, false>(x + o * R, out + o * R, R, buf);
          else ScanRow<T, true>(x + o * R, out + o * R, R, buf);
        }
      });
      return;
    }
  }
  const int64_t blocks = (inner + kColBlock - 1) / kColBlock;
  const int64_t items = outer * blocks;
  const int64_t perItem = R * std::min(inner, kColBlock);
  ParallelFor(items, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(perItem, 1)), [&](int64_t i0, int64_t i1) {
    for (int64_t it = i0; it < i1; it++) {
      const int64_t o = it / blocks;
      const int64_t j0 = (it % blocks) * kColBlock;
      const int64_t w = std::min(kColBlock, inner - j0);
      const int64_t base = o * R * inner + j0;
      ScanBlock<T>(op, x + base, out + base, idx ? idx + base : nullptr, R, 1, inner, w);
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

}  // namespace

void InitScan(Napi::Env env, Napi::Object exports) {
  exports.Set("scanOps", OpTable(env, kScanNames, S_COUNT));
  exports.Set("scan", Napi::Function::New(env, ScanFn, "scan"));
}

}  // namespace kd
