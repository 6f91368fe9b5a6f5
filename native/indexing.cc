// Index-driven gathers and scatters along one dim: gather (and indexSelect, which is a
// gather through a broadcast index view) and their backward, scatter-add. Index values are
// all checked against the indexed dim before any data is read or written.
#include "kernels.h"
#include "strided.h"
#include "thread_pool.h"

namespace kd {
namespace {

// Layout: [ndim, dim, shape..., targetDimSize, then (offset, strides...) for: dense, index,
// target]. "dense" walks the index's shape; "target" is addressed with its stride along `dim`
// replaced by index * stride.
struct IndexPlan {
  Strided<3> s;
  int dim;
  int64_t dimSize;
  int64_t dimStride;
};

IndexPlan ReadIndexPlan(const Napi::CallbackInfo& info, size_t layoutArg, const char* fn, const Buf& dense,
                        const Buf& index, const Buf& target, const char* denseName, const char* targetName) {
  Napi::Env env = info.Env();
  IntList l = GetIntList(info, layoutArg, fn, "layout");
  IndexPlan p;
  Strided<3>& s = p.s;
  s.ndim = static_cast<int>(l.Next("ndim", 1, kMaxDims));
  p.dim = static_cast<int>(l.Next("dim", 0, s.ndim - 1));
  for (int d = 0; d < s.ndim; d++) {
    s.shape[d] = l.Next("size", 0, kMaxElements);
    if (s.shape[d] != 0 && s.numel > kMaxElements / s.shape[d]) ThrowRange(env, fn, "shape has too many elements");
    s.numel *= s.shape[d];
  }
  p.dimSize = l.Next("target dim size", 0, kMaxElements);
  for (int k = 0; k < 3; k++) {
    s.offset[k] = l.Next("offset", 0, kMaxElements);
    for (int d = 0; d < s.ndim; d++) s.strides[k][d] = l.Next("stride", 0, kMaxElements);
  }
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected " + std::to_string(l.pos));
  CheckExtent(env, fn, denseName, dense, s.offset[0], s.ndim, s.shape, s.strides[0]);
  // the dense operand is written (gather) or read in full (scatterAdd): either way its view
  // must not repeat elements, which also bounds the loop by its buffer's length
  CheckWritable<3>(env, fn, denseName, dense, s, 0);
  CheckExtent(env, fn, "index", index, s.offset[1], s.ndim, s.shape, s.strides[1]);
  int64_t tshape[kMaxDims] = {0};
  for (int d = 0; d < s.ndim; d++) tshape[d] = d == p.dim ? p.dimSize : s.shape[d];
  if (s.numel > 0 && p.dimSize == 0) ThrowRange(env, fn, std::string("cannot index into an empty dimension of '") + targetName + "'");
  CheckExtent(env, fn, targetName, target, s.offset[2], s.ndim, tshape, s.strides[2]);
  p.dimStride = s.strides[2][p.dim];
  s.strides[2][p.dim] = 0;
  // every index value in range, before anything else is touched; dims the index is
  // broadcast along (stride 0) hold no new values, so the scan skips them
  const int32_t* idx = index.as<int32_t>();
  Strided<3> scan = s;
  scan.numel = 1;
  for (int d = 0; d < s.ndim; d++) {
    if (s.strides[1][d] == 0) scan.shape[d] = std::min<int64_t>(scan.shape[d], 1);
    scan.numel *= scan.shape[d];
  }
  ForEachRun<3>(scan, 0, scan.numel, [&](const int64_t* off, const int64_t* in, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
      const int32_t v = idx[off[1] + i * in[1]];
      if (v < 0 || v >= p.dimSize) {
        ThrowRange(env, fn, "index " + std::to_string(v) + " is out of bounds for dimension " + std::to_string(p.dim) +
                                " with size " + std::to_string(p.dimSize));
      }
    }
  });
  return p;
}

// gather(out, x, index, layout): out[i] = x[i with i[dim] = index[i]]
Napi::Value GatherFn(const Napi::CallbackInfo& info) {
  const char* fn = "gather";
  Napi::Env env = info.Env();
  Buf out = GetBuf(info, 0, fn, "out");
  Buf x = GetBuf(info, 1, fn, "x");
  Buf index = GetBufOf(info, 2, fn, "index", DType::I32);
  SameDType(env, fn, out, "out", x, "x");
  IndexPlan p = ReadIndexPlan(info, 3, fn, out, index, x, "out", "x");
  const int32_t* idx = index.as<int32_t>();
  auto run = [&](auto* o, const auto* xp) {
    ParallelFor(p.s.numel, kGrainElementwise, [&](int64_t b, int64_t e) {
      ForEachRun<3>(p.s, b, e, [&](const int64_t* off, const int64_t* in, int64_t n) {
        for (int64_t i = 0; i < n; i++)
          o[off[0] + i * in[0]] = xp[off[2] + i * in[2] + static_cast<int64_t>(idx[off[1] + i * in[1]]) * p.dimStride];
      });
    });
  };
  switch (x.dtype) {
    case DType::F32: run(out.as<float>(), x.as<float>()); break;
    case DType::F64: run(out.as<double>(), x.as<double>()); break;
    case DType::I32: run(out.as<int32_t>(), x.as<int32_t>()); break;
    case DType::Bool: run(out.as<uint8_t>(), x.as<uint8_t>()); break;
  }
  return env.Undefined();
}

// scatterAdd(target, src, index, layout): target[i with i[dim] = index[i]] += src[i].
// Serial: several source elements may land on the same target element.
Napi::Value ScatterAddFn(const Napi::CallbackInfo& info) {
  const char* fn = "scatterAdd";
  Napi::Env env = info.Env();
  Buf target = GetFloatBuf(info, 0, fn, "target");
  Buf src = GetFloatBuf(info, 1, fn, "src");
  Buf index = GetBufOf(info, 2, fn, "index", DType::I32);
  SameDType(env, fn, target, "target", src, "src");
  IndexPlan p = ReadIndexPlan(info, 3, fn, src, index, target, "src", "target");
  const int32_t* idx = index.as<int32_t>();
  auto run = [&](auto* t, const auto* sp) {
    ForEachRun<3>(p.s, 0, p.s.numel, [&](const int64_t* off, const int64_t* in, int64_t n) {
      for (int64_t i = 0; i < n; i++)
        t[off[2] + i * in[2] + static_cast<int64_t>(idx[off[1] + i * in[1]]) * p.dimStride] += sp[off[0] + i * in[0]];
    });
  };
  if (target.dtype == DType::F32) run(target.as<float>(), src.as<float>());
  else run(target.as<double>(), src.as<double>());
  return env.Undefined();
}

enum ScatterMode { SC_ASSIGN, SC_ADD, SC_MULTIPLY, SC_AMAX, SC_AMIN, SC_COUNT };
const char* kScatterNames[] = {"assign", "add", "multiply", "amax", "amin"};
static_assert(sizeof(kScatterNames) / sizeof(kScatterNames[0]) == SC_COUNT, "scatter names");

// scatter(mode, target, src, index, layout): target[i with i[dim] = index[i]] (op)= src[i],
// layout as scatterAdd's. Serial, in index order, so the last write wins for assign (as
// PyTorch on CPU). amax/amin let NaN win. Any storage kind for assign; numbers otherwise.
Napi::Value ScatterFn(const Napi::CallbackInfo& info) {
  const char* fn = "scatter";
  Napi::Env env = info.Env();
  const int mode = static_cast<int>(GetInt(info, 0, fn, "mode", 0, SC_COUNT - 1));
  Buf target = GetBuf(info, 1, fn, "target");
  Buf src = GetBuf(info, 2, fn, "src");
  Buf index = GetBufOf(info, 3, fn, "index", DType::I32);
  SameDType(env, fn, target, "target", src, "src");
  if (mode != SC_ASSIGN && target.dtype == DType::Bool) ThrowType(env, fn, std::string("mode '") + kScatterNames[mode] + "' does not accept a Uint8Array (bool)");
  IndexPlan p = ReadIndexPlan(info, 4, fn, src, index, target, "src", "target");
  if (Overlaps(target, 0, target.length, src, 0, src.length)) ThrowRange(env, fn, "'target' overlaps 'src'");
  const int32_t* idx = index.as<int32_t>();
  auto run = [&](auto* t, const auto* sp) {
    using T = std::remove_pointer_t<decltype(t)>;
    auto apply = [&](auto f) {
      ForEachRun<3>(p.s, 0, p.s.numel, [&](const int64_t* off, const int64_t* in, int64_t n) {
        for (int64_t i = 0; i < n; i++) {
          T& dst = t[off[2] + i * in[2] + static_cast<int64_t>(idx[off[1] + i * in[1]]) * p.dimStride];
          dst = f(dst, sp[off[0] + i * in[0]]);
        }
      });
    };
    switch (mode) {
      case SC_ASSIGN: return apply([](T, T v) { return v; });
      case SC_ADD:
        if constexpr (std::is_same_v<T, int32_t>) return apply([](T a, T v) { return static_cast<T>(uint32_t(a) + uint32_t(v)); });
        else return apply([](T a, T v) { return static_cast<T>(a + v); });
      case SC_MULTIPLY:
        if constexpr (std::is_same_v<T, int32_t>) return apply([](T a, T v) { return static_cast<T>(uint32_t(a) * uint32_t(v)); });
        else return apply([](T a, T v) { return static_cast<T>(a * v); });
      case SC_AMAX: return apply([](T a, T v) { return (a != a || v != v) ? static_cast<T>(a + v) : (v > a ? v : a); });
      case SC_AMIN: return apply([](T a, T v) { return (a != a || v != v) ? static_cast<T>(a + v) : (v < a ? v : a); });
    }
  };
  switch (target.dtype) {
    case DType::F32: run(target.as<float>(), src.as<float>()); break;
    case DType::F64: run(target.as<double>(), src.as<double>()); break;
    case DType::I32: run(target.as<int32_t>(), src.as<int32_t>()); break;
    case DType::Bool: run(target.as<uint8_t>(), src.as<uint8_t>()); break;
  }
  return env.Undefined();
}

}  // namespace

void InitIndexing(Napi::Env env, Napi::Object exports) {
  exports.Set("gather", Napi::Function::New(env, GatherFn, "gather"));
  exports.Set("scatterAdd", Napi::Function::New(env, ScatterAddFn, "scatterAdd"));
  exports.Set("scatterModes", OpTable(env, kScatterNames, SC_COUNT));
  exports.Set("scatter", Napi::Function::New(env, ScatterFn, "scatter"));
}

}  // namespace kd
