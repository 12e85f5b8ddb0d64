// test_sum.c: the sum format A = B + C: products of several operand pairs (sparse + low-rank,
// dense + CSR, BSR + N:M, a nested sum) against a double-precision reference within the sum of
// the operands' bounds; deep copies; to_dense, to_csr and conversions; info; optimize; bad
// input; allocation failures; 1- vs 2-thread identity.
#include "testutil.h"
#include "core/mat.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// An operand for the reference: its dense entries, the entrywise magnitudes its bound is in
// (|A|, or |U|·|V|ᵀ for a low-rank operand) and its bound's factor (K + 2, or K + r + 2).
typedef struct operand {
    lc_mat *mat;
    double *dense, *mag;
    double factor;
} operand;

static void operand_free(operand *o) {
    lc_mat_free(o->mat);
    free(o->dense), free(o->mag);
}

static void operand_finish(operand *o, const float *d, int64_t m, int64_t k) {
    o->dense = malloc((size_t)(m * k + 1) * sizeof(double));
    o->mag = malloc((size_t)(m * k + 1) * sizeof(double));
    for (int64_t i = 0; i < m * k; i++) o->dense[i] = d[i], o->mag[i] = fabs((double)d[i]);
    o->factor = (double)k + 2;
}

static operand sparse_operand(lci_rng *rng, lc_format f, int64_t m, int64_t k, double density) {
    operand o = {0};
    float *d = malloc((size_t)(m * k + 1) * sizeof *d);
    tu_random_sparse_dense(rng, m, k, k > 0 ? k : 1, density, 0, d);
    lc_mat_params p = {.block_rows = 4, .block_cols = 3};
    if (f == LC_FORMAT_NM) {
        lc_mat *tmp = NULL; // keep the pruned entries only, so dense and N:M agree
        assert_ok(lc_mat_from_dense(&tmp, LC_FORMAT_NM, m, k, d, k > 0 ? k : 1, NULL));
        free(d);
        d = tu_dense_of(tmp);
        lc_mat_free(tmp);
    }
    assert_ok(lc_mat_from_dense(&o.mat, f, m, k, d, k > 0 ? k : 1, &p));
    operand_finish(&o, d, m, k);
    free(d);
    return o;
}

static operand lowrank_operand(lci_rng *rng, int64_t m, int64_t k, int64_t r) {
    operand o = {0};
    float *u = malloc((size_t)(m * r + 1) * 4), *v = malloc((size_t)(k * r + 1) * 4);
    tu_fill(rng, u, m * r);
    tu_fill(rng, v, k * r);
    assert_ok(lc_mat_create_lowrank(&o.mat, m, k, r, u, v));
    o.dense = calloc((size_t)(m * k + 1), sizeof(double));
    o.mag = calloc((size_t)(m * k + 1), sizeof(double));
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++)
            for (int64_t l = 0; l < r; l++) {
                o.dense[i * k + p] += (double)u[i * r + l] * v[p * r + l];
                o.mag[i * k + p] += fabs((double)u[i * r + l] * v[p * r + l]);
            }
    o.factor = (double)(k + r + 2);
    free(u), free(v);
    return o;
}

// Y = alpha·(B + C)·X + beta·Y against the reference; the bound is B's, plus C's product
// bound with |Y| standing for B's partial result (|alpha|·|B|·|X| + |beta|·|Y0|).
static void check_sum(const lc_mat *S, const operand *b, const operand *c, lc_layout layout,
                      int64_t n, float alpha, float beta, lci_rng *rng) {
    const int64_t m = S->m, k = S->k;
    const bool cols = layout == LC_LAYOUT_COLS;
    const int64_t ldx = cols ? (n > 1 ? n : 1) : (k > 1 ? k : 1);
    const int64_t ldy = cols ? (n > 1 ? n : 1) : (m > 1 ? m : 1);
    const int64_t nx = cols ? k * ldx : n * ldx, ny = cols ? m * ldy : n * ldy;
    float *x = malloc((size_t)(nx + 1) * 4), *y = malloc((size_t)(ny + 1) * 4);
    float *y0 = malloc((size_t)(ny + 1) * 4);
    double *ref = malloc((size_t)(m * n + 1) * 8), *bound = malloc((size_t)(m * n + 1) * 8);
    tu_fill(rng, x, nx);
    for (int64_t i = 0; i < ny; i++) y0[i] = beta == 0.0f ? NAN : lci_rng_float(rng);
    memcpy(y, y0, (size_t)ny * 4);
    const double eps = FLT_EPSILON, a = fabs((double)alpha);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double s = 0, mb = 0, mc = 0, yv = 0;
            for (int64_t p = 0; p < k; p++) {
                double xv = cols ? x[p * ldx + j] : x[j * ldx + p];
                s += (b->dense[i * k + p] + c->dense[i * k + p]) * xv;
                mb += b->mag[i * k + p] * fabs(xv), mc += c->mag[i * k + p] * fabs(xv);
            }
            if (beta != 0.0f) yv = cols ? y0[i * ldy + j] : y0[j * ldy + i];
            ref[i * n + j] = (double)alpha * s + (double)beta * yv;
            double part = a * mb + fabs((double)beta * yv);
            bound[i * n + j] = b->factor * eps * part + c->factor * eps * (a * mc + part) + 1e-30;
        }
    assert_ok(lc_mat_mm(S, layout, n, alpha, x, ldx, beta, y, ldy));
    char what[128];
    snprintf(what, sizeof what, "sum %s isa=%s %lld×%lld n=%lld alpha=%g beta=%g",
             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
             (long long)n, alpha, beta);
    tu_check(layout, m, n, y, ldy, ref, bound, what);
    free(x), free(y), free(y0), free(ref), free(bound);
}

// The operand pairs of the tests (case 3 nests a sum as B).
static void make_pair(int which, lci_rng *rng, int64_t m, int64_t k, operand *b, operand *c) {
    switch (which) {
    case 0: // sparse + low-rank (robust PCA, Scatterbrain)
        *b = sparse_operand(rng, LC_FORMAT_CSR, m, k, 0.1);
        *c = lowrank_operand(rng, m, k, m < k ? (m < 3 ? 1 : 3) : (k < 3 ? 1 : 3));
        break;
    case 1: // a dense weight plus a sparse update
        *b = sparse_operand(rng, LC_FORMAT_DENSE, m, k, 1.0);
        *c = sparse_operand(rng, LC_FORMAT_CSR, m, k, 0.2);
        break;
    case 2:
        *b = sparse_operand(rng, LC_FORMAT_BSR, m, k, 0.3);
        *c = sparse_operand(rng, LC_FORMAT_NM, m, k, 0.8);
        break;
    default: { // (COO + low-rank) + CSR: a nested sum, its bound summed the same way
        operand b1 = sparse_operand(rng, LC_FORMAT_COO, m, k, 0.2),
                c1 = lowrank_operand(rng, m, k, 1);
        *b = (operand){0};
        assert_ok(lc_mat_create_sum(&b->mat, b1.mat, c1.mat));
        b->dense = malloc((size_t)(m * k + 1) * 8), b->mag = malloc((size_t)(m * k + 1) * 8);
        for (int64_t i = 0; i < m * k; i++)
            b->dense[i] = b1.dense[i] + c1.dense[i], b->mag[i] = b1.mag[i] + c1.mag[i];
        b->factor = b1.factor + c1.factor;
        operand_free(&b1), operand_free(&c1);
        *c = sparse_operand(rng, LC_FORMAT_CSR, m, k, 0.3);
    }
    }
}

static void products_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 41);
    const struct { int64_t m, k; } shapes[] = {{1, 1}, {7, 5}, {40, 33}, {130, 70}, {0, 4}, {5, 0}};
    const int64_t ns[] = {0, 1, 3, 17, 64, 65};
    const float alphas[] = {1.0f, -0.5f, 0.0f}, betas[] = {0.0f, 1.0f, 0.25f};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int which = 0; which < 4; which++) {
            operand b, c;
            make_pair(which, &rng, shapes[s].m, shapes[s].k, &b, &c);
            lc_mat *S = NULL;
            assert_ok(lc_mat_create_sum(&S, b.mat, c.mat));
            lc_mat_free(b.mat), lc_mat_free(c.mat); // S holds copies
            b.mat = c.mat = NULL;
            for (size_t q = 0; q < sizeof ns / sizeof ns[0]; q++)
                for (int l = 0; l < 2; l++) {
                    size_t ab = (s + q + (size_t)l + (size_t)which) % 9;
                    check_sum(S, &b, &c, (lc_layout)l, ns[q], alphas[ab / 3], betas[ab % 3], &rng);
                }
            lc_mat_free(S);
            operand_free(&b), operand_free(&c);
        }
}

static void test_products(void **state) {
    (void)state;
    tu_each_isa(products_body);
}

// to_dense = B + C (rounded once per entry); CSR holds the merged entries; conversions; info.
static void test_dense_convert_info(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 42);
    const int64_t m = 30, k = 20;
    float *db = malloc(m * k * 4), *dc = malloc(m * k * 4);
    tu_random_sparse_dense(&rng, m, k, k, 0.2, 0, db);
    tu_random_sparse_dense(&rng, m, k, k, 0.2, 0, dc);
    lc_mat *B = NULL, *C = NULL, *S = NULL, *T = NULL;
    assert_ok(lc_mat_from_dense(&B, LC_FORMAT_CSR, m, k, db, k, NULL));
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_COO, m, k, dc, k, NULL));
    assert_ok(lc_mat_create_sum(&S, B, C));
    float *d = tu_dense_of(S);
    int64_t union_count = 0;
    for (int64_t i = 0; i < m * k; i++) {
        assert_true(d[i] == db[i] + dc[i]);
        union_count += db[i] != 0.0f || dc[i] != 0.0f;
    }
    assert_ok(lc_mat_convert(&T, S, LC_FORMAT_CSR, NULL));
    assert_int_equal(tu_stored(T), union_count); // merged: a shared column once
    float *dt = tu_dense_of(T);
    assert_memory_equal(d, dt, (size_t)(m * k) * 4);
    lc_mat_free(T);
    assert_ok(lc_mat_convert(&T, S, LC_FORMAT_SUM, NULL)); // a copy
    free(dt);
    dt = tu_dense_of(T);
    assert_memory_equal(d, dt, (size_t)(m * k) * 4);
    lc_mat_free(T);
    lc_mat_params p = {.rank = 5};
    assert_ok(lc_mat_convert(&T, S, LC_FORMAT_LOWRANK, &p)); // a projection of the sum
    assert_int_equal(tu_stored(T), 5 * (m + k));
    lc_mat_free(T);
    struct lc_mat_info is, ib, ic;
    assert_ok(lc_mat_info(S, &is));
    assert_ok(lc_mat_info(B, &ib));
    assert_ok(lc_mat_info(C, &ic));
    assert_int_equal(is.format, LC_FORMAT_SUM);
    assert_int_equal(is.stored, ib.stored + ic.stored);
    assert_true(is.flops_per_col == ib.flops_per_col + ic.flops_per_col);
    assert_int_equal(is.bytes, ib.bytes + ic.bytes);
    // lc_mat_optimize optimises both copies; products stay within the bound (checked by value).
    float x[20 * 16], y1[30 * 16], y2[30 * 16];
    tu_fill(&rng, x, 20 * 16);
    assert_ok(lc_mat_mm(S, LC_LAYOUT_ROWS, 16, 1.0f, x, 20, 0.0f, y1, 30));
    assert_ok(lc_mat_optimize(S, 16));
    assert_ok(lc_mat_mm(S, LC_LAYOUT_ROWS, 16, 1.0f, x, 20, 0.0f, y2, 30));
    for (int i = 0; i < 30 * 16; i++) assert_true(fabsf(y1[i] - y2[i]) <= 1e-5f);
    free(d), free(dt), free(db), free(dc);
    lc_mat_free(B), lc_mat_free(C), lc_mat_free(S);
}

static void test_bad_input(void **state) {
    (void)state;
    float a[12] = {1, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 5};
    lc_mat *B = NULL, *C = NULL, *S = NULL;
    assert_ok(lc_mat_from_dense(&B, LC_FORMAT_CSR, 3, 4, a, 4, NULL));
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, 4, 3, a, 3, NULL));
    assert_status(lc_mat_create_sum(&S, B, C), LC_ERR_ARG); // 3×4 + 4×3
    assert_status(lc_mat_create_sum(&S, B, NULL), LC_ERR_ARG);
    assert_status(lc_mat_create_sum(&S, NULL, B), LC_ERR_ARG);
    assert_status(lc_mat_create_sum(NULL, B, B), LC_ERR_ARG);
    assert_null(S);
    assert_status(lc_mat_convert(&S, B, LC_FORMAT_SUM, NULL), LC_ERR_UNSUPPORTED);
    assert_status(lc_mat_from_dense(&S, LC_FORMAT_SUM, 3, 4, a, 4, NULL), LC_ERR_UNSUPPORTED);
    assert_null(S);
    assert_int_equal(lc_format_supports(LC_FORMAT_SUM, LC_LAYOUT_COLS), 1);
    assert_string_equal(lc_format_name(LC_FORMAT_SUM), "sum");
    lc_mat_free(B), lc_mat_free(C);
}

// Bitwise identical results for 1 and 2 threads (CSR + low-rank, large enough for two threads).
static void threads_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 43);
    operand b, c;
    make_pair(0, &rng, 700, 650, &b, &c);
    lc_mat *S = NULL;
    assert_ok(lc_mat_create_sum(&S, b.mat, c.mat));
    for (int64_t n = 1; n <= 130; n += 129)
        for (int l = 0; l < 2; l++) {
            const bool cols = l == LC_LAYOUT_COLS;
            const int64_t ldx = cols ? n : 650, ldy = cols ? n : 700;
            const size_t nx = (size_t)(650 * n), ny = (size_t)(700 * n);
            float *x = malloc(nx * 4), *y1 = malloc(ny * 4), *y2 = malloc(ny * 4);
            tu_fill(&rng, x, (int64_t)nx);
            tu_fill(&rng, y1, (int64_t)ny);
            memcpy(y2, y1, ny * 4);
            assert_ok(lc_threads_set(1));
            assert_ok(lc_mat_mm(S, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y1, ldy));
            assert_ok(lc_threads_set(2));
            assert_ok(lc_mat_mm(S, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y2, ldy));
            if (memcmp(y1, y2, ny * 4))
                fail_msg("sum n=%lld: 1 and 2 threads differ", (long long)n);
            free(x), free(y1), free(y2);
        }
    assert_ok(lc_threads_set(0));
    lc_mat_free(S);
    operand_free(&b), operand_free(&c);
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

typedef struct inject_ctx {
    lc_mat *out, *sum;
    const lc_mat *b, *c;
    lc_format format;
    float *x, *y, *d;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_sum(&c->out, c->b, c->c);
}
static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    return lc_mat_convert(&c->out, c->sum, c->format, NULL);
}
static lc_status inject_dense(void *v) {
    inject_ctx *c = v;
    return lc_mat_to_dense(c->sum, c->d, 20);
}
static lc_status inject_mm(void *v) {
    inject_ctx *c = v;
    return lc_mat_mm(c->sum, LC_LAYOUT_ROWS, 9, 1.0f, c->x, 20, 0.0f, c->y, 30);
}
static lc_status inject_optimize(void *v) {
    inject_ctx *c = v;
    return lc_mat_optimize(c->sum, 16);
}
static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 44);
    operand b = sparse_operand(&rng, LC_FORMAT_BSR, 30, 20, 0.3),
            c = lowrank_operand(&rng, 30, 20, 2);
    inject_ctx ic = {.b = b.mat, .c = c.mat};
    assert_true(tu_inject_each(inject_create, tu_free_out, &ic) >= 6);
    assert_ok(lc_mat_create_sum(&ic.sum, b.mat, c.mat));
    const lc_format targets[] = {LC_FORMAT_CSR, LC_FORMAT_DENSE, LC_FORMAT_SUM, LC_FORMAT_LOWRANK};
    for (int t = 0; t < 4; t++) {
        ic.format = targets[t];
        assert_true(tu_inject_each(inject_convert, tu_free_out, &ic) >= 2);
    }
    float x[20 * 9], y[30 * 9], d[30 * 20];
    tu_fill(&rng, x, 20 * 9);
    ic.x = x, ic.y = y, ic.d = d;
    assert_true(tu_inject_each(inject_dense, NULL, &ic) >= 1);
    assert_int_equal(tu_inject_each(inject_mm, NULL, &ic), 1);
    lc_mat_free(ic.sum);
    // optimize: a failure leaves the sum as it was (CSR + CSR, both with layouts to build).
    operand p = sparse_operand(&rng, LC_FORMAT_CSR, 30, 20, 0.5);
    operand q = sparse_operand(&rng, LC_FORMAT_CSR, 30, 20, 0.5);
    assert_ok(lc_mat_create_sum(&ic.sum, p.mat, q.mat));
    assert_true(tu_inject_each(inject_optimize, NULL, &ic) >= 4);
    lc_mat_free(ic.sum);
    operand_free(&b), operand_free(&c), operand_free(&p), operand_free(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products),       cmocka_unit_test(test_dense_convert_info),
        cmocka_unit_test(test_bad_input),      cmocka_unit_test(test_thread_identity),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
