// test_toeplitz.c: the Toeplitz format T[i][j] = col[i − j] (i >= j), row[j − i] (i < j),
// applied through a circulant of fast length L >= M + K − 1: products (each ISA level, both
// layouts, alpha, beta, n = 0/1/odd, square, rectangular, M = 1, K = 1, primes, powers of two)
// against a double-precision reference from to_dense within the normwise bound of lacuna.h;
// to_dense (row[0] ignored), info; 1 vs 2 threads bitwise; the projection (exact on a Toeplitz
// matrix, the closed-form diagonal means, Frobenius-optimal); conversions; bad input, FFTW plan
// failure; allocation failures.
#include "fft_check.h"
#include "formats/circulant/circulant.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *random_vector(lci_rng *rng, int64_t n) {
    float *c = malloc((size_t)(n + 1) * sizeof *c);
    tu_fill(rng, c, n);
    return c;
}

// ‖t‖₂ of the M + K − 1 distinct values: col and row[1..K).
static double tnorm(const float *col, int64_t m, const float *row, int64_t k) {
    double s = 0;
    for (int64_t i = 0; i < m; i++) s += (double)col[i] * col[i];
    for (int64_t j = 1; j < k; j++) s += (double)row[j] * row[j];
    return sqrt(s);
}

static int64_t fft_len(const lc_mat *A) {
    return ((const lci_fftconv *)A)->len;
}

static const int64_t vector_counts[] = {0, 1, 2, 17, 33};

static void products_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 51);
    const struct {
        int64_t m, k;
    } shapes[] = {{1, 1},     {1, 2},     {2, 1},    {2, 3},    {5, 5},    {1, 300},
                  {300, 1},   {13, 29},   {64, 64},  {100, 37}, {37, 100}, {97, 127},
                  {257, 255}, {512, 513}, {1024, 1}, {700, 900}};
    const float alphas[] = {1.0f, -0.75f, 0.0f}, betas[] = {0.0f, 1.0f, 0.5f};
    double worst = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int64_t m = shapes[s].m, k = shapes[s].k;
        float *col = random_vector(&rng, m), *row = random_vector(&rng, k);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_toeplitz(&A, m, k, col, row));
        const int64_t len = fft_len(A);
        assert_true(len >= m + k - 1 && len == lci_fft_fast_len(m + k - 1));
        float *a = tu_dense_of(A);
        for (size_t q = 0; q < sizeof vector_counts / sizeof vector_counts[0]; q++)
            for (int l = 0; l < 2; l++) {
                size_t ab = (s + q + (size_t)l) % 9;
                double w = fc_check_product(A, a, len, tnorm(col, m, row, k), (lc_layout)l,
                                            vector_counts[q], alphas[ab / 3], betas[ab % 3],
                                            (int64_t)((s + q) % 3), &rng);
                if (w > worst) worst = w;
            }
        free(a), free(col), free(row);
        lc_mat_free(A);
    }
    print_message("toeplitz isa=%s: largest error / bound %.3g\n", lc_isa_name(lc_isa_get()),
                  worst);
}

static void test_products(void **state) {
    (void)state;
    tu_each_isa(products_body);
}

// to_dense is exact with row[0] ignored; info; K = 1 takes row NULL; empty shapes.
static void test_dense_and_info(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 52);
    const int64_t m = 9, k = 14;
    float *col = random_vector(&rng, m), *row = random_vector(&rng, k);
    row[0] = 1e6f; // ignored
    col[2] = 0.0f, row[3] = 0.0f;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_toeplitz(&A, m, k, col, row));
    float *d = tu_dense_of(A);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++)
            assert_true(d[i * k + j] == (i >= j ? col[i - j] : row[j - i]));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.format, LC_FORMAT_TOEPLITZ);
    assert_int_equal(info.stored, m + k - 1);
    assert_int_equal(info.nonzeros, m + k - 3);
    const int64_t len = fft_len(A);
    assert_int_equal(len, 24); // the smallest 7-smooth length >= 22
    assert_true(fabs(info.flops_per_col - (5.0 * len * log2((double)len) + 6.0 * (len / 2 + 1))) <
                1e-9);
    assert_int_equal(info.bytes, 8 * (len / 2 + 1));
    free(d);
    lc_mat_free(A);
    assert_ok(lc_mat_create_toeplitz(&A, m, 1, col, NULL));
    d = tu_dense_of(A);
    for (int64_t i = 0; i < m; i++) assert_true(d[i] == col[i]);
    free(d);
    lc_mat_free(A);
    const int64_t empty[][2] = {{0, 0}, {0, 5}, {5, 0}};
    for (int e = 0; e < 3; e++) {
        assert_ok(lc_mat_create_toeplitz(&A, empty[e][0], empty[e][1], NULL, NULL));
        assert_int_equal(tu_stored(A), 0);
        float x[5] = {1, 2, 3, 4, 5}, y[5] = {1, 2, 3, 4, 5};
        assert_ok(lc_mat_mm(A, LC_LAYOUT_ROWS, 1, 1.0f, x, 5, 2.0f, y, 5));
        for (int i = 0; i < (int)empty[e][0]; i++) assert_true(y[i] == 2.0f * (float)(i + 1));
        lc_mat_free(A);
    }
    free(col), free(row);
}

static void threads_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 53);
    const int64_t m = 700, k = 1001, ns[] = {1, 37, 130};
    float *col = random_vector(&rng, m), *row = random_vector(&rng, k);
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_toeplitz(&A, m, k, col, row));
    for (int q = 0; q < 3; q++) fc_check_threads(A, ns[q], &rng);
    lc_mat_free(A);
    free(col), free(row);
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

static double frob2(const float *a, const float *b, int64_t count) {
    double e = 0;
    for (int64_t i = 0; i < count; i++) e += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    return e;
}

// Exact on a Toeplitz matrix (and a circulant is one); on random matrices of several shapes the
// closed-form diagonal means, and no perturbation of one diagonal does better; conversions.
static void test_projection(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 54);
    const int64_t shapes[][2] = {{11, 17}, {17, 11}, {1, 9}, {9, 1}, {1, 1}, {12, 12}};
    for (int s = 0; s < 6; s++) {
        const int64_t m = shapes[s][0], k = shapes[s][1];
        float *col = random_vector(&rng, m), *row = random_vector(&rng, k);
        lc_mat *T = NULL, *P = NULL;
        assert_ok(lc_mat_create_toeplitz(&T, m, k, col, row));
        float *a = tu_dense_of(T);
        assert_ok(lc_mat_from_dense(&P, LC_FORMAT_TOEPLITZ, m, k, a, k, NULL));
        float *b = tu_dense_of(P);
        assert_memory_equal(a, b, (size_t)(m * k) * sizeof *a);
        free(b);
        lc_mat_free(P);
        float *g = random_vector(&rng, m * k);
        assert_ok(lc_mat_from_dense(&P, LC_FORMAT_TOEPLITZ, m, k, g, k, NULL));
        b = tu_dense_of(P);
        for (int64_t d = -(k - 1); d < m; d++) {
            double sum = 0;
            int64_t count = 0, i0 = d > 0 ? d : 0;
            for (int64_t i = i0; i < m && i - d < k; i++) sum += g[i * k + i - d], count++;
            const double mean = sum / (double)count;
            assert_true(fabs(b[i0 * k + i0 - d] - mean) <= 2 * FLT_EPSILON * fabs(mean) + 1e-30);
        }
        const double best = frob2(g, b, m * k);
        for (int t = 0; t < 10; t++) {
            const int64_t d = (int64_t)lci_rng_below(&rng, (uint64_t)(m + k - 1)) - (k - 1);
            float *q = malloc((size_t)(m * k) * sizeof *q);
            memcpy(q, b, (size_t)(m * k) * sizeof *q);
            const float delta = 1e-3f * lci_rng_float(&rng);
            for (int64_t i = d > 0 ? d : 0; i < m && i - d < k; i++) q[i * k + i - d] += delta;
            assert_true(frob2(g, q, m * k) >= best);
            free(q);
        }
        // From CSR (through dense) and from itself (an exact copy).
        lc_mat *S = NULL, *P2 = NULL;
        assert_ok(lc_mat_from_dense(&S, LC_FORMAT_CSR, m, k, g, k, NULL));
        assert_ok(lc_mat_convert(&P2, S, LC_FORMAT_TOEPLITZ, NULL));
        float *b2 = tu_dense_of(P2);
        assert_memory_equal(b, b2, (size_t)(m * k) * sizeof *b);
        free(b2), lc_mat_free(P2), lc_mat_free(S);
        assert_ok(lc_mat_convert(&P2, T, LC_FORMAT_TOEPLITZ, NULL));
        b2 = tu_dense_of(P2);
        assert_memory_equal(a, b2, (size_t)(m * k) * sizeof *a);
        free(b2), lc_mat_free(P2);
        assert_ok(lc_mat_convert(&S, T, LC_FORMAT_CSR, NULL));
        assert_int_equal(tu_stored(S), m * k);
        lc_mat_free(S);
        free(g), free(b), free(a), free(col), free(row);
        lc_mat_free(P), lc_mat_free(T);
    }
    // A circulant is Toeplitz: its projection is exact; a Toeplitz matrix is not circulant.
    float c[7] = {1, 2, 3, 4, 5, 6, 7};
    lc_mat *C = NULL, *T = NULL;
    assert_ok(lc_mat_create_circulant(&C, 7, c));
    assert_ok(lc_mat_convert(&T, C, LC_FORMAT_TOEPLITZ, NULL));
    float *a = tu_dense_of(C), *b = tu_dense_of(T);
    assert_memory_equal(a, b, 49 * sizeof *a);
    free(a), free(b);
    lc_mat_free(C), lc_mat_free(T);
}

static void test_bad_input(void **state) {
    (void)state;
    float v[4] = {1, 2, 3, 4};
    lc_mat *A = NULL;
    assert_status(lc_mat_create_toeplitz(NULL, 4, 4, v, v), LC_ERR_ARG);
    assert_status(lc_mat_create_toeplitz(&A, 4, 4, NULL, v), LC_ERR_ARG);
    assert_status(lc_mat_create_toeplitz(&A, 4, 4, v, NULL), LC_ERR_ARG);
    assert_status(lc_mat_create_toeplitz(&A, -1, 4, v, v), LC_ERR_ARG);
    assert_status(lc_mat_create_toeplitz(&A, 4, -2, v, v), LC_ERR_ARG);
    assert_status(lc_mat_create_toeplitz(&A, (int64_t)INT32_MAX + 1, 4, v, v), LC_ERR_OVERFLOW);
    // M + K − 1 beyond FFTW's int: refused before any allocation.
    assert_status(lc_mat_create_toeplitz(&A, INT32_MAX, INT32_MAX, v, v), LC_ERR_OVERFLOW);
    assert_null(A);
    lci_fft_fail_plans(1);
    assert_status(lc_mat_create_toeplitz(&A, 4, 3, v, v), LC_ERR_UNSUPPORTED);
    assert_non_null(strstr(lc_last_error(), "FFTW could not plan"));
    assert_null(A);
    lci_fft_fail_plans(0);
    // NaN in col: every output NaN (FFT), not an error.
    float col[3] = {1, NAN, 2}, x[4] = {1, 1, 1, 1}, y[3];
    assert_ok(lc_mat_create_toeplitz(&A, 3, 4, col, v));
    assert_ok(lc_mat_mv(A, 1.0f, x, 0.0f, y));
    for (int i = 0; i < 3; i++) assert_true(isnan(y[i]));
    lc_mat_free(A);
    assert_int_equal(lc_format_supports(LC_FORMAT_TOEPLITZ, LC_LAYOUT_COLS), 1);
    assert_string_equal(lc_format_name(LC_FORMAT_TOEPLITZ), "toeplitz");
}

typedef struct inject_ctx {
    lc_mat *out;
    const lc_mat *src;
    const float *v, *a;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_toeplitz(&c->out, 20, 15, c->v, c->v);
}
static lc_status inject_project(void *v) {
    inject_ctx *c = v;
    return lc_mat_from_dense(&c->out, LC_FORMAT_TOEPLITZ, 20, 15, c->a, 15, NULL);
}
static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    return lc_mat_convert(&c->out, c->src, LC_FORMAT_DENSE, NULL);
}
static lc_status inject_copy(void *v) {
    inject_ctx *c = v;
    return lc_mat_convert(&c->out, c->src, LC_FORMAT_TOEPLITZ, NULL);
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 55);
    float vv[20], a[20 * 15], x[15 * 9], y[20 * 9];
    tu_fill(&rng, vv, 20);
    tu_fill(&rng, a, 300);
    tu_fill(&rng, x, 135);
    inject_ctx c = {.v = vv, .a = a};
    assert_true(tu_inject_each(inject_create, tu_free_out, &c) >= 5);
    assert_true(tu_inject_each(inject_project, tu_free_out, &c) >= 8);
    lc_mat *T = NULL;
    assert_ok(lc_mat_create_toeplitz(&T, 20, 15, vv, vv));
    c.src = T;
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 1);
    assert_true(tu_inject_each(inject_copy, tu_free_out, &c) >= 4);
    for (int l = 0; l < 2; l++) {
        tu_mm_call mm = {c.src, (lc_layout)l, 9, x, y};
        assert_int_equal(tu_inject_each(tu_mm_call_run, NULL, &mm), 1);
    }
    lc_mat_free(T);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products),        cmocka_unit_test(test_dense_and_info),
        cmocka_unit_test(test_thread_identity), cmocka_unit_test(test_projection),
        cmocka_unit_test(test_bad_input),       cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
