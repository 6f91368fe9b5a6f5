// The arguments batch_norm.cc and row_norm.cc share: a forward reads x, weight | null,
// bias | null, stats and y (arguments 0-4); a backward reads x, dy, weight | null, stats,
// dx | null and dwdb | null (arguments 0-5). Reading checks the kinds and dtypes; Check*
// then checks every extent and overlap once the family's layout gives the counts.
#pragma once

#include "args.h"

namespace kd {

struct NormForwardArgs {
  Buf x, w, b, stats, y;
  bool hasW = false, hasB = false;
};

inline NormForwardArgs ReadNormForward(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  NormForwardArgs a;
  a.x = GetFloatBuf(info, 0, fn, "x");
  a.hasW = !IsNullish(info[1]);
  a.hasB = !IsNullish(info[2]);
  if (a.hasW) a.w = GetFloatBuf(info, 1, fn, "weight");
  if (a.hasB) a.b = GetFloatBuf(info, 2, fn, "bias");
  a.stats = GetFloatBuf(info, 3, fn, "stats");
  a.y = GetFloatBuf(info, 4, fn, "y");
  if (a.hasW) SameDType(env, fn, a.w, "weight", a.x, "x");
  if (a.hasB) SameDType(env, fn, a.b, "bias", a.x, "x");
  SameDType(env, fn, a.stats, "stats", a.x, "x");
  SameDType(env, fn, a.y, "y", a.x, "x");
  return a;
}

// x at xOff and y at yOff hold count elements; weight and bias `params` each; stats statsCount
// (the forward writes it when statsWritten, so it must not overlap x either).
inline void CheckNormForward(Napi::Env env, const char* fn, const NormForwardArgs& a, int64_t xOff, int64_t yOff, int64_t count,
                             int64_t wOff, int64_t bOff, int64_t params, int64_t statsCount, bool statsWritten) {
  CheckRange(env, fn, "x", a.x, xOff, count);
  CheckRange(env, fn, "y", a.y, yOff, count);
  if (a.hasW) CheckRange(env, fn, "weight", a.w, wOff, params);
  if (a.hasB) CheckRange(env, fn, "bias", a.b, bOff, params);
  CheckRange(env, fn, "stats", a.stats, 0, statsCount);
  if (Overlaps(a.y, yOff, count, a.x, xOff, count)) ThrowRange(env, fn, "arguments 'y' and 'x' overlap");
  if (Overlaps(a.stats, 0, statsCount, a.y, yOff, count) || (statsWritten && Overlaps(a.stats, 0, statsCount, a.x, xOff, count))) {
    ThrowRange(env, fn, "argument 'stats' overlaps 'x' or 'y'");
  }
}

struct NormBackwardArgs {
  Buf x, dy, w, stats, dx, dwdb;
  bool hasW = false, hasDx = false, hasDwdb = false;
};

inline NormBackwardArgs ReadNormBackward(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  NormBackwardArgs a;
  a.x = GetFloatBuf(info, 0, fn, "x");
  a.dy = GetFloatBuf(info, 1, fn, "dy");
  a.hasW = !IsNullish(info[2]);
  if (a.hasW) a.w = GetFloatBuf(info, 2, fn, "weight");
  a.stats = GetFloatBuf(info, 3, fn, "stats");
  a.hasDx = !IsNullish(info[4]);
  a.hasDwdb = !IsNullish(info[5]);
  if (a.hasDx) a.dx = GetFloatBuf(info, 4, fn, "dx");
  if (a.hasDwdb) a.dwdb = GetFloatBuf(info, 5, fn, "dwdb");
  SameDType(env, fn, a.dy, "dy", a.x, "x");
  if (a.hasW) SameDType(env, fn, a.w, "weight", a.x, "x");
  SameDType(env, fn, a.stats, "stats", a.x, "x");
  if (a.hasDx) SameDType(env, fn, a.dx, "dx", a.x, "x");
  if (a.hasDwdb) SameDType(env, fn, a.dwdb, "dwdb", a.x, "x");
  return a;
}

// x at xOff and dy at dyOff hold count elements, dx (dense) as many; weight `params`, dwdb
// 2 * params (dense), stats statsCount.
inline void CheckNormBackward(Napi::Env env, const char* fn, const NormBackwardArgs& a, int64_t xOff, int64_t dyOff, int64_t count,
                              int64_t wOff, int64_t params, int64_t statsCount) {
  CheckRange(env, fn, "x", a.x, xOff, count);
  CheckRange(env, fn, "dy", a.dy, dyOff, count);
  if (a.hasW) CheckRange(env, fn, "weight", a.w, wOff, params);
  CheckRange(env, fn, "stats", a.stats, 0, statsCount);
  if (a.hasDx) {
    CheckRange(env, fn, "dx", a.dx, 0, count);
    if (Overlaps(a.dx, 0, count, a.x, xOff, count) || Overlaps(a.dx, 0, count, a.dy, dyOff, count)) {
      ThrowRange(env, fn, "argument 'dx' overlaps 'x' or 'dy'");
    }
  }
  if (a.hasDwdb) {
    CheckRange(env, fn, "dwdb", a.dwdb, 0, 2 * params);
    if (Overlaps(a.dwdb, 0, 2 * params, a.x, xOff, count) || Overlaps(a.dwdb, 0, 2 * params, a.dy, dyOff, count) ||
        (a.hasDx && Overlaps(a.dwdb, 0, 2 * params, a.dx, 0, count))) {
      ThrowRange(env, fn, "argument 'dwdb' overlaps another argument");
    }
  }
}

// A float buffer's elements from an offset, as T (null for an absent optional argument).
template <typename T>
T* At(const Buf& b, bool present, int64_t offset) {
  return present ? b.as<T>() + offset : nullptr;
}

}  // namespace kd
