// kindling's generator (xoshiro128**, lib/tensor/random.ts) drawing uniform samples in native
// code: the same integer arithmetic as the JS Generator, so a seed gives the same stream either
// way. Dropout draws a sample per activation each step, which in a JS loop cost more than the
// layer's own arithmetic. One thread: the stream is sequential by definition.
//
// Checklist for a new native family: the .cc file, every entry point checking its arguments
// before touching memory; its Init in kernels.h and addon.cc; its signature in binding.d.ts;
// the caller in lib (Generator.fillUniform); an entry in test/native/fuzz.test.ts.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels.h"

namespace kd {
namespace {

inline uint32_t Rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

struct Xoshiro128 {
  uint32_t s[4];
  uint32_t Next() {
    const uint32_t result = Rotl(s[1] * 5, 7) * 9;
    const uint32_t t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = Rotl(s[3], 11);
    return result;
  }
  // nextFloat32: 24 random bits; nextFloat64: 27 + 26 bits, as the JS Generator.
  float Float32() { return static_cast<float>(Next() >> 8) / 16777216.0f; }
  double Float64() {
    const double hi = static_cast<double>(Next() >> 5);
    const double lo = static_cast<double>(Next() >> 6);
    return (hi * 67108864.0 + lo) / 9007199254740992.0;
  }
};

// The arguments both entry points start with: the state words (an Int32Array of 4), the output
// and the span [offset, offset + count) of it to fill, all checked; the generator loaded.
struct Draw {
  Buf state, out;
  int64_t offset = 0, count = 0;
  Xoshiro128 g;
  // writes the advanced state back into the caller's words
  void Save() const {
    int32_t* words = state.as<int32_t>();
    for (int i = 0; i < 4; i++) words[i] = static_cast<int32_t>(g.s[i]);
  }
};

Draw ReadDraw(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  Draw d;
  d.state = GetBufOf(info, 0, fn, "state", DType::I32);
  d.out = GetFloatBuf(info, 1, fn, "out");
  d.offset = GetInt(info, 2, fn, "offset", 0, kMaxElements);
  d.count = GetInt(info, 3, fn, "count", 0, kMaxElements);
  if (d.state.length != 4) ThrowRange(env, fn, "argument 'state' must hold 4 words, got " + std::to_string(d.state.length));
  CheckRange(env, fn, "out", d.out, d.offset, d.count);
  const int32_t* words = d.state.as<int32_t>();
  for (int i = 0; i < 4; i++) d.g.s[i] = static_cast<uint32_t>(words[i]);
  return d;
}

// randomUniform(state, out, offset, count): out[offset, offset + count) = uniform samples in
// [0, 1), float32 or float64 as out; state (an Int32Array of 4, the generator's words) advances.
Napi::Value RandomUniformFn(const Napi::CallbackInfo& info) {
  const char* fn = "randomUniform";
  Draw d = ReadDraw(info, fn);
  if (d.out.dtype == DType::F32) {
    float* o = d.out.as<float>() + d.offset;
    for (int64_t i = 0; i < d.count; i++) o[i] = d.g.Float32();
  } else {
    double* o = d.out.as<double>() + d.offset;
    for (int64_t i = 0; i < d.count; i++) o[i] = d.g.Float64();
  }
  d.Save();
  return info.Env().Undefined();
}

// dropoutMask(state, out, offset, count, p): out[offset, offset + count) = 1 / (1 - p) where the
// generator's next uniform sample is at least p, else 0 — what rand(...).ge(p) times the scale
// gives, from the same stream, in one pass and without the two temporaries.
Napi::Value DropoutMaskFn(const Napi::CallbackInfo& info) {
  const char* fn = "dropoutMask";
  Draw d = ReadDraw(info, fn);
  const double p = GetNumber(info, 4, fn, "p");
  if (!(p >= 0 && p < 1)) ThrowRange(info.Env(), fn, "p must be in [0, 1), got " + std::to_string(p));
  Xoshiro128& g = d.g;
  const int64_t count = d.count;
  if (d.out.dtype == DType::F32) {
    float* o = d.out.as<float>() + d.offset;
    const float pf = static_cast<float>(p), scale = static_cast<float>(1.0 / (1.0 - p));
    // Float32() is k / 2^24 for k = Next() >> 8, so it is at least pf exactly when k is at
    // least ceil(pf * 2^24) (pf * 2^24 is exact): compare integers, without a branch
    const uint32_t least = static_cast<uint32_t>(std::ceil(static_cast<double>(pf) * 16777216.0));
    uint32_t scaleBits;
    std::memcpy(&scaleBits, &scale, sizeof scaleBits);
    for (int64_t i = 0; i < count; i++) {
      const uint32_t bits = scaleBits & (0u - static_cast<uint32_t>((g.Next() >> 8) >= least));
      std::memcpy(o + i, &bits, sizeof bits);
    }
  } else {
    double* o = d.out.as<double>() + d.offset;
    const double scale = 1.0 / (1.0 - p);
    // Float64() is k / 2^53 for the 53-bit k its two draws make: the same integer comparison
    const uint64_t least = static_cast<uint64_t>(std::ceil(p * 9007199254740992.0));
    uint64_t scaleBits;
    std::memcpy(&scaleBits, &scale, sizeof scaleBits);
    for (int64_t i = 0; i < count; i++) {
      const uint64_t hi = g.Next() >> 5;
      const uint64_t k = (hi << 26) | (g.Next() >> 6);
      const uint64_t bits = scaleBits & (uint64_t(0) - static_cast<uint64_t>(k >= least));
      std::memcpy(o + i, &bits, sizeof bits);
    }
  }
  d.Save();
  return info.Env().Undefined();
}

}  // namespace

void InitRandom(Napi::Env env, Napi::Object exports) {
  exports.Set("randomUniform", Napi::Function::New(env, RandomUniformFn, "randomUniform"));
  exports.Set("dropoutMask", Napi::Function::New(env, DropoutMaskFn, "dropoutMask"));
}

}  // namespace kd
