// 2-D convolution: the forward product, the gradient to the input, and the gradients to the
// weight and bias, each threaded over the batch. A thread takes whole images, unfolds one image
// at a time into its own column buffer [C*kH*kW, oH*oW] and runs single-threaded GEMMs per
// group against it, writing straight into that image's [O, oH*oW] output. Unfolding the whole
// batch for one big GEMM instead (F.unfold's layout) makes columns of N*C*kH*kW*oH*oW elements
// — 42 MB for MNIST's second convolution at batch 64 — that stream through memory on every use,
// and needs a layout pass from [O, N, L] back to [N, O, L]; per-image columns stay in cache.
// A 1×1 kernel with stride 1 and no padding uses the image itself as its columns.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops (lib/ops/conv.ts); an entry in test/native/fuzz.test.ts.
#include <algorithm>
#include <climits>
#include <exception>
#include <vector>

#include "blas.h"
#include "im2col.h"
#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

struct Conv {
  Geometry g;  // n, c, h, w, kernel, padding, stride, dilation, oh, ow of the input side
  int64_t o = 0, groups = 1;
  int64_t xOff = 0, wOff = 0, bOff = 0, yOff = 0;
  int64_t cg = 0, og = 0, kg = 0, l = 0;  // channels and outputs per group, column rows per group, positions
  bool pointwise = false;

  int64_t XCount() const { return g.n * g.c * g.h * g.w; }
  int64_t YCount() const { return g.n * o * l; }
  int64_t WCount() const { return o * kg; }
};

// layout: [xOffset, wOffset, bOffset, yOffset, N, C, H, W, O, groups, kH, kW, padH, padW,
// strideH, strideW, dilH, dilW, oH, oW]; x is the input side and y the output side in all
// three entry points.
Conv ParseConv(Napi::Env env, const char* fn, const Napi::CallbackInfo& info, size_t i) {
  IntList l = GetIntList(info, i, fn, "layout");
  Conv p;
  p.xOff = l.Next("xOffset", 0, kMaxElements);
  p.wOff = l.Next("wOffset", 0, kMaxElements);
  p.bOff = l.Next("bOffset", 0, kMaxElements);
  p.yOff = l.Next("yOffset", 0, kMaxElements);
  Geometry& g = p.g;
  g.n = l.Next("N", 0, kMaxElements);
  g.c = l.Next("C", 0, kMaxElements);
  g.h = l.Next("H", 0, kMaxElements);
  g.w = l.Next("W", 0, kMaxElements);
  p.o = l.Next("O", 1, kMaxElements);
  p.groups = l.Next("groups", 1, kMaxElements);
  if (l.n != 20) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 20");
  ReadWindow(env, fn, l, g);
  if (g.c % p.groups != 0 || p.o % p.groups != 0) {
    ThrowRange(env, fn, "C (" + std::to_string(g.c) + ") and O (" + std::to_string(p.o) + ") must be multiples of groups (" +
                            std::to_string(p.groups) + ")");
  }
  auto mulChecked = [&](std::initializer_list<int64_t> xs) { return MulChecked(env, fn, xs); };
  p.cg = g.c / p.groups;
  p.og = p.o / p.groups;
  p.kg = mulChecked({p.cg, g.kh, g.kw});
  p.l = mulChecked({g.oh, g.ow});
  mulChecked({g.n, g.c, g.h, g.w});
  mulChecked({g.n, p.o, p.l});
  mulChecked({g.c, g.kh, g.kw, p.l});
  mulChecked({p.o, p.kg});
  // cblas takes int dimensions
  if (p.og > INT_MAX || p.kg > INT_MAX || p.l > INT_MAX) ThrowRange(env, fn, "a per-group matrix dimension exceeds 2^31 - 1");
  p.pointwise = g.kh == 1 && g.kw == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0 && g.padW == 0;
  return p;
}

// Per-thread scratch, allocated before any thread starts so a failed allocation is a JS error.
template <typename T>
std::vector<T> Scratch(Napi::Env env, const char* fn, int64_t count) {
  try {
    return std::vector<T>(static_cast<size_t>(count));
  } catch (const std::exception&) {  // bad_alloc, or length_error past max_size
    ThrowRange(env, fn, "cannot allocate " + std::to_string(count) + " elements of scratch memory");
  }
}

// Images split over min(threads, N) slots; fn(slot, first, last). With several slots, each
// thread's GEMMs are single-threaded (OpenBLAS's threading costs more than products this size
// gain from it); one slot keeps OpenBLAS's threads for its products.
int64_t SlotsFor(int64_t n) {
  return std::max<int64_t>(1, std::min<int64_t>(NumThreads(), n));
}

template <typename F>
void OverImages(int64_t n, int64_t slots, F fn) {
  if (slots <= 1) {
    fn(0, 0, n);
    return;
  }
  const int threads = NumThreads();
  SetBlasThreads(1);
  ParallelFor(slots, 1, [&](int64_t s0, int64_t s1) {
    for (int64_t s = s0; s < s1; s++) fn(s, s * n / slots, (s + 1) * n / slots);
  });
  SetBlasThreads(threads);
}

// The columns of image i into cols (all groups' rows), or the image itself for a pointwise kernel.
template <typename T>
const T* Columns(const Conv& p, const T* img, T* cols) {
  if (p.pointwise) return img;
  const int64_t plane = p.g.h * p.g.w, kk = p.g.kh * p.g.kw;
  for (int64_t c = 0; c < p.g.c; c++) Plane<T, false>(p.g, const_cast<T*>(img) + c * plane, cols + c * kk * p.l, p.l);
  return cols;
}

template <typename T>
void Forward(Napi::Env env, const char* fn, const Conv& p, const T* x, const T* w, const T* b, T* y) {
  const int64_t slots = SlotsFor(p.g.n);
  const int64_t colCount = p.pointwise ? 0 : p.g.c * p.g.kh * p.g.kw * p.l;
  std::vector<T> cols = Scratch<T>(env, fn, slots * colCount);
  OverImages(p.g.n, slots, [&](int64_t s, int64_t i0, int64_t i1) {
    T* slotCols = cols.data() + s * colCount;
    for (int64_t i = i0; i < i1; i++) {
      const T* col = Columns(p, x + i * p.g.c * p.g.h * p.g.w, slotCols);
      T* yi = y + i * p.o * p.l;
      for (int64_t gi = 0; gi < p.groups; gi++) {
        T* yg = yi + gi * p.og * p.l;
        if (p.kg == 0) {
          std::fill(yg, yg + p.og * p.l, T(0));
          continue;
        }
        Gemm<T>(false, false, static_cast<int>(p.og), static_cast<int>(p.l), static_cast<int>(p.kg), T(1), w + gi * p.og * p.kg,
                static_cast<int>(p.kg), col + gi * p.kg * p.l, static_cast<int>(p.l), T(0), yg, static_cast<int>(p.l));
      }
      if (b) {
        for (int64_t o = 0; o < p.o; o++) {
          T* row = yi + o * p.l;
          const T bo = b[o];
          for (int64_t j = 0; j < p.l; j++) row[j] += bo;
        }
      }
    }
  });
}

template <typename T>
void BackwardInput(Napi::Env env, const char* fn, const Conv& p, const T* dy, const T* w, T* dx) {
  const int64_t slots = SlotsFor(p.g.n);
  const int64_t colCount = p.pointwise ? 0 : p.g.c * p.g.kh * p.g.kw * p.l;
  std::vector<T> cols = Scratch<T>(env, fn, slots * colCount);
  const int64_t plane = p.g.h * p.g.w, kk = p.g.kh * p.g.kw;
  OverImages(p.g.n, slots, [&](int64_t s, int64_t i0, int64_t i1) {
    T* slotCols = cols.data() + s * colCount;
    for (int64_t i = i0; i < i1; i++) {
      T* dxi = dx + i * p.g.c * plane;
      T* col = p.pointwise ? dxi : slotCols;
      const T* dyi = dy + i * p.o * p.l;
      for (int64_t gi = 0; gi < p.groups && p.kg > 0; gi++) {
        Gemm<T>(true, false, static_cast<int>(p.kg), static_cast<int>(p.l), static_cast<int>(p.og), T(1), w + gi * p.og * p.kg,
                static_cast<int>(p.kg), dyi + gi * p.og * p.l, static_cast<int>(p.l), T(0), col + gi * p.kg * p.l,
                static_cast<int>(p.l));
      }
      if (p.pointwise) continue;
      std::fill(dxi, dxi + p.g.c * plane, T(0));
      for (int64_t c = 0; c < p.g.c; c++) Plane<T, true>(p.g, dxi + c * plane, col + c * kk * p.l, p.l);
    }
  });
}

// dw (and db when given) = sums over the batch; each slot sums its images into its own
// accumulators (dw transposed), then the slots are added in order, so a thread count gives
// one fixed result.
template <typename T>
void BackwardWeight(Napi::Env env, const char* fn, const Conv& p, const T* x, const T* dy, T* dw, T* db) {
  const int64_t slots = SlotsFor(p.g.n);
  const int64_t colCount = p.pointwise ? 0 : p.g.c * p.g.kh * p.g.kw * p.l;
  std::vector<T> cols = Scratch<T>(env, fn, slots * colCount);
  const int64_t wCount = p.WCount();
  std::vector<T> acc = Scratch<T>(env, fn, slots * (wCount + p.o));
  OverImages(p.g.n, slots, [&](int64_t s, int64_t i0, int64_t i1) {
    T* slotCols = cols.data() + s * colCount;
    T* dws = acc.data() + s * (wCount + p.o);
    T* dbs = dws + wCount;
    for (int64_t i = i0; i < i1; i++) {
      const T* col = Columns(p, x + i * p.g.c * p.g.h * p.g.w, slotCols);
      const T* dyi = dy + i * p.o * p.l;
      // the transposed gradient, col · dyᵀ [Kg, Og]: OpenBLAS runs this shape ~18% faster
      // than dy · colᵀ (64x288x576: 144 vs 122 GFLOP/s on one thread); transposed back below
      for (int64_t gi = 0; gi < p.groups && p.kg > 0 && p.l > 0; gi++) {
        Gemm<T>(false, true, static_cast<int>(p.kg), static_cast<int>(p.og), static_cast<int>(p.l), T(1), col + gi * p.kg * p.l,
                static_cast<int>(p.l), dyi + gi * p.og * p.l, static_cast<int>(p.l), T(1), dws + gi * p.og * p.kg,
                static_cast<int>(p.og));
      }
      if (db) {
        for (int64_t o = 0; o < p.o; o++) {
          const T* row = dyi + o * p.l;
          T sum = 0;
          for (int64_t j = 0; j < p.l; j++) sum += row[j];
          dbs[o] += sum;
        }
      }
    }
  });
  // dw [groups, Og, Kg] from the slots' transposed sums [groups, Kg, Og]
  for (int64_t gi = 0; gi < p.groups; gi++) {
    for (int64_t o = 0; o < p.og; o++) {
      for (int64_t k = 0; k < p.kg; k++) {
        const int64_t at = gi * p.og * p.kg + k * p.og + o;
        T sum = 0;
        for (int64_t s = 0; s < slots; s++) sum += acc[s * (wCount + p.o) + at];
        dw[gi * p.og * p.kg + o * p.kg + k] = sum;
      }
    }
  }
  if (db) {
    for (int64_t o = 0; o < p.o; o++) {
      T sum = 0;
      for (int64_t s = 0; s < slots; s++) sum += acc[s * (wCount + p.o) + wCount + o];
      db[o] = sum;
    }
  }
}

void CheckDistinct(Napi::Env env, const char* fn, const Buf& out, const char* outName, int64_t outOff, int64_t outCount,
                   const Buf& in, const char* inName, int64_t inOff, int64_t inCount) {
  if (Overlaps(out, outOff, outCount, in, inOff, inCount)) {
    ThrowRange(env, fn, std::string("arguments '") + outName + "' and '" + inName + "' overlap");
  }
}

// conv2d(x, w, bias | null, y, layout): y = conv(x, w) + bias, y overwritten.
Napi::Value Conv2dFn(const Napi::CallbackInfo& info) {
  const char* fn = "conv2d";
  Napi::Env env = info.Env();
  Buf x = GetFloatBuf(info, 0, fn, "x");
  Buf w = GetFloatBuf(info, 1, fn, "weight");
  const bool hasBias = !IsNullish(info[2]);
  Buf b = hasBias ? GetFloatBuf(info, 2, fn, "bias") : Buf{};
  Buf y = GetFloatBuf(info, 3, fn, "y");
  SameDType(env, fn, x, "x", w, "weight");
  SameDType(env, fn, x, "x", y, "y");
  if (hasBias) SameDType(env, fn, x, "x", b, "bias");
  Conv p = ParseConv(env, fn, info, 4);
  CheckRange(env, fn, "x", x, p.xOff, p.XCount());
  CheckRange(env, fn, "weight", w, p.wOff, p.WCount());
  if (hasBias) CheckRange(env, fn, "bias", b, p.bOff, p.o);
  CheckRange(env, fn, "y", y, p.yOff, p.YCount());
  CheckDistinct(env, fn, y, "y", p.yOff, p.YCount(), x, "x", p.xOff, p.XCount());
  CheckDistinct(env, fn, y, "y", p.yOff, p.YCount(), w, "weight", p.wOff, p.WCount());
  if (hasBias) CheckDistinct(env, fn, y, "y", p.yOff, p.YCount(), b, "bias", p.bOff, p.o);
  if (p.YCount() == 0) return env.Undefined();
  if (x.dtype == DType::F32) {
    Forward<float>(env, fn, p, x.as<float>() + p.xOff, w.as<float>() + p.wOff, hasBias ? b.as<float>() + p.bOff : nullptr, y.as<float>() + p.yOff);
  } else {
    Forward<double>(env, fn, p, x.as<double>() + p.xOff, w.as<double>() + p.wOff, hasBias ? b.as<double>() + p.bOff : nullptr,
                    y.as<double>() + p.yOff);
  }
  return env.Undefined();
}

// conv2dBackwardInput(dy, w, dx, layout): dx (at xOffset) = the gradient of conv2d's input,
// overwritten; dy at yOffset.
Napi::Value Conv2dBackwardInputFn(const Napi::CallbackInfo& info) {
  const char* fn = "conv2dBackwardInput";
  Napi::Env env = info.Env();
  Buf dy = GetFloatBuf(info, 0, fn, "dy");
  Buf w = GetFloatBuf(info, 1, fn, "weight");
  Buf dx = GetFloatBuf(info, 2, fn, "dx");
  SameDType(env, fn, dy, "dy", w, "weight");
  SameDType(env, fn, dy, "dy", dx, "dx");
  Conv p = ParseConv(env, fn, info, 3);
  CheckRange(env, fn, "dy", dy, p.yOff, p.YCount());
  CheckRange(env, fn, "weight", w, p.wOff, p.WCount());
  CheckRange(env, fn, "dx", dx, p.xOff, p.XCount());
  CheckDistinct(env, fn, dx, "dx", p.xOff, p.XCount(), dy, "dy", p.yOff, p.YCount());
  CheckDistinct(env, fn, dx, "dx", p.xOff, p.XCount(), w, "weight", p.wOff, p.WCount());
  if (p.XCount() == 0) return env.Undefined();
  if (dy.dtype == DType::F32) {
    BackwardInput<float>(env, fn, p, dy.as<float>() + p.yOff, w.as<float>() + p.wOff, dx.as<float>() + p.xOff);
  } else {
    BackwardInput<double>(env, fn, p, dy.as<double>() + p.yOff, w.as<double>() + p.wOff, dx.as<double>() + p.xOff);
  }
  return env.Undefined();
}

// conv2dBackwardWeight(x, dy, dw, db | null, layout): dw (at wOffset) and db (at bOffset) =
// the gradients of conv2d's weight and bias, overwritten.
Napi::Value Conv2dBackwardWeightFn(const Napi::CallbackInfo& info) {
  const char* fn = "conv2dBackwardWeight";
  Napi::Env env = info.Env();
  Buf x = GetFloatBuf(info, 0, fn, "x");
  Buf dy = GetFloatBuf(info, 1, fn, "dy");
  Buf dw = GetFloatBuf(info, 2, fn, "dw");
  const bool hasBias = !IsNullish(info[3]);
  Buf db = hasBias ? GetFloatBuf(info, 3, fn, "db") : Buf{};
  SameDType(env, fn, x, "x", dy, "dy");
  SameDType(env, fn, x, "x", dw, "dw");
  if (hasBias) SameDType(env, fn, x, "x", db, "db");
  Conv p = ParseConv(env, fn, info, 4);
  CheckRange(env, fn, "x", x, p.xOff, p.XCount());
  CheckRange(env, fn, "dy", dy, p.yOff, p.YCount());
  CheckRange(env, fn, "dw", dw, p.wOff, p.WCount());
  if (hasBias) CheckRange(env, fn, "db", db, p.bOff, p.o);
  CheckDistinct(env, fn, dw, "dw", p.wOff, p.WCount(), x, "x", p.xOff, p.XCount());
  CheckDistinct(env, fn, dw, "dw", p.wOff, p.WCount(), dy, "dy", p.yOff, p.YCount());
  if (hasBias) {
    CheckDistinct(env, fn, db, "db", p.bOff, p.o, x, "x", p.xOff, p.XCount());
    CheckDistinct(env, fn, db, "db", p.bOff, p.o, dy, "dy", p.yOff, p.YCount());
    CheckDistinct(env, fn, db, "db", p.bOff, p.o, dw, "dw", p.wOff, p.WCount());
  }
  if (x.dtype == DType::F32) {
    BackwardWeight<float>(env, fn, p, x.as<float>() + p.xOff, dy.as<float>() + p.yOff, dw.as<float>() + p.wOff,
                          hasBias ? db.as<float>() + p.bOff : nullptr);
  } else {
    BackwardWeight<double>(env, fn, p, x.as<double>() + p.xOff, dy.as<double>() + p.yOff, dw.as<double>() + p.wOff,
                           hasBias ? db.as<double>() + p.bOff : nullptr);
  }
  return env.Undefined();
}

}  // namespace

void InitConv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2d", Napi::Function::New(env, Conv2dFn, "conv2d"));
  exports.Set("conv2dBackwardInput", Napi::Function::New(env, Conv2dBackwardInputFn, "conv2dBackwardInput"));
  exports.Set("conv2dBackwardWeight", Napi::Function::New(env, Conv2dBackwardWeightFn, "conv2dBackwardWeight"));
}

}  // namespace kd
