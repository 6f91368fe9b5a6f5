/* Reference bandwidth: c[i] = a[i] + b[i] (or relu) as a plain C loop over `threads` pthreads,
 * the ceiling for kindling's memory-bound kernels.
 * usage: bandwidth n threads reps op(add|relu) -> prints the median seconds per pass */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static float *A, *B, *C;
static long N;
static int T, RELU;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static pthread_barrier_t start, done;
static int REPS;

static void pass(long id) {
  long lo = N * id / T, hi = N * (id + 1) / T;
  if (RELU) {
    for (long i = lo; i < hi; i++) C[i] = A[i] > 0 ? A[i] : 0;
  } else {
    for (long i = lo; i < hi; i++) C[i] = A[i] + B[i];
  }
}

/* persistent workers, released by a barrier each pass, like a thread pool */
static void* worker(void* arg) {
  for (int r = 0; r < REPS; r++) {
    pthread_barrier_wait(&start);
    pass((long)arg);
    pthread_barrier_wait(&done);
  }
  return NULL;
}

static int cmp(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 5) return 2;
  N = atol(argv[1]);
  T = atoi(argv[2]);
  int reps = atoi(argv[3]);
  RELU = strcmp(argv[4], "relu") == 0;
  A = malloc(sizeof(float) * N);
  B = malloc(sizeof(float) * N);
  C = malloc(sizeof(float) * N);
  for (long i = 0; i < N; i++) A[i] = B[i] = C[i] = (float)(i % 13) - 6;
  REPS = reps + 2;
  double* t = malloc(sizeof(double) * reps);
  pthread_t th[256];
  pthread_barrier_init(&start, NULL, T);
  pthread_barrier_init(&done, NULL, T);
  for (long i = 1; i < T; i++) pthread_create(&th[i], NULL, worker, (void*)i);
  for (int r = -2; r < reps; r++) {
    double t0 = now();
    pthread_barrier_wait(&start);
    pass(0);
    pthread_barrier_wait(&done);
    if (r >= 0) t[r] = now() - t0;
  }
  for (long i = 1; i < T; i++) pthread_join(th[i], NULL);
  qsort(t, reps, sizeof(double), cmp);
  printf("%.9f\n", t[reps / 2]);
  return 0;
}
