// fuzz.h: what the libFuzzer targets share: a checked-invariant macro, a byte reader with the
// value decoding of the array targets, a bitwise float comparison, and an allocator that
// refuses huge requests (a valid header may ask for a matrix larger than the fuzzer's memory
// limit; the library must then report LC_ERR_NOMEM, which is a correct outcome).
#ifndef LACUNA_FUZZ_H
#define LACUNA_FUZZ_H

#include "lacuna.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ALLOC_LIMIT ((size_t)4 << 20)

// Aborts (a finding for libFuzzer) when an invariant does not hold.
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s (last error: %s)\n", __FILE__, __LINE__,  \
                    #cond, lc_last_error());                                                       \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

// The fuzzer's bytes, consumed front to back; past the end every byte reads as 0.
typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static inline uint8_t next_byte(reader *r) {
    if (r->n == 0) return 0;
    r->n--;
    return *r->p++;
}

// A value from two bytes: multiples of 1/16 and a few special values (Inf, NaN, -0, FLT_MAX).
static inline float next_value(reader *r) {
    int lo = next_byte(r), hi = next_byte(r), v = lo | hi << 8;
    if (v > INT16_MAX) v -= 1 << 16;
    if (v == INT16_MAX) return INFINITY;
    if (v == INT16_MAX - 1) return NAN;
    if (v == INT16_MIN) return -0.0f;
    if (v == INT16_MIN + 1) return FLT_MAX;
    return (float)v / 16.0f;
}

// Equal bit patterns, any NaN equal to any NaN.
static inline bool same_bits(float a, float b) {
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

// Y = A·X (beta = 0) for n vectors of K in `layout`, with X filled with small integers
// ((i·7) mod 5 − 2, exact in float) and Y with NaN first (beta = 0 must ignore it); x and y have
// room for K·n and M·n floats. Element (row i, vector j) of X or Y is at fuzz_at(...).
static inline void fuzz_product(const lc_mat *A, lc_layout layout, int64_t m, int64_t k, int64_t n,
                                float *x, float *y) {
    const bool cols = layout == LC_LAYOUT_COLS;
    for (int64_t i = 0; i < k * n; i++) x[i] = (float)((i * 7) % 5) - 2.0f;
    for (int64_t i = 0; i < m * n; i++) y[i] = NAN;
    FUZZ_CHECK(lc_mat_mm(A, layout, n, 1.0f, x, cols ? n : k, 0.0f, y, cols ? n : m) == LC_OK);
}

// Index of entry `i` of vector `j` in an array of vectors of length len (n of them) in `layout`.
static inline int64_t fuzz_at(lc_layout layout, int64_t len, int64_t n, int64_t i, int64_t j) {
    return layout == LC_LAYOUT_COLS ? i * n + j : j * len + i;
}

static void *fuzz_alloc(size_t size, size_t alignment, void *ctx) {
    (void)ctx;
    if (size > FUZZ_ALLOC_LIMIT) return NULL;
    return aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}

static void fuzz_free(void *ptr, void *ctx) {
    (void)ctx;
    free(ptr);
}

static inline void fuzz_install_allocator(void) {
    static int done = 0;
    if (done) return;
    lc_allocator a = {fuzz_alloc, fuzz_free, NULL};
    lc_allocator_set(&a);
    done = 1;
}

#endif
