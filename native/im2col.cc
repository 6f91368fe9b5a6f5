// im2col and col2im for convolutions (F.unfold / F.fold): a batch of images [N, C, H, W]
// and its sliding blocks [N, C*kH*kW, oH*oW], row (c, i, j) holding, for each output position,
// the input element under kernel tap (i, j) of channel c (zero where it falls in the padding).
// A convolution is then one GEMM per batch against these columns. im2col writes every column
// element; col2im adds the columns back into a zeroed image (overlapping taps sum), the adjoint
// of im2col, so each is the other's gradient. Work splits over (n, c) planes: disjoint rows of
// the columns and disjoint planes of the image, so threads never write the same memory.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops (lib/ops/unfold.ts); an entry in test/native/fuzz.test.ts.
#include <algorithm>
#include <cstring>

#include "im2col.h"
#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

template <typename T, bool Fold>
void Run(const Geometry& g, T* img, T* cols) {
  const int64_t planes = g.n * g.c;
  const int64_t plane = g.h * g.w, rows = g.kh * g.kw * g.oh * g.ow;
  const int64_t grain = std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, rows + plane));
  const int64_t L = g.oh * g.ow;
  ParallelFor(planes, grain, [&](int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; p++) {
      if (Fold) std::fill(img + p * plane, img + (p + 1) * plane, T(0));
      Plane<T, Fold>(g, img + p * plane, cols + p * rows, L);
    }
  });
}

// unfold(fold, image, columns, layout = [imageOffset, N, C, H, W, kH, kW, padH, padW, strideH,
// strideW, dilH, dilW, oH, oW]). fold false: columns (dense from 0) = im2col(image, dense from
// imageOffset). fold true: image = col2im(columns), overwriting the image's elements.
Napi::Value UnfoldFn(const Napi::CallbackInfo& info) {
  const char* fn = "unfold";
  Napi::Env env = info.Env();
  const bool fold = GetBool(info, 0, fn, "fold");
  Buf img = GetFloatBuf(info, 1, fn, "image");
  Buf cols = GetFloatBuf(info, 2, fn, "columns");
  SameDType(env, fn, img, "image", cols, "columns");
  IntList l = GetIntList(info, 3, fn, "layout");
  const int64_t off = l.Next("imageOffset", 0, kMaxElements);
  Geometry g;
  g.n = l.Next("N", 0, kMaxElements);
  g.c = l.Next("C", 0, kMaxElements);
  g.h = l.Next("H", 0, kMaxElements);
  g.w = l.Next("W", 0, kMaxElements);
  if (l.n != 15) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 15");
  ReadWindow(env, fn, l, g);
  const int64_t imgCount = MulChecked(env, fn, {g.n, g.c, g.h, g.w});
  const int64_t colCount = MulChecked(env, fn, {g.n, g.c, g.kh, g.kw, g.oh, g.ow});
  CheckRange(env, fn, "image", img, off, imgCount);
  CheckRange(env, fn, "columns", cols, 0, colCount);
  if (Overlaps(img, off, imgCount, cols, 0, colCount)) ThrowRange(env, fn, "arguments 'image' and 'columns' overlap");
  if (imgCount == 0 || colCount == 0) {
    if (fold && imgCount > 0) {
      if (img.dtype == DType::F32) std::fill(img.as<float>() + off, img.as<float>() + off + imgCount, 0.f);
      else std::fill(img.as<double>() + off, img.as<double>() + off + imgCount, 0.0);
    }
    return env.Undefined();
  }
  if (img.dtype == DType::F32) {
    if (fold) Run<float, true>(g, img.as<float>() + off, cols.as<float>());
    else Run<float, false>(g, img.as<float>() + off, cols.as<float>());
  } else {
    if (fold) Run<double, true>(g, img.as<double>() + off, cols.as<double>());
    else Run<double, false>(g, img.as<double>() + off, cols.as<double>());
  }
  return env.Undefined();
}

}  // namespace

void InitIm2col(Napi::Env env, Napi::Object exports) {
  exports.Set("unfold", Napi::Function::New(env, UnfoldFn, "unfold"));
}

}  // namespace kd
