// Linked into portable prebuilds only (with -Wl,--wrap for each name below). glibc 2.29 gave
// exp, exp2, log, log2 and pow new symbol versions (the same functions without the old errno
// wrappers). Every reference to them, ours and the static OpenBLAS's alike, is routed here
// and bound to the original versions, so the prebuild loads on glibc 2.28 (Debian 10,
// RHEL 8), Node 20's own floor. test/prebuild.test.ts checks the result with objdump.
// features.h defines __GLIBC__ (nothing else here includes a libc header)
#include <features.h>

#if defined(__linux__) && defined(__GLIBC__)
#if defined(__x86_64__)
#define KD_OLD_GLIBC "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define KD_OLD_GLIBC "GLIBC_2.17"
#endif
#endif

#ifdef KD_OLD_GLIBC
extern "C" {
double kd_exp_old(double);
double kd_exp2_old(double);
double kd_log_old(double);
double kd_log2_old(double);
double kd_pow_old(double, double);
__asm__(".symver kd_exp_old,exp@" KD_OLD_GLIBC);
__asm__(".symver kd_exp2_old,exp2@" KD_OLD_GLIBC);
__asm__(".symver kd_log_old,log@" KD_OLD_GLIBC);
__asm__(".symver kd_log2_old,log2@" KD_OLD_GLIBC);
__asm__(".symver kd_pow_old,pow@" KD_OLD_GLIBC);

__attribute__((visibility("hidden"))) double __wrap_exp(double x) { return kd_exp_old(x); }
__attribute__((visibility("hidden"))) double __wrap_exp2(double x) { return kd_exp2_old(x); }
__attribute__((visibility("hidden"))) double __wrap_log(double x) { return kd_log_old(x); }
__attribute__((visibility("hidden"))) double __wrap_log2(double x) { return kd_log2_old(x); }
__attribute__((visibility("hidden"))) double __wrap_pow(double x, double y) { return kd_pow_old(x, y); }
}
#endif
