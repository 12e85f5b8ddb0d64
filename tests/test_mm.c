// test_mm.c: lc_mat_mm / lc_mat_mv for every format × layout × alpha/beta × ISA level against
// the double-precision reference, on random and edge shapes; BLAS conventions (beta = 0 with NaN
// in Y, alpha = 0 with NaN in X), structural zeros, thread-count identity, workspace API.
#include "testutil.h"
#include "core/mat.h"
#include "formats/csr/csr.h"

#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

// Every format, and the optimised CSR layouts: tiles forced narrow (many tiles on small
// matrices, K not a multiple of the width), whatever lc_mat_optimize picks, the decode layout
// forced; BSR with square, rectangular and ragged tiles; N:M with and without row groups (N:M
// is lossy: references use the matrix as stored).
typedef struct variant {
    lc_format format;
    int32_t tiles; // CSR: 0 plain; > 0 column tiles of this width; -1 lc_mat_optimize(A, 64);
                   // -2 lc_mat_optimize(A, 1) (the decode layout, if it wins); -3 the decode
                   // layout with narrow column tiles (16 columns: several tiles, ragged lanes);
                   // -4 plain, with SpMV on the streaming kernels (their size threshold at 0)
    lc_mat_params params; // the BSR / N:M structure
    const char *name;
} variant;
static const variant variants[] = {
    {LC_FORMAT_DENSE, 0, {.density = 0}, "dense"},
    {LC_FORMAT_COO, 0, {.density = 0}, "coo"},
    {LC_FORMAT_CSR, 0, {.density = 0}, "csr"},
    {LC_FORMAT_CSR, 16, {.density = 0}, "csr/tiles16"},
    {LC_FORMAT_CSR, 64, {.density = 0}, "csr/tiles64"},
    {LC_FORMAT_CSR, -1, {.density = 0}, "csr/optimized"},
    {LC_FORMAT_CSR, -2, {.density = 0}, "csr/optimized-decode"},
    {LC_FORMAT_CSR, -3, {.density = 0}, "csr/sell16"},
    {LC_FORMAT_CSR, -4, {.density = 0}, "csr/stream"},
    {LC_FORMAT_BSR, 0, {.block_rows = 4, .block_cols = 4}, "bsr4x4"},
    {LC_FORMAT_BSR, 0, {.block_rows = 16, .block_cols = 16}, "bsr16x16"},
    {LC_FORMAT_BSR, 0, {.block_rows = 3, .block_cols = 5}, "bsr3x5"},
    {LC_FORMAT_NM, 0, {.nm_n = 2, .nm_m = 4}, "nm2:4"},
    {LC_FORMAT_NM, 0, {.nm_n = 1, .nm_m = 4, .nm_rows = 2}, "nm1:4v2"},
    {LC_FORMAT_NM, 0, {.nm_n = 3, .nm_m = 8, .nm_rows = 3}, "nm3:8v3"},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])
static const lc_layout layouts[] = {LC_LAYOUT_COLS, LC_LAYOUT_ROWS};

// Edge shapes: empty, 1×1, K below/at/above the vector widths, ragged panels; long rows at
// n <= 16 (tile items of 32 entries and more: the kernels' split accumulators).
static const int64_t shapes[][3] = {
    {0, 5, 3},     {5, 0, 3},     {5, 3, 0},    {1, 1, 1},    {1, 1, 7},    {7, 1, 1},
    {3, 17, 1},    {17, 3, 2},    {16, 16, 16}, {33, 65, 31}, {64, 64, 64}, {100, 37, 65},
    {1, 300, 129}, {129, 5, 200}, {40, 70, 8},  {9, 200, 1},  {6, 700, 8},  {5, 600, 13}};

typedef struct case_data {
    int64_t m, k, n, lda, ldx, ldy;
    float *a, *x, *y, *y0;
    double *ref, *bound;
} case_data;

static void case_alloc(case_data *c, lc_layout layout, int64_t m, int64_t k, int64_t n,
                       int64_t pad) {
    c->m = m, c->k = k, c->n = n;
    c->lda = (k > 1 ? k : 1) + pad;
    int cols = layout == LC_LAYOUT_COLS;
    int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    c->ldx = (xc > 1 ? xc : 1) + pad;
    c->ldy = (yc > 1 ? yc : 1) + pad;
    c->a = calloc((size_t)(m * c->lda + 1), sizeof(float));
    c->x = calloc((size_t)(xr * c->ldx + 1), sizeof(float));
    c->y = calloc((size_t)(yr * c->ldy + 1), sizeof(float));
    c->y0 = calloc((size_t)(yr * c->ldy + 1), sizeof(float));
    c->ref = calloc((size_t)(m * n + 1), sizeof(double));
    c->bound = calloc((size_t)(m * n + 1), sizeof(double));
}

static void case_free(case_data *c) {
    free(c->a), free(c->x), free(c->y), free(c->y0), free(c->ref), free(c->bound);
}

// The CSR layout of a variant (and the streaming SpMV threshold, which stays set for the
// products that follow, until the next variant is made).
static void csr_variant(lc_mat *A, int32_t tiles) {
    lci_csr_mv_stream_bytes = tiles == -4 ? 0 : LCI_CSR_MV_STREAM_BYTES;
    if (tiles > 0) assert_ok(lci_csr_optimize_tiles(A, tiles));
    if (tiles == -1) assert_ok(lc_mat_optimize(A, 64));
    if (tiles == -2) assert_ok(lc_mat_optimize(A, 1));
    if (tiles == -3) assert_ok(lci_csr_optimize_sell(A, 16));
}

static lc_mat *make_variant(const variant *v, int64_t m, int64_t k, const float *a, int64_t lda) {
    lc_mat *A = NULL;
    assert_ok(lc_mat_from_dense(&A, v->format, m, k, a, lda, &v->params));
    if (v->format == LC_FORMAT_CSR) csr_variant(A, v->tiles);
    return A;
}

static lc_mat *make(const variant *v, const case_data *c) {
    return make_variant(v, c->m, c->k, c->a, c->lda);
}

// One product checked against the reference; Y starts as y0 (NaN when beta = 0).
static void run_case(const variant *f, lc_layout layout, int64_t m, int64_t k, int64_t n,
                     float alpha, float beta, int64_t pad, uint64_t seed) {
    case_data c;
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    case_alloc(&c, layout, m, k, n, pad);
    tu_random_sparse_dense(&rng, m, k, c.lda, 0.3, 1, c.a);
    int cols = layout == LC_LAYOUT_COLS;
    int64_t xr = cols ? k : n, yr = cols ? m : n;
    tu_fill(&rng, c.x, xr * c.ldx);
    tu_fill(&rng, c.y0, yr * c.ldy);
    if (beta == 0.0f)
        for (int64_t i = 0; i < yr * c.ldy; i++) c.y0[i] = NAN;
    // With alpha = 0 neither A nor X may be read: poison both (the reference ignores them).
    if (alpha == 0.0f) {
        for (int64_t i = 0; i < xr * c.ldx; i++) c.x[i] = NAN;
        for (int64_t i = 0; i < m * c.lda; i += 3) c.a[i] = NAN;
    }
    memcpy(c.y, c.y0, (size_t)(yr * c.ldy + 1) * sizeof(float));
    lc_mat *A = make(f, &c);
    // The reference multiplies the matrix as stored (N:M prunes what it is given).
    float *stored = tu_dense_of(A);
    tu_reference(layout, m, k, n, alpha, stored, k > 0 ? k : 1, c.x, c.ldx, beta, c.y0, c.ldy,
                 c.ref, c.bound);
    free(stored);
    assert_ok(lc_mat_mm(A, layout, n, alpha, c.x, c.ldx, beta, c.y, c.ldy));
    char what[160];
    snprintf(what, sizeof what, "%s %s isa=%s %lld×%lld n=%lld alpha=%g beta=%g pad=%lld", f->name,
             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
             (long long)n, alpha, beta, (long long)pad);
    tu_check(layout, m, n, c.y, c.ldy, c.ref, c.bound, what);
    // Padding between rows of Y is never written.
    for (int64_t r = 0; r < yr; r++)
        for (int64_t j = (cols ? n : m); j < c.ldy && r * c.ldy + j < yr * c.ldy; j++)
            if (memcmp(&c.y[r * c.ldy + j], &c.y0[r * c.ldy + j], sizeof(float)))
                fail_msg("%s: padding of Y row %lld written", what, (long long)r);
    lc_mat_free(A);
    case_free(&c);
}

static void edge_shapes_body(void) {
    const float alphas[] = {1.0f, -0.5f, 0.0f}, betas[] = {0.0f, 1.0f, 0.75f};
    uint64_t seed = 1;
    for (size_t f = 0; f < NVARIANTS; f++)
        for (size_t l = 0; l < 2; l++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                for (size_t ai = 0; ai < 3; ai++)
                    for (size_t bi = 0; bi < 3; bi++)
                        run_case(&variants[f], layouts[l], shapes[s][0], shapes[s][1], shapes[s][2],
                                 alphas[ai], betas[bi], (int64_t)(s % 3), seed++);
}

static void test_edge_shapes(void **state) {
    (void)state;
    tu_each_isa(edge_shapes_body);
}

static void random_shapes_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 42);
    for (int t = 0; t < 40; t++) {
        int64_t m = (int64_t)lci_rng_below(&rng, 90), k = (int64_t)lci_rng_below(&rng, 150),
                n = 1 + (int64_t)lci_rng_below(&rng, 140);
        float alpha = lci_rng_float(&rng), beta = t % 3 ? lci_rng_float(&rng) : 0.0f;
        for (size_t f = 0; f < NVARIANTS; f++)
            for (size_t l = 0; l < 2; l++)
                run_case(&variants[f], layouts[l], m, k, n, alpha, beta, t % 5, 1000 + t);
    }
}

static void test_random_shapes(void **state) {
    (void)state;
    tu_each_isa(random_shapes_body);
}

// lc_mat_mv is lc_mat_mm with one contiguous vector.
static void test_mv(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 7);
    const int64_t m = 77, k = 131;
    float *a = malloc(m * k * sizeof *a), *x = malloc(k * sizeof *x), *y1 = malloc(m * 4),
          *y2 = malloc(m * 4);
    tu_random_sparse_dense(&rng, m, k, k, 0.2, 1, a);
    tu_fill(&rng, x, k);
    tu_fill(&rng, y1, m);
    memcpy(y2, y1, m * 4);
    for (size_t f = 0; f < NVARIANTS; f++) {
        lc_mat *A = make_variant(&variants[f], m, k, a, k);
        float t1[77], t2[77];
        memcpy(t1, y1, sizeof t1), memcpy(t2, y2, sizeof t2);
        // lc_mat_mv allocates only what lc_mat_workspace_size says (nothing for most layouts:
        // a contiguous vector needs no copy).
        size_t ws = 0;
        assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_ROWS, 1, &ws));
        tu_alloc_install();
        int64_t before = tu_alloc_count();
        assert_ok(lc_mat_mv(A, 0.5f, x, 2.0f, t1));
        assert_int_equal(tu_alloc_count(), before + (ws > 0));
        tu_alloc_uninstall();
        assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 0.5f, x, 1, 2.0f, t2, 1));
        assert_memory_equal(t1, t2, sizeof t1);
        lc_mat_free(A);
    }
    free(a), free(x), free(y1), free(y2);
}

// The streaming SpMV kernels (a matrix beyond the caches) only add prefetches: bitwise the
// products of the plain ones, at every ISA level, rows long and short, strided x included.
static void stream_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 9);
    const int64_t m = 61, k = 1500;
    float *a = calloc((size_t)(m * k), sizeof *a), *x = malloc(2 * k * sizeof *x);
    float y_plain[61], y_stream[61];
    for (int64_t i = 0; i < m; i++) // row i: about 9·i entries (1 to 540)
        for (int64_t j = 0; j < k; j++)
            if (lci_rng_below(&rng, 1000) < (uint64_t)(6 * i + 1))
                a[i * k + j] = lci_rng_float(&rng);
    tu_fill(&rng, x, 2 * k);
    lc_mat *A = NULL;
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_CSR, m, k, a, k, NULL));
    for (int64_t ldx = 1; ldx <= 2; ldx++) {
        lci_csr_mv_stream_bytes = LCI_CSR_MV_STREAM_BYTES;
        assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 0.75f, x, ldx, 0.0f, y_plain, 1));
        lci_csr_mv_stream_bytes = 0;
        assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 0.75f, x, ldx, 0.0f, y_stream, 1));
        lci_csr_mv_stream_bytes = LCI_CSR_MV_STREAM_BYTES;
        assert_memory_equal(y_plain, y_stream, sizeof y_plain);
    }
    lc_mat_free(A);
    free(a), free(x);
}

static void test_stream_identical(void **state) {
    (void)state;
    tu_each_isa(stream_body);
}

// Entries a format does not store are never multiplied; stored ones (explicit zeros, the zeros
// filling a BSR tile, an N:M group's kept zeros) follow IEEE. Every sparse variant, both
// layouts, SpMV (n = 1) and SpMM (n = 9) kernels; the expected result comes from the stored
// entries themselves (the format's CSR view), in double.
static void test_structural_zeros(void **state) {
    (void)state;
    // A = [[2, 0(explicit), .], [., ., 3]]: 2×3 with an explicit zero at (0, 1).
    int64_t ptr[] = {0, 2, 3};
    int32_t col[] = {0, 1, 2};
    float val[] = {2.0f, 0.0f, 3.0f};
    const float a[6] = {2.0f, 0.0f, 0.0f, 0.0f, 0.0f, 3.0f};
    for (size_t f = 1; f < NVARIANTS; f++) { // every variant but dense
        for (size_t l = 0; l < 2; l++) {
            for (int64_t n = 1; n <= 9; n += 8) {
                lc_mat *A = NULL;
                if (variants[f].format == LC_FORMAT_CSR) {
                    assert_ok(lc_mat_create_csr(&A, 2, 3, ptr, col, val));
                    csr_variant(A, variants[f].tiles);
                } else {
                    A = make_variant(&variants[f], 2, 3, a, 3); // COO drops the explicit zero
                }
                lci_csr_view v;
                assert_ok(A->vt->to_csr(A, false, &v));
                bool cols = layouts[l] == LC_LAYOUT_COLS;
                int64_t ldx = cols ? n : 3, ldy = cols ? n : 2;
                float x[3 * 9], y[2 * 9];
                // Column k of every vector: [1, Inf, 1], then [1, 1, NaN]: each meets exactly
                // the rows that store column 1 (then 2), with whatever value they store there.
                for (int pass = 0; pass < 2; pass++) {
                    double xk[3];
                    for (int64_t k = 0; k < 3; k++)
                        xk[k] = pass == 0 ? (k == 1 ? INFINITY : 1.0) : (k == 2 ? NAN : 1.0);
                    for (int64_t j = 0; j < n; j++)
                        for (int64_t k = 0; k < 3; k++)
                            x[cols ? k * ldx + j : j * ldx + k] = (float)xk[k];
                    assert_ok(lc_mat_mm(A, layouts[l], n, 1.0f, x, ldx, 0.0f, y, ldy));
                    for (int64_t i = 0; i < 2; i++) {
                        double want = 0;
                        for (int64_t p = v.ptr[i]; p < v.ptr[i + 1]; p++)
                            want += v.val[p] * xk[v.col[p]];
                        for (int64_t j = 0; j < n; j++) {
                            float got = y[cols ? i * ldy + j : j * ldy + i];
                            if (isnan(want) ? !isnan(got) : got != (float)want)
                                fail_msg("%s: y(%lld) = %g, stored entries give %g (pass %d)",
                                         variants[f].name, (long long)i, got, want, pass);
                        }
                    }
                }
                // The plain CSR source: row 0 meets Inf through its explicit zero, row 1 not.
                if (f == 2) assert_true(v.ptr[1] == 2 && v.val[1] == 0.0f);
                lci_csr_view_release(&v);
                lc_mat_free(A);
            }
        }
    }
}

// OpenBLAS's OpenMP build follows OpenMP's thread count at every call.
static void set_blas_threads(int t) {
#ifdef _OPENMP
    omp_set_num_threads(t);
#endif
    openblas_set_num_threads(t);
}

// Bitwise identical results for 1 and 2 threads, each format, layout and ISA level.
static void threads_body(void) {
    // K above ~320 makes OpenBLAS split K differently per thread count.
    const int64_t shapes2[][3] = {{400, 600, 64}, {2000, 1500, 1}, {257, 513, 37}, {300, 1000, 1}};
    for (size_t s = 0; s < 4; s++) {
        int64_t m = shapes2[s][0], k = shapes2[s][1], n = shapes2[s][2];
        for (size_t l = 0; l < 2; l++) {
            case_data c;
            lci_rng rng;
            lci_rng_seed(&rng, 99 + s);
            case_alloc(&c, layouts[l], m, k, n, 1);
            tu_random_sparse_dense(&rng, m, k, c.lda, 0.1, 1, c.a);
            int cols = layouts[l] == LC_LAYOUT_COLS;
            int64_t xr = cols ? k : n, yr = cols ? m : n;
            tu_fill(&rng, c.x, xr * c.ldx);
            tu_fill(&rng, c.y0, yr * c.ldy);
            for (size_t f = 0; f < NVARIANTS; f++) {
                lc_mat *A = make(&variants[f], &c);
                size_t bytes = (size_t)(yr * c.ldy) * sizeof(float);
                float *y1 = malloc(bytes), *y2 = malloc(bytes);
                // lacuna's threads and the BLAS's threads both vary (the dense format calls
                // the BLAS); (1, 1) is the reference.
                const int config[][2] = {{1, 1}, {2, 2}, {1, 2}, {2, 1}};
                for (int t = 0; t < 4; t++) {
                    memcpy(t ? y2 : y1, c.y0, bytes);
                    assert_ok(lc_threads_set(config[t][0]));
                    set_blas_threads(config[t][1]);
                    assert_ok(
                        lc_mat_mm(A, layouts[l], n, 0.7f, c.x, c.ldx, 0.3f, t ? y2 : y1, c.ldy));
                    if (t && memcmp(y1, y2, bytes))
                        fail_msg("%s %s isa=%s %lld×%lld n=%lld: threads (%d lacuna, %d BLAS) "
                                 "differ from (1, 1)",
                                 variants[f].name, cols ? "cols" : "rows",
                                 lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
                                 (long long)n, config[t][0], config[t][1]);
                }
                free(y1), free(y2);
                lc_mat_free(A);
            }
            case_free(&c);
        }
    }
    assert_ok(lc_threads_set(0));
    set_blas_threads(2);
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// Bad arguments: each returns LC_ERR_ARG (or OVERFLOW) and leaves Y alone.
static void test_bad_args(void **state) {
    (void)state;
    float a[6] = {1, 2, 3, 4, 5, 6}, x[16] = {0}, y[16], sentinel[16];
    for (int i = 0; i < 16; i++) y[i] = sentinel[i] = 7.0f + (float)i;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_dense(&A, 2, 3, a, 3));
    assert_status(lc_mat_mm(NULL, LC_LAYOUT_COLS, 1, 1, x, 1, 0, y, 1), LC_ERR_ARG);
    assert_status(lc_mat_mm(A, (lc_layout)7, 1, 1, x, 1, 0, y, 1), LC_ERR_ARG);
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, -1, 1, x, 1, 0, y, 1), LC_ERR_ARG);
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, 2, 1, x, 1, 0, y, 2), LC_ERR_ARG); // ldx < n
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, 2, 1, x, 2, 0, y, 1), LC_ERR_ARG); // ldy < n
    assert_status(lc_mat_mm(A, LC_LAYOUT_ROWS, 2, 1, x, 2, 0, y, 2), LC_ERR_ARG); // ldx < K
    assert_status(lc_mat_mm(A, LC_LAYOUT_ROWS, 2, 1, x, 3, 0, y, 1), LC_ERR_ARG); // ldy < M
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 1, NULL, 1, 0, y, 1), LC_ERR_ARG);
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 1, x, 1, 0, NULL, 1), LC_ERR_ARG);
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 1, x, 1, 0, x + 1, 1), LC_ERR_ARG); // overlap
    assert_status(lc_mat_mm(A, LC_LAYOUT_ROWS, 3, 1, y, 3, 0, y + 8, 2), LC_ERR_ARG); // overlap
    assert_status(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 1, x, INT64_MAX, 0, y, 1), LC_ERR_OVERFLOW);
    assert_true(strlen(lc_last_error()) > 0);
    assert_memory_equal(y, sentinel, sizeof y); // no failing call wrote Y
    // Touching but not overlapping is fine.
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 1, y, 1, 0, y + 3, 1));
    assert_true(strlen(lc_last_error()) == 0);
    assert_status(lc_mat_mv(A, 1, x, 0, x), LC_ERR_ARG);
    size_t ws;
    assert_status(lc_mat_workspace_size(A, LC_LAYOUT_COLS, -1, &ws), LC_ERR_ARG);
    assert_status(lc_mat_workspace_size(NULL, LC_LAYOUT_COLS, 1, &ws), LC_ERR_ARG);
    lc_mat_free(A);
}

// lc_mat_mm_ws: enough workspace means no allocation at all; too little is LC_ERR_ARG.
static void test_workspace(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 5);
    const int64_t m = 50, k = 60, n = 20;
    float *a = malloc(m * k * 4), *x = malloc(n * k * 4), *y1 = malloc(n * m * 4),
          *y2 = malloc(n * m * 4);
    tu_random_sparse_dense(&rng, m, k, k, 0.3, 0, a);
    tu_fill(&rng, x, n * k);
    for (size_t f = 0; f < NVARIANTS; f++) {
        for (size_t l = 0; l < 2; l++) {
            lc_mat *A = make_variant(&variants[f], m, k, a, k);
            int cols = layouts[l] == LC_LAYOUT_COLS;
            int64_t ldx = cols ? n : k, ldy = cols ? n : m;
            for (int64_t nn = 1; nn <= n; nn += n - 1) {
                size_t ws = 0;
                assert_ok(lc_mat_workspace_size(A, layouts[l], nn, &ws));
                void *work = ws ? aligned_alloc(64, (ws + 63) / 64 * 64) : NULL;
                memset(y1, 0, n * m * 4), memset(y2, 0, n * m * 4);
                assert_ok(lc_mat_mm(A, layouts[l], nn, 1.0f, x, ldx, 0.0f, y1, ldy));
                tu_alloc_install();
                int64_t before = tu_alloc_count();
                assert_ok(lc_mat_mm_ws(A, layouts[l], nn, 1.0f, x, ldx, 0.0f, y2, ldy, work, ws));
                assert_int_equal(tu_alloc_count(), before);
                tu_alloc_uninstall();
                assert_memory_equal(y1, y2, (size_t)(cols ? m * ldy : nn * ldy) * 4);
                if (ws) {
                    assert_status(
                        lc_mat_mm_ws(A, layouts[l], nn, 1.0f, x, ldx, 0.0f, y2, ldy, work, ws - 1),
                        LC_ERR_ARG);
                    assert_status(
                        lc_mat_mm_ws(A, layouts[l], nn, 1.0f, x, ldx, 0.0f, y2, ldy, NULL, 0),
                        LC_ERR_ARG);
                }
                free(work);
            }
            lc_mat_free(A);
        }
    }
    free(a), free(x), free(y1), free(y2);
}

// The kernel registry resolves every kernel at every level the CPU has.
static void test_registry(void **state) {
    (void)state;
    for (int id = 0; id < LCI_KERNEL_COUNT; id++) {
        assert_non_null(lci_kernel_get_at((lci_kernel_id)id, LC_ISA_GENERIC));
        for (int isa = LC_ISA_AVX2; isa <= (int)lc_isa_detected(); isa++)
            assert_non_null(lci_kernel_get_at((lci_kernel_id)id, (lc_isa)isa));
        assert_non_null(lci_kernel_get((lci_kernel_id)id));
    }
    assert_null(lci_kernel_get_at(LCI_KERNEL_CSR_MM, (lc_isa)(lc_isa_detected() + 1)));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),         cmocka_unit_test(test_edge_shapes),
        cmocka_unit_test(test_random_shapes),    cmocka_unit_test(test_mv),
        cmocka_unit_test(test_stream_identical), cmocka_unit_test(test_structural_zeros),
        cmocka_unit_test(test_thread_identity),  cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_workspace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
