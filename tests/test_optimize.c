// test_optimize.c: lc_mat_optimize: argument checks, formats with nothing to repack, the memory
// it reports, wide matrices (several 16-bit tiles), and allocation failure while optimising
// leaving the matrix exactly as it was.
#include "testutil.h"
#include "formats/csr/csr.h"

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
    assert_ok(lc_mat_optimize(A, 256));
    assert_ok(lc_mat_info(A, &opt));
    assert_true(opt.extra_bytes > 0);
    // 16-bit columns: fewer bytes per entry (6 instead of 8) than the plain arrays.
    assert_true(opt.bytes < plain.bytes);
    assert_int_equal(opt.stored, plain.stored);
    assert_ok(lc_mat_optimize(A, 64));
    assert_ok(lc_mat_info(A, &again));
    assert_int_equal(again.extra_bytes, opt.extra_bytes);
    lc_mat_free(A);
}

// K above 65536: the 16-bit in-tile columns need several tiles.
static void test_wide(void **state) {
    (void)state;
    const int64_t m = 40, k = 70001, n = 9;
    float *a = NULL;
    lc_mat *A = random_csr(m, k, 0.002, 2, &a);
    assert_ok(lc_mat_optimize(A, n));
    const lci_csr *c = (const lci_csr *)A;
    assert_non_null(c->tiles);
    assert_true(c->tiles->count >= 2);
    float *x = malloc(k * n * sizeof *x), *y = malloc(m * n * sizeof *y);
    double *ref = malloc(m * n * sizeof *ref), *bound = malloc(m * n * sizeof *bound);
    lci_rng rng;
    lci_rng_seed(&rng, 3);
    tu_fill(&rng, x, k * n);
    tu_reference(LC_LAYOUT_COLS, m, k, n, 1.0f, a, k, x, n, 0.0f, y, n, ref, bound);
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, n, 1.0f, x, n, 0.0f, y, n));
    tu_check(LC_LAYOUT_COLS, m, n, y, n, ref, bound, "csr optimized, K = 70001");
    free(a), free(x), free(y), free(ref), free(bound);
    lc_mat_free(A);
}

// Fail the k-th allocation of lc_mat_optimize for every k, on a plain matrix and on one that
// already has a layout: each failure is LC_ERR_NOMEM, leaks nothing, and the matrix gives
// bitwise the same products and info as before.
static void check_failures(lc_mat *A) {
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
        lc_status st = lc_mat_optimize(A, 64);
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
    check_failures(A);                        // plain → optimised
    assert_ok(lci_csr_optimize_tiles(A, 32)); // a different layout in place
    check_failures(A);                        // optimised → re-optimised
    lc_mat_free(A);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args_and_formats),
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
