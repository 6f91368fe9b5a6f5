// The LSTM and GRU cells' gate math, fused: from the two projections of a step (input and
// hidden; LSTM [B, 4H] gates i, f, g, o; GRU [B, 3H] gates r, z, n, in PyTorch's order) one
// pass gives the new state(s) and keeps what the gradient needs (the activated gates, and tanh
// of the new cell state for the LSTM); the backward is one pass too. Unfused, a step is a dozen
// elementwise ops, each allocating its output and recording a tape node.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// a layout builder in lib/ops (lib/ops/lstm_cell.ts); an entry in test/native/fuzz.test.ts.
#include <algorithm>
#include <cmath>

#include "fast_math.h"
#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

inline float Sig(float x) { return FastSigmoid(x); }
inline double Sig(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline float Tanh(float x) { return FastTanh(x); }
inline double Tanh(double x) { return std::tanh(x); }

struct Cell {
  int64_t aOff, bOff, cOff, batch, hidden;
};

// layout: [aOffset, bOffset, cOffset, B, H]; what a and b are depends on the entry point.
Cell ParseCell(Napi::Env env, const char* fn, const Napi::CallbackInfo& info, size_t i) {
  IntList l = GetIntList(info, i, fn, "layout");
  Cell c;
  c.aOff = l.Next("aOffset", 0, kMaxElements);
  c.bOff = l.Next("bOffset", 0, kMaxElements);
  c.cOff = l.Next("cOffset", 0, kMaxElements);
  c.batch = l.Next("B", 0, kMaxElements);
  c.hidden = l.Next("H", 0, kMaxElements);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected 5");
  if (c.hidden != 0 && c.batch > kMaxElements / (4 * c.hidden)) ThrowRange(env, fn, "shape too large");
  return c;
}

// One batch row of the cell. restrict: the buffers are distinct (checked), and without it
// GCC gives up vectorising a loop over seven pointers that might alias.
template <typename T>
inline void ForwardRow(const T* __restrict x, const T* __restrict h, const T* __restrict c, T* __restrict a, T* __restrict cn,
                       T* __restrict tc, T* __restrict hn, int64_t H) {
  for (int64_t j = 0; j < H; j++) {
    const T i = Sig(x[j] + h[j]);
    const T f = Sig(x[H + j] + h[H + j]);
    const T g = Tanh(x[2 * H + j] + h[2 * H + j]);
    const T o = Sig(x[3 * H + j] + h[3 * H + j]);
    const T cv = f * c[j] + i * g;
    const T t = Tanh(cv);
    a[j] = i;
    a[H + j] = f;
    a[2 * H + j] = g;
    a[3 * H + j] = o;
    cn[j] = cv;
    tc[j] = t;
    hn[j] = o * t;
  }
}

template <typename T>
inline void BackwardRow(const T* __restrict dh, const T* __restrict dc2, const T* __restrict a, const T* __restrict tc,
                        const T* __restrict c, T* __restrict d, T* __restrict dc, int64_t H) {
  for (int64_t j = 0; j < H; j++) {
    const T i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j], t = tc[j];
    const T dcn = dc2[j] + dh[j] * o * (T(1) - t * t);
    d[j] = dcn * g * i * (T(1) - i);
    d[H + j] = dcn * c[j] * f * (T(1) - f);
    d[2 * H + j] = dcn * i * (T(1) - g * g);
    d[3 * H + j] = dh[j] * t * o * (T(1) - o);
    dc[j] = dcn * f;
  }
}

// float rows get AVX2 clones (fast_math.h); double rows the baseline build.
KD_MULTIVERSION void RowF(const float* x, const float* h, const float* c, float* a, float* cn, float* tc, float* hn, int64_t H) {
  ForwardRow(x, h, c, a, cn, tc, hn, H);
}
void RowF(const double* x, const double* h, const double* c, double* a, double* cn, double* tc, double* hn, int64_t H) {
  ForwardRow(x, h, c, a, cn, tc, hn, H);
}
KD_MULTIVERSION void RowB(const float* dh, const float* dc2, const float* a, const float* tc, const float* c, float* d, float* dc, int64_t H) {
  BackwardRow(dh, dc2, a, tc, c, d, dc, H);
}
void RowB(const double* dh, const double* dc2, const double* a, const double* tc, const double* c, double* d, double* dc, int64_t H) {
  BackwardRow(dh, dc2, a, tc, c, d, dc, H);
}

// A step of a few thousand elements runs inline: waking the pool costs more than it saves.
template <typename T>
void Forward(const Cell& s, const T* xp, const T* hp, const T* c, T* h2, T* c2, T* act, T* tc) {
  const int64_t H = s.hidden;
  ParallelFor(s.batch, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, H)), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) RowF(xp + b * 4 * H, hp + b * 4 * H, c + b * H, act + b * 4 * H, c2 + b * H, tc + b * H, h2 + b * H, H);
  });
}

template <typename T>
void Backward(const Cell& s, const T* dh, const T* dc2, const T* act, const T* tc, const T* c, T* dgates, T* dc) {
  const int64_t H = s.hidden;
  ParallelFor(s.batch, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, 4 * H)), [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) RowB(dh + b * H, dc2 + b * H, act + b * 4 * H, tc + b * H, c + b * H, dgates + b * 4 * H, dc + b * H, H);
  });
}

Buf Dense(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, const Buf& like, int64_t count) {
  Buf b = GetFloatBuf(info, i, fn, name);
  SameDType(info.Env(), fn, b, name, like, "the first argument");
  CheckRange(info.Env(), fn, name, b, 0, count);
  return b;
}

// lstmCell(xProj, hProj, c, h2, c2, act, tc, layout [xOffset, hOffset, cOffset, B, H]):
// xProj and hProj [B, 4H] and c [B, H] from their offsets; h2, c2, tc [B, H] and act [B, 4H]
// dense from 0, overwritten.
Napi::Value LstmCellFn(const Napi::CallbackInfo& info) {
  const char* fn = "lstmCell";
  Napi::Env env = info.Env();
  Buf xp = GetFloatBuf(info, 0, fn, "xProj");
  Cell s = ParseCell(env, fn, info, 7);
  const int64_t n = s.batch * s.hidden;
  CheckRange(env, fn, "xProj", xp, s.aOff, 4 * n);
  Buf hp = GetFloatBuf(info, 1, fn, "hProj");
  SameDType(env, fn, hp, "hProj", xp, "xProj");
  CheckRange(env, fn, "hProj", hp, s.bOff, 4 * n);
  Buf c = GetFloatBuf(info, 2, fn, "c");
  SameDType(env, fn, c, "c", xp, "xProj");
  CheckRange(env, fn, "c", c, s.cOff, n);
  Buf h2 = Dense(info, 3, fn, "h2", xp, n);
  Buf c2 = Dense(info, 4, fn, "c2", xp, n);
  Buf act = Dense(info, 5, fn, "act", xp, 4 * n);
  Buf tc = Dense(info, 6, fn, "tc", xp, n);
  const Buf* outs[] = {&h2, &c2, &act, &tc};
  const int64_t outCounts[] = {n, n, 4 * n, n};
  const Buf* ins[] = {&xp, &hp, &c};
  const int64_t inOffs[] = {s.aOff, s.bOff, s.cOff}, inCounts[] = {4 * n, 4 * n, n};
  for (int o = 0; o < 4; o++) {
    for (int q = 0; q < 3; q++) {
      if (Overlaps(*outs[o], 0, outCounts[o], *ins[q], inOffs[q], inCounts[q])) ThrowRange(env, fn, "an output overlaps an input");
    }
    for (int q = o + 1; q < 4; q++) {
      if (Overlaps(*outs[o], 0, outCounts[o], *outs[q], 0, outCounts[q])) ThrowRange(env, fn, "two outputs overlap");
    }
  }
  if (xp.dtype == DType::F32) {
    Forward<float>(s, xp.as<float>() + s.aOff, hp.as<float>() + s.bOff, c.as<float>() + s.cOff, h2.as<float>(), c2.as<float>(),
                   act.as<float>(), tc.as<float>());
  } else {
    Forward<double>(s, xp.as<double>() + s.aOff, hp.as<double>() + s.bOff, c.as<double>() + s.cOff, h2.as<double>(),
                    c2.as<double>(), act.as<double>(), tc.as<double>());
  }
  return env.Undefined();
}

// lstmCellBackward(dh, dc2, act, tc, c, dgates, dc, layout [dhOffset, dc2Offset, cOffset, B, H]):
// from the gradients of h2 and c2 ([B, H] from their offsets) and the forward's act, tc (dense)
// and c, the gradient of the gate pre-activations dgates [B, 4H] and of c, dc [B, H], dense
// from 0 and overwritten.
Napi::Value LstmCellBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "lstmCellBackward";
  Napi::Env env = info.Env();
  Buf dh = GetFloatBuf(info, 0, fn, "dh");
  Cell s = ParseCell(env, fn, info, 7);
  const int64_t n = s.batch * s.hidden;
  CheckRange(env, fn, "dh", dh, s.aOff, n);
  Buf dc2 = GetFloatBuf(info, 1, fn, "dc2");
  SameDType(env, fn, dc2, "dc2", dh, "dh");
  CheckRange(env, fn, "dc2", dc2, s.bOff, n);
  Buf act = Dense(info, 2, fn, "act", dh, 4 * n);
  Buf tc = Dense(info, 3, fn, "tc", dh, n);
  Buf c = GetFloatBuf(info, 4, fn, "c");
  SameDType(env, fn, c, "c", dh, "dh");
  CheckRange(env, fn, "c", c, s.cOff, n);
  Buf dg = Dense(info, 5, fn, "dgates", dh, 4 * n);
  Buf dc = Dense(info, 6, fn, "dc", dh, n);
  const Buf* ins[] = {&dh, &dc2, &act, &tc, &c};
  const int64_t inOffs[] = {s.aOff, s.bOff, 0, 0, s.cOff}, inCounts[] = {n, n, 4 * n, n, n};
  for (int q = 0; q < 5; q++) {
    if (Overlaps(dg, 0, 4 * n, *ins[q], inOffs[q], inCounts[q]) || Overlaps(dc, 0, n, *ins[q], inOffs[q], inCounts[q])) {
      ThrowRange(env, fn, "an output overlaps an input");
    }
  }
  if (Overlaps(dg, 0, 4 * n, dc, 0, n)) ThrowRange(env, fn, "arguments 'dgates' and 'dc' overlap");
  if (dh.dtype == DType::F32) {
    Backward<float>(s, dh.as<float>() + s.aOff, dc2.as<float>() + s.bOff, act.as<float>(), tc.as<float>(), c.as<float>() + s.cOff,
                    dg.as<float>(), dc.as<float>());
  } else {
    Backward<double>(s, dh.as<double>() + s.aOff, dc2.as<double>() + s.bOff, act.as<double>(), tc.as<double>(),
                     c.as<double>() + s.cOff, dg.as<double>(), dc.as<double>());
  }
  return env.Undefined();
}

// ---- GRU: r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r hn), h' = (1 - z) n + z h ----

template <typename T>
inline void GruForwardRow(const T* __restrict x, const T* __restrict hp, const T* __restrict h, T* __restrict a, T* __restrict hn,
                          int64_t H) {
  for (int64_t j = 0; j < H; j++) {
    const T r = Sig(x[j] + hp[j]);
    const T z = Sig(x[H + j] + hp[H + j]);
    const T n = Tanh(x[2 * H + j] + r * hp[2 * H + j]);
    a[j] = r;
    a[H + j] = z;
    a[2 * H + j] = n;
    hn[j] = (T(1) - z) * n + z * h[j];
  }
}

// dx: the gradient of the input projection's gates; dhp: of the hidden projection's (its n
// part is scaled by r); dhd: the part of h's gradient that passes straight through z.
template <typename T>
inline void GruBackwardRow(const T* __restrict dh, const T* __restrict a, const T* __restrict hp, const T* __restrict h,
                           T* __restrict dx, T* __restrict dhp, T* __restrict dhd, int64_t H) {
  for (int64_t j = 0; j < H; j++) {
    const T r = a[j], z = a[H + j], n = a[2 * H + j], g = dh[j];
    const T dn = g * (T(1) - z) * (T(1) - n * n);
    const T dr = dn * hp[2 * H + j] * r * (T(1) - r);
    const T dz = g * (h[j] - n) * z * (T(1) - z);
    dx[j] = dr;
    dx[H + j] = dz;
    dx[2 * H + j] = dn;
    dhp[j] = dr;
    dhp[H + j] = dz;
    dhp[2 * H + j] = dn * r;
    dhd[j] = g * z;
  }
}

KD_MULTIVERSION void GruRowF(const float* x, const float* hp, const float* h, float* a, float* hn, int64_t H) {
  GruForwardRow(x, hp, h, a, hn, H);
}
void GruRowF(const double* x, const double* hp, const double* h, double* a, double* hn, int64_t H) {
  GruForwardRow(x, hp, h, a, hn, H);
}
KD_MULTIVERSION void GruRowB(const float* dh, const float* a, const float* hp, const float* h, float* dx, float* dhp, float* dhd, int64_t H) {
  GruBackwardRow(dh, a, hp, h, dx, dhp, dhd, H);
}
void GruRowB(const double* dh, const double* a, const double* hp, const double* h, double* dx, double* dhp, double* dhd, int64_t H) {
  GruBackwardRow(dh, a, hp, h, dx, dhp, dhd, H);
}

// gruCell(xProj, hProj, h, hNew, act, layout [xOffset, hpOffset, hOffset, B, H]): xProj and
// hProj [B, 3H] (hProj with the hidden bias) and h [B, H] at their offsets; hNew [B, H] and
// act [B, 3H] (r, z, n) dense from 0, overwritten.
Napi::Value GruCellFn(const Napi::CallbackInfo& info) {
  const char* fn = "gruCell";
  Napi::Env env = info.Env();
  Buf xp = GetFloatBuf(info, 0, fn, "xProj");
  Cell s = ParseCell(env, fn, info, 5);
  const int64_t n = s.batch * s.hidden;
  CheckRange(env, fn, "xProj", xp, s.aOff, 3 * n);
  Buf hp = GetFloatBuf(info, 1, fn, "hProj");
  SameDType(env, fn, hp, "hProj", xp, "xProj");
  CheckRange(env, fn, "hProj", hp, s.bOff, 3 * n);
  Buf h = GetFloatBuf(info, 2, fn, "h");
  SameDType(env, fn, h, "h", xp, "xProj");
  CheckRange(env, fn, "h", h, s.cOff, n);
  Buf hn = Dense(info, 3, fn, "hNew", xp, n);
  Buf act = Dense(info, 4, fn, "act", xp, 3 * n);
  const Buf* ins[] = {&xp, &hp, &h};
  const int64_t inOffs[] = {s.aOff, s.bOff, s.cOff}, inCounts[] = {3 * n, 3 * n, n};
  for (int q = 0; q < 3; q++) {
    if (Overlaps(hn, 0, n, *ins[q], inOffs[q], inCounts[q]) || Overlaps(act, 0, 3 * n, *ins[q], inOffs[q], inCounts[q])) {
      ThrowRange(env, fn, "an output overlaps an input");
    }
  }
  if (Overlaps(hn, 0, n, act, 0, 3 * n)) ThrowRange(env, fn, "two outputs overlap");
  const int64_t H = s.hidden;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* x = xp.as<T>() + s.aOff;
    const T* hpp = hp.as<T>() + s.bOff;
    const T* hh = h.as<T>() + s.cOff;
    T* o = hn.as<T>();
    T* a = act.as<T>();
    ParallelFor(s.batch, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, H)), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) GruRowF(x + b * 3 * H, hpp + b * 3 * H, hh + b * H, a + b * 3 * H, o + b * H, H);
    });
  };
  if (xp.dtype == DType::F32) run(0.f);
  else run(0.0);
  return env.Undefined();
}

// gruCellBackward(dh, act, hProj, h, dx, dhp, dhd, layout [dhOffset, hpOffset, hOffset, B, H]):
// from h's new gradient dh [B, H], the forward's act (dense), hProj [B, 3H] and h [B, H] (at
// their offsets): dx and dhp [B, 3H] and dhd [B, H], dense from 0 and overwritten.
Napi::Value GruCellBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "gruCellBackward";
  Napi::Env env = info.Env();
  Buf dh = GetFloatBuf(info, 0, fn, "dh");
  Cell s = ParseCell(env, fn, info, 7);
  const int64_t n = s.batch * s.hidden;
  CheckRange(env, fn, "dh", dh, s.aOff, n);
  Buf act = Dense(info, 1, fn, "act", dh, 3 * n);
  Buf hp = GetFloatBuf(info, 2, fn, "hProj");
  SameDType(env, fn, hp, "hProj", dh, "dh");
  CheckRange(env, fn, "hProj", hp, s.bOff, 3 * n);
  Buf h = GetFloatBuf(info, 3, fn, "h");
  SameDType(env, fn, h, "h", dh, "dh");
  CheckRange(env, fn, "h", h, s.cOff, n);
  Buf dx = Dense(info, 4, fn, "dx", dh, 3 * n);
  Buf dhp = Dense(info, 5, fn, "dhp", dh, 3 * n);
  Buf dhd = Dense(info, 6, fn, "dhd", dh, n);
  const Buf* ins[] = {&dh, &act, &hp, &h};
  const int64_t inOffs[] = {s.aOff, 0, s.bOff, s.cOff}, inCounts[] = {n, 3 * n, 3 * n, n};
  const Buf* outs[] = {&dx, &dhp, &dhd};
  const int64_t outCounts[] = {3 * n, 3 * n, n};
  for (int o = 0; o < 3; o++) {
    for (int q = 0; q < 4; q++) {
      if (Overlaps(*outs[o], 0, outCounts[o], *ins[q], inOffs[q], inCounts[q])) ThrowRange(env, fn, "an output overlaps an input");
    }
    for (int q = o + 1; q < 3; q++) {
      if (Overlaps(*outs[o], 0, outCounts[o], *outs[q], 0, outCounts[q])) ThrowRange(env, fn, "two outputs overlap");
    }
  }
  const int64_t H = s.hidden;
  auto run = [&](auto zero) {
    using T = decltype(zero);
    const T* g = dh.as<T>() + s.aOff;
    const T* a = act.as<T>();
    const T* hpp = hp.as<T>() + s.bOff;
    const T* hh = h.as<T>() + s.cOff;
    T* ox = dx.as<T>();
    T* op = dhp.as<T>();
    T* od = dhd.as<T>();
    ParallelFor(s.batch, std::max<int64_t>(1, kGrainElementwise / std::max<int64_t>(1, 3 * H)), [&](int64_t b0, int64_t b1) {
      for (int64_t b = b0; b < b1; b++) {
        GruRowB(g + b * H, a + b * 3 * H, hpp + b * 3 * H, hh + b * H, ox + b * 3 * H, op + b * 3 * H, od + b * H, H);
      }
    });
  };
  if (dh.dtype == DType::F32) run(0.f);
  else run(0.0);
  return env.Undefined();
}

}  // namespace

void InitRnn(Napi::Env env, Napi::Object exports) {
  exports.Set("lstmCell", Napi::Function::New(env, LstmCellFn, "lstmCell"));
  exports.Set("lstmCellBackward", Napi::Function::New(env, LstmCellBackwardFn, "lstmCellBackward"));
  exports.Set("gruCell", Napi::Function::New(env, GruCellFn, "gruCell"));
  exports.Set("gruCellBackward", Napi::Function::New(env, GruCellBackwardFn, "gruCellBackward"));
}

}  // namespace kd
