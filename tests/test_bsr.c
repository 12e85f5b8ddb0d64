// test_bsr.c: the BSR kernels: every kernel (each ISA level, both layouts, SpMV and SpMM)
// against the double-precision reference on random and edge shapes; BLAS conventions; edge
// padding never multiplied while explicit zeros are; 1- vs 2-thread identity; the registry.
// Construction, conversions and bad input are in test_bsr_build.c.
#include "testutil.h"
#include "bsr_raw.h"
#include "core/mat.h"
#include "formats/bsr/bsr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- products against the reference ----

// Y = alpha·A·X + beta·Y for A given dense (the reference) and as a BSR matrix; NaN in Y when
// beta = 0, in X when alpha = 0; the padding of X's rows and the floats past X hold NaN that must
// never be read, the padding of Y's rows must not be written.
static void check_product(const lc_mat *A, const float *dense, lc_layout layout, int64_t n,
                          float alpha, float beta, int64_t pad, lci_rng *rng, const char *name) {
    const int64_t m = A->m, k = A->k;
    const bool cols = layout == LC_LAYOUT_COLS;
    const int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    const int64_t ldx = (xc > 1 ? xc : 1) + pad, ldy = (yc > 1 ? yc : 1) + pad;
    float *x = malloc((size_t)(xr * ldx + 16) * sizeof *x);
    float *y = malloc((size_t)(yr * ldy + 1) * sizeof *y);
    float *y0 = malloc((size_t)(yr * ldy + 1) * sizeof *y0);
    double *ref = malloc((size_t)(m * n + 1) * sizeof *ref);
    double *bound = malloc((size_t)(m * n + 1) * sizeof *bound);
    for (int64_t i = 0; i < xr * ldx + 16; i++) x[i] = NAN; // padding and past the end
    for (int64_t i = 0; i < xr; i++)
        for (int64_t j = 0; j < xc; j++) x[i * ldx + j] = alpha == 0.0f ? NAN : lci_rng_float(rng);
    for (int64_t i = 0; i < yr * ldy; i++) y0[i] = beta == 0.0f ? NAN : lci_rng_float(rng);
    memcpy(y, y0, (size_t)(yr * ldy) * sizeof *y);
    tu_reference(layout, m, k, n, alpha, dense, k > 0 ? k : 1, x, ldx, beta, y0, ldy, ref, bound);
    assert_ok(lc_mat_mm(A, layout, n, alpha, x, ldx, beta, y, ldy));
    char what[200];
    snprintf(what, sizeof what, "%s %s isa=%s %lld×%lld n=%lld alpha=%g beta=%g pad=%lld", name,
             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
             (long long)n, alpha, beta, (long long)pad);
    tu_check(layout, m, n, y, ldy, ref, bound, what);
    for (int64_t r = 0; r < yr; r++)
        for (int64_t j = yc; j < ldy; j++)
            if (memcmp(&y[r * ldy + j], &y0[r * ldy + j], sizeof(float)))
                fail_msg("%s: padding of Y row %lld written", what, (long long)r);
    free(x), free(y), free(y0), free(ref), free(bound);
}

// Tile shapes: square 1..64, rectangular, sides that divide nothing, taller than the registers
// hold (SpMV through a buffer: 72 rows, 256 rows).
static const int32_t tile_shapes[][2] = {{1, 1},   {2, 2},  {4, 4},   {8, 8},  {16, 16}, {32, 32},
                                         {64, 64}, {4, 16}, {16, 4},  {3, 5},  {8, 2},   {24, 40},
                                         {2, 8},   {1, 16}, {12, 12}, {72, 3}, {256, 1}};
#define NSHAPES (sizeof tile_shapes / sizeof tile_shapes[0])
static const int64_t vector_counts[] = {1, 2, 15, 16, 17, 63, 64, 65, 130};

static void products_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 11);
    const float alphas[] = {1.0f, -0.75f, 0.0f}, betas[] = {0.0f, 1.0f, 0.5f};
    for (size_t s = 0; s < NSHAPES; s++) {
        const int32_t bh = tile_shapes[s][0], bw = tile_shapes[s][1];
        // M, K from one to four tiles, rarely multiples of them.
        const int64_t m =
            bh * (1 + (int64_t)lci_rng_below(&rng, 3)) + (int64_t)lci_rng_below(&rng, (uint64_t)bh);
        const int64_t k =
            bw * (1 + (int64_t)lci_rng_below(&rng, 3)) + (int64_t)lci_rng_below(&rng, (uint64_t)bw);
        raw_bsr r;
        raw_random(&r, &rng, m + 3, k + 5, bh, bw, 0.5);
        lc_mat *A = raw_create(&r);
        float *dense = raw_dense(&r);
        char name[32];
        snprintf(name, sizeof name, "bsr%dx%d", bh, bw);
        for (size_t v = 0; v < sizeof vector_counts / sizeof vector_counts[0]; v++)
            for (int l = 0; l < 2; l++) {
                size_t ab = (s + v + (size_t)l) % 9;
                check_product(A, dense, (lc_layout)l, vector_counts[v], alphas[ab / 3],
                              betas[ab % 3], (int64_t)((s + v) % 3), &rng, name);
            }
        free(dense);
        lc_mat_free(A);
        raw_free(&r);
    }
}

static void test_products(void **state) {
    (void)state;
    tu_each_isa(products_body);
}

// Edge cases: one tile, a single row or column, every block row empty, an empty matrix, K
// shorter than one tile.
static void edges_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 12);
    const int64_t one_ptr[] = {0, 0, 1, 1}, first_ptr[] = {0, 1};
    const int32_t one_col[] = {2};
    float one_val[16 * 16];
    for (int i = 0; i < 16 * 16; i++) one_val[i] = lci_rng_float(&rng);
    const int64_t empty_ptr[4] = {0, 0, 0, 0};
    struct {
        int64_t m, k;
        int32_t bh, bw;
        const int64_t *ptr;
        const int32_t *col;
        const float *val;
    } cases[] = {{40, 40, 16, 16, one_ptr, one_col, one_val},   // one tile, cut at both edges
                 {48, 33, 16, 16, one_ptr, one_col, one_val},   // one tile, K cut
                 {40, 70, 16, 16, empty_ptr, NULL, NULL},       // no tile at all
                 {0, 70, 16, 16, empty_ptr, NULL, NULL},        // no rows
                 {3, 40, 16, 16, first_ptr, one_col, one_val}}; // fewer rows than a tile
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_bsr(&A, cases[c].m, cases[c].k, cases[c].bh, cases[c].bw,
                                    cases[c].ptr, cases[c].col, cases[c].val));
        float *dense = tu_dense_of(A);
        for (size_t v = 0; v < sizeof vector_counts / sizeof vector_counts[0]; v++)
            for (int l = 0; l < 2; l++)
                check_product(A, dense, (lc_layout)l, vector_counts[v], 0.5f, v % 2 ? 0.0f : 2.0f,
                              (int64_t)(v % 2), &rng, "edge");
        free(dense);
        lc_mat_free(A);
    }
    // A single row and a single column of 1×1 .. 8×8 tiles.
    for (int32_t b = 1; b <= 8; b *= 2) {
        for (int shape = 0; shape < 2; shape++) {
            raw_bsr r;
            raw_random(&r, &rng, shape ? 1 : 37, shape ? 37 : 1, b, b, 0.7);
            lc_mat *A = raw_create(&r);
            float *dense = raw_dense(&r);
            for (int64_t n = 1; n <= 17; n += 16)
                for (int l = 0; l < 2; l++)
                    check_product(A, dense, (lc_layout)l, n, 1.0f, 0.0f, 1, &rng, "thin");
            free(dense);
            lc_mat_free(A);
            raw_free(&r);
        }
    }
}

static void test_edges(void **state) {
    (void)state;
    tu_each_isa(edges_body);
}

// lc_mat_mv and lc_mat_mm of one vector, contiguous and strided, against each other and the
// reference; x is exactly K floats (any read past it would cross into NaN).
static void test_mv(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 13);
    raw_bsr r;
    raw_random(&r, &rng, 77, 131, 8, 8, 0.4);
    lc_mat *A = raw_create(&r);
    float *dense = raw_dense(&r);
    float x[131 + 16], y1[77], y2[77], xs[131 * 3];
    for (int i = 0; i < 131 + 16; i++) x[i] = i < 131 ? lci_rng_float(&rng) : NAN;
    for (int i = 0; i < 131 * 3; i++) xs[i] = i % 3 ? NAN : x[i / 3];
    for (int i = 0; i < 77; i++) y1[i] = y2[i] = lci_rng_float(&rng);
    assert_ok(lc_mat_mv(A, 0.5f, x, 2.0f, y1));
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 0.5f, xs, 3, 2.0f, y2, 1)); // strided x
    assert_memory_equal(y1, y2, sizeof y1);
    free(dense);
    lc_mat_free(A);
    raw_free(&r);
}

// ---- numbers that must or must not propagate ----

// Explicit zeros inside a tile are stored entries (0·Inf = NaN reaches the row); entries outside
// every tile, and the padding of a tile cut by the matrix edge, are never multiplied.
static void structural_body(void) {
    // 3×5 matrix of 2×2 tiles: block row 0 holds block column 0 (with an explicit zero at
    // (0, 1)) and block column 2 (cut: only its column 4 is inside); block row 1 (row 2, cut)
    // holds block column 1.
    const int64_t ptr[] = {0, 2, 3};
    const int32_t col[] = {2, 0, 1};
    const float val[] = {1.0f, NAN,  2.0f, NAN,  // block column 2, row-major: (0,4) (0,5) ...
                         3.0f, 0.0f, 4.0f, 5.0f, // block column 0
                         6.0f, 7.0f, NAN,  NAN}; // block column 1, row 3 outside
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_bsr(&A, 3, 5, 2, 2, ptr, col, val));
    for (int l = 0; l < 2; l++) {
        for (int64_t n = 1; n <= 17; n += 8) {
            const bool cols = l == LC_LAYOUT_COLS;
            const int64_t ldx = cols ? n : 6, ldy = cols ? n : 3; // rows layout: X has a NaN pad
            float x[6 * 17], y[3 * 17];
            for (int pass = 0; pass < 2; pass++) {
                for (int64_t j = 0; j < n; j++)
                    for (int64_t c = 0; c < 6; c++) {
                        // pass 0: Inf at column 1 meets row 0's explicit zero only;
                        // pass 1: NaN at column 2 reaches row 2 only. Column 5 does not exist.
                        float v = c == 5                ? NAN
                                  : pass == 0 && c == 1 ? INFINITY
                                  : pass == 1 && c == 2 ? NAN
                                                        : 1.0f;
                        if (cols && c == 5) continue;
                        x[cols ? c * ldx + j : j * ldx + c] = v;
                    }
                assert_ok(lc_mat_mm(A, (lc_layout)l, n, 1.0f, x, ldx, 0.0f, y, ldy));
                for (int64_t j = 0; j < n; j++) {
                    float y0 = y[cols ? j : j * ldy], y1 = y[cols ? ldy + j : j * ldy + 1],
                          y2 = y[cols ? 2 * ldy + j : j * ldy + 2];
                    if (pass == 0) {
                        assert_true(isnan(y0));           // 0 · Inf
                        assert_true(isinf(y1) && y1 > 0); // 5 · Inf
                        assert_true(y2 == 6.0f + 7.0f);   // row 2 stores no column 1
                    } else {
                        assert_true(y0 == 3.0f + 1.0f); // never the padding's NaN
                        assert_true(y1 == 4.0f + 5.0f + 2.0f);
                        assert_true(isnan(y2));
                    }
                }
            }
        }
    }
    lc_mat_free(A);
}

static void test_structural(void **state) {
    (void)state;
    tu_each_isa(structural_body);
}

// alpha = 0 reads neither A nor X (both NaN here): Y = beta·Y, zeros for beta = 0 (NaN in Y).
static void test_alpha_zero(void **state) {
    (void)state;
    const int64_t ptr[] = {0, 1, 2};
    const int32_t col[] = {0, 1};
    float val[2 * 16];
    for (int i = 0; i < 32; i++) val[i] = NAN;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_bsr(&A, 7, 6, 4, 4, ptr, col, val));
    float x[6 * 20], y[7 * 20];
    for (int i = 0; i < 6 * 20; i++) x[i] = NAN;
    for (int l = 0; l < 2; l++)
        for (int64_t n = 1; n <= 20; n += 19)
            for (int bi = 0; bi < 2; bi++) {
                const float beta = bi ? 2.0f : 0.0f;
                for (int i = 0; i < 7 * 20; i++) y[i] = bi ? (float)i : NAN;
                const bool cols = l == LC_LAYOUT_COLS;
                assert_ok(
                    lc_mat_mm(A, (lc_layout)l, n, 0.0f, x, cols ? n : 6, beta, y, cols ? n : 7));
                for (int i = 0; i < 7 * n; i++) assert_true(y[i] == (bi ? 2.0f * (float)i : 0.0f));
            }
    lc_mat_free(A);
}

// Bitwise identical results for 1 and 2 threads, each layout and ISA level. SpMV gets a larger
// matrix, so that the driver does use two threads (one pays off from 32k multiply-adds).
static void threads_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 14);
    const int32_t shapes[][2] = {{16, 16}, {4, 4}, {8, 3}, {32, 32}};
    const struct { int64_t m, k, n; } sizes[] = {{1001, 903, 1}, {301, 290, 37}, {301, 290, 130}};
    for (size_t s = 0; s < 4; s++)
        for (size_t z = 0; z < 3; z++) {
            const int64_t m = sizes[z].m, k = sizes[z].k, n = sizes[z].n;
            raw_bsr r;
            raw_random(&r, &rng, m, k, shapes[s][0], shapes[s][1], 0.4);
            lc_mat *A = raw_create(&r);
            for (int l = 0; l < 2; l++) {
                const bool cols = l == LC_LAYOUT_COLS;
                const int64_t ldx = cols ? n : k, ldy = cols ? n : m;
                const size_t nx = (size_t)(cols ? k * ldx : n * ldx);
                const size_t ny = (size_t)(cols ? m * ldy : n * ldy);
                float *x = malloc(nx * sizeof *x);
                float *y1 = malloc(ny * sizeof *y1), *y2 = malloc(ny * sizeof *y2);
                tu_fill(&rng, x, (int64_t)nx);
                tu_fill(&rng, y1, (int64_t)ny);
                memcpy(y2, y1, ny * sizeof *y1);
                assert_ok(lc_threads_set(1));
                assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y1, ldy));
                assert_ok(lc_threads_set(2));
                assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y2, ldy));
                if (memcmp(y1, y2, ny * sizeof *y1))
                    fail_msg("bsr%dx%d %s isa=%s n=%lld: 1 and 2 threads differ", shapes[s][0],
                             shapes[s][1], cols ? "cols" : "rows", lc_isa_name(lc_isa_get()),
                             (long long)n);
                free(x), free(y1), free(y2);
            }
            lc_mat_free(A);
            raw_free(&r);
        }
    assert_ok(lc_threads_set(0));
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// The registry holds both BSR kernels at every level the CPU has.
static void test_registry(void **state) {
    (void)state;
    for (int isa = LC_ISA_GENERIC; isa <= (int)lc_isa_detected(); isa++) {
        assert_non_null(lci_kernel_get_at(LCI_KERNEL_BSR_MM, (lc_isa)isa));
        assert_non_null(lci_kernel_get_at(LCI_KERNEL_BSR_MV, (lc_isa)isa));
    }
}

// ---- construction ----

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),        cmocka_unit_test(test_products),
        cmocka_unit_test(test_edges),           cmocka_unit_test(test_mv),
        cmocka_unit_test(test_structural),      cmocka_unit_test(test_alpha_zero),
        cmocka_unit_test(test_thread_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
