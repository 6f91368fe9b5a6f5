// kindling_gloo: kd.distributed's native side, a separate addon built only where Gloo is
// installed (the core addon never needs it). connect() rendezvous through the store and
// returns a Group; each Group method validates its arguments, then queues one Gloo operation
// on the group's thread and returns { id, promise }. Typed arrays are borrowed for the length
// of that operation only: a persistent reference keeps each alive until its promise settles.
//
// Adding an operation (the checklist): 1. validate every argument here before queueing;
// 2. the job lambda captures only pointers, sizes and the context; 3. the JS wrapper in
// lib/distributed/process_group.ts; 4. its binding type in lib/distributed/native.ts; 5. a
// case in test/distributed (exact results on every dtype and on sizes 0, 1, odd, large).
#include <napi.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <gloo/allgather.h>
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/broadcast.h>
#include <gloo/gather.h>
#include <gloo/reduce.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/prefix_store.h>
#include <gloo/scatter.h>
#include <gloo/transport/tcp/device.h>

#include "process_group.h"
#include "tcp_store_client.h"

namespace kindling {
namespace {

enum class DType { F32, F64, I32, U8 };

struct Buf {
  void* data = nullptr;
  size_t elements = 0;
  size_t elementSize = 0;
  DType dtype = DType::F32;
  size_t bytes() const { return elements * elementSize; }
};

Buf bufferArg(Napi::Env env, const Napi::Value& v, const std::string& op, const char* name) {
  if (!v.IsTypedArray()) throw Napi::TypeError::New(env, op + ": " + name + " must be a typed array");
  auto ta = v.As<Napi::TypedArray>();
  Buf b;
  switch (ta.TypedArrayType()) {
    case napi_float32_array: b.dtype = DType::F32; b.elementSize = 4; break;
    case napi_float64_array: b.dtype = DType::F64; b.elementSize = 8; break;
    case napi_int32_array: b.dtype = DType::I32; b.elementSize = 4; break;
    case napi_uint8_array: b.dtype = DType::U8; b.elementSize = 1; break;
    default: throw Napi::TypeError::New(env, op + ": " + name + " must be a Float32Array, Float64Array, Int32Array or Uint8Array");
  }
  b.elements = ta.ElementLength();
  b.data = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
  return b;
}

int intArg(Napi::Env env, const Napi::Value& v, const std::string& op, const char* name, int lo, int hi) {
  if (!v.IsNumber()) throw Napi::TypeError::New(env, op + ": " + name + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= lo && d <= hi) || d != static_cast<double>(static_cast<int64_t>(d))) {
    throw Napi::RangeError::New(env, op + ": " + name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], but got " + v.ToString().Utf8Value());
  }
  return static_cast<int>(d);
}

template <typename Fn>
void withType(DType d, Fn&& fn) {
  switch (d) {
    case DType::F32: fn(float{}); break;
    case DType::F64: fn(double{}); break;
    case DType::I32: fn(int32_t{}); break;
    case DType::U8: fn(uint8_t{}); break;
  }
}

// Reductions: 0 sum, 1 product, 2 min, 3 max. Integers wrap as in PyTorch; bytes (bool) use
// or/and, so sum and max are "any", product and min are "all".
template <typename T>
gloo::AllreduceOptions::Func reduceOf(int op) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    if (op == 0 || op == 3) return [](void* o, const void* a, const void* b, size_t n) {
      auto* out = static_cast<uint8_t*>(o); auto* x = static_cast<const uint8_t*>(a); auto* y = static_cast<const uint8_t*>(b);
      for (size_t i = 0; i < n; i++) out[i] = (x[i] | y[i]) ? 1 : 0;
    };
    return [](void* o, const void* a, const void* b, size_t n) {
      auto* out = static_cast<uint8_t*>(o); auto* x = static_cast<const uint8_t*>(a); auto* y = static_cast<const uint8_t*>(b);
      for (size_t i = 0; i < n; i++) out[i] = (x[i] && y[i]) ? 1 : 0;
    };
  } else {
    using U = std::conditional_t<std::is_same_v<T, int32_t>, uint32_t, T>;
    switch (op) {
      case 0: return [](void* o, const void* a, const void* b, size_t n) {
        auto* out = static_cast<T*>(o); auto* x = static_cast<const T*>(a); auto* y = static_cast<const T*>(b);
        for (size_t i = 0; i < n; i++) out[i] = static_cast<T>(static_cast<U>(x[i]) + static_cast<U>(y[i]));
      };
      case 1: return [](void* o, const void* a, const void* b, size_t n) {
        auto* out = static_cast<T*>(o); auto* x = static_cast<const T*>(a); auto* y = static_cast<const T*>(b);
        for (size_t i = 0; i < n; i++) out[i] = static_cast<T>(static_cast<U>(x[i]) * static_cast<U>(y[i]));
      };
      case 2: return [](void* o, const void* a, const void* b, size_t n) {
        auto* out = static_cast<T*>(o); auto* x = static_cast<const T*>(a); auto* y = static_cast<const T*>(b);
        // NaN wins, as torch.minimum
        for (size_t i = 0; i < n; i++) out[i] = (x[i] != x[i] || x[i] < y[i]) ? x[i] : y[i];
      };
      default: return [](void* o, const void* a, const void* b, size_t n) {
        auto* out = static_cast<T*>(o); auto* x = static_cast<const T*>(a); auto* y = static_cast<const T*>(b);
        for (size_t i = 0; i < n; i++) out[i] = (x[i] != x[i] || x[i] > y[i]) ? x[i] : y[i];
      };
    }
  }
}

struct Pending {
  Napi::Promise::Deferred deferred;
  std::vector<Napi::ObjectReference> keep;
  std::shared_ptr<int64_t> result;
};

struct Done {
  uint64_t id;
  std::string error;
};

// What the completion callback needs; shared so it outlives a collected Group.
struct State {
  std::unordered_map<uint64_t, Pending> pending;
  std::unordered_map<uint64_t, std::shared_ptr<int64_t>> results;
  Napi::ThreadSafeFunction tsfn;
  bool released = false;
};

void complete(Napi::Env env, State& s, Done* d) {
  auto it = s.pending.find(d->id);
  if (it != s.pending.end()) {
    Napi::HandleScope scope(env);
    if (d->error.empty()) {
      it->second.deferred.Resolve(it->second.result ? Napi::Number::New(env, static_cast<double>(*it->second.result)) : env.Undefined());
    } else {
      it->second.deferred.Reject(Napi::Error::New(env, d->error).Value());
    }
    s.pending.erase(it);
    if (s.pending.empty() && !s.released) s.tsfn.Unref(env);
  }
  delete d;
}

class Group : public Napi::ObjectWrap<Group> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "GlooGroup", {
      InstanceMethod<&Group::AllReduce>("allReduce"),
      InstanceMethod<&Group::Reduce>("reduce"),
      InstanceMethod<&Group::Broadcast>("broadcast"),
      InstanceMethod<&Group::AllGather>("allGather"),
      InstanceMethod<&Group::Gather>("gather"),
      InstanceMethod<&Group::Scatter>("scatter"),
      InstanceMethod<&Group::Barrier>("barrier"),
      InstanceMethod<&Group::Send>("send"),
      InstanceMethod<&Group::Recv>("recv"),
      InstanceMethod<&Group::WaitSync>("waitSync"),
      InstanceMethod<&Group::Close>("close"),
      InstanceAccessor<&Group::Rank>("rank"),
      InstanceAccessor<&Group::Size>("size"),
    });
  }

  Group(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Group>(info) {
    auto env = info.Env();
    if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(env, "GlooGroup is made by connect()");
    context_ = *info[0].As<Napi::External<std::shared_ptr<gloo::Context>>>().Data();
    state_ = std::make_shared<State>();
    auto state = state_;
    state_->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "kindling-gloo", 0, 1);
    state_->tsfn.Unref(env);
    pg_ = std::make_unique<ProcessGroup>(context_, [state](uint64_t id, const std::string& error) {
      state->tsfn.BlockingCall(new Done{id, error}, [state](Napi::Env env, Napi::Function, Done* d) { complete(env, *state, d); });
    });
  }

  ~Group() override { shutdown(); }

 private:
  void shutdown() {
    if (!pg_) return;
    pg_->close();
    pg_.reset();
    if (!state_->released) {
      state_->released = true;
      state_->tsfn.Release();
    }
  }

  void checkOpen(Napi::Env env, const std::string& op) {
    if (!pg_) throw Napi::Error::New(env, op + ": this process group has been destroyed");
  }

  // A collective over the typed arrays in keep (none: a barrier, which waits for all before it).
  Napi::Value submit(Napi::Env env, const std::vector<Napi::Value>& keep, std::function<void()> job) {
    std::vector<ProcessGroup::Span> spans;
    for (const auto& v : keep) {
      auto ta = v.As<Napi::TypedArray>();
      auto first = reinterpret_cast<uintptr_t>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
      if (ta.ByteLength() > 0) spans.emplace_back(first, first + ta.ByteLength());
    }
    // a collective over empty tensors touches no memory, but must not count as a barrier
    if (spans.empty() && !keep.empty()) spans.emplace_back(0, 0);
    return track(env, keep, [&] { return pg_->enqueue(std::move(job), std::move(spans)); }, nullptr);
  }

  // Queues through enqueue and remembers the promise and the borrowed arrays until it settles.
  template <typename Enqueue>
  Napi::Value track(Napi::Env env, const std::vector<Napi::Value>& keep, Enqueue enqueue, std::shared_ptr<int64_t> result) {
    auto deferred = Napi::Promise::Deferred::New(env);
    uint64_t id;
    try {
      id = enqueue();
    } catch (const std::exception& e) {
      throw Napi::Error::New(env, e.what());
    }
    Pending p{deferred, {}, result};
    for (const auto& v : keep) p.keep.push_back(Napi::Persistent(v.As<Napi::Object>()));
    if (state_->pending.empty()) state_->tsfn.Ref(env);
    state_->pending.emplace(id, std::move(p));
    auto r = Napi::Object::New(env);
    r.Set("id", Napi::Number::New(env, static_cast<double>(id)));
    r.Set("promise", deferred.Promise());
    return r;
  }

  Napi::Value submitStarter(Napi::Env env, const std::vector<Napi::Value>& keep, std::function<void(ProcessGroup::Done)> starter, std::shared_ptr<int64_t> result = nullptr) {
    return track(env, keep, [&] { return pg_->enqueueStarter(std::move(starter)); }, result);
  }

  int size() const { return context_->size; }

  // A buffer holding one `per`-sized piece for every rank, of per's element type.
  Buf perRankBuffer(Napi::Env env, const Napi::Value& v, const std::string& op, const char* name, const Buf& per) {
    Buf b = bufferArg(env, v, op, name);
    if (b.dtype != per.dtype) throw Napi::TypeError::New(env, op + ": input and output must have the same element type");
    if (b.elements != per.elements * static_cast<size_t>(size())) {
      throw Napi::RangeError::New(env, op + ": " + name + " holds " + std::to_string(b.elements) + " elements, but " + std::to_string(size()) +
                                           " ranks × " + std::to_string(per.elements) + " are needed");
    }
    return b;
  }

  Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), context_->rank); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), context_->size); }

  Napi::Value AllReduce(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "allReduce");
    Buf b = bufferArg(env, info[0], "allReduce", "tensor");
    int op = intArg(env, info[1], "allReduce", "op", 0, 3);
    auto ctx = context_;
    uint32_t tag = pg_->nextTag();
    return submit(env, {info[0]}, [ctx, b, op, tag] {
      if (b.elements == 0) return;
      withType(b.dtype, [&](auto zero) {
        using T = decltype(zero);
        gloo::AllreduceOptions opts(ctx);
        opts.setOutput(static_cast<T*>(b.data), b.elements);
        opts.setReduceFunction(reduceOf<T>(op));
        opts.setTag(tag);
        gloo::allreduce(opts);
      });
    });
  }

  Napi::Value Reduce(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "reduce");
    Buf b = bufferArg(env, info[0], "reduce", "tensor");
    int op = intArg(env, info[1], "reduce", "op", 0, 3);
    int root = intArg(env, info[2], "reduce", "dst", 0, size() - 1);
    auto ctx = context_;
    uint32_t tag = pg_->nextTag();
    return submit(env, {info[0]}, [ctx, b, op, root, tag] {
      if (b.elements == 0) return;
      withType(b.dtype, [&](auto zero) {
        using T = decltype(zero);
        gloo::ReduceOptions opts(ctx);
        opts.setOutput(static_cast<T*>(b.data), b.elements);
        opts.setReduceFunction(reduceOf<T>(op));
        opts.setRoot(root);
        opts.setTag(tag);
        gloo::reduce(opts);
      });
    });
  }

  Napi::Value Broadcast(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "broadcast");
    Buf b = bufferArg(env, info[0], "broadcast", "tensor");
    int root = intArg(env, info[1], "broadcast", "src", 0, size() - 1);
    auto ctx = context_;
    uint32_t tag = pg_->nextTag();
    return submit(env, {info[0]}, [ctx, b, root, tag] {
      if (b.elements == 0) return;
      withType(b.dtype, [&](auto zero) {
        using T = decltype(zero);
        gloo::BroadcastOptions opts(ctx);
        opts.setOutput(static_cast<T*>(b.data), b.elements);
        opts.setRoot(root);
        opts.setTag(tag);
        gloo::broadcast(opts);
      });
    });
  }

  Napi::Value AllGather(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "allGather");
    Buf in = bufferArg(env, info[0], "allGather", "input");
    Buf out = perRankBuffer(env, info[1], "allGather", "output", in);
    auto ctx = context_;
    uint32_t tag = pg_->nextTag();
    return submit(env, {info[0], info[1]}, [ctx, in, out, tag] {
      if (in.elements == 0) return;
      withType(in.dtype, [&](auto zero) {
        using T = decltype(zero);
        gloo::AllgatherOptions opts(ctx);
        opts.setInput(static_cast<T*>(in.data), in.elements);
        opts.setOutput(static_cast<T*>(out.data), out.elements);
        opts.setTag(tag);
        gloo::allgather(opts);
      });
    });
  }

  Napi::Value Gather(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "gather");
    Buf in = bufferArg(env, info[0], "gather", "input");
    int root = intArg(env, info[2], "gather", "dst", 0, size() - 1);
    bool isRoot = root == context_->rank;
    Buf out;
    std::vector<Napi::Value> keep{info[0]};
    if (isRoot) {
      out = perRankBuffer(env, info[1], "gather", "output", in);
      keep.push_back(info[1]);
    }
    auto ctx = context_;
    uint32_t tag = pg_->nextTag();
    return submit(env, keep, [ctx, in, out, root, isRoot, tag] {
      if (in.elements == 0) return;
      withType(in.dtype, [&](auto zero) {
        using T = decltype(zero);
        gloo::GatherOptions opts(ctx);
        opts.setInput(static_cast<T*>(in.data), in.elements);
        if (isRoot) opts.setOutput(static_cast<T*>(out.data), out.elements);
        opts.setRoot(root);
        opts.setTag(tag);
        gloo::gather(opts);
      });
    });
  }

  Napi::Value Scatter(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "scatter");
    Buf out = bufferArg(env, info[1], "scatter", "output");
    int root = intArg(env, info[2], "scatter", "src", 0, size() - 1);
    bool isRoot = root == context_->rank;
    Buf in;
    std::vector<Napi::Value> keep{info[1]};
    if (isRoot) {
      in = perRankBuffer(env, info[0], "scatter", "input", out);
      keep.push_back(info[0]);
    }
    auto ctx = context_;
    int n = size();
    uint32_t tag = pg_->nextTag();
    return submit(env, keep, [ctx, in, out, root, isRoot, n, tag] {
      if (out.elements == 0) return;
      withType(out.dtype, [&](auto zero) {
        using T = decltype(zero);
        gloo::ScatterOptions opts(ctx);
        std::vector<T*> parts;
        if (isRoot) {
          for (int r = 0; r < n; r++) parts.push_back(static_cast<T*>(in.data) + static_cast<size_t>(r) * out.elements);
          opts.setInputs(parts, out.elements);
        }
        opts.setOutput(static_cast<T*>(out.data), out.elements);
        opts.setRoot(root);
        opts.setTag(tag);
        gloo::scatter(opts);
      });
    });
  }

  Napi::Value Barrier(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "barrier");
    auto ctx = context_;
    uint32_t tag = pg_->nextTag();
    return submit(env, {}, [ctx, tag] {
      gloo::BarrierOptions opts(ctx);
      opts.setTag(tag);
      gloo::barrier(opts);
    });
  }

  // Point-to-point slots live in their own range so they never meet a collective's.
  static uint64_t p2pSlot(int tag) { return (uint64_t{1} << 56) | static_cast<uint32_t>(tag); }

  Napi::Value Send(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "send");
    Buf b = bufferArg(env, info[0], "send", "tensor");
    int dst = intArg(env, info[1], "send", "dst", 0, size() - 1);
    if (dst == context_->rank) throw Napi::RangeError::New(env, "send: dst " + std::to_string(dst) + " is this rank; send to another rank");
    int tag = intArg(env, info[2], "send", "tag", 0, 0x7fffffff);
    auto ctx = context_;
    return submitStarter(env, {info[0]}, [ctx, b, dst, tag](ProcessGroup::Done done) {
      std::shared_ptr<gloo::transport::UnboundBuffer> ub = ctx->createUnboundBuffer(b.data, b.bytes());
      ub->send(dst, p2pSlot(tag));
      std::thread([ctx, ub, done] {
        try {
          ub->waitSend(ctx->getTimeout());
          done("");
        } catch (const std::exception& e) {
          done(e.what());
        }
      }).detach();
    });
  }

  Napi::Value Recv(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "recv");
    Buf b = bufferArg(env, info[0], "recv", "tensor");
    int src = intArg(env, info[1], "recv", "src", -1, size() - 1);
    if (src == context_->rank) throw Napi::RangeError::New(env, "recv: src " + std::to_string(src) + " is this rank; receive from another rank");
    int tag = intArg(env, info[2], "recv", "tag", 0, 0x7fffffff);
    auto ctx = context_;
    auto result = std::make_shared<int64_t>(src);
    return submitStarter(env, {info[0]}, [ctx, b, src, tag, result](ProcessGroup::Done done) {
      std::shared_ptr<gloo::transport::UnboundBuffer> ub = ctx->createUnboundBuffer(b.data, b.bytes());
      if (src >= 0) {
        ub->recv(src, p2pSlot(tag));
      } else {
        std::vector<int> from;
        for (int r = 0; r < ctx->size; r++) if (r != ctx->rank) from.push_back(r);
        ub->recv(from, p2pSlot(tag));
      }
      std::thread([ctx, ub, done, result, src] {
        try {
          int got = src;
          ub->waitRecv(&got, ctx->getTimeout());
          *result = got;
          done("");
        } catch (const std::exception& e) {
          done(e.what());
        }
      }).detach();
    }, result);
  }

  Napi::Value WaitSync(const Napi::CallbackInfo& info) {
    auto env = info.Env();
    checkOpen(env, "wait");
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "wait: expected an operation id");
    std::string error = pg_->waitFor(static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue()));
    if (!error.empty()) throw Napi::Error::New(env, error);
    return env.Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    shutdown();
    return info.Env().Undefined();
  }

  std::shared_ptr<gloo::Context> context_;
  std::shared_ptr<State> state_;
  std::unique_ptr<ProcessGroup> pg_;
};

struct AddonData {
  Napi::FunctionReference groupCtor;
};

// Rendezvous off the JS thread: rank 0's store server must keep answering meanwhile.
class ConnectWorker : public Napi::AsyncWorker {
 public:
  ConnectWorker(Napi::Env env, std::string host, int port, std::string prefix, int rank, int size, int timeoutMs, std::string hostname, std::string iface)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), host_(std::move(host)), port_(port), prefix_(std::move(prefix)),
        rank_(rank), size_(size), timeoutMs_(timeoutMs), hostname_(std::move(hostname)), iface_(std::move(iface)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      auto timeout = std::chrono::milliseconds(timeoutMs_);
      TcpStoreClient client(host_, port_, timeout);
      gloo::rendezvous::PrefixStore store(prefix_, client);
      gloo::transport::tcp::attr attr;
      if (!iface_.empty()) attr.iface = iface_;
      else attr.hostname = hostname_.empty() ? client.localAddress() : hostname_;
      auto dev = gloo::transport::tcp::CreateDevice(attr);
      auto ctx = std::make_shared<gloo::rendezvous::Context>(rank_, size_);
      ctx->setTimeout(timeout);
      ctx->connectFullMesh(store, dev);
      context_ = ctx;
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }

  void OnOK() override {
    auto env = Env();
    auto* data = env.GetInstanceData<AddonData>();
    auto ext = Napi::External<std::shared_ptr<gloo::Context>>::New(env, new std::shared_ptr<gloo::Context>(context_),
      [](Napi::Env, std::shared_ptr<gloo::Context>* p) { delete p; });
    deferred_.Resolve(data->groupCtor.New({ext}));
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string host_;
  int port_;
  std::string prefix_;
  int rank_, size_, timeoutMs_;
  std::string hostname_, iface_;
  std::shared_ptr<gloo::Context> context_;
};

std::string stringOpt(const Napi::Object& o, const char* k) {
  auto v = o.Get(k);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

// connect({ host, port, prefix, rank, size, timeoutMs, hostname?, iface? }) -> Promise<GlooGroup>
Napi::Value Connect(const Napi::CallbackInfo& info) {
  auto env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) throw Napi::TypeError::New(env, "connect: expected an options object");
  auto o = info[0].As<Napi::Object>();
  std::string host = stringOpt(o, "host");
  if (host.empty()) throw Napi::TypeError::New(env, "connect: host must be a non-empty string");
  int port = intArg(env, o.Get("port"), "connect", "port", 1, 65535);
  int size = intArg(env, o.Get("size"), "connect", "size", 1, 1 << 20);
  int rank = intArg(env, o.Get("rank"), "connect", "rank", 0, size - 1);
  int timeoutMs = intArg(env, o.Get("timeoutMs"), "connect", "timeoutMs", 1, 0x7fffffff);
  auto* w = new ConnectWorker(env, host, port, stringOpt(o, "prefix"), rank, size, timeoutMs, stringOpt(o, "hostname"), stringOpt(o, "iface"));
  auto p = w->Promise();
  w->Queue();
  return p;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->groupCtor = Napi::Persistent(Group::Define(env));
  env.SetInstanceData(data);
  exports.Set("connect", Napi::Function::New(env, Connect));
  exports.Set("GlooGroup", data->groupCtor.Value());
  return exports;
}

}  // namespace
}  // namespace kindling

static Napi::Object InitGloo(Napi::Env env, Napi::Object exports) { return kindling::Init(env, exports); }

NODE_API_MODULE(kindling_gloo, InitGloo)
