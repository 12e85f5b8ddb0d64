// testutil.h: shared test helpers: cmocka includes, random matrices, the double-precision
// reference product with its error bound, and the failure-injecting allocator.
#ifndef LACUNA_TESTUTIL_H
#define LACUNA_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lacuna.h"
#include "core/internal.h"

// Asserts a status, printing lc_last_error() when it differs.
#define assert_status(expr, want)                                                                  \
    do {                                                                                           \
        lc_status got_ = (expr);                                                                   \
        if (got_ != (want))                                                                        \
            fail_msg("%s returned %s (%s), expected %s", #expr, lc_status_str(got_),               \
                     lc_last_error(), lc_status_str(want));                                        \
    } while (0)
#define assert_ok(expr) assert_status(expr, LC_OK)

// Runs body once at every ISA level this CPU has (generic, avx2, avx512), printing the ones it
// skips, and restores the level in use.
void tu_each_isa(void (*body)(void));

// A random M×K row-major matrix (stride lda) in which each entry is nonzero with probability
// `density`; with `shape_edges`, some rows are empty and some fully dense. Values in [-1, 1).
void tu_random_sparse_dense(lci_rng *rng, int64_t m, int64_t k, int64_t lda, double density,
                            int shape_edges, float *a);
// Uniform [-1, 1) fill of count floats.
void tu_fill(lci_rng *rng, float *x, int64_t count);

// Y_ref = alpha·A·X + beta·Y0 in double, with A dense (m×k, lda), for either layout; also the
// elementwise bound K·eps·(|alpha|·|A|·|X| + |beta|·|Y0|) (plus a tiny absolute term). Arrays
// y_ref/bound are m·n doubles indexed [i·n + j] (output i, vector j). beta = 0 ignores Y0.
void tu_reference(lc_layout layout, int64_t m, int64_t k, int64_t n, float alpha, const float *a,
                  int64_t lda, const float *x, int64_t ldx, float beta, const float *y0,
                  int64_t ldy, double *y_ref, double *bound);
// Fails the test when any Y entry misses the reference by more than its bound; returns the
// largest error relative to its bound.
double tu_check(lc_layout layout, int64_t m, int64_t n, const float *y, int64_t ldy,
                const double *y_ref, const double *bound, const char *what);

// A dense row-major copy of A (M·K floats, plus one so empty matrices still allocate); free().
float *tu_dense_of(const lc_mat *A);
// Stored entries of A (lc_mat_info).
int64_t tu_stored(const lc_mat *A);
// gzip-compresses data into a malloc'ed buffer of *out_size bytes.
unsigned char *tu_gzip(const void *data, size_t size, size_t *out_size);
// Writes size bytes to path (asserting success).
void tu_write_file(const char *path, const void *data, size_t size);
// A path in the test build directory, "<dir>/<prefix>_<name>" (one of four rotating buffers).
const char *tu_tmp_path(const char *prefix, const char *name);

// Failure injection: after tu_fail_after(k), the k-th allocation from now (0-based) and all
// later ones fail; tu_fail_after(-1) never fails. tu_live() is the number of live allocations.
void tu_alloc_install(void);
void tu_alloc_uninstall(void);
void tu_fail_after(int64_t k);
int64_t tu_live(void);
int64_t tu_alloc_count(void);
// The largest request since tu_alloc_install.
int64_t tu_largest_alloc(void);

// Runs `call` with allocation k failing, for k = 0, 1, ... until it succeeds; asserts that
// every failure returns LC_ERR_NOMEM, leaves no live allocation behind (after `cleanup`), and
// returns the number of failing points tried.
typedef lc_status (*tu_call_fn)(void *ctx);
int64_t tu_inject_each(tu_call_fn call, void (*cleanup)(void *ctx), void *ctx);
// A cleanup for tu_inject_each when the context's first member is `lc_mat *out`: frees it and
// sets it to NULL.
void tu_free_out(void *ctx);
// One product Y = A·X (alpha 1, beta 0) of n vectors in `layout`, leading dimensions the tight
// ones (n in the cols layout, K or M in the rows layout), as a tu_call_fn on a tu_mm_call.
typedef struct tu_mm_call {
    const lc_mat *a;
    lc_layout layout;
    int64_t n;
    const float *x;
    float *y;
} tu_mm_call;
lc_status tu_mm_call_run(void *ctx);

#endif
