// test_optimize.c: lc_mat_optimize: argument checks, formats with nothing to repack, the memory
// it reports, wide matrices (several 16-bit tiles), and allocation failure while optimising
// leaving the matrix exactly as it was.
#include "testutil.h"
#include "formats/csr/csr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static lc_mat *random_csr(int64_t m, int64_t k, double density, uint64_t seed, float **dense) {
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    float *a = calloc((size_t)(m * k), sizeof *a);
    tu_random_sparse_dense(&rng, m, k, k, density, 1, a);
    lc_mat *A = NULL;
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_CSR, m, k, a, k, NULL));
    if (dense)
        *dense = a;
    else
        free(a);
    return A;
}

static void test_args_and_formats(void **state) {
    (void)state;
    assert_status(lc_mat_optimize(NULL, 8), LC_ERR_ARG);
    float a[6] = {1, 0, 2, 0, 3, 0};
    const lc_format f[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    for (int i = 0; i < 3; i++) {
        lc_mat *A = NULL;
        assert_ok(lc_mat_from_dense(&A, f[i], 2, 3, a, 3, NULL));
        assert_status(lc_mat_optimize(A, 0), LC_ERR_ARG);
        assert_status(lc_mat_optimize(A, -5), LC_ERR_ARG);
        struct lc_mat_info before, after;
        assert_ok(lc_mat_info(A, &before));
        assert_ok(lc_mat_optimize(A, 1));
        assert_ok(lc_mat_optimize(A, 256));
        assert_ok(lc_mat_info(A, &after));
        if (f[i] != LC_FORMAT_CSR) assert_memory_equal(&before, &after, sizeof before);
        lc_mat_free(A);
    }
}

// The layout's memory shows in lc_mat_info; optimising again replaces it.
static void test_info(void **state) {
    (void)state;
    lc_mat *A = random_csr(300, 1000, 0.05, 1, NULL);
    struct lc_mat_info plain, opt, again;
    assert_ok(lc_mat_info(A, &plain));
    assert_int_equal(plain.extra_bytes, 0);
    assert_string_equal(plain.layout, "plain");
    // lc_mat_optimize keeps a layout only if it times faster here: either way info agrees.
    assert_ok(lc_mat_optimize(A, 256));
    assert_ok(lc_mat_info(A, &opt));
    const lci_csr *c = (const lci_csr *)A;
    assert_true((opt.extra_bytes > 0) == (c->tiles != NULL));
    // A kept layout serves at least one activation layout; info names what each one reads.
    assert_true((c->tiles != NULL) == (c->opt_layouts != 0));
    assert_string_equal(opt.layout, lci_csr_uses_opt(c, LC_LAYOUT_COLS) ? "tiles" : "plain");
    assert_string_equal(opt.layout_rows, lci_csr_uses_opt(c, LC_LAYOUT_ROWS) ? "tiles" : "plain");
    // The tiled layout itself (forced): its memory shows.
    assert_ok(lci_csr_optimize_tiles(A, lci_csr_tiles_width(c, 256)));
    assert_ok(lc_mat_info(A, &opt));
    assert_true(opt.extra_bytes > 0);
    assert_string_equal(opt.layout, "tiles");
    assert_string_equal(opt.layout_rows, "tiles");
    assert_int_equal(opt.bytes_rows, opt.bytes);
    // 16-bit columns: fewer bytes per entry (6 instead of 8) than the plain arrays.
    assert_true(opt.bytes < plain.bytes);
    assert_int_equal(opt.stored, plain.stored);
    assert_ok(lci_csr_optimize_tiles(A, lci_csr_tiles_width(c, 64)));
    assert_ok(lc_mat_info(A, &again));
    assert_int_equal(again.extra_bytes, opt.extra_bytes);
    // The decode layout replaces the tiles; its index bytes are 16-bit too.
    assert_ok(lci_csr_optimize_sell(A, lci_csr_sell_width(c, 1)));
    assert_ok(lc_mat_info(A, &again));
    assert_string_equal(again.layout, "sell");
    assert_true(again.extra_bytes > 0 && again.extra_bytes != opt.extra_bytes);
    assert_true(again.bytes < plain.bytes);
    lc_mat_free(A);
}

// A layout kept for one activation layout only (lc_mat_optimize keeps it where it timed
// faster): products in the other one run the plain kernels, bitwise as an unoptimised matrix
// does, with the plain workspace; lc_mat_info tells the two apart.
static void check_one_layout(int64_t n, bool sell) {
    const int64_t m = 300, k = 1000;
    lc_mat *A = random_csr(m, k, 0.05, 11, NULL), *P = random_csr(m, k, 0.05, 11, NULL);
    lci_csr *c = (lci_csr *)A;
    if (sell)
        assert_ok(lci_csr_optimize_sell(A, lci_csr_sell_width(c, n)));
    else
        assert_ok(lci_csr_optimize_tiles(A, lci_csr_tiles_width(c, n)));
    float *x = malloc(k * n * sizeof *x), *y_opt[2], *y_plain[2];
    lci_rng rng;
    lci_rng_seed(&rng, 12);
    tu_fill(&rng, x, k * n);
    for (int l = 0; l < 2; l++) {
        const lc_layout lay = (lc_layout)l;
        const int64_t ldx = lay == LC_LAYOUT_COLS ? n : k, ldy = lay == LC_LAYOUT_COLS ? n : m;
        y_opt[l] = malloc(m * n * sizeof(float)), y_plain[l] = malloc(m * n * sizeof(float));
        assert_ok(lc_mat_mm(A, lay, n, 1.0f, x, ldx, 0.0f, y_opt[l], ldy));
        assert_ok(lc_mat_mm(P, lay, n, 1.0f, x, ldx, 0.0f, y_plain[l], ldy));
    }
    struct lc_mat_info plain, both;
    assert_ok(lc_mat_info(P, &plain));
    assert_ok(lc_mat_info(A, &both));
    const char *name = sell ? "sell" : "tiles";
    for (int keep = 0; keep < 2; keep++) {
        const lc_layout kept = (lc_layout)keep, other = (lc_layout)(1 - keep);
        c->opt_layouts = 1u << keep;
        struct lc_mat_info in;
        assert_ok(lc_mat_info(A, &in));
        assert_string_equal(keep == LC_LAYOUT_COLS ? in.layout : in.layout_rows, name);
        assert_string_equal(keep == LC_LAYOUT_COLS ? in.layout_rows : in.layout, "plain");
        assert_int_equal(keep == LC_LAYOUT_COLS ? in.bytes : in.bytes_rows, both.bytes);
        assert_int_equal(keep == LC_LAYOUT_COLS ? in.bytes_rows : in.bytes, plain.bytes);
        assert_int_equal(in.extra_bytes, both.extra_bytes);
        size_t ws_a, ws_p;
        assert_ok(lc_mat_workspace_size(A, other, n, &ws_a));
        assert_ok(lc_mat_workspace_size(P, other, n, &ws_p));
        assert_int_equal(ws_a, ws_p);
        float *y = malloc(m * n * sizeof *y);
        for (int l = 0; l < 2; l++) {
            const lc_layout lay = (lc_layout)l;
            const int64_t ldx = lay == LC_LAYOUT_COLS ? n : k, ldy = lay == LC_LAYOUT_COLS ? n : m;
            assert_ok(lc_mat_mm(A, lay, n, 1.0f, x, ldx, 0.0f, y, ldy));
            // One contiguous vector is a rows-layout product in either layout (lc_mat_mm).
            const lc_layout runs = n == 1 ? LC_LAYOUT_ROWS : lay;
            const float *want = runs == kept ? y_opt[l] : y_plain[l];
            assert_memory_equal(y, want, (size_t)(m * n) * sizeof *y);
        }
        free(y);
    }
    free(x);
    for (int l = 0; l < 2; l++) free(y_opt[l]), free(y_plain[l]);
    lc_mat_free(A), lc_mat_free(P);
}

static void test_one_layout(void **state) {
    (void)state;
    check_one_layout(64, false); // tiles
    check_one_layout(1, true);   // SELL, one vector
    check_one_layout(3, true);   // SELL, several
}

// K above 65536: the 16-bit in-tile columns need several tiles.
static void test_wide(void **state) {
    (void)state;
    const int64_t m = 40, k = 70001, n = 9; // n: the most vectors used below
    float *a = NULL;
    lc_mat *A = random_csr(m, k, 0.002, 2, &a);
    float *x = malloc(k * n * sizeof *x), *y = malloc(m * n * sizeof *y);
    double *ref = malloc(m * n * sizeof *ref), *bound = malloc(m * n * sizeof *bound);
    lci_rng rng;
    lci_rng_seed(&rng, 3);
    tu_fill(&rng, x, k * n);
    const lci_csr *c = (const lci_csr *)A;
    // n = 9 uses the tiles, n = 3 the SELL layout: both need several 16-bit column tiles.
    const int64_t ns[] = {9, 3};
    for (int t = 0; t < 2; t++) {
        int64_t nn = ns[t];
        // The layouts the structure suggests (forced: lc_mat_optimize may time plain faster).
        if (t == 0) assert_ok(lci_csr_optimize_tiles(A, lci_csr_tiles_width(c, nn)));
        if (t == 1) assert_ok(lci_csr_optimize_sell(A, lci_csr_sell_width(c, nn)));
        if (t == 0) assert_true(c->tiles && c->tiles->count >= 2 && !c->sell);
        if (t == 1) assert_true(c->sell && c->sell->tiles >= 2 && !c->tiles);
        tu_reference(LC_LAYOUT_COLS, m, k, nn, 1.0f, a, k, x, nn, 0.0f, y, nn, ref, bound);
        assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, nn, 1.0f, x, nn, 0.0f, y, nn));
        tu_check(LC_LAYOUT_COLS, m, nn, y, nn, ref, bound, "csr optimized, K = 70001");
    }
    free(a), free(x), free(y), free(ref), free(bound);
    lc_mat_free(A);
}

// Fail the k-th allocation of lc_mat_optimize for every k, on a plain matrix and on one that
// already has a layout: each failure is LC_ERR_NOMEM, leaks nothing, and the matrix gives
// bitwise the same products and info as before.
static void check_failures(lc_mat *A, int64_t n_hint) {
    const int64_t m = A->m, k = A->k, n = 16;
    float *x = malloc(k * n * sizeof *x), *y0 = malloc(m * n * sizeof *y0),
          *y = malloc(m * n * sizeof *y);
    lci_rng rng;
    lci_rng_seed(&rng, 4);
    tu_fill(&rng, x, k * n);
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, n, 1.0f, x, n, 0.0f, y0, n));
    struct lc_mat_info before, after;
    assert_ok(lc_mat_info(A, &before));
    tu_alloc_install();
    for (int64_t fail = 0;; fail++) {
        int64_t live = tu_live();
        tu_fail_after(fail);
        lc_status st = lc_mat_optimize(A, n_hint);
        tu_fail_after(-1);
        if (st == LC_OK) break;
        assert_int_equal(st, LC_ERR_NOMEM);
        assert_int_equal(tu_live(), live);
        assert_ok(lc_mat_info(A, &after));
        assert_memory_equal(&before, &after, sizeof before);
        assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, n, 1.0f, x, n, 0.0f, y, n));
        assert_memory_equal(y, y0, (size_t)(m * n) * sizeof *y);
        assert_true(fail < 1000);
    }
    tu_alloc_uninstall();
    free(x), free(y0), free(y);
}

static void test_allocation_failure(void **state) {
    (void)state;
    lc_mat *A = random_csr(200, 700, 0.1, 5, NULL);
    check_failures(A, 64);                    // plain → tiles
    assert_ok(lci_csr_optimize_tiles(A, 32)); // a different layout in place
    check_failures(A, 64);                    // tiles → other tiles
    check_failures(A, 2);                     // tiles → SELL
    check_failures(A, 1);                     // SELL → SELL
    lc_mat_free(A);
}

// Padding of the SELL slices (short rows beside long ones) is masked: a NaN in x reaches only
// the rows that store its column. (The layout is forced: lc_mat_optimize may keep plain.)
static void test_padding_masked(void **state) {
    (void)state;
    enum { M = 37, K = 9 };
    int64_t ptr[M + 1];
    int32_t col[M * 4];
    float val[M * 4];
    int64_t q = 0;
    ptr[0] = 0;
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < i % 5; j++) col[q] = 1 + j + (i % 4), val[q++] = 1.0f;
        ptr[i + 1] = q;
    }
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_csr(&A, M, K, ptr, col, val));
    assert_ok(lci_csr_optimize_sell(A, 4096));
    float x[K], y[M];
    for (int k = 0; k < K; k++) x[k] = 1.0f;
    x[0] = NAN; // column 0 is stored nowhere: padding indices are 0
    assert_ok(lc_mat_mv(A, 1.0f, x, 0.0f, y));
    for (int i = 0; i < M; i++) assert_true(y[i] == (float)(i % 5));
    lc_mat_free(A);
}

// A few very long rows (power-law) go to the SELL overflow list instead of padding their
// slices: products stay within the bound of the reference and identical for 1 and 2 threads.
static void test_overflow(void **state) {
    (void)state;
    const int64_t m = 3000, k = 2000, n = 3;
    float *a = calloc((size_t)(m * k), sizeof *a);
    lci_rng rng;
    lci_rng_seed(&rng, 8);
    for (int64_t i = 0; i < m; i++) {
        int64_t len = i % 997 == 5 ? k : 4; // rows 5, 1002, 2007 are full
        for (int64_t j = 0; j < len; j++) {
            int64_t col = len == k ? j : (int64_t)lci_rng_below(&rng, (uint64_t)k);
            a[i * k + col] = lci_rng_float(&rng) + 2.0f;
        }
    }
    lc_mat *A = NULL;
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_CSR, m, k, a, k, NULL));
    const lci_csr *c = (const lci_csr *)A;
    assert_ok(lci_csr_optimize_sell(A, 4096)); // one tile: the overflow alone needs the sums
    assert_non_null(c->sell);
    assert_true(c->sell->ovf_items >= 3);
    float *x = malloc(n * k * sizeof *x), *y1 = malloc(n * m * sizeof *y1),
          *y2 = malloc(n * m * sizeof *y2);
    double *ref = malloc(m * n * sizeof *ref), *bound = malloc(m * n * sizeof *bound);
    tu_fill(&rng, x, n * k);
    tu_reference(LC_LAYOUT_ROWS, m, k, n, 1.5f, a, k, x, k, 0.0f, y1, m, ref, bound);
    assert_ok(lc_threads_set(1));
    assert_ok(lc_mat_mm(A, LC_LAYOUT_ROWS, n, 1.5f, x, k, 0.0f, y1, m));
    assert_ok(lc_threads_set(2));
    assert_ok(lc_mat_mm(A, LC_LAYOUT_ROWS, n, 1.5f, x, k, 0.0f, y2, m));
    assert_ok(lc_threads_set(0));
    tu_check(LC_LAYOUT_ROWS, m, n, y1, m, ref, bound, "SELL with overflow");
    assert_memory_equal(y1, y2, (size_t)(n * m) * sizeof *y1);
    free(a), free(x), free(y1), free(y2), free(ref), free(bound);
    lc_mat_free(A);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args_and_formats),   cmocka_unit_test(test_info),
        cmocka_unit_test(test_one_layout),         cmocka_unit_test(test_wide),
        cmocka_unit_test(test_allocation_failure), cmocka_unit_test(test_padding_masked),
        cmocka_unit_test(test_overflow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
