// test_bsr.c: the BSR format: every kernel (each ISA level, both layouts, SpMV and SpMM) against
// the double-precision reference on random and edge shapes; BLAS conventions; edge padding never
// multiplied while explicit zeros are; 1- vs 2-thread identity; construction (sorting, padding,
// bad input with exact statuses and messages); conversions with fill; lc_mat_info; the random
// generator; allocation-failure injection.
#include "testutil.h"
#include "core/mat.h"
#include "formats/bsr/bsr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- a random BSR matrix given as raw arrays (row-major tiles, as lc_mat_create_bsr takes) ----

typedef struct raw_bsr {
    int64_t m, k, mb, kb, tiles;
    int32_t bh, bw;
    int64_t *ptr;
    int32_t *col;
    float *val;
} raw_bsr;

// Block rows are empty (1 in 6), full (1 in 6) or hold each block column with probability p;
// tiles come in shuffled order; values uniform with ~10% explicit zeros, and NaN outside the
// matrix (the constructor must zero them).
static void raw_random(raw_bsr *r, lci_rng *rng, int64_t m, int64_t k, int32_t bh, int32_t bw,
                       double p) {
    r->m = m, r->k = k, r->bh = bh, r->bw = bw;
    r->mb = (m + bh - 1) / bh, r->kb = (k + bw - 1) / bw;
    r->ptr = malloc((size_t)(r->mb + 1) * sizeof *r->ptr);
    r->col = malloc((size_t)(r->mb * r->kb + 1) * sizeof *r->col);
    r->ptr[0] = 0;
    for (int64_t I = 0; I < r->mb; I++) {
        int kind = (int)lci_rng_below(rng, 6);
        int64_t t0 = r->ptr[I], t = t0;
        for (int64_t c = 0; c < r->kb; c++) {
            double u = (double)(lci_rng_next(rng) >> 11) * 0x1.0p-53;
            if (kind == 1 || (kind > 1 && u < p)) r->col[t++] = (int32_t)c;
        }
        for (int64_t i = t - 1; i > t0; i--) { // shuffle: the constructor sorts
            int64_t j = t0 + (int64_t)lci_rng_below(rng, (uint64_t)(i - t0 + 1));
            int32_t s = r->col[i];
            r->col[i] = r->col[j], r->col[j] = s;
        }
        r->ptr[I + 1] = t;
    }
    r->tiles = r->ptr[r->mb];
    const int64_t area = (int64_t)bh * bw;
    r->val = malloc((size_t)(r->tiles * area + 1) * sizeof *r->val);
    for (int64_t I = 0; I < r->mb; I++)
        for (int64_t t = r->ptr[I]; t < r->ptr[I + 1]; t++)
            for (int32_t i = 0; i < bh; i++)
                for (int32_t j = 0; j < bw; j++) {
                    bool inside = I * bh + i < m && (int64_t)r->col[t] * bw + j < k;
                    float v = lci_rng_float(rng);
                    if (lci_rng_below(rng, 10) == 0) v = 0.0f;
                    r->val[t * area + i * bw + j] = inside ? v : NAN;
                }
}

static void raw_free(raw_bsr *r) {
    free(r->ptr), free(r->col), free(r->val);
}

// The dense M×K matrix the raw arrays describe.
static float *raw_dense(const raw_bsr *r) {
    float *d = calloc((size_t)(r->m * r->k + 1), sizeof *d);
    const int64_t area = (int64_t)r->bh * r->bw;
    for (int64_t I = 0; I < r->mb; I++)
        for (int64_t t = r->ptr[I]; t < r->ptr[I + 1]; t++)
            for (int32_t i = 0; i < r->bh; i++)
                for (int32_t j = 0; j < r->bw; j++) {
                    int64_t row = I * r->bh + i, col = (int64_t)r->col[t] * r->bw + j;
                    if (row < r->m && col < r->k)
                        d[row * r->k + col] = r->val[t * area + i * r->bw + j];
                }
    return d;
}

static lc_mat *raw_create(const raw_bsr *r) {
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_bsr(&A, r->m, r->k, r->bh, r->bw, r->ptr, r->col, r->val));
    return A;
}

static void each_isa(void (*body)(void)) {
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
    each_isa(products_body);
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
    each_isa(edges_body);
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
    each_isa(structural_body);
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
    each_isa(threads_body);
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

static const lci_bsr *as_bsr(const lc_mat *A) {
    return (const lci_bsr *)A;
}

// Tiles given in any order give the same matrix as sorted ones: columns ascending, values
// column-major, the padding zeroed (the input had NaN there), the input copied.
static void test_construction(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 21);
    raw_bsr r;
    raw_random(&r, &rng, 45, 61, 4, 7, 0.5);
    lc_mat *A = raw_create(&r);
    const lci_bsr *b = as_bsr(A);
    const int64_t area = 4 * 7;
    // The same tiles sorted by hand.
    raw_bsr s = r;
    s.col = malloc((size_t)(r.tiles + 1) * sizeof *s.col);
    s.val = malloc((size_t)(r.tiles * area + 1) * sizeof *s.val);
    for (int64_t I = 0, q = r.ptr[0]; I < r.mb; I++)
        for (int64_t c = 0; c < r.kb; c++)
            for (int64_t t = r.ptr[I]; t < r.ptr[I + 1]; t++)
                if (r.col[t] == c) {
                    s.col[q] = (int32_t)c;
                    memcpy(s.val + q * area, r.val + t * area, (size_t)area * sizeof(float));
                    q++;
                }
    lc_mat *S = raw_create(&s);
    const lci_bsr *bs = as_bsr(S);
    assert_int_equal(b->tiles, r.tiles);
    assert_memory_equal(b->ptr, bs->ptr, (size_t)(b->mb + 1) * sizeof(int64_t));
    assert_memory_equal(b->col, bs->col, (size_t)b->tiles * sizeof(int32_t));
    assert_memory_equal(b->val, bs->val, (size_t)(b->tiles * area) * sizeof(float));
    for (int64_t I = 0; I < b->mb; I++)
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            if (t > b->ptr[I]) assert_true(b->col[t] > b->col[t - 1]);
            for (int32_t i = 0; i < 4; i++)
                for (int32_t j = 0; j < 7; j++) {
                    bool inside = I * 4 + i < 45 && b->col[t] * 7 + j < 61;
                    float got = b->val[t * area + j * 4 + i], want = s.val[t * area + i * 7 + j];
                    if (inside)
                        assert_memory_equal(&got, &want, sizeof got);
                    else
                        assert_true(got == 0.0f && !signbit(got));
                }
        }
    // Copied: changing the input afterwards changes nothing.
    float *before = tu_dense_of(A);
    for (int64_t e = 0; e < r.tiles * area; e++) r.val[e] = 9.0f;
    float *after = tu_dense_of(A), *want = raw_dense(&s);
    assert_memory_equal(before, after, 45 * 61 * sizeof(float));
    assert_memory_equal(before, want, 45 * 61 * sizeof(float));
    free(before), free(after), free(want);
    lc_mat_free(A), lc_mat_free(S);
    free(s.col), free(s.val);
    raw_free(&r);
}

static void expect(lc_status got, lc_status want, const char *needle) {
    if (got != want)
        fail_msg("returned %s (%s), expected %s", lc_status_str(got), lc_last_error(),
                 lc_status_str(want));
    if (!strstr(lc_last_error(), needle))
        fail_msg("message '%s' does not mention '%s'", lc_last_error(), needle);
}

// Each bad input: its exact status, a message naming the problem, the output untouched.
static void test_bad_input(void **state) {
    (void)state;
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    // 5×10 of 2×4 tiles: 3 block rows, 3 block columns.
    const int64_t ptr[] = {0, 2, 3, 3};
    const int32_t col[] = {1, 0, 2};
    float val[3 * 8] = {0};
    const int64_t bad0[] = {1, 2, 3, 3}, down[] = {0, 2, 1, 3}, dup_ptr[] = {0, 3, 3, 3};
    const int32_t out_lo[] = {1, 0, -1}, out_hi[] = {1, 0, 3}, dup[] = {1, 0, 1};
    const int64_t huge[] = {0, INT64_MAX / 8, INT64_MAX / 8, INT64_MAX / 8};
    expect(lc_mat_create_bsr(NULL, 5, 10, 2, 4, ptr, col, val), LC_ERR_ARG, "NULL output");
    expect(lc_mat_create_bsr(&A, -1, 10, 2, 4, ptr, col, val), LC_ERR_ARG, "negative");
    expect(lc_mat_create_bsr(&A, (int64_t)INT32_MAX + 1, 10, 2, 4, ptr, col, val), LC_ERR_OVERFLOW,
           "INT32_MAX");
    expect(lc_mat_create_bsr(&A, 5, 10, 0, 4, ptr, col, val), LC_ERR_ARG, "tile 0×4");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 257, ptr, col, val), LC_ERR_ARG, "1..256");
    expect(lc_mat_create_bsr(&A, 5, 10, -3, 4, ptr, col, val), LC_ERR_ARG, "outside 1..256");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, NULL, col, val), LC_ERR_ARG, "NULL tile_ptr");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, bad0, col, val), LC_ERR_FORMAT, "tile_ptr[0] = 1");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, down, col, val), LC_ERR_FORMAT,
           "tile_ptr[2] = 1 < tile_ptr[1] = 2");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, NULL, val), LC_ERR_ARG, "NULL tile_col");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, col, NULL), LC_ERR_ARG, "3 tiles");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, out_lo, val), LC_ERR_FORMAT,
           "block row 1: tile 2 at block column -1 is outside [0, 3)");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, out_hi, val), LC_ERR_FORMAT,
           "block row 1: tile 2 at block column 3 is outside [0, 3)");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, dup_ptr, dup, val), LC_ERR_FORMAT,
           "block row 0: tiles 0 and 2 are both at block column 1 (duplicate tile)");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, huge, col, val), LC_ERR_OVERFLOW, "overflow");
    expect(lc_mat_create_bsr(&A, 5, 0, 2, 4, ptr, col, val), LC_ERR_FORMAT, "outside [0, 0)");
    assert_ptr_equal(A, sentinel);
    // The valid arrays work, and an empty matrix takes NULL arrays.
    assert_ok(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, col, val));
    assert_true(strlen(lc_last_error()) == 0);
    lc_mat_free(A);
    const int64_t none[] = {0, 0, 0, 0};
    assert_ok(lc_mat_create_bsr(&A, 5, 10, 2, 4, none, NULL, NULL));
    lc_mat_free(A);
    // Block shapes through lc_mat_params, and the generator's arguments.
    A = sentinel;
    float d[4] = {1, 2, 3, 4};
    lc_mat_params p = {.block_rows = 300};
    expect(lc_mat_from_dense(&A, LC_FORMAT_BSR, 2, 2, d, 2, &p), LC_ERR_ARG, "300");
    p = (lc_mat_params){.block_cols = -1};
    expect(lc_mat_from_dense(&A, LC_FORMAT_BSR, 2, 2, d, 2, &p), LC_ERR_ARG, "-1");
    expect(lci_bsr_random(NULL, 4, 4, 2, 2, 0.5, 1), LC_ERR_ARG, "NULL output");
    expect(lci_bsr_random(&A, -4, 4, 2, 2, 0.5, 1), LC_ERR_ARG, "negative");
    expect(lci_bsr_random(&A, 4, 4, 0, 2, 0.5, 1), LC_ERR_ARG, "tile 0×2");
    expect(lci_bsr_random(&A, 4, 4, 2, 2, 0.0, 1), LC_ERR_ARG, "tile density 0");
    expect(lci_bsr_random(&A, 4, 4, 2, 2, 1.5, 1), LC_ERR_ARG, "outside (0, 1]");
    assert_ptr_equal(A, sentinel);
}

// ---- conversions ----

// A has exactly the entries of `dense` (M×K), and its tiles are those that cover its nonzeros.
static void check_converted(const lc_mat *A, const float *dense, int64_t m, int64_t k, int32_t bh,
                            int32_t bw) {
    const lci_bsr *b = as_bsr(A);
    assert_int_equal(b->bh, bh);
    assert_int_equal(b->bw, bw);
    float *got = tu_dense_of(A);
    assert_memory_equal(got, dense, (size_t)(m * k) * sizeof(float));
    free(got);
    int64_t tiles = 0, nonzeros = 0;
    for (int64_t I = 0; I < (m + bh - 1) / bh; I++)
        for (int64_t c = 0; c < (k + bw - 1) / bw; c++) {
            int64_t in_tile = 0;
            for (int64_t i = I * bh; i < m && i < (I + 1) * bh; i++)
                for (int64_t j = c * bw; j < k && j < (c + 1) * bw; j++)
                    in_tile += dense[i * k + j] != 0.0f;
            tiles += in_tile > 0;
            nonzeros += in_tile;
        }
    assert_int_equal(b->tiles, tiles);
    // The fill ratio, as lc_mat_info reports it: nonzeros of useful (in-matrix) entries.
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.nonzeros, nonzeros);
    assert_int_equal(info.useful, info.stored - (b->tiles * bh * bw - b->useful));
    assert_true(info.useful >= info.nonzeros);
}

static void test_conversions(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 22);
    const int64_t m = 70, k = 53;
    float *a = malloc(m * k * sizeof *a);
    tu_random_sparse_dense(&rng, m, k, k, 0.05, 1, a);
    const int32_t shapes[][2] = {{0, 0}, {4, 0}, {4, 8}, {3, 5}, {16, 16}, {1, 1}, {64, 64}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        lc_mat_params p = {.block_rows = shapes[s][0], .block_cols = shapes[s][1]};
        const int32_t bh = p.block_rows ? p.block_rows : 16, bw = p.block_cols ? p.block_cols : bh;
        lc_mat *A = NULL, *C = NULL, *O = NULL, *B2 = NULL, *B3 = NULL, *back = NULL;
        // dense → BSR (NULL params: the default 16×16), CSR → BSR, COO → BSR.
        assert_ok(lc_mat_from_dense(&A, LC_FORMAT_BSR, m, k, a, k, s ? &p : NULL));
        check_converted(A, a, m, k, bh, bw);
        assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, m, k, a, k, NULL));
        assert_ok(lc_mat_from_dense(&O, LC_FORMAT_COO, m, k, a, k, NULL));
        assert_ok(lc_mat_convert(&B2, C, LC_FORMAT_BSR, &p));
        assert_ok(lc_mat_convert(&B3, O, LC_FORMAT_BSR, &p));
        check_converted(B2, a, m, k, bh, bw);
        check_converted(B3, a, m, k, bh, bw);
        // BSR → CSR / COO / dense keeps every entry inside the matrix, the fill's zeros too.
        const lc_format targets[] = {LC_FORMAT_CSR, LC_FORMAT_COO, LC_FORMAT_DENSE};
        for (int t = 0; t < 3; t++) {
            lc_mat *X = NULL;
            assert_ok(lc_mat_convert(&X, A, targets[t], NULL));
            float *got = tu_dense_of(X);
            assert_memory_equal(got, a, (size_t)(m * k) * sizeof(float));
            if (targets[t] != LC_FORMAT_DENSE) assert_int_equal(tu_stored(X), as_bsr(A)->useful);
            // ... and back to BSR gives the same tiles.
            if (targets[t] == LC_FORMAT_CSR) {
                assert_ok(lc_mat_convert(&back, X, LC_FORMAT_BSR, &p));
                const lci_bsr *b0 = as_bsr(A), *b1 = as_bsr(back);
                assert_int_equal(b0->tiles, b1->tiles);
                assert_memory_equal(b0->ptr, b1->ptr, (size_t)(b0->mb + 1) * sizeof(int64_t));
                assert_memory_equal(b0->col, b1->col, (size_t)b0->tiles * sizeof(int32_t));
                assert_memory_equal(b0->val, b1->val,
                                    (size_t)(b0->tiles * bh * bw) * sizeof(float));
            }
            free(got);
            lc_mat_free(X);
        }
        lc_mat_free(A), lc_mat_free(C), lc_mat_free(O), lc_mat_free(B2), lc_mat_free(B3);
        lc_mat_free(back);
    }
    // Pruning comes before tiling: the kept entries are those of the pruned CSR.
    lc_mat_params p = {.density = 0.02, .block_rows = 8, .block_cols = 8};
    lc_mat *A = NULL, *C = NULL;
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_BSR, m, k, a, k, &p));
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, m, k, a, k, &p));
    float *pruned = tu_dense_of(C);
    check_converted(A, pruned, m, k, 8, 8);
    free(pruned);
    lc_mat_free(A), lc_mat_free(C);
    // An explicit zero of a sparse source makes its tile (a stored entry).
    const int64_t ptr[] = {0, 1, 1, 1};
    const int32_t col[] = {40};
    const float zero[] = {0.0f};
    assert_ok(lc_mat_create_csr(&C, 3, 50, ptr, col, zero));
    assert_ok(lc_mat_convert(&A, C, LC_FORMAT_BSR, NULL));
    assert_int_equal(as_bsr(A)->tiles, 1);
    assert_int_equal(as_bsr(A)->col[0], 2);
    lc_mat_free(A), lc_mat_free(C);
    free(a);
}

static void test_info(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 23);
    raw_bsr r;
    raw_random(&r, &rng, 50, 45, 8, 16, 0.5); // both edges cut: 6 rows × 8 and 45 = 2·16 + 13
    lc_mat *A = raw_create(&r);
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    int64_t useful = 0;
    for (int64_t I = 0; I < r.mb; I++)
        for (int64_t t = r.ptr[I]; t < r.ptr[I + 1]; t++)
            useful += (I == r.mb - 1 ? 50 - 8 * I : 8) * (r.col[t] == r.kb - 1 ? 13 : 16);
    assert_int_equal(info.format, LC_FORMAT_BSR);
    assert_int_equal(info.m, 50);
    assert_int_equal(info.k, 45);
    assert_int_equal(info.stored, r.tiles * 128);
    assert_int_equal(info.useful, useful);
    assert_true(info.useful < info.stored);
    assert_true(info.flops_per_col == 2.0 * (double)useful);
    assert_true(info.exec_flops_per_col == 2.0 * (double)info.stored);
    assert_int_equal(info.bytes, r.tiles * 128 * 4 + r.tiles * 4 + (r.mb + 1) * 8);
    assert_int_equal(info.extra_bytes, 0);
    assert_string_equal(info.layout, "plain");
    // Nothing to repack: lc_mat_optimize leaves it as it is.
    assert_ok(lc_mat_optimize(A, 64));
    assert_ok(lc_mat_info(A, &info));
    assert_string_equal(info.layout, "plain");
    assert_true(lc_format_supports(LC_FORMAT_BSR, LC_LAYOUT_COLS));
    assert_true(lc_format_supports(LC_FORMAT_BSR, LC_LAYOUT_ROWS));
    lc_mat_free(A);
    raw_free(&r);
}

// ---- the generator ----

static void test_random(void **state) {
    (void)state;
    const int64_t m = 100, k = 90, mb = 13, kb = 15;
    lc_mat *A = NULL, *B = NULL, *C = NULL;
    assert_ok(lci_bsr_random(&A, m, k, 8, 6, 0.3, 5));
    assert_ok(lci_bsr_random(&B, m, k, 8, 6, 0.3, 5));
    assert_ok(lci_bsr_random(&C, m, k, 8, 6, 0.3, 6));
    const lci_bsr *a = as_bsr(A), *b = as_bsr(B), *c = as_bsr(C);
    assert_int_equal(a->tiles, (int64_t)round(0.3 * mb * kb)); // 58.5 → 59
    assert_int_equal(a->tiles, 59);
    for (int64_t I = 0; I < mb; I++) {
        int64_t count = a->ptr[I + 1] - a->ptr[I];
        assert_true(count == 59 / 13 || count == 59 / 13 + 1);
        for (int64_t t = a->ptr[I]; t < a->ptr[I + 1]; t++) {
            assert_true(a->col[t] >= 0 && a->col[t] < kb);
            if (t > a->ptr[I]) assert_true(a->col[t] > a->col[t - 1]);
            for (int32_t i = 0; i < 8; i++)
                for (int32_t j = 0; j < 6; j++) {
                    float v = a->val[t * 48 + j * 8 + i];
                    if (I * 8 + i < m && a->col[t] * 6 + j < k)
                        assert_true(v != 0.0f && v >= -1.0f && v < 1.0f);
                    else
                        assert_true(v == 0.0f);
                }
        }
    }
    // Deterministic per seed; another seed, another matrix.
    assert_memory_equal(a->ptr, b->ptr, (mb + 1) * sizeof(int64_t));
    assert_memory_equal(a->col, b->col, 59 * sizeof(int32_t));
    assert_memory_equal(a->val, b->val, 59 * 48 * sizeof(float));
    assert_true(memcmp(a->col, c->col, 59 * sizeof(int32_t)) ||
                memcmp(a->val, c->val, 59 * 48 * sizeof(float)));
    lc_mat_free(A), lc_mat_free(B), lc_mat_free(C);
    // Every tile at density 1; none for an empty shape.
    assert_ok(lci_bsr_random(&A, 33, 17, 4, 4, 1.0, 1));
    assert_int_equal(as_bsr(A)->tiles, 9 * 5);
    lc_mat_free(A);
    assert_ok(lci_bsr_random(&A, 0, 17, 4, 4, 0.5, 1));
    assert_int_equal(as_bsr(A)->tiles, 0);
    lc_mat_free(A);
}

// ---- allocation failures: every one reported as LC_ERR_NOMEM, nothing leaked ----

typedef struct inject_ctx {
    const raw_bsr *r;
    const lc_mat *src; // conversions: the source; products: the BSR matrix
    lc_layout layout;
    int64_t n, ldx, ldy;
    const float *x;
    float *y;
    lc_format format;
    lc_mat *out;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_bsr(&c->out, c->r->m, c->r->k, c->r->bh, c->r->bw, c->r->ptr, c->r->col,
                             c->r->val);
}

static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    lc_mat_params p = {.block_rows = 4, .block_cols = 8};
    return lc_mat_convert(&c->out, c->src, c->format, &p);
}

static lc_status inject_random(void *v) {
    inject_ctx *c = v;
    return lci_bsr_random(&c->out, 40, 50, 4, 4, 0.3, 9);
}

static lc_status inject_mm(void *v) {
    inject_ctx *c = v;
    return lc_mat_mm(c->src, c->layout, c->n, 1.0f, c->x, c->ldx, 0.0f, c->y, c->ldy);
}

static void inject_cleanup(void *v) {
    inject_ctx *c = v;
    lc_mat_free(c->out);
    c->out = NULL;
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 24);
    raw_bsr r;
    raw_random(&r, &rng, 40, 50, 4, 8, 0.5); // shuffled tiles: the sorting scratch too
    inject_ctx c = {.r = &r};
    assert_true(tu_inject_each(inject_create, inject_cleanup, &c) >= 3);
    assert_true(tu_inject_each(inject_random, inject_cleanup, &c) >= 3);
    lc_mat *A = raw_create(&r), *C = NULL;
    float *d = raw_dense(&r);
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, 40, 50, d, 50, NULL));
    // CSR → BSR, dense → BSR (through a CSR view), BSR → CSR (an owned view).
    c.format = LC_FORMAT_BSR, c.src = C;
    assert_true(tu_inject_each(inject_convert, inject_cleanup, &c) >= 3);
    c.format = LC_FORMAT_CSR, c.src = A;
    assert_true(tu_inject_each(inject_convert, inject_cleanup, &c) >= 1);
    lc_mat *D = NULL;
    assert_ok(lc_mat_create_dense(&D, 40, 50, d, 50));
    c.format = LC_FORMAT_BSR, c.src = D;
    assert_true(tu_inject_each(inject_convert, inject_cleanup, &c) >= 3);
    // Products that allocate their workspace: packed panels (both layouts), a strided x.
    float *x = calloc(50 * 70, sizeof *x), *y = calloc(40 * 70, sizeof *y);
    const struct {
        lc_layout layout;
        int64_t n, ldx, ldy;
    } mm[] = {
        {LC_LAYOUT_COLS, 65, 70, 65}, {LC_LAYOUT_ROWS, 65, 50, 40}, {LC_LAYOUT_COLS, 1, 2, 1}};
    for (int i = 0; i < 3; i++) {
        c.src = A, c.layout = mm[i].layout, c.n = mm[i].n, c.ldx = mm[i].ldx, c.ldy = mm[i].ldy;
        c.x = x, c.y = y;
        assert_int_equal(tu_inject_each(inject_mm, NULL, &c), 1);
    }
    // With the caller's workspace a product allocates nothing.
    size_t ws = 0;
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_ROWS, 65, &ws));
    assert_true(ws >= (size_t)50 * 128 * sizeof(float)); // two panels of K × 64
    void *work = aligned_alloc(64, (ws + 63) / 64 * 64);
    tu_alloc_install();
    const int64_t before = tu_alloc_count();
    assert_ok(lc_mat_mm_ws(A, LC_LAYOUT_ROWS, 65, 1.0f, x, 50, 0.0f, y, 40, work, ws));
    assert_int_equal(tu_alloc_count(), before);
    tu_alloc_uninstall();
    assert_status(lc_mat_mm_ws(A, LC_LAYOUT_ROWS, 65, 1.0f, x, 50, 0.0f, y, 40, work, ws - 1),
                  LC_ERR_ARG);
    free(work);
    free(x), free(y), free(d);
    lc_mat_free(A), lc_mat_free(C), lc_mat_free(D);
    raw_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_products),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_mv),
        cmocka_unit_test(test_structural),
        cmocka_unit_test(test_alpha_zero),
        cmocka_unit_test(test_thread_identity),
        cmocka_unit_test(test_construction),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
