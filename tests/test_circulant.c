// test_circulant.c: the circulant format C[i][j] = c[(i − j) mod n]: FFT products (each ISA
// level, both layouts, alpha, beta, n = 0/1/odd, sizes 1, 2, primes, powers of two, 7-smooth
// and awkward) against a double-precision reference from to_dense within the normwise bound of
// lacuna.h; to_dense, info, workspace; 1 vs 2 threads bitwise; the projection (exact on a
// circulant, the closed-form diagonal means, Frobenius-optimal); conversions; bad input, FFTW
// plan failure; allocation failures.
#include "fft_check.h"
#include "formats/circulant/circulant.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float *random_column(lci_rng *rng, int64_t n) {
    float *c = malloc((size_t)(n + 1) * sizeof *c);
    tu_fill(rng, c, n);
    return c;
}

static double norm2(const float *v, int64_t count) {
    double s = 0;
    for (int64_t i = 0; i < count; i++) s += (double)v[i] * v[i];
    return sqrt(s);
}

static const int64_t vector_counts[] = {0, 1, 2, 17, 33};

static void products_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 41);
    const int64_t sizes[] = {1, 2, 3, 5, 8, 16, 17, 60, 97, 127, 128, 210, 256, 1009, 1024};
    const float alphas[] = {1.0f, -0.75f, 0.0f}, betas[] = {0.0f, 1.0f, 0.5f};
    double worst = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const int64_t n = sizes[s];
        float *c = random_column(&rng, n);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_circulant(&A, n, c));
        float *a = tu_dense_of(A);
        for (size_t q = 0; q < sizeof vector_counts / sizeof vector_counts[0]; q++)
            for (int l = 0; l < 2; l++) {
                size_t ab = (s + q + (size_t)l) % 9;
                double w =
                    fc_check_product(A, a, n, norm2(c, n), (lc_layout)l, vector_counts[q],
                                     alphas[ab / 3], betas[ab % 3], (int64_t)((s + q) % 3), &rng);
                if (w > worst) worst = w;
            }
        free(a), free(c);
        lc_mat_free(A);
    }
    print_message("circulant isa=%s: largest error / bound %.3g\n", lc_isa_name(lc_isa_get()),
                  worst);
}

static void test_products(void **state) {
    (void)state;
    tu_each_isa(products_body);
}

// to_dense is exact; mv agrees with mm; info and the workspace; an empty matrix.
static void test_dense_and_info(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 42);
    const int64_t n = 37;
    float *c = random_column(&rng, n);
    c[5] = 0.0f;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_circulant(&A, n, c));
    float *d = tu_dense_of(A);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < n; j++) assert_true(d[i * n + j] == c[((i - j) % n + n) % n]);
    float x[37], xs[37 * 3], y1[37], y2[37];
    tu_fill(&rng, x, n);
    for (int i = 0; i < 37 * 3; i++) xs[i] = i % 3 ? NAN : x[i / 3];
    tu_fill(&rng, y1, n);
    memcpy(y2, y1, sizeof y1);
    assert_ok(lc_mat_mv(A, 0.5f, x, 2.0f, y1));
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 0.5f, xs, 3, 2.0f, y2, 1));
    // The same transforms on the same values: bitwise equal, copied or not.
    assert_memory_equal(y1, y2, sizeof y1);
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.format, LC_FORMAT_CIRCULANT);
    assert_int_equal(info.stored, n);
    assert_int_equal(info.useful, n);
    assert_int_equal(info.nonzeros, n - 1);
    assert_true(fabs(info.flops_per_col - (5.0 * n * log2((double)n) + 6.0 * (n / 2 + 1))) < 1e-9);
    assert_int_equal(info.bytes, 8 * (n / 2 + 1));
    size_t ws = 0,
           slot = ((size_t)(n + 15) / 16 * 16 + (size_t)(2 * (n / 2 + 1) + 15) / 16 * 16) * 4;
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_ROWS, 10, &ws));
    assert_int_equal(ws, 10 * slot);
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_COLS, 1000, &ws));
    assert_int_equal(ws, 32 * slot);
    lc_mat_free(A);
    free(d), free(c);
    assert_ok(lc_mat_create_circulant(&A, 0, NULL));
    assert_int_equal(tu_stored(A), 0);
    float y[2] = {1, 2};
    assert_ok(lc_mat_mm(A, LC_LAYOUT_ROWS, 2, 1.0f, NULL, 1, 0.0f, y, 1));
    lc_mat_free(A);
}

// alpha = 0 reads neither A nor X (NaN column here): Y = beta·Y. NaN in x spreads to every
// output of its vector, and only of its vector.
static void test_alpha_zero_and_nan(void **state) {
    (void)state;
    float c[6], x[6 * 2], y[6 * 2];
    for (int i = 0; i < 6; i++) c[i] = NAN;
    for (int i = 0; i < 12; i++) x[i] = NAN;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_circulant(&A, 6, c));
    for (int i = 0; i < 12; i++) y[i] = (float)i;
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 2, 0.0f, x, 2, 2.0f, y, 2));
    for (int i = 0; i < 12; i++) assert_true(y[i] == 2.0f * (float)i);
    lc_mat_free(A);
    for (int i = 0; i < 6; i++) c[i] = (float)i;
    assert_ok(lc_mat_create_circulant(&A, 6, c));
    for (int i = 0; i < 12; i++) x[i] = i == 3 ? NAN : 1.0f;
    assert_ok(lc_mat_mm(A, LC_LAYOUT_ROWS, 2, 1.0f, x, 6, 0.0f, y, 6));
    for (int i = 0; i < 6; i++) assert_true(isnan(y[i]));
    for (int i = 6; i < 12; i++) assert_true(fabsf(y[i] - 15.0f) <= 1e-5f);
    lc_mat_free(A);
}

static void threads_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 43);
    const int64_t sizes[] = {1000, 1024}, ns[] = {1, 37, 130};
    for (int s = 0; s < 2; s++) {
        float *c = random_column(&rng, sizes[s]);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_circulant(&A, sizes[s], c));
        for (int q = 0; q < 3; q++) fc_check_threads(A, ns[q], &rng);
        lc_mat_free(A);
        free(c);
    }
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// ‖A − B‖_F² in double.
static double frob2(const float *a, const float *b, int64_t count) {
    double e = 0;
    for (int64_t i = 0; i < count; i++) e += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
    return e;
}

// Exact on a circulant; on a random matrix, the closed-form means of the wrapped diagonals,
// and no perturbation of the column does better (the projection is Frobenius-optimal); through
// lc_mat_convert from CSR and from a circulant (an exact copy); to CSR holds every entry.
static void test_projection(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 44);
    const int64_t n = 23;
    float *c = random_column(&rng, n);
    lc_mat *C = NULL, *P = NULL;
    assert_ok(lc_mat_create_circulant(&C, n, c));
    float *a = tu_dense_of(C);
    assert_ok(lc_mat_from_dense(&P, LC_FORMAT_CIRCULANT, n, n, a, n, NULL));
    float *b = tu_dense_of(P);
    assert_memory_equal(a, b, (size_t)(n * n) * sizeof *a);
    free(b);
    lc_mat_free(P);
    float *g = malloc((size_t)(n * n) * sizeof *g);
    tu_fill(&rng, g, n * n);
    assert_ok(lc_mat_from_dense(&P, LC_FORMAT_CIRCULANT, n, n, g, n, NULL));
    b = tu_dense_of(P);
    for (int64_t d = 0; d < n; d++) {
        double s = 0;
        for (int64_t i = 0; i < n; i++) s += g[i * n + (i - d + n) % n];
        assert_true(fabs(b[d * n] - s / n) <= 2 * FLT_EPSILON * fabs(s / n) + 1e-30);
    }
    const double best = frob2(g, b, n * n);
    for (int t = 0; t < 20; t++) {
        const int64_t d = (int64_t)lci_rng_below(&rng, (uint64_t)n);
        const float delta = 1e-3f * lci_rng_float(&rng);
        float *q = malloc((size_t)(n * n) * sizeof *q);
        memcpy(q, b, (size_t)(n * n) * sizeof *q);
        for (int64_t i = 0; i < n; i++) q[i * n + (i - d + n) % n] += delta;
        assert_true(frob2(g, q, n * n) >= best);
        free(q);
    }
    free(b);
    lc_mat_free(P);
    lc_mat *S = NULL;
    assert_ok(lc_mat_from_dense(&S, LC_FORMAT_CSR, n, n, g, n, NULL));
    assert_ok(lc_mat_convert(&P, S, LC_FORMAT_CIRCULANT, NULL));
    b = tu_dense_of(P);
    float *b2 = NULL;
    lc_mat *P2 = NULL;
    assert_ok(lc_mat_from_dense(&P2, LC_FORMAT_CIRCULANT, n, n, g, n, NULL));
    b2 = tu_dense_of(P2);
    assert_memory_equal(b, b2, (size_t)(n * n) * sizeof *b);
    free(b), free(b2);
    lc_mat_free(P), lc_mat_free(P2), lc_mat_free(S);
    assert_ok(lc_mat_convert(&P, C, LC_FORMAT_CIRCULANT, NULL));
    b = tu_dense_of(P);
    assert_memory_equal(a, b, (size_t)(n * n) * sizeof *a);
    free(b);
    lc_mat_free(P);
    // Every entry as CSR; a sum copies a circulant operand exactly.
    assert_ok(lc_mat_convert(&S, C, LC_FORMAT_CSR, NULL));
    assert_int_equal(tu_stored(S), n * n);
    lc_mat_free(S);
    assert_ok(lc_mat_create_sum(&S, C, C));
    b = tu_dense_of(S);
    for (int64_t i = 0; i < n * n; i++) assert_true(b[i] == 2 * a[i]);
    free(b);
    lc_mat_free(S);
    // Pruned first with density: the projection of the pruned dense matrix.
    lc_mat_params p = {.density = 0.5};
    assert_ok(lc_mat_convert(&P, C, LC_FORMAT_CIRCULANT, &p));
    assert_int_equal(tu_stored(P), n);
    lc_mat_free(P);
    free(g), free(a), free(c);
    lc_mat_free(C);
}

static void test_bad_input(void **state) {
    (void)state;
    float c[4] = {1, 2, 3, 4}, a[12] = {0};
    lc_mat *A = NULL;
    assert_status(lc_mat_create_circulant(NULL, 4, c), LC_ERR_ARG);
    assert_status(lc_mat_create_circulant(&A, 4, NULL), LC_ERR_ARG);
    assert_status(lc_mat_create_circulant(&A, -1, c), LC_ERR_ARG);
    assert_status(lc_mat_create_circulant(&A, (int64_t)INT32_MAX + 1, c), LC_ERR_OVERFLOW);
    assert_null(A);
    // Not square: LC_ERR_ARG from both entry points.
    assert_status(lc_mat_from_dense(&A, LC_FORMAT_CIRCULANT, 3, 4, a, 4, NULL), LC_ERR_ARG);
    lc_mat *D = NULL;
    assert_ok(lc_mat_create_dense(&D, 3, 4, a, 4));
    assert_status(lc_mat_convert(&A, D, LC_FORMAT_CIRCULANT, NULL), LC_ERR_ARG);
    lc_mat_free(D);
    assert_null(A);
    // FFTW returning no plan: a status with a message, nothing built.
    lci_fft_fail_plans(1);
    assert_status(lc_mat_create_circulant(&A, 4, c), LC_ERR_UNSUPPORTED);
    assert_non_null(strstr(lc_last_error(), "FFTW could not plan"));
    assert_null(A);
    lci_fft_fail_plans(0);
    assert_ok(lc_mat_create_circulant(&A, 4, c));
    // A workspace that is too small or misaligned; mv with alpha, beta.
    float x[4] = {1, 0, 0, 0}, y[4];
    char buf[64 + 8];
    assert_status(lc_mat_mm_ws(A, LC_LAYOUT_ROWS, 1, 1.0f, x, 4, 0.0f, y, 4, buf, 8), LC_ERR_ARG);
    assert_ok(lc_mat_mv(A, 1.0f, x, 0.0f, y));
    for (int i = 0; i < 4; i++) assert_true(fabsf(y[i] - c[i]) <= 1e-6f);
    lc_mat_free(A);
    assert_int_equal(lc_format_supports(LC_FORMAT_CIRCULANT, LC_LAYOUT_ROWS), 1);
    assert_string_equal(lc_format_name(LC_FORMAT_CIRCULANT), "circulant");
    assert_int_equal(lci_fft_fast_len(1), 1);
    assert_int_equal(lci_fft_fast_len(11), 12);
    assert_int_equal(lci_fft_fast_len(1025), 1029); // 3·7³
    assert_int_equal(lci_fft_fast_len(16383 * 2 + 1), 32768);
}

typedef struct inject_ctx {
    lc_mat *out;
    const lc_mat *src;
    const float *c, *a;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_circulant(&c->out, 20, c->c);
}
static lc_status inject_project(void *v) {
    inject_ctx *c = v;
    return lc_mat_from_dense(&c->out, LC_FORMAT_CIRCULANT, 20, 20, c->a, 20, NULL);
}
static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    return lc_mat_convert(&c->out, c->src, LC_FORMAT_CSR, NULL);
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 45);
    float cc[20], a[20 * 20], x[20 * 9], y[20 * 9];
    tu_fill(&rng, cc, 20);
    tu_fill(&rng, a, 400);
    tu_fill(&rng, x, 180);
    inject_ctx c = {.c = cc, .a = a};
    assert_true(tu_inject_each(inject_create, tu_free_out, &c) >= 4);
    assert_true(tu_inject_each(inject_project, tu_free_out, &c) >= 6);
    lc_mat *C = NULL;
    assert_ok(lc_mat_create_circulant(&C, 20, cc));
    c.src = C;
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 2);
    for (int l = 0; l < 2; l++) { // the workspace
        tu_mm_call mm = {c.src, (lc_layout)l, 9, x, y};
        assert_int_equal(tu_inject_each(tu_mm_call_run, NULL, &mm), 1);
    }
    lc_mat_free(C);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products),           cmocka_unit_test(test_dense_and_info),
        cmocka_unit_test(test_alpha_zero_and_nan), cmocka_unit_test(test_thread_identity),
        cmocka_unit_test(test_projection),         cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
