// test_nm.c: the N:M kernels: every kernel (SpMM and SpMV, per-row and row-grouped patterns,
// each ISA level) against the double reference on random and edge shapes in both layouts with
// alpha/beta, the M = 4 gather paths of small n, thread-count identity, structural zeros, and
// the caller's workspace. Building N:M matrices is tested in test_nm_build.c.
#include "testutil.h"
#include "nm_cases.h"
#include "formats/nm/nm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int64_t vectors[] = {1, 2, 3, 4, 5, 15, 16, 17, 63, 64, 65, 130};
#define NVECTORS (sizeof vectors / sizeof vectors[0])
static const lc_layout layouts[] = {LC_LAYOUT_COLS, LC_LAYOUT_ROWS};

// One product against the reference; Y padding must stay untouched; beta = 0 gets NaN in Y.
static void run_case(nm_shape c, lc_layout layout, int64_t m, int64_t k, int64_t n, float alpha,
                     float beta, int64_t pad, uint64_t seed) {
    float *a = NULL;
    lc_mat *A = make_nm(c, m, k, seed, &a);
    const int cols = layout == LC_LAYOUT_COLS;
    const int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    const int64_t ldx = (xc > 1 ? xc : 1) + pad, ldy = (yc > 1 ? yc : 1) + pad;
    float *x = calloc((size_t)(xr * ldx + 1), sizeof *x), *y = calloc((size_t)(yr * ldy + 1), 4);
    float *y0 = calloc((size_t)(yr * ldy + 1), sizeof *y0);
    double *ref = calloc((size_t)(m * n + 1), sizeof *ref), *bound = calloc((size_t)(m * n + 1), 8);
    lci_rng rng;
    lci_rng_seed(&rng, seed + 7);
    tu_fill(&rng, x, xr * ldx);
    tu_fill(&rng, y0, yr * ldy);
    if (beta == 0.0f)
        for (int64_t i = 0; i < yr * ldy; i++) y0[i] = NAN;
    memcpy(y, y0, (size_t)(yr * ldy + 1) * sizeof *y);
    tu_reference(layout, m, k, n, alpha, a, k > 0 ? k : 1, x, ldx, beta, y0, ldy, ref, bound);
    assert_ok(lc_mat_mm(A, layout, n, alpha, x, ldx, beta, y, ldy));
    char what[200];
    snprintf(what, sizeof what,
             "nm %d:%d v=%d %s isa=%s %lld×%lld n=%lld alpha=%g beta=%g pad=%lld", c.n, c.mg, c.v,
             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
             (long long)n, alpha, beta, (long long)pad);
    tu_check(layout, m, n, y, ldy, ref, bound, what);
    for (int64_t r = 0; r < yr; r++)
        for (int64_t j = yc; j < ldy; j++)
            if (memcmp(&y[r * ldy + j], &y0[r * ldy + j], sizeof(float)))
                fail_msg("%s: padding of Y row %lld written", what, (long long)r);
    lc_mat_free(A);
    free(a), free(x), free(y), free(y0), free(ref), free(bound);
}

// Every config × vector count × layout on shapes with K % M != 0, K < M, K < and > a tile,
// M not a multiple of v, one and several row blocks; alpha/beta cycle through the BLAS cases.
static void kernels_body(void) {
    const float alphas[] = {1.0f, -0.5f, 2.0f}, betas[] = {0.0f, 1.0f, 0.75f};
    uint64_t seed = 1;
    for (size_t ci = 0; ci < nm_nconfigs; ci++) {
        const nm_shape c = nm_configs[ci];
        // K: one short of/just past multiples of M, below M, below and above a 128-column tile.
        const int64_t ks[] = {c.mg * 3 + 1, c.mg - 1, c.mg * 9 + 3, 131, 300 + c.mg / 2};
        const int64_t ms[] = {1, 7, 66, 130};
        for (size_t vi = 0; vi < NVECTORS; vi++) {
            for (int l = 0; l < 2; l++) {
                const int64_t k = ks[(vi + ci) % 5], m = ms[(vi + l + ci) % 4];
                const float alpha = alphas[seed % 3], beta = betas[(seed / 3) % 3];
                run_case(c, layouts[l], m, k, vectors[vi], alpha, beta, (int64_t)(seed % 3), seed);
                seed++;
            }
        }
    }
}

static void test_kernels(void **state) {
    (void)state;
    tu_each_isa(kernels_body);
}

// The small-n kernels for M = 4 gather x for whole 32- (2:4) or 64-column (1:4) chunks and
// take the general path for the rest: K over whole and partial tiles and chunks, v not
// dividing the 64-row block, one to four vectors.
static void m4_body(void) {
    const nm_shape cs[] = {{2, 4, 1}, {2, 4, 3}, {2, 4, 4}, {1, 4, 1}, {1, 4, 2}, {1, 4, 5}};
    const int64_t ks[] = {32, 64, 100, 128, 160, 250, 256, 300, 517};
    const int64_t ms[] = {1, 5, 70, 131};
    uint64_t seed = 1000;
    for (size_t ci = 0; ci < 6; ci++)
        for (size_t ki = 0; ki < 9; ki++)
            for (int64_t n = 1; n <= 4; n++) {
                const int l = (int)((ki + (size_t)n) % 2);
                run_case(cs[ci], layouts[l], ms[(ki + ci) % 4], ks[ki], n, n == 2 ? -0.5f : 1.0f,
                         n == 3 ? 0.75f : 0.0f, (int64_t)(seed % 2), seed);
                seed++;
            }
}

static void test_m4_small_n(void **state) {
    (void)state;
    tu_each_isa(m4_body);
}

// Bitwise identical results for 1 and 2 threads, each kernel family, layout and ISA level.
static void threads_body(void) {
    const nm_shape cs[] = {{2, 4, 1}, {2, 4, 4}, {3, 7, 3}, {1, 16, 2}};
    const int64_t ns[] = {1, 3, 64, 100};
    for (size_t ci = 0; ci < 4; ci++) {
        lc_mat *A = make_nm(cs[ci], 1000, 600, 50 + ci, NULL);
        for (size_t ni = 0; ni < 4; ni++) {
            for (int l = 0; l < 2; l++) {
                const int64_t n = ns[ni], cols = layouts[l] == LC_LAYOUT_COLS;
                const int64_t ldx = cols ? n : 600, ldy = cols ? n : 1000;
                const size_t xs = (size_t)(600 * n), ys = (size_t)(1000 * n);
                float *x = malloc(xs * 4), *y1 = malloc(ys * 4), *y2 = malloc(ys * 4);
                lci_rng rng;
                lci_rng_seed(&rng, ni);
                tu_fill(&rng, x, (int64_t)xs);
                tu_fill(&rng, y1, (int64_t)ys);
                memcpy(y2, y1, ys * 4);
                assert_ok(lc_threads_set(1));
                assert_ok(lc_mat_mm(A, layouts[l], n, 0.7f, x, ldx, 0.3f, y1, ldy));
                assert_ok(lc_threads_set(2));
                assert_ok(lc_mat_mm(A, layouts[l], n, 0.7f, x, ldx, 0.3f, y2, ldy));
                if (memcmp(y1, y2, ys * 4))
                    fail_msg("nm %d:%d v=%d %s isa=%s n=%lld: 1 and 2 threads differ", cs[ci].n,
                             cs[ci].mg, cs[ci].v, cols ? "cols" : "rows", lc_isa_name(lc_isa_get()),
                             (long long)n);
                free(x), free(y1), free(y2);
            }
        }
        lc_mat_free(A);
    }
    assert_ok(lc_threads_set(0));
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// A 3×10 2:4 matrix (last group of width 2 keeps both) whose rows keep different columns; row 1
// stores a zero at column 2. With v = 3 all rows share row 0's pattern.
static lc_mat *special_nm(int32_t v, bool *kept, bool *zero) {
    const uint8_t pos1[] = {0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 3, 1, 2, 0, 1};
    const float val[] = {1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8};
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_nm(&A, 3, 10, 2, 4, v, val, pos1));
    for (int i = 0; i < 3; i++)
        for (int c = 0; c < 10; c++) {
            const int r = v == 1 ? i : 0, g = c / 4;
            const uint8_t *p = pos1 + (r * 3 + g) * 2;
            const int slot = c % 4 == p[0] ? 0 : c % 4 == p[1] ? 1 : -1;
            kept[i * 10 + c] = slot >= 0;
            zero[i * 10 + c] = slot >= 0 && val[(i * 3 + g) * 2 + slot] == 0.0f;
        }
    return A;
}

// Entries not stored are never multiplied (NaN or Inf in X at such a column reaches no row);
// stored ones follow IEEE (a stored zero meets Inf: NaN). SpMV, small-n and SpMM paths.
static void zeros_body(void) {
    const int64_t ns[] = {1, 3, 9, 70};
    for (int32_t v = 1; v <= 3; v += 2) {
        bool kept[30], zero[30];
        lc_mat *A = special_nm(v, kept, zero);
        for (int l = 0; l < 2; l++)
            for (size_t ni = 0; ni < 4; ni++)
                for (int c = 0; c < 10; c++)
                    for (int special = 0; special < 2; special++) {
                        const int64_t n = ns[ni], cols = layouts[l] == LC_LAYOUT_COLS;
                        float x[10 * 70], y[3 * 70];
                        for (int64_t j = 0; j < n; j++)
                            for (int64_t kk = 0; kk < 10; kk++)
                                x[cols ? kk * n + j : j * 10 + kk] = kk != c   ? 1.0f
                                                                     : special ? INFINITY
                                                                               : NAN;
                        assert_ok(lc_mat_mm(A, layouts[l], n, 1.0f, x, cols ? n : 10, 0, y,
                                            cols ? n : 3));
                        for (int i = 0; i < 3; i++)
                            for (int64_t j = 0; j < n; j++) {
                                const float got = y[cols ? i * n + j : j * 3 + i];
                                const bool nan = kept[i * 10 + c] && (!special || zero[i * 10 + c]);
                                const bool inf = special && kept[i * 10 + c] && !zero[i * 10 + c];
                                if (nan != (isnan(got) != 0) || inf != (isinf(got) != 0))
                                    fail_msg("v=%d %s n=%lld isa=%s: %s at column %d gives Y(%d) "
                                             "= %g",
                                             v, cols ? "cols" : "rows", (long long)n,
                                             lc_isa_name(lc_isa_get()), special ? "Inf" : "NaN", c,
                                             i, got);
                            }
                    }
        lc_mat_free(A);
    }
}

static void test_structural_zeros(void **state) {
    (void)state;
    tu_each_isa(zeros_body);
}

// alpha = 0 reads neither A (NaN values) nor X (NaN); beta = 0 overwrites NaN in Y.
static void test_alpha_beta_special(void **state) {
    (void)state;
    float val[2 * 2 * 2];
    uint8_t pos[2 * 2 * 2] = {0, 1, 2, 3, 1, 3, 0, 2};
    for (int i = 0; i < 8; i++) val[i] = NAN;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_nm(&A, 2, 8, 2, 4, 1, val, pos));
    for (int64_t n = 1; n <= 20; n += 19)
        for (int l = 0; l < 2; l++) {
            const int64_t cols = layouts[l] == LC_LAYOUT_COLS;
            float x[8 * 20], y[2 * 20];
            for (int i = 0; i < 8 * 20; i++) x[i] = NAN;
            for (int i = 0; i < 2 * 20; i++) y[i] = 2.0f;
            assert_ok(lc_mat_mm(A, layouts[l], n, 0.0f, x, cols ? n : 8, 0.5f, y, cols ? n : 2));
            for (int i = 0; i < 2 * n; i++) assert_true(y[i] == 1.0f);
            for (int i = 0; i < 2 * 20; i++) y[i] = NAN;
            assert_ok(lc_mat_mm(A, layouts[l], n, 0.0f, x, cols ? n : 8, 0.0f, y, cols ? n : 2));
            for (int i = 0; i < 2 * n; i++) assert_true(y[i] == 0.0f);
        }
    lc_mat_free(A);
}

// lc_nm_check on crafted arrays: exact counts, NaN counts as nonzero and -0 does not, the last
// group narrower than M (and than N), the first violation's index, row strides.

static void test_workspace(void **state) {
    (void)state;
    lc_mat *A = make_nm(nm_configs[2], 50, 70, 4, NULL);
    float x[70 * 2 * 20], y1[50 * 20], y2[50 * 20];
    lci_rng rng;
    lci_rng_seed(&rng, 1);
    tu_fill(&rng, x, 70 * 2 * 20);
    const int64_t ns[] = {1, 3, 20};
    for (int t = 0; t < 3; t++)
        for (int l = 0; l < 2; l++) {
            const int64_t n = ns[t], cols = layouts[l] == LC_LAYOUT_COLS;
            const int64_t ldx = cols ? 2 * n : 70, ldy = cols ? n : 50; // strided X
            size_t ws = 0;
            assert_ok(lc_mat_workspace_size(A, layouts[l], n, &ws));
            void *work = ws ? aligned_alloc(64, (ws + 63) / 64 * 64) : NULL;
            assert_ok(lc_mat_mm(A, layouts[l], n, 1.0f, x, ldx, 0.0f, y1, ldy));
            tu_alloc_install();
            const int64_t before = tu_alloc_count();
            assert_ok(lc_mat_mm_ws(A, layouts[l], n, 1.0f, x, ldx, 0.0f, y2, ldy, work, ws));
            assert_int_equal(tu_alloc_count(), before);
            tu_alloc_uninstall();
            assert_memory_equal(y1, y2, (size_t)(50 * n) * sizeof(float));
            if (ws)
                assert_status(
                    lc_mat_mm_ws(A, layouts[l], n, 1.0f, x, ldx, 0.0f, y2, ldy, work, ws - 1),
                    LC_ERR_ARG);
            free(work);
        }
    lc_mat_free(A);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels),
        cmocka_unit_test(test_m4_small_n),
        cmocka_unit_test(test_thread_identity),
        cmocka_unit_test(test_structural_zeros),
        cmocka_unit_test(test_alpha_beta_special),
        cmocka_unit_test(test_workspace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
