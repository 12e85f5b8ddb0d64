// test_random_mat.c: lci_random_csr and lci_random_csr_powerlaw: exact entry count, row lengths
// (within one entry of each other; within one entry of the capped power-law quotas), the skew of
// the power law, sorted distinct columns, values in [-1, 1) and never 0, determinism, bad
// arguments, allocation failures.
#include "testutil.h"
#include "core/mat.h"
#include "core/random_mat.h"

#include <math.h>
#include <stdlib.h>
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

// ---- power law ----

static const struct {
    int64_t m, k;
    double density, exponent;
} pl_cases[] = {{7, 13, 0.3, 1.2},  {100, 1000, 0.01, 1.2}, {64, 64, 1.0, 1.2},
                {5, 3, 1e-9, 1.2},  {1000, 10, 0.55, 1.2},  {1, 1, 1.0, 1.2},
                {3, 5000, 0.9, 2},  {33, 17, 0.5, 0},       {256, 256, 0.2, 1.2},
                {300, 200, 0.6, 8}, {50, 4000, 0.3, 0.5},   {128, 1, 0.5, 1.2}};

// Checks one matrix (entry count, rows within [0, k], sorted distinct columns, values) and
// returns its canonical CSR view (owned by the caller).
static void check_powerlaw(const lc_mat *a, int64_t m, int64_t k, double density, lci_csr_view *v) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(a, &info));
    assert_int_equal(info.format, LC_FORMAT_CSR);
    int64_t want = lci_density_count(density, m, k);
    assert_int_equal(info.stored, want);
    assert_ok(a->vt->to_csr(a, false, v));
    assert_int_equal(v->nnz, want);
    for (int64_t i = 0; i < m; i++) {
        assert_true(v->ptr[i + 1] - v->ptr[i] <= k);
        for (int64_t p = v->ptr[i]; p < v->ptr[i + 1]; p++) {
            assert_true(v->col[p] >= 0 && v->col[p] < k);
            if (p > v->ptr[i]) assert_true(v->col[p] > v->col[p - 1]);
            assert_true(v->val[p] >= -1.0f && v->val[p] < 1.0f && v->val[p] != 0.0f);
        }
    }
}

static int cmp_desc_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x < y) - (x > y);
}

// The row lengths, longest first (caller frees).
static int64_t *sorted_lengths(const lci_csr_view *v) {
    int64_t *len = malloc((size_t)(v->m > 0 ? v->m : 1) * sizeof *len);
    assert_non_null(len);
    for (int64_t i = 0; i < v->m; i++) len[i] = v->ptr[i + 1] - v->ptr[i];
    qsort(len, (size_t)v->m, sizeof *len, cmp_desc_i64);
    return len;
}

// The law itself, recomputed plainly: the r-th longest row is within one entry of the real
// quota of rank r, (r+1)^-a in proportion, with the ranks over k capped at k and their excess
// shared among the others.
static void check_quotas(const lci_csr_view *v, double a) {
    int64_t m = v->m, k = v->k, *len = sorted_lengths(v);
    double *q = malloc((size_t)m * sizeof *q);
    assert_non_null(q);
    int64_t capped = 0;
    for (;;) { // water-filling: cap, recompute the others, until no quota exceeds k
        double rest = (double)(v->nnz - capped * k), sum = 0;
        for (int64_t r = capped; r < m; r++) sum += pow((double)(r + 1), -a);
        int64_t c = capped;
        for (int64_t r = capped; r < m; r++) q[r] = rest * pow((double)(r + 1), -a) / sum;
        while (c < m && q[c] > (double)k + 1e-9) c++;
        if (c == capped) break;
        capped = c;
    }
    for (int64_t r = 0; r < m; r++) {
        double want = r < capped ? (double)k : q[r];
        if (fabs((double)len[r] - want) >= 1.0 + 1e-9)
            fail_msg("%lld×%lld a=%g: the %lld-th longest row has %lld entries, quota %.3f",
                     (long long)m, (long long)k, a, (long long)r, (long long)len[r], want);
    }
    free(q);
    free(len);
}

static void test_powerlaw_shapes(void **state) {
    (void)state;
    for (size_t c = 0; c < sizeof pl_cases / sizeof pl_cases[0]; c++) {
        int64_t m = pl_cases[c].m, k = pl_cases[c].k;
        double d = pl_cases[c].density, e = pl_cases[c].exponent;
        lc_mat *a = NULL, *b = NULL, *other = NULL;
        lci_csr_view va, vb, vo;
        assert_ok(lci_random_csr_powerlaw(&a, m, k, d, e, 42));
        assert_ok(lci_random_csr_powerlaw(&b, m, k, d, e, 42));
        assert_ok(lci_random_csr_powerlaw(&other, m, k, d, e, 43));
        check_powerlaw(a, m, k, d, &va);
        check_powerlaw(b, m, k, d, &vb);
        check_powerlaw(other, m, k, d, &vo);
        check_quotas(&va, e);
        // Same seed: identical; another seed: different values (when there are any).
        assert_memory_equal(va.ptr, vb.ptr, (size_t)(va.m + 1) * sizeof *va.ptr);
        assert_memory_equal(va.col, vb.col, (size_t)va.nnz * sizeof *va.col);
        assert_memory_equal(va.val, vb.val, (size_t)va.nnz * sizeof *va.val);
        if (va.nnz > 0) assert_true(memcmp(va.val, vo.val, (size_t)va.nnz * sizeof *va.val));
        lci_csr_view_release(&va), lci_csr_view_release(&vb), lci_csr_view_release(&vo);
        lc_mat_free(a), lc_mat_free(b), lc_mat_free(other);
    }
}

// Capped: at 512×512 with 80% zeros the heaviest ranks ask for more than K entries; they are
// full rows, the sum stays exact, and the lightest row still holds something.
static void test_powerlaw_cap(void **state) {
    (void)state;
    const int64_t m = 512, k = 512;
    lc_mat *a = NULL;
    lci_csr_view v;
    assert_ok(lci_random_csr_powerlaw(&a, m, k, 0.2, LCI_POWERLAW_EXPONENT, 3));
    assert_ok(a->vt->to_csr(a, false, &v));
    int64_t *len = sorted_lengths(&v), full = 0, sum = 0;
    for (int64_t i = 0; i < m; i++) full += len[i] == k, sum += len[i];
    assert_int_equal(sum, lci_density_count(0.2, m, k));
    assert_true(full >= 2);
    assert_true(len[m - 1] >= 1);
    free(len);
    lci_csr_view_release(&v);
    lc_mat_free(a);
}

// The default exponent's skew, where no row is capped: the top 1% of 1000 rows hold more than
// half of the entries (57% by the law), while the uniform generator gives them 1%.
static void test_powerlaw_skew(void **state) {
    (void)state;
    const int64_t m = 1000, k = 100000;
    lc_mat *a = NULL;
    lci_csr_view v;
    assert_ok(lci_random_csr_powerlaw(&a, m, k, 0.001, LCI_POWERLAW_EXPONENT, 11));
    assert_ok(a->vt->to_csr(a, false, &v));
    assert_int_equal(v.nnz, 100000);
    int64_t *len = sorted_lengths(&v), top = 0;
    for (int64_t i = 0; i < m / 100; i++) top += len[i];
    if (!(top * 2 > v.nnz))
        fail_msg("top 1%% of rows hold %lld of %lld entries", (long long)top, (long long)v.nnz);
    assert_true(len[0] < k); // uncapped
    // Rows are placed by a random permutation: the heaviest row is not simply row 0.
    int64_t heaviest = 0;
    for (int64_t i = 1; i < m; i++)
        if (v.ptr[i + 1] - v.ptr[i] > v.ptr[heaviest + 1] - v.ptr[heaviest]) heaviest = i;
    assert_true(heaviest != 0);
    free(len);
    lci_csr_view_release(&v);
    lc_mat_free(a);
}

static void test_powerlaw_bad_args(void **state) {
    (void)state;
    lc_mat *a = NULL;
    double e = LCI_POWERLAW_EXPONENT;
    assert_status(lci_random_csr_powerlaw(NULL, 4, 4, 0.5, e, 1), LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, -1, 4, 0.5, e, 1), LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, 4, 4, 0.0, e, 1), LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, 4, 4, 1.5, e, 1), LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, 4, 4, 0.5, -0.1, 1), LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, 4, 4, 0.5, NAN, 1), LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, 4, 4, 0.5, LCI_POWERLAW_MAX_EXPONENT + 0.5, 1),
                  LC_ERR_ARG);
    assert_status(lci_random_csr_powerlaw(&a, (int64_t)INT32_MAX + 1, 4, 0.5, e, 1),
                  LC_ERR_OVERFLOW);
    assert_null(a);
    // Empty shapes are valid and store nothing.
    assert_ok(lci_random_csr_powerlaw(&a, 0, 5, 0.5, e, 1));
    lc_mat_free(a);
    a = NULL;
    assert_ok(lci_random_csr_powerlaw(&a, 5, 0, 0.5, e, 1));
    lc_mat_free(a);
}

typedef struct inject_ctx {
    lc_mat *a;
} inject_ctx;

static lc_status inject_call(void *vctx) {
    inject_ctx *c = vctx;
    return lci_random_csr(&c->a, 50, 40, 0.2, 9);
}

static lc_status inject_powerlaw(void *vctx) {
    inject_ctx *c = vctx;
    return lci_random_csr_powerlaw(&c->a, 50, 40, 0.2, LCI_POWERLAW_EXPONENT, 9);
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
    assert_true(tu_inject_each(inject_powerlaw, inject_cleanup, &c) > 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_uniform_columns),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_powerlaw_shapes),
        cmocka_unit_test(test_powerlaw_cap),
        cmocka_unit_test(test_powerlaw_skew),
        cmocka_unit_test(test_powerlaw_bad_args),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
