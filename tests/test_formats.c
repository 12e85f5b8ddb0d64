// test_formats.c: constructors (validation, copying, canonicalisation), conversions between
// dense, COO and CSR, magnitude pruning in lc_mat_from_dense / lc_mat_convert, lc_mat_info.
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_create_dense(void **state) {
    (void)state;
    float a[6] = {1, 2, 3, 4, 5, 6};
    lc_mat *A = NULL;
    assert_status(lc_mat_create_dense(NULL, 2, 3, a, 3), LC_ERR_ARG);
    assert_status(lc_mat_create_dense(&A, -1, 3, a, 3), LC_ERR_ARG);
    assert_status(lc_mat_create_dense(&A, 2, 3, a, 2), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "lda"));
    assert_status(lc_mat_create_dense(&A, 2, 3, NULL, 3), LC_ERR_ARG);
    assert_status(lc_mat_create_dense(&A, (int64_t)INT32_MAX + 1, 1, a, 1), LC_ERR_OVERFLOW);
    // 2^62 elements: the byte count overflows before any allocation is tried.
    assert_status(lc_mat_create_dense(&A, INT32_MAX, INT32_MAX, a, INT32_MAX), LC_ERR_OVERFLOW);
    assert_null(A);
    // A padded source (lda 4): the matrix is a copy, independent of the caller's array.
    float b[8] = {1, 2, 3, -1, 4, 5, 6, -1};
    assert_ok(lc_mat_create_dense(&A, 2, 3, b, 4));
    b[0] = 100;
    float *d = tu_dense_of(A);
    assert_memory_equal(d, a, sizeof a);
    free(d);
    lc_mat_free(A);
    // Empty shapes are valid matrices.
    assert_ok(lc_mat_create_dense(&A, 0, 5, NULL, 5));
    lc_mat_free(A);
    lc_mat_free(NULL);
}

static void test_create_coo(void **state) {
    (void)state;
    // Unsorted triplets with a duplicate at (1, 2) and an explicit zero at (0, 0).
    int32_t row[] = {1, 0, 1, 2, 1, 0};
    int32_t col[] = {2, 3, 0, 1, 2, 0};
    float val[] = {1.5f, 2.0f, 3.0f, 4.0f, 0.25f, 0.0f};
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_coo(&A, 3, 4, 6, row, col, val));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.format, LC_FORMAT_COO);
    assert_int_equal(info.stored, 5); // the duplicate merged, the explicit zero kept
    assert_int_equal(info.nonzeros, 4);
    assert_true(info.flops_per_col == 10.0);
    assert_int_equal(info.bytes, 5 * 12);
    float *d = tu_dense_of(A);
    float want[12] = {0, 0, 0, 2, 3, 0, 1.75f, 0, 0, 4, 0, 0};
    assert_memory_equal(d, want, sizeof want);
    free(d);
    lc_mat_free(A);
    A = NULL;
    // Errors name the entry.
    row[3] = 3;
    assert_status(lc_mat_create_coo(&A, 3, 4, 6, row, col, val), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "entry 3"));
    row[3] = 2, col[4] = -1;
    assert_status(lc_mat_create_coo(&A, 3, 4, 6, row, col, val), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "entry 4"));
    assert_status(lc_mat_create_coo(&A, 3, 4, -1, row, col, val), LC_ERR_ARG);
    assert_status(lc_mat_create_coo(&A, 3, 4, 2, NULL, col, val), LC_ERR_ARG);
    assert_null(A);
    assert_ok(lc_mat_create_coo(&A, 0, 0, 0, NULL, NULL, NULL));
    lc_mat_free(A);
}

static void test_create_csr(void **state) {
    (void)state;
    // Row 0 unsorted with a duplicate column 1, row 1 empty, row 2 sorted.
    int64_t ptr[] = {0, 4, 4, 6};
    int32_t col[] = {3, 1, 0, 1, 0, 2};
    float val[] = {1, 2, 3, 4, 5, 6};
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_csr(&A, 3, 4, ptr, col, val));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.stored, 5);
    assert_int_equal(info.nonzeros, 5);
    assert_int_equal(info.bytes, 5 * 8 + 4 * 8);
    // Dense: the nonzeros of a strided array (the padding between rows is not counted).
    float pad[] = {1, 0, 9, 0, 2, 9, 0, 0, 9};
    lc_mat *D = NULL;
    assert_ok(lc_mat_create_dense(&D, 3, 2, pad, 3));
    struct lc_mat_info dinfo;
    assert_ok(lc_mat_info(D, &dinfo));
    assert_int_equal(dinfo.stored, 6);
    assert_int_equal(dinfo.nonzeros, 2);
    lc_mat_free(D);
    float *d = tu_dense_of(A);
    float want[12] = {3, 6, 0, 1, 0, 0, 0, 0, 5, 0, 6, 0};
    assert_memory_equal(d, want, sizeof want);
    free(d);
    // Canonical order shows in the COO conversion: rows, then increasing columns.
    lc_mat *C = NULL;
    assert_ok(lc_mat_convert(&C, A, LC_FORMAT_COO, NULL));
    d = tu_dense_of(C);
    assert_memory_equal(d, want, sizeof want);
    free(d);
    lc_mat_free(C);
    lc_mat_free(A);
    A = NULL;
    int64_t bad0[] = {1, 4, 4, 6};
    assert_status(lc_mat_create_csr(&A, 3, 4, bad0, col, val), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "row_ptr[0]"));
    int64_t dec[] = {0, 4, 3, 6};
    assert_status(lc_mat_create_csr(&A, 3, 4, dec, col, val), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "row_ptr[2]"));
    col[5] = 4;
    assert_status(lc_mat_create_csr(&A, 3, 4, ptr, col, val), LC_ERR_FORMAT);
    assert_non_null(strstr(lc_last_error(), "col_idx[5]"));
    col[5] = 2;
    assert_status(lc_mat_create_csr(&A, 3, 4, NULL, col, val), LC_ERR_ARG);
    assert_status(lc_mat_create_csr(&A, 3, 4, ptr, NULL, val), LC_ERR_ARG);
    assert_status(lc_mat_create_csr(&A, 3, (int64_t)INT32_MAX + 1, ptr, col, val), LC_ERR_OVERFLOW);
    assert_null(A);
    // m > 0 with K = 0: all rows empty.
    int64_t zeros[] = {0, 0, 0};
    assert_ok(lc_mat_create_csr(&A, 2, 0, zeros, NULL, NULL));
    lc_mat_free(A);
}

// dense → coo → csr → dense (and every other path) reproduces the matrix exactly.
static void test_round_trips(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 21);
    const int64_t shapes[][2] = {{0, 0}, {1, 1}, {3, 0}, {0, 4}, {17, 33}, {64, 5}};
    const lc_format f[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    for (size_t s = 0; s < 6; s++) {
        int64_t m = shapes[s][0], k = shapes[s][1];
        float *a = calloc((size_t)(m * k + 1), sizeof *a);
        tu_random_sparse_dense(&rng, m, k, k, 0.3, 1, a);
        for (int from = 0; from < 3; from++) {
            lc_mat *A = NULL;
            assert_ok(lc_mat_from_dense(&A, f[from], m, k, a, k > 0 ? k : 1, NULL));
            for (int to = 0; to < 3; to++) {
                lc_mat *B = NULL;
                assert_ok(lc_mat_convert(&B, A, f[to], NULL));
                struct lc_mat_info ia, ib;
                assert_ok(lc_mat_info(B, &ib));
                assert_ok(lc_mat_info(A, &ia));
                assert_int_equal(ib.format, f[to]);
                assert_int_equal(ib.m, m);
                assert_int_equal(ib.k, k);
                float *d = tu_dense_of(B);
                assert_memory_equal(d, a, (size_t)(m * k) * sizeof *a);
                free(d);
                lc_mat_free(B);
            }
            lc_mat_free(A);
        }
        free(a);
    }
}

// Magnitude pruning keeps exactly round(density·M·K) largest entries, ties to the lower
// row-major index, in every format.
static void test_prune(void **state) {
    (void)state;
    const int64_t m = 6, k = 5;
    float a[30];
    for (int i = 0; i < 30; i++) a[i] = (float)((i * 7) % 11) - 5.0f; // ties and zeros
    const lc_format f[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    const double densities[] = {0.1, 0.25, 0.5, 0.9, 1.0};
    for (size_t di = 0; di < 5; di++) {
        int64_t want = (int64_t)round(densities[di] * 30);
        // Reference: rank by |a| descending, index ascending.
        uint8_t keep[30] = {0};
        for (int64_t t = 0; t < want; t++) {
            int best = -1;
            for (int i = 0; i < 30; i++)
                if (!keep[i] && (best < 0 || fabsf(a[i]) > fabsf(a[best]))) best = i;
            keep[best] = 1;
        }
        for (int fi = 0; fi < 3; fi++) {
            lc_mat *A = NULL;
            lc_mat_params p = {.density = densities[di]};
            assert_ok(lc_mat_from_dense(&A, f[fi], m, k, a, k, &p));
            struct lc_mat_info info;
            assert_ok(lc_mat_info(A, &info));
            if (f[fi] != LC_FORMAT_DENSE) assert_int_equal(info.stored, want);
            float *d = tu_dense_of(A);
            for (int i = 0; i < 30; i++) assert_true(d[i] == (keep[i] ? a[i] : 0.0f));
            free(d);
            lc_mat_free(A);
        }
    }
    // All-equal magnitudes: the first entries in row-major order win.
    float eq[12];
    for (int i = 0; i < 12; i++) eq[i] = i % 2 ? 1.0f : -1.0f;
    lc_mat *A = NULL;
    lc_mat_params p = {.density = 0.25};
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_CSR, 3, 4, eq, 4, &p));
    float *d = tu_dense_of(A);
    for (int i = 0; i < 12; i++) assert_true(d[i] == (i < 3 ? eq[i] : 0.0f));
    free(d);
    // Pruning a sparse matrix selects among its stored entries.
    lc_mat *B = NULL;
    lc_mat_params half = {.density = 1.0 / 12};
    assert_ok(lc_mat_convert(&B, A, LC_FORMAT_COO, &half));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(B, &info));
    assert_int_equal(info.stored, 1);
    lc_mat_free(B);
    // Lossless dense keeps every entry, the sign of a zero included.
    float nz[2] = {-0.0f, 1.0f};
    lc_mat *D = NULL;
    assert_ok(lc_mat_from_dense(&D, LC_FORMAT_DENSE, 1, 2, nz, 2, NULL));
    float *dd = tu_dense_of(D);
    assert_true(signbit(dd[0]) && dd[1] == 1.0f);
    free(dd);
    lc_mat_free(D);
    // density 0 keeps every nonzero, dropping zeros.
    float z[4] = {0, 1, 0, -2};
    B = NULL;
    assert_ok(lc_mat_from_dense(&B, LC_FORMAT_CSR, 2, 2, z, 2, NULL));
    assert_ok(lc_mat_info(B, &info));
    assert_int_equal(info.stored, 2);
    lc_mat_free(B);
    // Bad densities.
    lc_mat_params bad = {.density = 1.5};
    B = NULL;
    assert_status(lc_mat_from_dense(&B, LC_FORMAT_CSR, 2, 2, z, 2, &bad), LC_ERR_ARG);
    bad.density = NAN;
    assert_status(lc_mat_convert(&B, A, LC_FORMAT_CSR, &bad), LC_ERR_ARG);
    bad.density = -0.1;
    assert_status(lc_mat_convert(&B, A, LC_FORMAT_CSR, &bad), LC_ERR_ARG);
    assert_status(lc_mat_convert(&B, A, LC_FORMAT_COUNT, NULL), LC_ERR_UNSUPPORTED);
    assert_status(lc_mat_from_dense(&B, LC_FORMAT_CSR, 2, 2, z, 1, NULL), LC_ERR_ARG);
    assert_null(B);
    lc_mat_free(A);
}

static void test_info_and_to_dense(void **state) {
    (void)state;
    float a[6] = {1, 0, 2, 0, 0, 3};
    lc_mat *D = NULL, *S = NULL;
    assert_ok(lc_mat_create_dense(&D, 2, 3, a, 3));
    assert_ok(lc_mat_from_dense(&S, LC_FORMAT_CSR, 2, 3, a, 3, NULL));
    struct lc_mat_info di, si;
    assert_ok(lc_mat_info(D, &di));
    assert_ok(lc_mat_info(S, &si));
    assert_int_equal(di.stored, 6);
    assert_true(di.flops_per_col == 12.0);
    assert_int_equal(di.bytes, 24);
    assert_int_equal(si.stored, 3);
    assert_int_equal(si.useful, 3);
    assert_true(si.flops_per_col == 6.0 && si.exec_flops_per_col == 6.0);
    assert_int_equal(si.extra_bytes, 0);
    // to_dense with a padded destination leaves the padding alone.
    float out[2 * 5];
    for (int i = 0; i < 10; i++) out[i] = -9;
    assert_ok(lc_mat_to_dense(S, out, 5));
    float want[10] = {1, 0, 2, -9, -9, 0, 0, 3, -9, -9};
    assert_memory_equal(out, want, sizeof want);
    assert_status(lc_mat_to_dense(S, out, 2), LC_ERR_ARG);
    assert_status(lc_mat_to_dense(S, NULL, 3), LC_ERR_ARG);
    assert_status(lc_mat_info(NULL, &si), LC_ERR_ARG);
    assert_status(lc_mat_info(S, NULL), LC_ERR_ARG);
    lc_mat_free(D);
    lc_mat_free(S);
}

// A tall matrix with few entries costs memory per entry, not per row, in COO (from triplets
// and from a Matrix Market file).
static void test_tall_coo(void **state) {
    (void)state;
    int32_t row[] = {INT32_MAX - 1, 5, 5}, col[] = {0, 0, 0};
    float val[] = {1, 2, 3};
    lc_mat *A = NULL;
    tu_alloc_install();
    assert_ok(lc_mat_create_coo(&A, INT32_MAX, 1, 3, row, col, val));
    assert_true(tu_largest_alloc() < (1 << 20));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.stored, 2);
    lc_mat_free(A);
    A = NULL;
    const char *text = "%%MatrixMarket matrix coordinate real symmetric\n2147483647 2147483647 2\n"
                       "7 3 1\n2147483647 1 2\n";
    assert_ok(lc_mtx_read_mem(text, strlen(text), LC_FORMAT_COO, &A));
    assert_true(tu_largest_alloc() < (1 << 20));
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.stored, 4);
    lc_mat_free(A);
    tu_alloc_uninstall();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_dense), cmocka_unit_test(test_create_coo),
        cmocka_unit_test(test_create_csr),   cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_prune),        cmocka_unit_test(test_info_and_to_dense),
        cmocka_unit_test(test_tall_coo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
