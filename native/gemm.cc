// Matrix products through OpenBLAS: one cblas_sgemm/cblas_dgemm per matrix, with transpose
// flags and leading dimensions so transposed views are never copied, alpha/beta
// accumulation, and batches addressed by per-operand batch strides (0 broadcasts an operand).

#include <algorithm>
#include <cmath>
#include <vector>

#include "blas.h"
#include "kernels.h"
#include "thread_pool.h"

namespace kd {
namespace {

struct GemmPlan {
  bool transA, transB;
  int64_t m, n, k, lda, ldb, ldc, aOff, bOff, cOff;
  int nb = 0;
  int64_t batchShape[kMaxDims];
  int64_t aStr[kMaxDims], bStr[kMaxDims], cStr[kMaxDims];
  int64_t batch = 1;
};

constexpr int64_t kMaxBlasDim = 2147483647;  // cblas takes int

bool IsInt32Value(double v) { return v >= -2147483648.0 && v <= 2147483647.0 && v == std::trunc(v); }

// Checks one operand: its batch strides plus an R x C matrix with leading dimension ld.
void CheckMatrix(Napi::Env env, const char* name, const Buf& b, const GemmPlan& p, const int64_t* bstr, int64_t off,
                 int64_t rows, int64_t cols, int64_t ld) {
  if (ld < std::max<int64_t>(1, cols)) {
    ThrowRange(env, "gemm",
               std::string("leading dimension of '") + name + "' is " + std::to_string(ld) + ", needs at least " +
                   std::to_string(std::max<int64_t>(1, cols)));
  }
  int64_t shape[kMaxDims + 2];
  int64_t strides[kMaxDims + 2];
  for (int i = 0; i < p.nb; i++) {
    shape[i] = p.batchShape[i];
    strides[i] = bstr[i];
  }
  shape[p.nb] = rows;
  strides[p.nb] = ld;
  shape[p.nb + 1] = cols;
  strides[p.nb + 1] = 1;
  CheckExtent(env, "gemm", name, b, off, p.nb + 2, shape, strides);
}

// [first, last] element span an operand can touch, for the overlap check.
void Span(const GemmPlan& p, const int64_t* bstr, int64_t off, int64_t rows, int64_t cols, int64_t ld, int64_t* first,
          int64_t* count) {
  int64_t last = off + (rows - 1) * ld + cols - 1;
  for (int i = 0; i < p.nb; i++) last += (p.batchShape[i] - 1) * bstr[i];
  *first = off;
  *count = last - off + 1;
}

// Products (per batch entry) below this many multiply-adds run on one OpenBLAS thread.
constexpr int64_t kSingleThreadWork = int64_t(1) << 23;
// ...and from this many up, they are split over the pool's threads, one OpenBLAS thread each.
constexpr int64_t kSplitWork = int64_t(1) << 20;

// The offsets of batch entry bi's A, B and C matrices.
void BatchOffsets(const GemmPlan& p, int64_t bi, int64_t* ao, int64_t* bo, int64_t* co) {
  *ao = p.aOff;
  *bo = p.bOff;
  *co = p.cOff;
  for (int d = p.nb - 1; d >= 0; d--) {
    const int64_t i = bi % p.batchShape[d];
    bi /= p.batchShape[d];
    *ao += i * p.aStr[d];
    *bo += i * p.bStr[d];
    *co += i * p.cStr[d];
  }
}

template <typename T>
void RunGemm(const GemmPlan& p, const T* A, const T* B, T* C, double alpha, double beta) {
  // rows [r0, r1) and columns [c0, c1) of batch entry bi's product
  auto block = [&](int64_t bi, int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    int64_t ao, bo, co;
    BatchOffsets(p, bi, &ao, &bo, &co);
    ao += p.transA ? r0 : r0 * p.lda;
    bo += p.transB ? c0 * p.ldb : c0;
    T* c = C + co + r0 * p.ldc + c0;
    const int64_t m = r1 - r0, n = c1 - c0;
    if (p.k == 0) {  // an empty sum: C = beta * C (BLAS may not accept k = 0)
      for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < n; j++) c[r * p.ldc + j] = beta == 0 ? T(0) : static_cast<T>(beta) * c[r * p.ldc + j];
      return;
    }
    Gemm<T>(p.transA, p.transB, static_cast<int>(m), static_cast<int>(n), static_cast<int>(p.k), static_cast<T>(alpha),
            A + ao, static_cast<int>(p.lda), B + bo, static_cast<int>(p.ldb), static_cast<T>(beta), c,
            static_cast<int>(p.ldc));
  };
  auto one = [&](int64_t bi) { block(bi, 0, p.m, 0, p.n); };
  // One product split over the pool along its longer side of C, each part a single-threaded
  // GEMM: for an RNN step's 20x200x800 this beats both one OpenBLAS thread and OpenBLAS's own
  // threading, whose workers have gone cold between the steps.
  auto split = [&](int64_t bi) {
    const bool byCols = p.n >= p.m;
    const int64_t len = byCols ? p.n : p.m;
    const int64_t align = byCols ? 16 : 4;
    const int64_t parts = std::min<int64_t>(NumThreads(), (len + align - 1) / align);
    const int64_t step = ((len + parts - 1) / parts + align - 1) / align * align;
    ParallelFor(parts, 1, [&](int64_t q0, int64_t q1) {
      for (int64_t q = q0; q < q1; q++) {
        const int64_t a = std::min(len, q * step), b = std::min(len, a + step);
        if (a >= b) continue;
        if (byCols) block(bi, 0, p.m, a, b);
        else block(bi, a, b, 0, p.n);
      }
    });
  };
  if (p.m == 0 || p.n == 0 || p.batch == 0) return;
  const int64_t work = p.m * p.n * std::max<int64_t>(p.k, 1);
  const int threads = NumThreads();
  // OpenBLAS runs products under 64^3 on one thread; spread many of those over the pool.
  const bool small = work < 262144;
  // Batches of medium products (up to 256^3) split better over the batch, each product on one
  // thread, than each product over all threads: OpenBLAS's per-call threading costs more than
  // such a product. OpenBLAS is set to one thread meanwhile, since the pool's threads call it.
  const bool medium = !small && work <= (int64_t(1) << 24) && p.batch >= threads && threads > 1;
  if (p.batch > 1 && (small || medium)) {
    if (medium) SetBlasThreads(1);
    ParallelFor(p.batch, small ? std::max<int64_t>(1, 262144 / work) : 1, [&](int64_t b0, int64_t b1) {
      for (int64_t bi = b0; bi < b1; bi++) one(bi);
    });
    if (medium) SetBlasThreads(threads);
  } else {
    // Up to about 200^3, OpenBLAS's second thread gains nothing once its threads have gone
    // cold between products (as in a training step, where other kernels run in between), and
    // costs up to 40%: an RNN step's 20x800x200 takes 0.10 ms on two threads, 0.07 on one.
    // Larger products with a narrow C (one side at most 256) also run faster as two halves on
    // the pool, one OpenBLAS thread each, than on OpenBLAS's two threads (measured on 2 cores:
    // the word LM's 700x200x10000 162 -> 175 GFLOP/s, 10000x200x700 154 -> 176, 9216x128x64
    // 101 -> 176); square ones do not gain, and more threads than 2 were not measured.
    const bool narrow = threads == 2 && std::min(p.m, p.n) <= 256;
    const bool oneThread = threads > 1 && (work < kSingleThreadWork || narrow);
    if (oneThread) SetBlasThreads(1);
    if (oneThread && work >= kSplitWork) {
      for (int64_t bi = 0; bi < p.batch; bi++) split(bi);
    } else {
      for (int64_t bi = 0; bi < p.batch; bi++) one(bi);
    }
    if (oneThread) SetBlasThreads(threads);
  }
}

// Integer products (PyTorch's int32 matmul) have no BLAS: C = alpha A B + beta C in uint32,
// i.e. two's-complement wrap-around like PyTorch's int32 arithmetic, rows of every batch entry
// spread over the pool. The j loop runs along contiguous B rows when B is not transposed.
void RunIntGemm(const GemmPlan& p, const int32_t* A, const int32_t* B, int32_t* C, int32_t alpha, int32_t beta) {
  using U = uint32_t;
  const int64_t rowWork = std::max<int64_t>(1, p.n * std::max<int64_t>(p.k, 1));
  ParallelFor(p.batch * p.m, std::max<int64_t>(1, 65536 / rowWork), [&](int64_t r0, int64_t r1) {
    std::vector<U> acc(static_cast<size_t>(p.n));
    for (int64_t rr = r0; rr < r1; rr++) {
      const int64_t r = rr % p.m;
      int64_t ao, bo, co;
      BatchOffsets(p, rr / p.m, &ao, &bo, &co);
      std::fill(acc.begin(), acc.end(), U(0));
      for (int64_t kk = 0; kk < p.k; kk++) {
        const U av = U(A[ao + (p.transA ? kk * p.lda + r : r * p.lda + kk)]);
        if (p.transB) {
          for (int64_t j = 0; j < p.n; j++) acc[j] += av * U(B[bo + j * p.ldb + kk]);
        } else {
          const int32_t* brow = B + bo + kk * p.ldb;
          for (int64_t j = 0; j < p.n; j++) acc[j] += av * U(brow[j]);
        }
      }
      int32_t* c = C + co + r * p.ldc;
      for (int64_t j = 0; j < p.n; j++) {
        const U prev = beta == 0 ? U(0) : U(beta) * U(c[j]);
        c[j] = static_cast<int32_t>(U(alpha) * acc[j] + prev);
      }
    }
  });
}

// gemm(a, b, c, layout, alpha, beta)
// layout: [transA, transB, m, n, k, lda, ldb, ldc, aOff, bOff, cOff, nbatch,
//          batchShape..., aBatchStrides..., bBatchStrides..., cBatchStrides...]
Napi::Value GemmFn(const Napi::CallbackInfo& info) {
  const char* fn = "gemm";
  Napi::Env env = info.Env();
  Buf a = GetBuf(info, 0, fn, "a");
  if (a.dtype == DType::Bool) ThrowType(env, fn, "argument 'a' must be a Float32Array, Float64Array or Int32Array, received Uint8Array");
  Buf b = GetBuf(info, 1, fn, "b");
  Buf c = GetBuf(info, 2, fn, "c");
  SameDType(env, fn, a, "a", b, "b");
  SameDType(env, fn, a, "a", c, "c");
  IntList l = GetIntList(info, 3, fn, "layout");
  double alpha = GetNumber(info, 4, fn, "alpha");
  double beta = GetNumber(info, 5, fn, "beta");
  if (a.dtype == DType::I32 && !(IsInt32Value(alpha) && IsInt32Value(beta))) {
    ThrowRange(env, fn, "alpha and beta must be int32 integers for Int32Array operands");
  }
  GemmPlan p;
  p.transA = l.Next("transA", 0, 1) != 0;
  p.transB = l.Next("transB", 0, 1) != 0;
  p.m = l.Next("m", 0, kMaxBlasDim);
  p.n = l.Next("n", 0, kMaxBlasDim);
  p.k = l.Next("k", 0, kMaxBlasDim);
  p.lda = l.Next("lda", 1, kMaxBlasDim);
  p.ldb = l.Next("ldb", 1, kMaxBlasDim);
  p.ldc = l.Next("ldc", 1, kMaxBlasDim);
  p.aOff = l.Next("aOffset", 0, kMaxElements);
  p.bOff = l.Next("bOffset", 0, kMaxElements);
  p.cOff = l.Next("cOffset", 0, kMaxElements);
  p.nb = static_cast<int>(l.Next("nbatch", 0, kMaxDims));
  for (int i = 0; i < p.nb; i++) {
    p.batchShape[i] = l.Next("batch size", 0, kMaxElements);
    if (p.batchShape[i] != 0 && p.batch > kMaxElements / p.batchShape[i]) ThrowRange(env, fn, "too many batches");
    p.batch *= p.batchShape[i];
  }
  for (int i = 0; i < p.nb; i++) p.aStr[i] = l.Next("a batch stride", 0, kMaxElements);
  for (int i = 0; i < p.nb; i++) p.bStr[i] = l.Next("b batch stride", 0, kMaxElements);
  for (int i = 0; i < p.nb; i++) p.cStr[i] = l.Next("c batch stride", 0, kMaxElements);
  if (l.pos != l.n) ThrowRange(env, fn, "argument 'layout' has " + std::to_string(l.n) + " entries, expected " + std::to_string(l.pos));
  if (p.m == 0 || p.n == 0 || p.batch == 0) return env.Undefined();

  const int64_t aRows = p.transA ? p.k : p.m, aCols = p.transA ? p.m : p.k;
  const int64_t bRows = p.transB ? p.n : p.k, bCols = p.transB ? p.k : p.n;
  if (p.k > 0) {
    CheckMatrix(env, "a", a, p, p.aStr, p.aOff, aRows, aCols, p.lda);
    CheckMatrix(env, "b", b, p, p.bStr, p.bOff, bRows, bCols, p.ldb);
  }
  CheckMatrix(env, "c", c, p, p.cStr, p.cOff, p.m, p.n, p.ldc);
  // Each output matrix must be distinct, or batches would race and accumulate wrongly.
  for (int i = 0; i < p.nb; i++) {
    if (p.batchShape[i] > 1 && p.cStr[i] == 0) ThrowRange(env, fn, "c batch strides must not be 0 (outputs would alias)");
  }
  int64_t cFirst, cCount;
  Span(p, p.cStr, p.cOff, p.m, p.n, p.ldc, &cFirst, &cCount);
  if (p.k > 0) {
    int64_t first, count;
    Span(p, p.aStr, p.aOff, aRows, aCols, p.lda, &first, &count);
    if (Overlaps(c, cFirst, cCount, a, first, count)) ThrowRange(env, fn, "output 'c' overlaps input 'a'");
    Span(p, p.bStr, p.bOff, bRows, bCols, p.ldb, &first, &count);
    if (Overlaps(c, cFirst, cCount, b, first, count)) ThrowRange(env, fn, "output 'c' overlaps input 'b'");
  }
  if (c.dtype == DType::I32) {
    RunIntGemm(p, a.as<int32_t>(), b.as<int32_t>(), c.as<int32_t>(), static_cast<int32_t>(alpha), static_cast<int32_t>(beta));
  } else if (c.dtype == DType::F32) {
    RunGemm<float>(p, a.as<float>(), b.as<float>(), c.as<float>(), alpha, beta);
  } else {
    RunGemm<double>(p, a.as<double>(), b.as<double>(), c.as<double>(), alpha, beta);
  }
  return env.Undefined();
}

}  // namespace

void InitGemm(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, GemmFn, "gemm"));
}

}  // namespace kd
