// testutil.c: shared test helpers (see testutil.h).
#include "testutil.h"
#include "core/mat.h"

#include <float.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <math.h>
#include <stdlib.h>

void tu_fill(lci_rng *rng, float *x, int64_t count) {
    for (int64_t i = 0; i < count; i++) x[i] = lci_rng_float(rng);
}

void tu_random_sparse_dense(lci_rng *rng, int64_t m, int64_t k, int64_t lda, double density,
                            int shape_edges, float *a) {
    for (int64_t i = 0; i < m; i++) {
        int kind = shape_edges ? (int)lci_rng_below(rng, 8) : 2; // 0: empty, 1: full
        for (int64_t j = 0; j < k; j++) {
            double u = (double)(lci_rng_next(rng) >> 11) * 0x1.0p-53;
            int on = kind == 0 ? 0 : kind == 1 ? 1 : u < density;
            float v = lci_rng_float(rng);
            if (v == 0.0f) v = 0.5f;
            a[i * lda + j] = on ? v : 0.0f;
        }
    }
}

void tu_reference(lc_layout layout, int64_t m, int64_t k, int64_t n, float alpha, const float *a,
                  int64_t lda, const float *x, int64_t ldx, float beta, const float *y0,
                  int64_t ldy, double *y_ref, double *bound) {
    const int cols = layout == LC_LAYOUT_COLS;
    const double eps = FLT_EPSILON;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) {
            double s = 0, abs_s = 0;
            if (alpha != 0.0f) {
                for (int64_t p = 0; p < k; p++) {
                    double av = a[i * lda + p];
                    if (av == 0.0) continue; // structural zeros in the tests' matrices
                    double xv = cols ? x[p * ldx + j] : x[j * ldx + p];
                    s += av * xv;
                    abs_s += fabs(av * xv);
                }
            }
            double yv = 0;
            if (beta != 0.0f) yv = cols ? y0[i * ldy + j] : y0[j * ldy + i];
            y_ref[i * n + j] = (double)alpha * s + (double)beta * yv;
            bound[i * n + j] =
                (double)(k + 2) * eps * (fabs((double)alpha) * abs_s + fabs((double)beta * yv)) +
                1e-30;
        }
    }
}

double tu_check(lc_layout layout, int64_t m, int64_t n, const float *y, int64_t ldy,
                const double *y_ref, const double *bound, const char *what) {
    const int cols = layout == LC_LAYOUT_COLS;
    double worst = 0;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) {
            double got = cols ? y[i * ldy + j] : y[j * ldy + i];
            double err = fabs(got - y_ref[i * n + j]);
            double rel = err / bound[i * n + j];
            if (!(err <= bound[i * n + j]))
                fail_msg("%s: Y(%lld, %lld) = %.9g, reference %.9g, error %.3g > bound %.3g", what,
                         (long long)i, (long long)j, got, y_ref[i * n + j], err, bound[i * n + j]);
            if (rel > worst) worst = rel;
        }
    }
    return worst;
}

float *tu_dense_of(const lc_mat *A) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    float *d = calloc((size_t)(info.m * info.k + 1), sizeof *d);
    assert_ok(lc_mat_to_dense(A, d, info.k > 0 ? info.k : 1));
    return d;
}

int64_t tu_stored(const lc_mat *A) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    return info.stored;
}

unsigned char *tu_gzip(const void *data, size_t size, size_t *out_size) {
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)size) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_size = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

void tu_write_file(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    assert_int_equal(fclose(f), 0);
}

const char *tu_tmp_path(const char *prefix, const char *name) {
    static char path[4][512];
    static int next = 0;
    char *p = path[next++ % 4];
    snprintf(p, 512, "%s/%s_%s", LC_TEST_TMP, prefix, name);
    return p;
}

// ---- failure-injecting allocator ----
static int64_t tu_countdown = -1, tu_allocs = 0, tu_live_count = 0, tu_largest = 0;

static void *tu_alloc(size_t size, size_t alignment, void *ctx) {
    (void)ctx;
    if (tu_countdown == 0) return NULL;
    if (tu_countdown > 0) tu_countdown--;
    size_t rounded = (size + alignment - 1) / alignment * alignment;
    void *p = aligned_alloc(alignment, rounded);
    if (p) tu_allocs++, tu_live_count++;
    if ((int64_t)size > tu_largest) tu_largest = (int64_t)size;
    return p;
}

static void tu_free(void *p, void *ctx) {
    (void)ctx;
    tu_live_count--;
    free(p);
}

void tu_alloc_install(void) {
    lc_allocator a = {tu_alloc, tu_free, NULL};
    tu_countdown = -1;
    tu_live_count = 0;
    tu_largest = 0;
    lc_allocator_set(&a);
}

void tu_alloc_uninstall(void) {
    lc_allocator_set(NULL);
}
void tu_fail_after(int64_t k) {
    tu_countdown = k;
}
int64_t tu_live(void) {
    return tu_live_count;
}
int64_t tu_alloc_count(void) {
    return tu_allocs;
}
int64_t tu_largest_alloc(void) {
    return tu_largest;
}

int64_t tu_inject_each(tu_call_fn call, void (*cleanup)(void *ctx), void *ctx) {
    tu_alloc_install();
    int64_t k = 0;
    for (;; k++) {
        int64_t live0 = tu_live();
        tu_fail_after(k);
        lc_status st = call(ctx);
        tu_fail_after(-1);
        if (st == LC_OK) {
            if (cleanup) cleanup(ctx);
            if (tu_live() != live0)
                fail_msg("success path leaks %lld allocations", (long long)(tu_live() - live0));
            break;
        }
        if (st != LC_ERR_NOMEM)
            fail_msg("allocation %lld failing gave %s (%s), expected LC_ERR_NOMEM", (long long)k,
                     lc_status_str(st), lc_last_error());
        if (tu_live() != live0)
            fail_msg("allocation %lld failing leaks %lld allocations", (long long)k,
                     (long long)(tu_live() - live0));
        if (k > 100000) fail_msg("call never succeeds");
    }
    tu_alloc_uninstall();
    return k;
}

void tu_free_out(void *ctx) {
    lc_mat **out = ctx;
    lc_mat_free(*out);
    *out = NULL;
}

lc_status tu_mm_call_run(void *ctx) {
    const tu_mm_call *c = ctx;
    const bool cols = c->layout == LC_LAYOUT_COLS;
    const int64_t n = c->n > 1 ? c->n : 1, k = c->a->k > 1 ? c->a->k : 1,
                  m = c->a->m > 1 ? c->a->m : 1;
    return lc_mat_mm(c->a, c->layout, c->n, 1.0f, c->x, cols ? n : k, 0.0f, c->y, cols ? n : m);
}

void tu_each_isa(void (*body)(void)) {
    lc_isa saved = lc_isa_get();
    for (int isa = LC_ISA_GENERIC; isa <= LC_ISA_AVX512; isa++) {
        if (lc_isa_set((lc_isa)isa) != LC_OK) {
            print_message("skipping ISA %s: not on this CPU\n", lc_isa_name((lc_isa)isa));
            continue;
        }
        body();
    }
    assert_ok(lc_isa_set(saved));
}
