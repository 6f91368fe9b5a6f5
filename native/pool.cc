// Max and average pooling over the planes of [planes, H, W] and their gradients, PyTorch's CPU
// formulas exactly: a window is clipped to the input (padding never wins a max and is never
// read); max keeps the first maximum in window order, or a NaN; average divides by the window
// clipped to the padded input (countIncludePad), to the input, or by divisorOverride. Work
// splits over planes, so threads never write the same memory.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops (lib/ops/pooling.ts); an entry in test/native/fuzz.test.ts.
#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>

#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

enum PoolKind { kMax = 0, kAvg = 1 };

struct Pool {
  int kind = kMax;
  int64_t xOff = 0, planes = 0, h = 0, w = 0, kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, oh = 0, ow = 0;
  bool countIncludePad = true;
  int64_t divisor = 0;  // 0: none
};

// layout: [xOffset, planes, H, W, kH, kW, strideH, strideW, padH, padW, dilH, dilW, oH, oW,
// countIncludePad, divisorOverride (0 = none)].
Pool ParsePool(Napi::Env env, const char* fn, const Napi::CallbackInfo& info, size_t i, int kind) {
  IntList l = GetIntList(info, i, fn, "layout");
  Pool p;
  p.kind = kind;
  p.xOff = l.Next("xOffset", 0, kMaxElements);
  p.planes = l.Next("planes", 0, kMaxElements);
  p.h = l.Next("H", 0, kMaxElements);
  p.w = l.Next("W", 0, kMaxElements);
  p.kh = l.Next("kH", 1, 1 << 20);
  p.kw = l.Next("kW", 1, 1 << 20);
  p.sh = l.Next("strideH", 1, 1 << 20);
  p.sw = l.Next("strideW", 1, 1 << 20);
  p.ph = l.Next("padH", 0, 1 << 20);
  p.pw = l.Next("padW", 0, 1 << 20);
  p.dh = l.Next("dilH", 1, 1 << 20);
  p.dw = l.Next("dilW", 1, 1 << 20);
  p.oh = l.Next("oH", 0, 1 << 30);
  p.ow = l.Next("oW", 0, 1 << 30);
  p.countIncludePad = l.Next("countIncludePad", 0, 1) != 0;
  p.divisor = l.Next("divisorOverride", -(int64_t(1) << 31), (int64_t(1) << 31) - 1);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 16");
  if (kind == kAvg && (p.dh != 1 || p.dw != 1)) ThrowRange(env, fn, "average pooling takes no dilation");
  for (int64_t prod : {p.h * p.w, p.oh * p.ow}) {
    if (p.planes != 0 && prod > kMaxElements / p.planes) ThrowRange(env, fn, "shape too large");
  }
  if (p.h * p.w > int64_t(INT32_MAX)) ThrowRange(env, fn, "a plane of more than 2^31 - 1 elements cannot be indexed with int32");
  return p;
}

// The window of output (i, j) clipped to the input: rows [h0, h1) and columns [w0, w1) stepping
// by the dilation, starting at the first tap inside the input.
struct Window {
  int64_t h0, h1, w0, w1;
};

inline Window MaxWindow(const Pool& p, int64_t i, int64_t j) {
  Window win;
  win.h0 = i * p.sh - p.ph;
  win.w0 = j * p.sw - p.pw;
  win.h1 = std::min(win.h0 + (p.kh - 1) * p.dh + 1, p.h);
  win.w1 = std::min(win.w0 + (p.kw - 1) * p.dw + 1, p.w);
  while (win.h0 < 0) win.h0 += p.dh;
  while (win.w0 < 0) win.w0 += p.dw;
  return win;
}

// The clipped window and its divisor, as ATen's avg_pool2d.
inline Window AvgWindow(const Pool& p, int64_t i, int64_t j, int64_t* divide) {
  Window win;
  win.h0 = i * p.sh - p.ph;
  win.w0 = j * p.sw - p.pw;
  win.h1 = std::min(win.h0 + p.kh, p.h + p.ph);
  win.w1 = std::min(win.w0 + p.kw, p.w + p.pw);
  const int64_t poolSize = (win.h1 - win.h0) * (win.w1 - win.w0);
  win.h0 = std::max<int64_t>(win.h0, 0);
  win.w0 = std::max<int64_t>(win.w0, 0);
  win.h1 = std::min(win.h1, p.h);
  win.w1 = std::min(win.w1, p.w);
  *divide = p.divisor != 0 ? p.divisor : p.countIncludePad ? poolSize : (win.h1 - win.h0) * (win.w1 - win.w0);
  return win;
}

int64_t GrainFor(const Pool& p) {
  const int64_t perPlane = std::max<int64_t>(1, p.oh * p.ow * p.kh * p.kw + p.h * p.w);
  return std::max<int64_t>(1, kGrainElementwise / perPlane);
}

// The window (i, j) of one plane, clipped, with its first maximum (or NaN) and where it is.
template <typename T>
inline void MaxAt(const Pool& p, const T* plane, int64_t i, int64_t j, T* value, int32_t* index) {
  const Window win = MaxWindow(p, i, j);
  int64_t best = win.h0 * p.w + win.w0;
  T v = -std::numeric_limits<T>::infinity();
  for (int64_t y = win.h0; y < win.h1; y += p.dh) {
    for (int64_t z = win.w0; z < win.w1; z += p.dw) {
      const T e = plane[y * p.w + z];
      if (e > v || e != e) {
        v = e;
        best = y * p.w + z;
      }
    }
  }
  *value = v;
  *index = static_cast<int32_t>(best);
}

// Max over each window of one plane. Columns whose windows lie inside the input run tap by
// tap across the output row (taps in window order, so the first maximum still wins), in
// chunks of kMaxChunk columns: no loop-carried dependency, where a window-at-a-time loop waits
// on each comparison. When the caller wants no indices they go to a stack buffer.
constexpr int64_t kMaxChunk = 2048;

template <typename T>
void MaxPlane(const Pool& p, const T* plane, T* o, int32_t* idx) {
  int32_t scratch[kMaxChunk];
  int32_t unused;
  const int64_t W = p.w, oh = p.oh, ow = p.ow, sw = p.sw, pw = p.pw;
  const int64_t jlo = std::min(ow, (pw + sw - 1) / sw);
  const int64_t lastStart = W - 1 - (p.kw - 1) * p.dw + pw;  // the last column window start that fits
  const int64_t jhi = lastStart < 0 ? jlo : std::max(jlo, std::min(ow, lastStart / sw + 1));
  for (int64_t i = 0; i < oh; i++) {
    T* vo = o + i * ow;
    int32_t* ir = idx ? idx + i * ow : nullptr;
    for (int64_t j = 0; j < jlo; j++) MaxAt(p, plane, i, j, vo + j, ir ? ir + j : &unused);
    for (int64_t j = jhi; j < ow; j++) MaxAt(p, plane, i, j, vo + j, ir ? ir + j : &unused);
    if (jhi <= jlo) continue;
    const Window rows = MaxWindow(p, i, 0);
    for (int64_t c0 = jlo; c0 < jhi; c0 += kMaxChunk) {
      const int64_t c1 = std::min(jhi, c0 + kMaxChunk);
      int32_t* io = ir ? ir + c0 : scratch;  // io[j - c0] for column j
      for (int64_t j = c0; j < c1; j++) {
        vo[j] = -std::numeric_limits<T>::infinity();
        io[j - c0] = static_cast<int32_t>(rows.h0 * W + j * sw - pw);
      }
      for (int64_t y = rows.h0; y < rows.h1; y += p.dh) {
        for (int64_t tx = 0; tx < p.kw; tx++) {
          const int64_t shift = tx * p.dw - pw;
          const T* row = plane + y * W + shift;
          const int32_t base = static_cast<int32_t>(y * W + shift);
          for (int64_t j = c0; j < c1; j++) {
            // select, not branch: which tap wins is data and mispredicts half the time
            const T e = row[j * sw];
            const bool take = (e > vo[j]) | (e != e);
            vo[j] = take ? e : vo[j];
            io[j - c0] = take ? base + static_cast<int32_t>(j * sw) : io[j - c0];
          }
        }
      }
    }
  }
}

template <typename T>
void AvgPlane(const Pool& p, const T* plane, T* o) {
  const int64_t W = p.w, oh = p.oh, ow = p.ow;
  for (int64_t i = 0; i < oh; i++) {
    for (int64_t j = 0; j < ow; j++) {
      int64_t divide;
      const Window win = AvgWindow(p, i, j, &divide);
      if (win.h0 >= win.h1 || win.w0 >= win.w1) {
        o[i * ow + j] = T(0);
        continue;
      }
      T sum = 0;
      for (int64_t y = win.h0; y < win.h1; y++)
        for (int64_t z = win.w0; z < win.w1; z++) sum += plane[y * W + z];
      o[i * ow + j] = sum / static_cast<T>(divide);
    }
  }
}

template <typename T>
void Forward(const Pool& p, const T* x, T* out, int32_t* indices) {
  ParallelFor(p.planes, GrainFor(p), [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      const T* plane = x + q * p.h * p.w;
      T* o = out + q * p.oh * p.ow;
      if (p.kind == kMax) MaxPlane(p, plane, o, indices ? indices + q * p.oh * p.ow : nullptr);
      else AvgPlane(p, plane, o);
    }
  });
}

template <typename T>
void Backward(const Pool& p, const T* g, const int32_t* indices, T* gx) {
  ParallelFor(p.planes, GrainFor(p), [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; q++) {
      T* plane = gx + q * p.h * p.w;
      const T* go = g + q * p.oh * p.ow;
      std::fill(plane, plane + p.h * p.w, T(0));
      if (p.kind == kMax) {
        const int32_t* idx = indices + q * p.oh * p.ow;
        for (int64_t k = 0; k < p.oh * p.ow; k++) plane[idx[k]] += go[k];
        continue;
      }
      for (int64_t i = 0; i < p.oh; i++) {
        for (int64_t j = 0; j < p.ow; j++) {
          int64_t divide;
          const Window win = AvgWindow(p, i, j, &divide);
          const T share = go[i * p.ow + j] / static_cast<T>(divide);
          for (int64_t y = win.h0; y < win.h1; y++)
            for (int64_t z = win.w0; z < win.w1; z++) plane[y * p.w + z] += share;
        }
      }
    }
  });
}

int GetKind(const Napi::CallbackInfo& info, const char* fn) {
  return static_cast<int>(GetInt(info, 0, fn, "kind", kMax, kAvg));
}

// pool2d(kind, x, out, indices | null, layout): out (dense [planes, oH, oW]) = the pooled x
// (dense [planes, H, W] from xOffset); max pooling also writes each maximum's index into its
// plane when indices is given.
Napi::Value Pool2dFn(const Napi::CallbackInfo& info) {
  const char* fn = "pool2d";
  Napi::Env env = info.Env();
  const int kind = GetKind(info, fn);
  Buf x = GetFloatBuf(info, 1, fn, "x");
  Buf out = GetFloatBuf(info, 2, fn, "out");
  SameDType(env, fn, x, "x", out, "out");
  const bool hasIdx = !IsNullish(info[3]);
  Buf idx = hasIdx ? GetBufOf(info, 3, fn, "indices", DType::I32) : Buf{};
  Pool p = ParsePool(env, fn, info, 4, kind);
  if (hasIdx && kind != kMax) ThrowRange(env, fn, "only max pooling writes indices");
  const int64_t inCount = p.planes * p.h * p.w, outCount = p.planes * p.oh * p.ow;
  CheckRange(env, fn, "x", x, p.xOff, inCount);
  CheckRange(env, fn, "out", out, 0, outCount);
  if (hasIdx) CheckRange(env, fn, "indices", idx, 0, outCount);
  if (Overlaps(out, 0, outCount, x, p.xOff, inCount)) ThrowRange(env, fn, "arguments 'out' and 'x' overlap");
  if (outCount == 0) return env.Undefined();
  if (x.dtype == DType::F32) Forward<float>(p, x.as<float>() + p.xOff, out.as<float>(), hasIdx ? idx.as<int32_t>() : nullptr);
  else Forward<double>(p, x.as<double>() + p.xOff, out.as<double>(), hasIdx ? idx.as<int32_t>() : nullptr);
  return env.Undefined();
}

// pool2dBackward(kind, g, indices | null, gx, layout): gx (dense [planes, H, W], overwritten) =
// the gradient of pool2d's input from g (dense [planes, oH, oW] from xOffset); max pooling
// routes each gradient to its recorded index, which must lie in its plane.
Napi::Value Pool2dBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "pool2dBackward";
  Napi::Env env = info.Env();
  const int kind = GetKind(info, fn);
  Buf g = GetFloatBuf(info, 1, fn, "g");
  const bool hasIdx = !IsNullish(info[2]);
  Buf idx = hasIdx ? GetBufOf(info, 2, fn, "indices", DType::I32) : Buf{};
  Buf gx = GetFloatBuf(info, 3, fn, "gx");
  SameDType(env, fn, g, "g", gx, "gx");
  Pool p = ParsePool(env, fn, info, 4, kind);
  if (kind == kMax && !hasIdx) ThrowRange(env, fn, "max pooling's gradient needs the forward's indices");
  const int64_t inCount = p.planes * p.h * p.w, outCount = p.planes * p.oh * p.ow;
  CheckRange(env, fn, "g", g, p.xOff, outCount);
  CheckRange(env, fn, "gx", gx, 0, inCount);
  if (hasIdx) CheckRange(env, fn, "indices", idx, 0, outCount);
  if (Overlaps(gx, 0, inCount, g, p.xOff, outCount)) ThrowRange(env, fn, "arguments 'gx' and 'g' overlap");
  if (kind == kMax) {
    const int32_t* ix = idx.as<int32_t>();
    const int64_t plane = p.h * p.w;
    for (int64_t k = 0; k < outCount; k++) {
      if (ix[k] < 0 || ix[k] >= plane) {
        ThrowRange(env, fn, "index " + std::to_string(ix[k]) + " at " + std::to_string(k) + " is outside a plane of " +
                                std::to_string(plane) + " elements");
      }
    }
  }
  if (inCount == 0) return env.Undefined();
  if (g.dtype == DType::F32) Backward<float>(p, g.as<float>() + p.xOff, hasIdx ? idx.as<int32_t>() : nullptr, gx.as<float>());
  else Backward<double>(p, g.as<double>() + p.xOff, hasIdx ? idx.as<int32_t>() : nullptr, gx.as<double>());
  return env.Undefined();
}

}  // namespace

void InitPool(Napi::Env env, Napi::Object exports) {
  exports.Set("pool2d", Napi::Function::New(env, Pool2dFn, "pool2d"));
  exports.Set("pool2dBackward", Napi::Function::New(env, Pool2dBackwardFn, "pool2dBackward"));
}

}  // namespace kd
