// test_random_mat.c: lci_random_csr: exact entry count, rows within one entry of each other,
// sorted distinct columns, values in [-1, 1) and never 0, determinism, bad arguments,
// allocation failures.
#include "testutil.h"
#include "core/mat.h"
#include "core/random_mat.h"

#include <math.h>
#include <string.h>

static const struct {
    int64_t m, k;
    double density;
} cases[] = {{7, 13, 0.3},     {100, 1000, 0.01}, {64, 64, 1.0},  {5, 3, 1e-9},
             {1000, 10, 0.55}, {1, 1, 1.0},       {3, 5000, 0.9}, {33, 17, 0.5}};

// Checks one matrix and returns its canonical CSR view (owned by the caller).
static void check_matrix(const lc_mat *a, int64_t m, int64_t k, double density, lci_csr_view *v) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(a, &info));
    assert_int_equal(info.format, LC_FORMAT_CSR);
    int64_t want = lci_density_count(density, m, k);
    assert_int_equal(info.stored, want);
    assert_ok(a->vt->to_csr(a, false, v));
    assert_int_equal(v->nnz, want);
    int64_t lo = want / m, hi = lo + (want % m != 0);
    for (int64_t i = 0; i < m; i++) {
        int64_t len = v->ptr[i + 1] - v->ptr[i];
        if (len < lo || len > hi)
            fail_msg("%lld×%lld d=%g: row %lld has %lld entries, want %lld..%lld", (long long)m,
                     (long long)k, density, (long long)i, (long long)len, (long long)lo,
                     (long long)hi);
        for (int64_t p = v->ptr[i]; p < v->ptr[i + 1]; p++) {
            assert_true(v->col[p] >= 0 && v->col[p] < k);
            if (p > v->ptr[i]) assert_true(v->col[p] > v->col[p - 1]);
            assert_true(v->val[p] >= -1.0f && v->val[p] < 1.0f && v->val[p] != 0.0f);
        }
    }
}

static void test_shapes(void **state) {
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lc_mat *a = NULL, *b = NULL, *other = NULL;
        lci_csr_view va, vb, vo;
        assert_ok(lci_random_csr(&a, cases[c].m, cases[c].k, cases[c].density, 42));
        assert_ok(lci_random_csr(&b, cases[c].m, cases[c].k, cases[c].density, 42));
        assert_ok(lci_random_csr(&other, cases[c].m, cases[c].k, cases[c].density, 43));
        check_matrix(a, cases[c].m, cases[c].k, cases[c].density, &va);
        check_matrix(b, cases[c].m, cases[c].k, cases[c].density, &vb);
        check_matrix(other, cases[c].m, cases[c].k, cases[c].density, &vo);
        // Same seed: identical; another seed: different values (when there are any).
        assert_memory_equal(va.ptr, vb.ptr, (size_t)(va.m + 1) * sizeof *va.ptr);
        assert_memory_equal(va.col, vb.col, (size_t)va.nnz * sizeof *va.col);
        assert_memory_equal(va.val, vb.val, (size_t)va.nnz * sizeof *va.val);
        if (va.nnz > 0) assert_true(memcmp(va.val, vo.val, (size_t)va.nnz * sizeof *va.val));
        lci_csr_view_release(&va), lci_csr_view_release(&vb), lci_csr_view_release(&vo);
        lc_mat_free(a), lc_mat_free(b), lc_mat_free(other);
    }
}

// Columns are uniform: over many rows each column is chosen about equally often.
static void test_uniform_columns(void **state) {
    (void)state;
    const int64_t m = 20000, k = 10;
    lc_mat *a = NULL;
    lci_csr_view v;
    assert_ok(lci_random_csr(&a, m, k, 0.3, 5)); // 3 of 10 per row
    assert_ok(a->vt->to_csr(a, false, &v));
    int64_t count[10] = {0};
    for (int64_t p = 0; p < v.nnz; p++) count[v.col[p]]++;
    double expect = (double)v.nnz / k; // 6000, standard deviation about 70
    for (int c = 0; c < k; c++)
        if (fabs((double)count[c] - expect) > 6 * sqrt(expect))
            fail_msg("column %d chosen %lld times, expected about %.0f", c, (long long)count[c],
                     expect);
    lci_csr_view_release(&v);
    lc_mat_free(a);
}

static void test_bad_args(void **state) {
    (void)state;
    lc_mat *a = NULL;
    assert_status(lci_random_csr(NULL, 4, 4, 0.5, 1), LC_ERR_ARG);
    assert_status(lci_random_csr(&a, -1, 4, 0.5, 1), LC_ERR_ARG);
    assert_status(lci_random_csr(&a, 4, -1, 0.5, 1), LC_ERR_ARG);
    assert_status(lci_random_csr(&a, 4, 4, 0.0, 1), LC_ERR_ARG);
    assert_status(lci_random_csr(&a, 4, 4, 1.5, 1), LC_ERR_ARG);
    assert_status(lci_random_csr(&a, 4, 4, NAN, 1), LC_ERR_ARG);
    assert_status(lci_random_csr(&a, (int64_t)INT32_MAX + 1, 4, 0.5, 1), LC_ERR_OVERFLOW);
    assert_null(a);
    // Empty shapes are valid and store nothing.
    assert_ok(lci_random_csr(&a, 0, 5, 0.5, 1));
    lc_mat_free(a);
}

typedef struct inject_ctx {
    lc_mat *a;
} inject_ctx;

static lc_status inject_call(void *vctx) {
    inject_ctx *c = vctx;
    return lci_random_csr(&c->a, 50, 40, 0.2, 9);
}

static void inject_cleanup(void *vctx) {
    inject_ctx *c = vctx;
    lc_mat_free(c->a);
    c->a = NULL;
}

static void test_alloc_failures(void **state) {
    (void)state;
    inject_ctx c = {NULL};
    assert_true(tu_inject_each(inject_call, inject_cleanup, &c) > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_uniform_columns),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
