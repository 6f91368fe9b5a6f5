// Iteration over N strided operands that share one shape (the output's), as elementwise
// kernels need. Operands broadcast by having stride 0. The layout arrives from JS as one
// Float64Array: [ndim, shape..., then per operand: offset, strides...].
#pragma once

#include <algorithm>

#include "args.h"

namespace kd {

template <int N>
struct Strided {
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t offset[N];
  int64_t strides[N][kMaxDims];
  int64_t numel = 1;
};

// Refuses a written view in which two positions share an element: a zero stride on a dim
// of size > 1, or more positions than its buffer holds. Besides matching PyTorch (which
// rejects writes through expanded views), this bounds every loop by a real buffer length.
template <int N>
void CheckWritable(Napi::Env env, const char* fn, const char* name, const Buf& b, const Strided<N>& s, int k) {
  for (int d = 0; d < s.ndim; d++) {
    if (s.shape[d] > 1 && s.strides[k][d] == 0) {
      ThrowRange(env, fn, std::string("argument '") + name + "' is written through a zero stride (dimension " +
                              std::to_string(d) + " of size " + std::to_string(s.shape[d]) +
                              "): several positions would write the same element");
    }
  }
  if (s.numel > b.length) {
    ThrowRange(env, fn, std::string("argument '") + name + "' has " + std::to_string(b.length) + " elements but is written at " +
                            std::to_string(s.numel) + " positions: its view overlaps itself");
  }
}

// Reads and checks a layout for N operands; bufs[k] may be null for a scalar operand (its
// offset and strides are read but not used). Operand 0 is the one written. Nothing is read
// from the buffers themselves.
template <int N>
Strided<N> ReadStrided(const Napi::CallbackInfo& info, size_t layoutArg, const char* fn, const Buf* const* bufs,
                       const char* const* names) {
  Napi::Env env = info.Env();
  IntList l = GetIntList(info, layoutArg, fn, "layout");
  Strided<N> s;
  s.ndim = static_cast<int>(l.Next("ndim", 0, kMaxDims));
  for (int d = 0; d < s.ndim; d++) {
    s.shape[d] = l.Next("size", 0, kMaxElements);
    if (s.shape[d] != 0 && s.numel > kMaxElements / s.shape[d]) ThrowRange(env, fn, "shape has too many elements");
    s.numel *= s.shape[d];
  }
  for (int k = 0; k < N; k++) {
    s.offset[k] = l.Next("offset", 0, kMaxElements);
    for (int d = 0; d < s.ndim; d++) s.strides[k][d] = l.Next("stride", 0, kMaxElements);
    if (bufs[k]) CheckExtent(env, fn, names[k], *bufs[k], s.offset[k], s.ndim, s.shape, s.strides[k]);
  }
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected " + std::to_string(l.pos));
  if (bufs[0]) CheckWritable<N>(env, fn, names[0], *bufs[0], s, 0);
  return s;
}

// Drops size-1 dims and merges neighbours that are contiguous for every operand, so a
// contiguous tensor of any shape becomes a single run.
template <int N>
void Collapse(Strided<N>& s) {
  int out = 0;
  for (int d = 0; d < s.ndim; d++) {
    if (s.shape[d] == 1) continue;
    if (out > 0) {
      bool merge = true;
      for (int k = 0; k < N; k++) {
        if (s.strides[k][out - 1] != s.strides[k][d] * s.shape[d]) merge = false;
      }
      if (merge) {
        s.shape[out - 1] *= s.shape[d];
        for (int k = 0; k < N; k++) s.strides[k][out - 1] = s.strides[k][d];
        continue;
      }
    }
    s.shape[out] = s.shape[d];
    for (int k = 0; k < N; k++) s.strides[k][out] = s.strides[k][d];
    out++;
  }
  if (out == 0) {  // a scalar or all-ones shape: one element
    s.shape[0] = 1;
    for (int k = 0; k < N; k++) s.strides[k][0] = 1;
    out = 1;
  }
  s.ndim = out;
}

// Calls run(offs, inner, count) for the runs along the innermost dim covering linear output
// positions [begin, end): offs[k] is operand k's element offset at the run's start, inner[k]
// its innermost stride.
template <int N, typename Run>
void ForEachRun(const Strided<N>& s, int64_t begin, int64_t end, Run&& run) {
  if (begin >= end) return;
  const int last = s.ndim - 1;
  int64_t idx[kMaxDims];
  int64_t rem = begin;
  for (int d = last; d >= 0; d--) {
    idx[d] = rem % s.shape[d];
    rem /= s.shape[d];
  }
  int64_t offs[N];
  int64_t inner[N];
  for (int k = 0; k < N; k++) {
    offs[k] = s.offset[k];
    for (int d = 0; d <= last; d++) offs[k] += idx[d] * s.strides[k][d];
    inner[k] = s.strides[k][last];
  }
  int64_t pos = begin;
  while (pos < end) {
    int64_t count = std::min(end - pos, s.shape[last] - idx[last]);
    run(offs, inner, count);
    pos += count;
    if (pos >= end) break;
    // back to the start of this row, then carry into the outer dims
    for (int k = 0; k < N; k++) offs[k] -= idx[last] * inner[k];
    idx[last] = 0;
    for (int d = last - 1; d >= 0; d--) {
      idx[d]++;
      for (int k = 0; k < N; k++) offs[k] += s.strides[k][d];
      if (idx[d] < s.shape[d]) break;
      for (int k = 0; k < N; k++) offs[k] -= s.shape[d] * s.strides[k][d];
      idx[d] = 0;
    }
  }
}

}  // namespace kd
