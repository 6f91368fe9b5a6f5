// The sliding-window geometry and one image plane's im2col/col2im, shared by F.unfold/F.fold
// (im2col.cc) and the convolutions (conv.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "args.h"

namespace kd {

struct Geometry {
  int64_t n, c, h, w, kh, kw, padH, padW, strideH, strideW, dilH, dilW, oh, ow;
};

// Row (c, i, j) of one image's columns: for output row y and column x, the input element at
// (y*stride - pad + i*dil, x*stride - pad + j*dil). Fold adds instead of copying.
template <typename T, bool Fold>
void Plane(const Geometry& g, T* img, T* cols, int64_t rowStride) {
  for (int64_t i = 0; i < g.kh; i++) {
    for (int64_t j = 0; j < g.kw; j++) {
      T* row = cols + (i * g.kw + j) * rowStride;
      for (int64_t y = 0; y < g.oh; y++) {
        const int64_t iy = y * g.strideH - g.padH + i * g.dilH;
        T* out = row + y * g.ow;
        if (iy < 0 || iy >= g.h) {
          if (!Fold) std::fill(out, out + g.ow, T(0));
          continue;
        }
        const T* src = img + iy * g.w;
        T* dst = img + iy * g.w;
        const int64_t x0 = j * g.dilW - g.padW;
        if (g.strideW == 1 && x0 >= 0 && x0 + g.ow <= g.w) {
          if (Fold) {
            for (int64_t x = 0; x < g.ow; x++) dst[x0 + x] += out[x];
          } else {
            std::memcpy(out, src + x0, sizeof(T) * g.ow);
          }
          continue;
        }
        for (int64_t x = 0; x < g.ow; x++) {
          const int64_t ix = x * g.strideW + x0;
          const bool inside = ix >= 0 && ix < g.w;
          if (Fold) {
            if (inside) dst[ix] += out[x];
          } else {
            out[x] = inside ? src[ix] : T(0);
          }
        }
      }
    }
  }
}

// Output positions along one dim for this geometry (0 when the dilated kernel does not fit).
inline int64_t SlidingSize(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil) {
  const int64_t span = in + 2 * pad - dil * (k - 1) - 1;
  return span < 0 ? int64_t(0) : span / stride + 1;
}

// The window entries of a layout: kH, kW, padH, padW, strideH, strideW, dilH, dilW, oH, oW,
// after N, C, H, W have been read into g. oH and oW must be the sizes the geometry gives, so
// every tap index stays in range.
inline void ReadWindow(Napi::Env env, const char* fn, IntList& l, Geometry& g) {
  g.kh = l.Next("kH", 1, 1 << 20);
  g.kw = l.Next("kW", 1, 1 << 20);
  g.padH = l.Next("padH", 0, 1 << 20);
  g.padW = l.Next("padW", 0, 1 << 20);
  g.strideH = l.Next("strideH", 1, 1 << 20);
  g.strideW = l.Next("strideW", 1, 1 << 20);
  g.dilH = l.Next("dilH", 1, 1 << 20);
  g.dilW = l.Next("dilW", 1, 1 << 20);
  g.oh = l.Next("oH", 0, kMaxElements);
  g.ow = l.Next("oW", 0, kMaxElements);
  if (g.oh != SlidingSize(g.h, g.kh, g.padH, g.strideH, g.dilH) || g.ow != SlidingSize(g.w, g.kw, g.padW, g.strideW, g.dilW)) {
    ThrowRange(env, fn, "oH/oW do not match the input size, kernel, padding, stride and dilation");
  }
}

// The product of sizes, or a RangeError when it passes kMaxElements.
inline int64_t MulChecked(Napi::Env env, const char* fn, std::initializer_list<int64_t> xs) {
  int64_t p = 1;
  for (int64_t x : xs) {
    if (x != 0 && p > kMaxElements / x) ThrowRange(env, fn, "shape too large");
    p *= x;
  }
  return p;
}

}  // namespace kd
