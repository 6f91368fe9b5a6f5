// Fused optimizer updates: one pass over a parameter, its gradient and its state buffers,
// following PyTorch's update rules operation for operation (in the parameter's precision,
// with scalar hyper-parameters rounded to it as PyTorch does), so trajectories match.
#include <cmath>
#include <cstdint>

#include "kernels.h"
#include "thread_pool.h"

#if defined(__SSE__) || defined(_M_X64)
#include <xmmintrin.h>
#define KD_HAVE_MXCSR 1
#elif defined(__aarch64__)
#define KD_HAVE_FPCR 1
#endif

namespace kd {
namespace {

// The parameter, then buffers that must have the same type and length; null where optional.
struct Tensors {
  Buf param;
  int64_t n = 0;
  void* ptr[6] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
};

Tensors GetTensors(const Napi::CallbackInfo& info, const char* fn, const char* const* names, int count, int optionalFrom) {
  Tensors t;
  t.param = GetFloatBuf(info, 0, fn, names[0]);
  t.n = t.param.length;
  t.ptr[0] = t.param.data;
  for (int i = 1; i < count; i++) {
    if (i >= optionalFrom && IsNullish(info[i])) continue;
    Buf b = GetBuf(info, i, fn, names[i]);
    SameDType(info.Env(), fn, b, names[i], t.param, names[0]);
    if (b.length != t.n) {
      ThrowRange(info.Env(), fn,
                 std::string("argument '") + names[i] + "' has " + std::to_string(b.length) + " elements but '" +
                     names[0] + "' has " + std::to_string(t.n));
    }
    t.ptr[i] = b.data;
  }
  return t;
}

// Moment buffers decay geometrically where gradients stay zero (dead units, constant
// pixels) and reach float32's subnormal range within a few hundred steps; x86 handles
// subnormal operands 10-100x slower, which made Adam 4x slower by the second epoch of an
// MLP (many Arm cores trap to slower paths too). Inside the update loops, subnormals are
// flushed to zero (x86 FTZ/DAZ in MXCSR, arm64 FZ in FPCR) and the caller's floating-point
// mode is restored afterwards. Values below 1.2e-38 cannot move a parameter.
class FlushSubnormals {
 public:
#if defined(KD_HAVE_MXCSR)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040); }
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned int saved_;
#elif defined(KD_HAVE_FPCR)
  FlushSubnormals() {
    __asm__ volatile("mrs %0, fpcr" : "=r"(saved_));
    const uint64_t fz = saved_ | (uint64_t{1} << 24);
    __asm__ volatile("msr fpcr, %0" : : "r"(fz));
  }
  ~FlushSubnormals() { __asm__ volatile("msr fpcr, %0" : : "r"(saved_)); }

 private:
  uint64_t saved_;
#endif
};

template <typename F>
void ForChunks(int64_t n, F f) {
  ParallelFor(n, kGrainElementwise, [&](int64_t b, int64_t e) {
    FlushSubnormals ftz;
    f(b, e);
  });
}

// sgd(param, grad, momentumBuffer|null, lr, momentum, dampening, weightDecay, nesterov, maximize, firstStep)
template <typename T>
void Sgd(const Tensors& t, double lrD, double momD, double dampD, double wdD, bool nesterov, bool maximize, bool first) {
  T* p = static_cast<T*>(t.ptr[0]);
  const T* g = static_cast<const T*>(t.ptr[1]);
  T* buf = static_cast<T*>(t.ptr[2]);
  const T lr = T(lrD), mom = T(momD), damp1 = T(1 - dampD), wd = T(wdD);
  ForChunks(t.n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      T d = maximize ? -g[i] : g[i];
      if (wdD != 0) d = d + wd * p[i];
      if (buf) {
        T m = first ? d : buf[i] * mom + damp1 * d;
        buf[i] = m;
        d = nesterov ? d + mom * m : m;
      }
      p[i] = p[i] - lr * d;
    }
  });
}

Napi::Value SgdFn(const Napi::CallbackInfo& info) {
  const char* fn = "sgd";
  const char* names[] = {"param", "grad", "momentumBuffer"};
  Tensors t = GetTensors(info, fn, names, 3, 2);
  const double lr = GetNumber(info, 3, fn, "lr"), mom = GetNumber(info, 4, fn, "momentum");
  const double damp = GetNumber(info, 5, fn, "dampening"), wd = GetNumber(info, 6, fn, "weightDecay");
  const bool nesterov = GetBool(info, 7, fn, "nesterov"), maximize = GetBool(info, 8, fn, "maximize");
  const bool first = GetBool(info, 9, fn, "firstStep");
  if (t.param.dtype == DType::F32) Sgd<float>(t, lr, mom, damp, wd, nesterov, maximize, first);
  else Sgd<double>(t, lr, mom, damp, wd, nesterov, maximize, first);
  return info.Env().Undefined();
}

// adagrad(param, grad, stateSum, clr, weightDecay, eps, maximize); clr = lr / (1 + (step - 1) * lrDecay)
template <typename T>
void Adagrad(const Tensors& t, double clrD, double wdD, double epsD, bool maximize) {
  T* p = static_cast<T*>(t.ptr[0]);
  const T* g = static_cast<const T*>(t.ptr[1]);
  T* sum = static_cast<T*>(t.ptr[2]);
  const T clr = T(clrD), wd = T(wdD), eps = T(epsD);
  ForChunks(t.n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; i++) {
      T d = maximize ? -g[i] : g[i];
      if (wdD != 0) d = d + wd * p[i];
      const T s = sum[i] + d * d;
      sum[i] = s;
      p[i] = p[i] - clr * (d / (std::sqrt(s) + eps));
    }
  });
}

Napi::Value AdagradFn(const Napi::CallbackInfo& info) {
  const char* fn = "adagrad";
  const char* names[] = {"param", "grad", "stateSum"};
  Tensors t = GetTensors(info, fn, names, 3, 3);
  const double clr = GetNumber(info, 3, fn, "clr"), wd = GetNumber(info, 4, fn, "weightDecay");
  const double eps = GetNumber(info, 5, fn, "eps");
  const bool maximize = GetBool(info, 6, fn, "maximize");
  if (t.param.dtype == DType::F32) Adagrad<float>(t, clr, wd, eps, maximize);
  else Adagrad<double>(t, clr, wd, eps, maximize);
  return info.Env().Undefined();
}

// rmsprop(param, grad, squareAvg, gradAvg|null, momentumBuffer|null, lr, alpha, eps, weightDecay, momentum, maximize)
template <typename T, bool Centered, bool Momentum>
void RmspropLoop(int64_t b, int64_t e, T* __restrict p, const T* __restrict g, T* __restrict sq, T* __restrict ga,
                 T* __restrict buf, T sign, T lr, T alpha, T a1, T eps, T wd, bool decay, T mom) {
  for (int64_t i = b; i < e; i++) {
    T d = sign * g[i];
    if (decay) d = d + wd * p[i];
    const T s = sq[i] * alpha + a1 * d * d;
    sq[i] = s;
    T avg;
    if constexpr (Centered) {
      const T m = ga[i] * alpha + a1 * d;
      ga[i] = m;
      avg = std::sqrt(s - m * m) + eps;
    } else {
      avg = std::sqrt(s) + eps;
    }
    if constexpr (Momentum) {
      const T v = buf[i] * mom + d / avg;
      buf[i] = v;
      p[i] = p[i] - lr * v;
    } else {
      p[i] = p[i] - lr * (d / avg);
    }
  }
}

template <typename T>
void Rmsprop(const Tensors& t, double lrD, double alphaD, double epsD, double wdD, double momD, bool maximize) {
  T* p = static_cast<T*>(t.ptr[0]);
  const T* g = static_cast<const T*>(t.ptr[1]);
  T* sq = static_cast<T*>(t.ptr[2]);
  T* ga = static_cast<T*>(t.ptr[3]);
  T* buf = static_cast<T*>(t.ptr[4]);
  const T lr = T(lrD), alpha = T(alphaD), a1 = T(1 - alphaD), eps = T(epsD), wd = T(wdD), mom = T(momD);
  const T sign = maximize ? T(-1) : T(1);
  ForChunks(t.n, [&](int64_t b, int64_t e) {
    auto run = [&](auto loop) { loop(b, e, p, g, sq, ga, buf, sign, lr, alpha, a1, eps, wd, wdD != 0, mom); };
    if (ga && buf) run(RmspropLoop<T, true, true>);
    else if (ga) run(RmspropLoop<T, true, false>);
    else if (buf) run(RmspropLoop<T, false, true>);
    else run(RmspropLoop<T, false, false>);
  });
}

Napi::Value RmspropFn(const Napi::CallbackInfo& info) {
  const char* fn = "rmsprop";
  const char* names[] = {"param", "grad", "squareAvg", "gradAvg", "momentumBuffer"};
  Tensors t = GetTensors(info, fn, names, 5, 3);
  const double lr = GetNumber(info, 5, fn, "lr"), alpha = GetNumber(info, 6, fn, "alpha");
  const double eps = GetNumber(info, 7, fn, "eps"), wd = GetNumber(info, 8, fn, "weightDecay");
  const double mom = GetNumber(info, 9, fn, "momentum");
  const bool maximize = GetBool(info, 10, fn, "maximize");
  if (t.param.dtype == DType::F32) Rmsprop<float>(t, lr, alpha, eps, wd, mom, maximize);
  else Rmsprop<double>(t, lr, alpha, eps, wd, mom, maximize);
  return info.Env().Undefined();
}

// adam(param, grad, expAvg, expAvgSq, maxExpAvgSq|null, lr, beta1, beta2, eps, weightDecay, step,
//      decoupledWeightDecay, maximize): Adam, or AdamW when decoupledWeightDecay is true.
// The options are template parameters so each variant's loop has no branches and vectorises.
enum WeightDecay { kNoDecay, kCoupled, kDecoupled };

template <typename T, bool Amsgrad, int Wd>
void AdamLoop(int64_t b, int64_t e, T* __restrict p, const T* __restrict g, T* __restrict m, T* __restrict v,
              T* __restrict vmax, T sign, T b1, T b2, T c1, T c2, T eps, T wd, T decay, T stepSize, T bcs) {
  for (int64_t i = b; i < e; i++) {
    T d = sign * g[i];
    T pi = p[i];
    if constexpr (Wd == kDecoupled) pi = pi * decay;
    if constexpr (Wd == kCoupled) d = d + wd * pi;
    const T mi = m[i] * b1 + c1 * d;
    const T vi = v[i] * b2 + c2 * d * d;
    m[i] = mi;
    v[i] = vi;
    T vv = vi;
    if constexpr (Amsgrad) {
      vv = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vv;
    }
    p[i] = pi - stepSize * (mi / (std::sqrt(vv) / bcs + eps));
  }
}

template <typename T>
void Adam(const Tensors& t, double lrD, double b1D, double b2D, double epsD, double wdD, double step, bool decoupled,
          bool maximize) {
  T* p = static_cast<T*>(t.ptr[0]);
  const T* g = static_cast<const T*>(t.ptr[1]);
  T* m = static_cast<T*>(t.ptr[2]);
  T* v = static_cast<T*>(t.ptr[3]);
  T* vmax = static_cast<T*>(t.ptr[4]);
  const double bc1 = 1 - std::pow(b1D, step);
  const double bc2sqrt = std::sqrt(1 - std::pow(b2D, step));
  const T b1 = T(b1D), b2 = T(b2D), c1 = T(1 - b1D), c2 = T(1 - b2D), eps = T(epsD), wd = T(wdD);
  const T stepSize = T(lrD / bc1), bcs = T(bc2sqrt), decay = T(1 - lrD * wdD), sign = maximize ? T(-1) : T(1);
  const int mode = wdD == 0 ? kNoDecay : decoupled ? kDecoupled : kCoupled;
  ForChunks(t.n, [&](int64_t b, int64_t e) {
    auto run = [&](auto loop) { loop(b, e, p, g, m, v, vmax, sign, b1, b2, c1, c2, eps, wd, decay, stepSize, bcs); };
    if (vmax) {
      if (mode == kNoDecay) run(AdamLoop<T, true, kNoDecay>);
      else if (mode == kCoupled) run(AdamLoop<T, true, kCoupled>);
      else run(AdamLoop<T, true, kDecoupled>);
    } else {
      if (mode == kNoDecay) run(AdamLoop<T, false, kNoDecay>);
      else if (mode == kCoupled) run(AdamLoop<T, false, kCoupled>);
      else run(AdamLoop<T, false, kDecoupled>);
    }
  });
}

Napi::Value AdamFn(const Napi::CallbackInfo& info) {
  const char* fn = "adam";
  const char* names[] = {"param", "grad", "expAvg", "expAvgSq", "maxExpAvgSq"};
  Tensors t = GetTensors(info, fn, names, 5, 4);
  const double lr = GetNumber(info, 5, fn, "lr"), b1 = GetNumber(info, 6, fn, "beta1");
  const double b2 = GetNumber(info, 7, fn, "beta2"), eps = GetNumber(info, 8, fn, "eps");
  const double wd = GetNumber(info, 9, fn, "weightDecay");
  const double step = static_cast<double>(GetInt(info, 10, fn, "step", 1, kMaxElements));
  const bool decoupled = GetBool(info, 11, fn, "decoupledWeightDecay"), maximize = GetBool(info, 12, fn, "maximize");
  if (t.param.dtype == DType::F32) Adam<float>(t, lr, b1, b2, eps, wd, step, decoupled, maximize);
  else Adam<double>(t, lr, b1, b2, eps, wd, step, decoupled, maximize);
  return info.Env().Undefined();
}

}  // namespace

void InitOptim(Napi::Env env, Napi::Object exports) {
  exports.Set("sgd", Napi::Function::New(env, SgdFn, "sgd"));
  exports.Set("adagrad", Napi::Function::New(env, AdagradFn, "adagrad"));
  exports.Set("rmsprop", Napi::Function::New(env, RmspropFn, "rmsprop"));
  exports.Set("adam", Napi::Function::New(env, AdamFn, "adam"));
}

}  // namespace kd
