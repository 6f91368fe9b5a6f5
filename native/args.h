// Argument checking shared by every native entry point. Each helper either returns a value
// that is safe to use or throws a JS TypeError/RangeError naming the function and the
// argument; nothing here touches tensor memory beyond what N-API reports about it.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace kd {

enum class DType { F32, F64, I32, Bool };

inline const char* DTypeName(DType t) {
  switch (t) {
    case DType::F32: return "Float32Array";
    case DType::F64: return "Float64Array";
    case DType::I32: return "Int32Array";
    case DType::Bool: return "Uint8Array";
  }
  return "?";
}

inline size_t DTypeSize(DType t) {
  switch (t) {
    case DType::F32: return 4;
    case DType::F64: return 8;
    case DType::I32: return 4;
    case DType::Bool: return 1;
  }
  return 0;
}

// A typed array borrowed for the length of one call.
struct Buf {
  void* data = nullptr;
  int64_t length = 0;  // in elements
  DType dtype = DType::F32;
  template <typename T> T* as() const { return static_cast<T*>(data); }
};

[[noreturn]] inline void ThrowType(Napi::Env env, const char* fn, const std::string& msg) {
  throw Napi::TypeError::New(env, std::string("kindling native ") + fn + ": " + msg);
}
[[noreturn]] inline void ThrowRange(Napi::Env env, const char* fn, const std::string& msg) {
  throw Napi::RangeError::New(env, std::string("kindling native ") + fn + ": " + msg);
}

inline std::string Describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "number";
  if (v.IsString()) return "string";
  if (v.IsBoolean()) return "boolean";
  if (v.IsArray()) return "Array";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array: return "Int8Array";
      case napi_uint8_array: return "Uint8Array";
      case napi_uint8_clamped_array: return "Uint8ClampedArray";
      case napi_int16_array: return "Int16Array";
      case napi_uint16_array: return "Uint16Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint32_array: return "Uint32Array";
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      default: return "a typed array of an unsupported kind";
    }
  }
  if (v.IsObject()) return "object";
  return "a value of another kind";
}

// The storage kind of a typed array, or false for anything else. One N-API call answers
// the kind, the length and the data pointer (offset included), which keeps the per-call
// cost of small ops low.
inline bool ReadTypedArray(napi_env env, napi_value v, Buf* out) {
  bool isTyped = false;
  if (napi_is_typedarray(env, v, &isTyped) != napi_ok || !isTyped) return false;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok) return false;
  switch (type) {
    case napi_float32_array: out->dtype = DType::F32; break;
    case napi_float64_array: out->dtype = DType::F64; break;
    case napi_int32_array: out->dtype = DType::I32; break;
    case napi_uint8_array: out->dtype = DType::Bool; break;
    default: return false;
  }
  out->length = static_cast<int64_t>(length);
  out->data = data;
  return true;
}

// Any of kindling's four storage kinds.
inline Buf GetBuf(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  Buf b;
  if (!ReadTypedArray(info.Env(), info[i], &b)) {
    ThrowType(info.Env(), fn,
              std::string("argument '") + name +
                  "' must be a Float32Array, Float64Array, Int32Array or Uint8Array, received " + Describe(info[i]));
  }
  return b;
}

inline Buf GetBufOf(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, DType want) {
  Buf b;
  if (!ReadTypedArray(info.Env(), info[i], &b)) {
    ThrowType(info.Env(), fn,
              std::string("argument '") + name + "' must be a " + DTypeName(want) + ", received " + Describe(info[i]));
  }
  if (b.dtype != want) {
    ThrowType(info.Env(), fn,
              std::string("argument '") + name + "' must be a " + DTypeName(want) + ", received " + DTypeName(b.dtype));
  }
  return b;
}

inline Buf GetFloatBuf(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  Buf b = GetBuf(info, i, fn, name);
  if (b.dtype != DType::F32 && b.dtype != DType::F64) {
    ThrowType(info.Env(), fn,
              std::string("argument '") + name + "' must be a Float32Array or Float64Array, received " +
                  DTypeName(b.dtype));
  }
  return b;
}

inline bool IsNullish(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

inline void SameDType(Napi::Env env, const char* fn, const Buf& a, const char* an, const Buf& b, const char* bn) {
  if (a.dtype != b.dtype) {
    ThrowType(env, fn,
              std::string("arguments '") + an + "' and '" + bn + "' must have the same type, received " +
                  DTypeName(a.dtype) + " and " + DTypeName(b.dtype));
  }
}

inline double GetNumber(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (!info[i].IsNumber()) {
    ThrowType(info.Env(), fn, std::string("argument '") + name + "' must be a number, received " + Describe(info[i]));
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

inline bool GetBool(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (!info[i].IsBoolean()) {
    ThrowType(info.Env(), fn, std::string("argument '") + name + "' must be a boolean, received " + Describe(info[i]));
  }
  return info[i].As<Napi::Boolean>().Value();
}

// Integers arrive as doubles; anything fractional, non-finite or out of range is refused.
inline int64_t CheckInt(Napi::Env env, double v, const char* fn, const std::string& name, int64_t lo, int64_t hi) {
  if (!std::isfinite(v) || std::floor(v) != v) {
    ThrowType(env, fn, "argument '" + name + "' must be an integer, received " + std::to_string(v));
  }
  if (v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
    ThrowRange(env, fn,
               "argument '" + name + "' must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                   "], received " + std::to_string(static_cast<long long>(v)));
  }
  return static_cast<int64_t>(v);
}

inline int64_t GetInt(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, int64_t lo,
                      int64_t hi) {
  return CheckInt(info.Env(), GetNumber(info, i, fn, name), fn, name, lo, hi);
}

// Largest element count we accept for any tensor: keeps every offset computation far from
// int64 overflow (strides times sizes are checked against it too).
constexpr int64_t kMaxElements = int64_t(1) << 48;
constexpr int kMaxDims = 16;

// A Float64Array of integers that describes shapes/strides/offsets for one call.
struct IntList {
  const double* v = nullptr;
  int64_t n = 0;
  Napi::Env env;
  const char* fn;
  const char* name;
  int64_t pos = 0;
  IntList(Napi::Env e, const char* f, const char* nm) : env(e), fn(f), name(nm) {}
  int64_t Next(const char* what, int64_t lo, int64_t hi) {
    if (pos >= n) {
      ThrowRange(env, fn, std::string("argument '") + name + "' is too short (needed " + what + " at position " +
                              std::to_string(pos) + ")");
    }
    const int64_t at = pos++;
    const double value = v[at];
    if (std::isfinite(value) && std::floor(value) == value && value >= static_cast<double>(lo) && value <= static_cast<double>(hi)) {
      return static_cast<int64_t>(value);  // the common case, without building a name
    }
    return CheckInt(env, value, fn, std::string(name) + "[" + std::to_string(at) + "] (" + what + ")", lo, hi);
  }
};

inline IntList GetIntList(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  IntList l(info.Env(), fn, name);
  Buf b;
  if (!ReadTypedArray(info.Env(), info[i], &b) || b.dtype != DType::F64) {
    ThrowType(info.Env(), fn, std::string("argument '") + name + "' must be a Float64Array, received " + Describe(info[i]));
  }
  l.v = b.as<double>();
  l.n = b.length;
  return l;
}

// Checks that every element a strided view can reach lies inside its buffer.
inline void CheckExtent(Napi::Env env, const char* fn, const char* name, const Buf& b, int64_t offset, int ndim,
                        const int64_t* shape, const int64_t* strides) {
  int64_t maxIndex = offset;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 0) return;  // an empty view reaches nothing
  }
  for (int d = 0; d < ndim; d++) {
    if (shape[d] > 1) {
      if (strides[d] > kMaxElements / (shape[d] - 1)) ThrowRange(env, fn, std::string("argument '") + name + "': stride too large");
      maxIndex += (shape[d] - 1) * strides[d];
      if (maxIndex > kMaxElements) ThrowRange(env, fn, std::string("argument '") + name + "': view too large");
    }
  }
  if (maxIndex >= b.length) {
    ThrowRange(env, fn,
               std::string("argument '") + name + "' is too short: the view reaches element " +
                   std::to_string(maxIndex) + " but the buffer holds " + std::to_string(b.length));
  }
}

// Checks a contiguous range [offset, offset + count) against a buffer.
inline void CheckRange(Napi::Env env, const char* fn, const char* name, const Buf& b, int64_t offset, int64_t count) {
  if (offset < 0 || count < 0 || offset > b.length || count > b.length - offset) {
    ThrowRange(env, fn,
               std::string("argument '") + name + "' is too short: needs " + std::to_string(count) +
                   " elements from offset " + std::to_string(offset) + " but holds " + std::to_string(b.length));
  }
}

// True when two byte ranges of the same ArrayBuffer memory overlap.
inline bool Overlaps(const Buf& a, int64_t aFirst, int64_t aCount, const Buf& b, int64_t bFirst, int64_t bCount) {
  if (aCount == 0 || bCount == 0) return false;
  const uint8_t* a0 = static_cast<const uint8_t*>(a.data) + aFirst * DTypeSize(a.dtype);
  const uint8_t* a1 = a0 + aCount * DTypeSize(a.dtype);
  const uint8_t* b0 = static_cast<const uint8_t*>(b.data) + bFirst * DTypeSize(b.dtype);
  const uint8_t* b1 = b0 + bCount * DTypeSize(b.dtype);
  return a0 < b1 && b0 < a1;
}

}  // namespace kd
