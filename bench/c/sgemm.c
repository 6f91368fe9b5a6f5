/* Reference rate: cblas_sgemm called directly from C, the ceiling for kindling's GEMM.
 * usage: sgemm M N K reps  -> prints the median seconds per call */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 5) return 2;
  int m = atoi(argv[1]), n = atoi(argv[2]), k = atoi(argv[3]), reps = atoi(argv[4]);
  float* a = malloc(sizeof(float) * m * k);
  float* b = malloc(sizeof(float) * k * n);
  float* c = malloc(sizeof(float) * m * n);
  for (long i = 0; i < (long)m * k; i++) a[i] = (float)(i % 7) * 0.1f;
  for (long i = 0; i < (long)k * n; i++) b[i] = (float)(i % 5) * 0.1f;
  double* t = malloc(sizeof(double) * reps);
  for (int w = 0; w < 3; w++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n);
    t[r] = now() - t0;
  }
  qsort(t, reps, sizeof(double), cmp);
  printf("%.9f\n", t[reps / 2]);
  return 0;
}
