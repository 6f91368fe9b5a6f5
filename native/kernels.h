// Registration hooks of the kernel families; addon.cc calls each once per JS context.
#pragma once

#include <napi.h>

#include "args.h"

namespace kd {

// An op-code table for JS ({ name: code }), so both sides share one numbering.
inline Napi::Object OpTable(Napi::Env env, const char* const* names, int count) {
  Napi::Object t = Napi::Object::New(env);
  for (int i = 0; i < count; i++) t.Set(names[i], Napi::Number::New(env, i));
  return t;
}

void InitElementwise(Napi::Env env, Napi::Object exports);
void InitGemm(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitLoss(Napi::Env env, Napi::Object exports);
void InitIndexing(Napi::Env env, Napi::Object exports);
void InitOptim(Napi::Env env, Napi::Object exports);
void InitScan(Napi::Env env, Napi::Object exports);
void InitSort(Napi::Env env, Napi::Object exports);
void InitIm2col(Napi::Env env, Napi::Object exports);
void InitConv(Napi::Env env, Napi::Object exports);
void InitPool(Napi::Env env, Napi::Object exports);
void InitRandom(Napi::Env env, Napi::Object exports);
void InitRnn(Napi::Env env, Napi::Object exports);
void InitBatchNorm(Napi::Env env, Napi::Object exports);
void InitRowNorm(Napi::Env env, Napi::Object exports);

}  // namespace kd
