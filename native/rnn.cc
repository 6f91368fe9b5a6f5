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
#include <array>
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

// An entry point's float arguments, read and checked in one place: inputs at a layout offset
// (or dense from 0) and outputs dense from 0, each `width` rows of H per batch row; all of
// the first argument's dtype, outputs disjoint from the inputs and from each other.
struct Arg {
  const char* name;
  int width;        // elements per batch row, in units of H
  int offsetSlot;   // which layout offset it starts at (0-2), or -1 for dense from 0
  bool output;
};

template <size_t N>
std::array<Buf, N> ReadArgs(const Napi::CallbackInfo& info, const char* fn, const Cell& s, const std::array<Arg, N>& spec) {
  Napi::Env env = info.Env();
  const int64_t n = s.batch * s.hidden;
  const int64_t offs[] = {s.aOff, s.bOff, s.cOff};
  std::array<Buf, N> b;
  for (size_t i = 0; i < N; i++) {
    b[i] = GetFloatBuf(info, i, fn, spec[i].name);
    if (i > 0) SameDType(env, fn, b[i], spec[i].name, b[0], spec[0].name);
    CheckRange(env, fn, spec[i].name, b[i], spec[i].offsetSlot < 0 ? 0 : offs[spec[i].offsetSlot], spec[i].width * n);
  }
  for (size_t o = 0; o < N; o++) {
    if (!spec[o].output) continue;
    for (size_t q = 0; q < N; q++) {
      if (q == o || (spec[q].output && q < o)) continue;
      const int64_t qOff = spec[q].offsetSlot < 0 ? 0 : offs[spec[q].offsetSlot];
      if (Overlaps(b[o], 0, spec[o].width * n, b[q], qOff, spec[q].width * n)) {
        ThrowRange(env, fn, std::string("arguments '") + spec[o].name + "' and '" + spec[q].name + "' overlap");
      }
    }
  }
  return b;
}

// lstmCell(xProj, hProj, c, h2, c2, act, tc, layout [xOffset, hOffset, cOffset, B, H]):
// xProj and hProj [B, 4H] and c [B, H] from their offsets; h2, c2, tc [B, H] and act [B, 4H]
// dense from 0, overwritten.
Napi::Value LstmCellFn(const Napi::CallbackInfo& info) {
  const char* fn = "lstmCell";
  Cell s = ParseCell(info.Env(), fn, info, 7);
  auto [xp, hp, c, h2, c2, act, tc] = ReadArgs<7>(info, fn, s, {{{"xProj", 4, 0, false}, {"hProj", 4, 1, false}, {"c", 1, 2, false},
      {"h2", 1, -1, true}, {"c2", 1, -1, true}, {"act", 4, -1, true}, {"tc", 1, -1, true}}});
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Forward<T>(s, xp.as<T>() + s.aOff, hp.as<T>() + s.bOff, c.as<T>() + s.cOff, h2.as<T>(), c2.as<T>(), act.as<T>(), tc.as<T>());
  };
  if (xp.dtype == DType::F32) run(0.f);
  else run(0.0);
  return info.Env().Undefined();
}

// lstmCellBackward(dh, dc2, act, tc, c, dgates, dc, layout [dhOffset, dc2Offset, cOffset, B, H]):
// from the gradients of h2 and c2 ([B, H] from their offsets) and the forward's act, tc (dense)
// and c, the gradient of the gate pre-activations dgates [B, 4H] and of c, dc [B, H], dense
// from 0 and overwritten.
Napi::Value LstmCellBackwardFn(const Napi::CallbackInfo& info) {
  const char* fn = "lstmCellBackward";
  Cell s = ParseCell(info.Env(), fn, info, 7);
  auto [dh, dc2, act, tc, c, dg, dc] = ReadArgs<7>(info, fn, s, {{{"dh", 1, 0, false}, {"dc2", 1, 1, false}, {"act", 4, -1, false},
      {"tc", 1, -1, false}, {"c", 1, 2, false}, {"dgates", 4, -1, true}, {"dc", 1, -1, true}}});
  auto run = [&](auto zero) {
    using T = decltype(zero);
    Backward<T>(s, dh.as<T>() + s.aOff, dc2.as<T>() + s.bOff, act.as<T>(), tc.as<T>(), c.as<T>() + s.cOff, dg.as<T>(), dc.as<T>());
  };
  if (dh.dtype == DType::F32) run(0.f);
  else run(0.0);
  return info.Env().Undefined();
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
  Cell s = ParseCell(env, fn, info, 5);
  auto [xp, hp, h, hn, act] = ReadArgs<5>(info, fn, s, {{{"xProj", 3, 0, false}, {"hProj", 3, 1, false}, {"h", 1, 2, false},
      {"hNew", 1, -1, true}, {"act", 3, -1, true}}});
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
  Cell s = ParseCell(env, fn, info, 7);
  auto [dh, act, hp, h, dx, dhp, dhd] = ReadArgs<7>(info, fn, s, {{{"dh", 1, 0, false}, {"act", 3, -1, false}, {"hProj", 3, 1, false},
      {"h", 1, 2, false}, {"dx", 3, -1, true}, {"dhp", 3, -1, true}, {"dhd", 1, -1, true}}});
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
