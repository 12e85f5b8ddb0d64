// internal.h: services shared by every module of the library (errors, memory, overflow-checked
// sizes, CPU level, threads, row partitioning, activation packing, random numbers, timing).
// Internal symbols are lci_*; nothing here is exported from the shared library.
#ifndef LACUNA_INTERNAL_H
#define LACUNA_INTERNAL_H

#include "lacuna.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define LCI_ALIGN 64

#if defined(__GNUC__) || defined(__clang__)
#define LCI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LCI_PRINTF(f, a)
#endif

// ---- errors (status.c) ----
// Records a message for lc_last_error() on this thread and returns `status`.
lc_status lci_error(lc_status status, const char *fmt, ...) LCI_PRINTF(2, 3);
// Clears the message (called on entry to public functions that succeed).
void lci_error_clear(void);
// Prepends "context: " to the current message (used when an inner failure gains context).
void lci_error_prefix(const char *fmt, ...) LCI_PRINTF(1, 2);

// ---- memory (alloc.c) ----
// 64-byte aligned; size 0 still returns a distinct pointer. NULL on failure (no message set).
void *lci_alloc(size_t size);
// lci_alloc of count·size zeroed bytes; NULL on overflow or failure.
void *lci_calloc(size_t count, size_t size);
// Frees what lci_alloc returned; NULL allowed.
void lci_free(void *ptr);
// lci_alloc(count·size) that sets a message naming `what` on overflow or failure.
lc_status lci_alloc_array(void **out, size_t count, size_t size, const char *what);

// ---- overflow-checked arithmetic: return true on overflow ----
static inline bool lci_mul_i64(int64_t a, int64_t b, int64_t *r) {
    return __builtin_mul_overflow(a, b, r);
}
static inline bool lci_add_i64(int64_t a, int64_t b, int64_t *r) {
    return __builtin_add_overflow(a, b, r);
}
static inline bool lci_mul_size(size_t a, size_t b, size_t *r) {
    return __builtin_mul_overflow(a, b, r);
}

// ---- CPU level (cpu.c) ----
// Level currently in force (see lc_isa_get); cheap after the first call.
lc_isa lci_isa(void);

// ---- threads (threads.c) ----
// Most parts one parallel call is split into (bounds arrays live on the stack).
#define LCI_MAX_PARTS 256
// Threads to use for a job of `work` units where one thread pays off from `grain` units.
int lci_threads_for(double work, double grain);
// Runs fn(ctx, part) for part = 0 .. parts-1, one part per thread, in parallel when built with
// OpenMP. Each part must depend only on its index, so results do not depend on scheduling.
void lci_parallel(int parts, void (*fn)(void *ctx, int part), void *ctx);
// lci_parallel for parts that call the BLAS: every BLAS call inside runs single-threaded
// (OpenBLAS's OpenMP build does inside an active parallel region), so results do not depend on
// the BLAS's thread count either. Builds without OpenMP run the parts in order.
void lci_parallel_blas(int parts, void (*fn)(void *ctx, int part), void *ctx);

// ---- partitioning (partition.c) ----
// Splits rows [0, m) into `parts` contiguous ranges of near-equal cost, where row i costs
// (ptr[i+1] - ptr[i]) + row_cost. bounds[0] = 0, bounds[parts] = m, non-decreasing.
void lci_partition_rows(const int64_t *ptr, int64_t m, int64_t row_cost, int parts,
                        int64_t *bounds);

// ---- activation packing (pack.c) ----
// Copies columns [j0, j0 + nb) of the activation X into a K×nb row-major panel with row stride
// ldp, whatever the layout: for LC_LAYOUT_COLS, X is K×n (ldx); for LC_LAYOUT_ROWS, X is n×K
// (ldx) and is transposed. Rows [k0, k1) of the panel only, so threads can share the work.
void lci_pack_panel(lc_layout layout, const float *x, int64_t ldx, int64_t k0, int64_t k1,
                    int64_t j0, int64_t nb, float *panel, int64_t ldp);

// ---- random numbers (rng.c): xoshiro256**, reproducible across platforms ----
typedef struct lci_rng {
    uint64_t s[4];
} lci_rng;
void lci_rng_seed(lci_rng *rng, uint64_t seed);
uint64_t lci_rng_next(lci_rng *rng);
// Uniform in [0, bound) without modulo bias; bound > 0.
uint64_t lci_rng_below(lci_rng *rng, uint64_t bound);
// Uniform float in [-1, 1).
float lci_rng_float(lci_rng *rng);
// Standard normal (Box-Muller, double precision).
double lci_rng_normal(lci_rng *rng);

// ---- timing harness (timing.c) ----
typedef struct lci_timing {
    double median_s, min_s, p90_s, mean_s;
    int reps;
} lci_timing;
// Wall-clock seconds from a monotonic clock.
double lci_now(void);
// Runs fn(ctx) `warmup` times untimed, then `reps` times timed (reps >= 1). With `cold`, evicts
// the caches (streams a buffer of several times the last-level cache) before each timed run.
// Fails only when fn fails or the eviction buffer cannot be allocated.
lc_status lci_time(lc_status (*fn)(void *ctx), void *ctx, int warmup, int reps, bool cold,
                   lci_timing *out);
// Bytes of the last-level cache (sysconf; 32 MiB if unknown).
size_t lci_llc_bytes(void);

// ---- magnitude selection (select.c) ----
// The order of |v| as an integer: positive floats order like their bit patterns, and NaN
// (any sign) sorts above Inf.
static inline uint32_t lci_mag_key(float v) {
    uint32_t u;
    memcpy(&u, &v, sizeof u);
    return u & 0x7fffffffu;
}
// The same for a double d >= 0 (a norm, NaN included).
static inline uint64_t lci_mag_key64(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u & 0x7fffffffffffffffu;
}
// Marks in keep[0..count) exactly `nkeep` of the `count` values with the largest |v| (v given
// by val[i]); ties go to the lower index. keep is 0/1 bytes. On failure keep is unchanged.
lc_status lci_select_largest(const float *val, int64_t count, int64_t nkeep, uint8_t *keep);
// The same over a rows×cols array of row stride ld; keep is rows·cols bytes, row-major.
lc_status lci_select_largest_rows(const float *val, int64_t rows, int64_t cols, int64_t ld,
                                  int64_t nkeep, uint8_t *keep);
// Marks in keep[0..count) exactly `nkeep` of the keys (each below 2^bits, bits a multiple of
// 8 up to 64): the largest, ties to the lower index. Linear (bits/8 passes); never allocates.
void lci_select_keys(const uint64_t *key, int64_t count, int64_t nkeep, int bits, uint8_t *keep);
// The entry count round(density·m·k) that lc_mat_params asks for.
int64_t lci_density_count(double density, int64_t m, int64_t k);

#endif // LACUNA_INTERNAL_H
