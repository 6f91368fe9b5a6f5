// Registration hooks of the kernel families; addon.cc calls each once per JS context.
#pragma once

#include <napi.h>

#include "args.h"

namespace kd {

void InitElementwise(Napi::Env env, Napi::Object exports);
void InitGemm(Napi::Env env, Napi::Object exports);
void InitReduce(Napi::Env env, Napi::Object exports);
void InitLoss(Napi::Env env, Napi::Object exports);
void InitIndexing(Napi::Env env, Napi::Object exports);
void InitOptim(Napi::Env env, Napi::Object exports);
void InitScan(Napi::Env env, Napi::Object exports);
void InitSort(Napi::Env env, Napi::Object exports);

}  // namespace kd
