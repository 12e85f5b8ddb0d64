// test_lowrank.c: the low-rank format A = U·Vᵀ: products (each ISA level, both layouts, alpha,
// beta, n = 0/1/odd, empty shapes) against a double-precision reference computed from the
// factors, within the format's bound (K + r + 2)·eps·(|alpha|·|U|·(|V|ᵀ·|X|) + |beta|·|Y|), K
// replaced by the kernels' blocked depth min(K, 128 + ceil(K/128) - 1) above the generic level;
// to_dense, info, conversions; the SVD projection (exact recovery, the optimal tail bound, the
// rel_err rule, energy); bad input; allocation failures; 1- vs 2-thread identity.
#include "testutil.h"
#include "core/mat.h"
#include "formats/lowrank/lowrank.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A random rank-r factor pair: U m×r, V k×r, uniform [-1, 1).
static void random_factors(lci_rng *rng, int64_t m, int64_t k, int64_t r, float **u, float **v) {
    *u = malloc((size_t)(m * r + 1) * sizeof(float));
    *v = malloc((size_t)(k * r + 1) * sizeof(float));
    tu_fill(rng, *u, m * r);
    tu_fill(rng, *v, k * r);
}

// Y = alpha·U·Vᵀ·X + beta·Y against the reference from the factors, with the padding of X
// (and the floats past it) NaN, NaN in Y when beta = 0 and in X when alpha = 0.
static void check_product(const lc_mat *A, const float *u, const float *v, int64_t r,
                          lc_layout layout, int64_t n, float alpha, float beta, int64_t pad,
                          lci_rng *rng) {
    const int64_t m = A->m, k = A->k;
    const bool cols = layout == LC_LAYOUT_COLS;
    const int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    const int64_t ldx = (xc > 1 ? xc : 1) + pad, ldy = (yc > 1 ? yc : 1) + pad;
    float *x = malloc((size_t)(xr * ldx + 16) * sizeof *x);
    float *y = malloc((size_t)(yr * ldy + 1) * sizeof *y);
    float *y0 = malloc((size_t)(yr * ldy + 1) * sizeof *y0);
    double *t = calloc((size_t)(r * n + 1), sizeof *t), *ta = calloc((size_t)(r * n + 1), 8);
    double *ref = malloc((size_t)(m * n + 1) * sizeof *ref);
    double *bound = malloc((size_t)(m * n + 1) * sizeof *bound);
    for (int64_t i = 0; i < xr * ldx + 16; i++) x[i] = NAN;
    for (int64_t i = 0; i < xr; i++)
        for (int64_t j = 0; j < xc; j++) x[i * ldx + j] = alpha == 0.0f ? NAN : lci_rng_float(rng);
    for (int64_t i = 0; i < yr * ldy; i++) y0[i] = beta == 0.0f ? NAN : lci_rng_float(rng);
    memcpy(y, y0, (size_t)(yr * ldy) * sizeof *y);
    // T = Vᵀ·X and |V|ᵀ·|X| in double.
    for (int64_t p = 0; p < k && alpha != 0.0f; p++)
        for (int64_t l = 0; l < r; l++)
            for (int64_t j = 0; j < n; j++) {
                double xv = cols ? x[p * ldx + j] : x[j * ldx + p];
                t[l * n + j] += (double)v[p * r + l] * xv;
                ta[l * n + j] += fabs((double)v[p * r + l] * xv);
            }
    const double eps = FLT_EPSILON;
    // Roundings a term of T meets: K in the plain C product; the kernels sum K in passes of 128
    // (lowrank_mm.c), at most 128 + ceil(K/128) - 1.
    const int64_t depth =
        lc_isa_get() == LC_ISA_GENERIC || k <= 128 ? k : 128 + (k + 127) / 128 - 1;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double s = 0, sa = 0, yv = 0;
            for (int64_t l = 0; l < r; l++) {
                s += (double)u[i * r + l] * t[l * n + j];
                sa += fabs((double)u[i * r + l]) * ta[l * n + j];
            }
            if (beta != 0.0f) yv = cols ? y0[i * ldy + j] : y0[j * ldy + i];
            ref[i * n + j] = (double)alpha * s + (double)beta * yv;
            bound[i * n + j] = (double)(depth + r + 2) * eps *
                                   (fabs((double)alpha) * sa + fabs((double)beta * yv)) +
                               1e-30;
        }
    assert_ok(lc_mat_mm(A, layout, n, alpha, x, ldx, beta, y, ldy));
    char what[160];
    snprintf(what, sizeof what, "lowrank %s isa=%s %lld×%lld r=%lld n=%lld alpha=%g beta=%g",
             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
             (long long)r, (long long)n, alpha, beta);
    tu_check(layout, m, n, y, ldy, ref, bound, what);
    for (int64_t q = 0; q < yr; q++)
        for (int64_t j = yc; j < ldy; j++)
            if (memcmp(&y[q * ldy + j], &y0[q * ldy + j], sizeof(float)))
                fail_msg("%s: padding of Y row %lld written", what, (long long)q);
    free(x), free(y), free(y0), free(t), free(ta), free(ref), free(bound);
}

static const int64_t vector_counts[] = {0, 1, 2, 17, 63, 64, 65, 130};

static void products_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 31);
    const struct {
        int64_t m, k, r;
    } shapes[] = {{1, 1, 1}, {5, 3, 3}, {37, 64, 5}, {64, 37, 37}, {300, 257, 32},
                  {0, 9, 1}, {9, 0, 1}, {0, 0, 1},   {513, 20, 1}};
    const float alphas[] = {1.0f, -0.75f, 0.0f}, betas[] = {0.0f, 1.0f, 0.5f};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int64_t m = shapes[s].m, k = shapes[s].k, r = shapes[s].r;
        float *u, *v;
        random_factors(&rng, m, k, r, &u, &v);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_lowrank(&A, m, k, r, u, v));
        for (size_t q = 0; q < sizeof vector_counts / sizeof vector_counts[0]; q++)
            for (int l = 0; l < 2; l++) {
                size_t ab = (s + q + (size_t)l) % 9;
                check_product(A, u, v, r, (lc_layout)l, vector_counts[q], alphas[ab / 3],
                              betas[ab % 3], (int64_t)((s + q) % 3), &rng);
            }
        lc_mat_free(A);
        free(u), free(v);
    }
}

static void test_products(void **state) {
    (void)state;
    tu_each_isa(products_body);
}

// Shapes around the kernels' tile edges (4 or 8 rows, 16-float vectors, 64-column tiles), K not
// a multiple of the step-1 pass (128) and M crossing a 256-row block, both layouts.
static void edges_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 34);
    const int64_t ranks[] = {1, 3, 4, 5, 31, 32, 33, 64};
    const int64_t ns[] = {1, 15, 16, 17, 63, 64, 65, 256};
    const float alphas[] = {1.0f, -0.75f, 2.0f}, betas[] = {0.0f, 1.0f, 0.5f};
    const int64_t m = 260, k = 300;
    for (size_t ri = 0; ri < sizeof ranks / sizeof ranks[0]; ri++) {
        const int64_t r = ranks[ri];
        float *u, *v;
        random_factors(&rng, m, k, r, &u, &v);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_lowrank(&A, m, k, r, u, v));
        for (size_t q = 0; q < sizeof ns / sizeof ns[0]; q++)
            for (int l = 0; l < 2; l++) {
                size_t ab = (ri + 2 * q + (size_t)l) % 9;
                check_product(A, u, v, r, (lc_layout)l, ns[q], alphas[ab / 3], betas[ab % 3],
                              (int64_t)((ri + q) % 2), &rng);
            }
        lc_mat_free(A);
        free(u), free(v);
    }
}

// Two threads on few vectors (step 1's blocks narrowed to share them), against the reference.
static void narrow_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 36);
    const int64_t m = 300, k = 4200, r = 32;
    float *u, *v;
    random_factors(&rng, m, k, r, &u, &v);
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_lowrank(&A, m, k, r, u, v));
    assert_ok(lc_threads_set(2));
    for (int l = 0; l < 2; l++) check_product(A, u, v, r, (lc_layout)l, 16, 0.5f, 1.0f, 1, &rng);
    assert_ok(lc_threads_set(0));
    lc_mat_free(A);
    free(u), free(v);
}

static void test_tile_edges(void **state) {
    (void)state;
    tu_each_isa(edges_body);
    tu_each_isa(narrow_body);
}

// The kernel of each ISA level gives the bits of the plain C one (the same fma chains), reads
// nothing outside A, B and C (exact-size buffers, for ASan) and writes nothing of C's padding.
static void test_kernel_bits(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 35);
    const int64_t rows[] = {1, 3, 4, 5, 7, 8, 9, 31, 33, 64};
    const int64_t cols[] = {1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 130};
    const int64_t steps[] = {1, 5, 130};
    for (int isa = LC_ISA_AVX2; isa <= LC_ISA_AVX512; isa++) {
        lci_lowrank_gemm_fn fn =
            (lci_lowrank_gemm_fn)lci_kernel_get_at(LCI_KERNEL_LOWRANK_GEMM, (lc_isa)isa);
        if (!fn) {
            print_message("skipping the %s kernel: not on this CPU\n", lc_isa_name((lc_isa)isa));
            continue;
        }
        for (size_t a = 0; a < sizeof rows / sizeof rows[0]; a++)
            for (size_t b = 0; b < sizeof cols / sizeof cols[0]; b++)
                for (size_t c = 0; c < sizeof steps / sizeof steps[0]; c++) {
                    const int64_t nr = rows[a], nc = cols[b], ns = steps[c];
                    const int mode = (int)((a + b + c) % 4), pad = (int)((a + c) % 3);
                    const bool trans = (a + b) % 2; // A as rows of steps, or steps of rows
                    lci_lowrank_gemm g = {.rows = nr, .cols = nc, .steps = ns};
                    g.as = trans ? 1 : ns + pad, g.ast = trans ? nr + pad : 1;
                    g.ldb = nc + pad, g.ldc = nc + pad;
                    const int64_t na = (nr - 1) * g.as + (ns - 1) * g.ast + 1;
                    const int64_t nb = (ns - 1) * g.ldb + nc, nc_ = (nr - 1) * g.ldc + nc;
                    float *av = malloc((size_t)na * 4), *bv = malloc((size_t)nb * 4);
                    float *c1 = malloc((size_t)nc_ * 4), *c2 = malloc((size_t)nc_ * 4);
                    tu_fill(&rng, av, na);
                    tu_fill(&rng, bv, nb);
                    tu_fill(&rng, c1, nc_);
                    g.a = av, g.b = bv;
                    g.accumulate = mode == 0;
                    g.alpha = mode == 1 ? 1.0f : -0.75f;
                    g.beta = mode == 3 ? 0.5f : 0.0f;
                    if (mode == 1 || mode == 2) // beta = 0: C is not read
                        for (int64_t i = 0; i < nc_; i++)
                            if (i % g.ldc < nc) c1[i] = NAN;
                    memcpy(c2, c1, (size_t)nc_ * 4);
                    g.c = c1;
                    lci_lowrank_gemm_ref(&g);
                    g.c = c2;
                    fn(&g);
                    if (memcmp(c1, c2, (size_t)nc_ * 4))
                        fail_msg("lowrank kernel %s rows=%lld cols=%lld steps=%lld mode=%d: bits "
                                 "differ from the plain C kernel",
                                 lc_isa_name((lc_isa)isa), (long long)nr, (long long)nc,
                                 (long long)ns, mode);
                    free(av), free(bv), free(c1), free(c2);
                }
    }
}

// to_dense is U·Vᵀ within (r + 1)·eps·|U|·|V|ᵀ; lc_mat_mv matches lc_mat_mm on a strided x;
// info counts the factors.
static void dense_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 32);
    const int64_t m = 290, k = 77, r = 9;
    float *u, *v;
    random_factors(&rng, m, k, r, &u, &v);
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_lowrank(&A, m, k, r, u, v));
    float *d = tu_dense_of(A);
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++) {
            double s = 0, sa = 0;
            for (int64_t l = 0; l < r; l++) {
                s += (double)u[i * r + l] * v[p * r + l];
                sa += fabs((double)u[i * r + l] * v[p * r + l]);
            }
            if (!(fabs(d[i * k + p] - s) <= (double)(r + 1) * FLT_EPSILON * sa))
                fail_msg("to_dense(%lld, %lld) = %g, exact %g", (long long)i, (long long)p,
                         d[i * k + p], s);
        }
    float x[77], xs[77 * 3], y1[290], y2[290];
    tu_fill(&rng, x, k);
    for (int i = 0; i < 77 * 3; i++) xs[i] = i % 3 ? NAN : x[i / 3];
    tu_fill(&rng, y1, m);
    memcpy(y2, y1, sizeof y1);
    assert_ok(lc_mat_mv(A, 0.5f, x, 2.0f, y1));
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 1, 0.5f, xs, 3, 2.0f, y2, 1));
    // Contiguous x runs as the rows layout, strided x as the cols layout: the same value within
    // the bound, not necessarily the same bits (the BLAS's strided sgemv sums differently).
    for (int64_t i = 0; i < m; i++) assert_true(fabsf(y1[i] - y2[i]) <= 1e-4f);
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.format, LC_FORMAT_LOWRANK);
    assert_int_equal(info.stored, r * (m + k));
    assert_int_equal(info.useful, r * (m + k));
    assert_int_equal(info.nonzeros, r * (m + k)); // uniform values are never exactly 0
    assert_true(info.flops_per_col == 2.0 * r * (m + k));
    assert_int_equal(info.bytes, 4 * r * (m + k));
    size_t ws = 0;
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_ROWS, 10, &ws));
    assert_int_equal(ws, (size_t)(r * 10) * sizeof(float));
    free(d), free(u), free(v);
    lc_mat_free(A);
}

static void test_dense_and_info(void **state) {
    (void)state;
    tu_each_isa(dense_body);
}

// alpha = 0 reads neither A nor X (NaN factors here): Y = beta·Y.
static void test_alpha_zero(void **state) {
    (void)state;
    float u[6 * 2], v[5 * 2], x[5 * 4], y[6 * 4];
    for (int i = 0; i < 12; i++) u[i] = NAN;
    for (int i = 0; i < 10; i++) v[i] = NAN;
    for (int i = 0; i < 20; i++) x[i] = NAN;
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_lowrank(&A, 6, 5, 2, u, v));
    for (int i = 0; i < 24; i++) y[i] = (float)i;
    assert_ok(lc_mat_mm(A, LC_LAYOUT_COLS, 4, 0.0f, x, 4, 2.0f, y, 4));
    for (int i = 0; i < 24; i++) assert_true(y[i] == 2.0f * (float)i);
    lc_mat_free(A);
}

// Bitwise identical results for 1 and 2 threads, both layouts, each ISA level, ranks 16, 33
// and 50 (K = 903 is no multiple of the step-1 pass).
static void threads_rank(lci_rng *rng, int64_t m, int64_t k, int64_t r, const int64_t *ns,
                         int count) {
    float *u, *v;
    random_factors(rng, m, k, r, &u, &v);
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_lowrank(&A, m, k, r, u, v));
    for (int q = 0; q < count; q++)
        for (int l = 0; l < 2; l++) {
            const int64_t n = ns[q];
            const bool cols = l == LC_LAYOUT_COLS;
            const int64_t ldx = cols ? n : k, ldy = cols ? n : m;
            const size_t nx = (size_t)(cols ? k * ldx : n * ldx),
                         ny = (size_t)(cols ? m * ldy : n * ldy);
            float *x = malloc(nx * 4), *y1 = malloc(ny * 4), *y2 = malloc(ny * 4);
            tu_fill(rng, x, (int64_t)nx);
            tu_fill(rng, y1, (int64_t)ny);
            memcpy(y2, y1, ny * 4);
            assert_ok(lc_threads_set(1));
            assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y1, ldy));
            assert_ok(lc_threads_set(2));
            assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y2, ldy));
            if (memcmp(y1, y2, ny * 4))
                fail_msg("lowrank %s isa=%s r=%lld n=%lld: 1 and 2 threads differ",
                         cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)r,
                         (long long)n);
            free(x), free(y1), free(y2);
        }
    assert_ok(lc_threads_set(0));
    lc_mat_free(A);
    free(u), free(v);
}

static void threads_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 33);
    const int64_t m = 1001, k = 903, ns[] = {1, 37, 130, 256};
    for (int64_t r = 16; r <= 48; r += 17) threads_rank(&rng, m, k, r, ns, 4);
    // Few vectors, long K: step 1 has fewer blocks than threads and narrows them.
    const int64_t few[] = {16, 17};
    threads_rank(&rng, 300, 4200, 32, few, 2);
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// Singular values of a (m×k, row-major) in double, descending (LAPACK dgesdd).
static double *singular_values(const float *a, int64_t m, int64_t k) {
    const int64_t mn = m < k ? m : k;
    double *d = malloc((size_t)(m * k) * sizeof *d), *s = malloc((size_t)mn * sizeof *s);
    for (int64_t i = 0; i < m * k; i++) d[i] = a[i];
    assert_int_equal(LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (int)m, (int)k, d, (int)k, s, NULL,
                                    (int)m, NULL, (int)k),
                     0);
    free(d);
    return s;
}

// ‖A − B‖_F and ‖A‖_F in double.
static double frob_diff(const float *a, const float *b, int64_t count, double *norm_a) {
    double e = 0, na = 0;
    for (int64_t i = 0; i < count; i++) {
        e += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        na += (double)a[i] * a[i];
    }
    *norm_a = sqrt(na);
    return sqrt(e);
}

// Exact recovery of a rank-3 matrix (given rank, and the numerical rank with rank = rel_err =
// 0); a random matrix's truncation error against the optimal SVD tail; the rel_err rule;
// energy; conversions to and from lowrank.
static void test_projection(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 34);
    const int64_t m = 60, k = 45;
    float *u, *v;
    random_factors(&rng, m, k, 3, &u, &v);
    lc_mat *L = NULL, *P = NULL;
    assert_ok(lc_mat_create_lowrank(&L, m, k, 3, u, v));
    float *a = tu_dense_of(L);
    double energy = 0, na;
    for (int pass = 0; pass < 2; pass++) {
        assert_ok(lc_lowrank_project(&P, a, m, k, k, pass ? 0 : 3, 0, &energy));
        assert_int_equal(tu_stored(P), 3 * (m + k)); // the numerical rank is 3
        float *b = tu_dense_of(P);
        double e = frob_diff(a, b, m * k, &na);
        assert_true(e <= 20 * sqrt((double)m) * FLT_EPSILON * na);
        assert_true(fabs(energy - 1.0) <= 1e-5);
        free(b);
        lc_mat_free(P);
    }
    // A random (full-rank) matrix: rank-r error <= the SVD tail, up to float rounding.
    float *g = malloc((size_t)(m * k) * sizeof *g);
    for (int64_t i = 0; i < m * k; i++) g[i] = (float)lci_rng_normal(&rng);
    double *s = singular_values(g, m, k), total = 0;
    for (int64_t i = 0; i < k; i++) total += s[i] * s[i];
    for (int64_t r = 1; r <= k; r += 11) {
        assert_ok(lc_lowrank_project(&P, g, m, k, k, r, 0, &energy));
        float *b = tu_dense_of(P);
        double tail = 0, kept = 0;
        for (int64_t i = 0; i < k; i++) *(i < r ? &kept : &tail) += s[i] * s[i];
        double e = frob_diff(g, b, m * k, &na);
        if (!(e <= sqrt(tail) + 20 * sqrt((double)m) * FLT_EPSILON * na))
            fail_msg("rank %lld: error %g above the SVD tail %g", (long long)r, e, sqrt(tail));
        assert_true(fabs(energy - kept / total) <= 1e-5);
        free(b);
        lc_mat_free(P);
    }
    // rel_err: the smallest rank meeting it (checked on the double singular values).
    const double targets[] = {0.9, 0.5, 0.2, 0.05};
    for (int t = 0; t < 4; t++) {
        assert_ok(lc_lowrank_project(&P, g, m, k, k, 0, targets[t], &energy));
        const int64_t r = tu_stored(P) / (m + k);
        double tail_r = 0, tail_less = 0;
        for (int64_t i = r; i < k; i++) tail_r += s[i] * s[i];
        tail_less = tail_r + s[r - 1] * s[r - 1];
        assert_true(sqrt(tail_r / total) <= targets[t] * (1 + 1e-4));
        if (r > 1) assert_true(sqrt(tail_less / total) >= targets[t] * (1 - 1e-4));
        lc_mat_free(P);
    }
    // lc_mat_from_dense with params; lowrank → lowrank keeping the rank copies exactly; CSR →
    // lowrank goes through dense; lowrank → CSR holds every entry.
    lc_mat_params p = {.rank = 3};
    assert_ok(lc_mat_from_dense(&P, LC_FORMAT_LOWRANK, m, k, a, k, &p));
    assert_int_equal(tu_stored(P), 3 * (m + k));
    lc_mat_free(P);
    assert_ok(lc_mat_convert(&P, L, LC_FORMAT_LOWRANK, &p));
    float *b = tu_dense_of(P);
    assert_memory_equal(a, b, (size_t)(m * k) * sizeof *a);
    free(b);
    lc_mat_free(P);
    lc_mat *C = NULL, *D = NULL;
    assert_ok(lc_mat_convert(&C, L, LC_FORMAT_CSR, NULL));
    assert_int_equal(tu_stored(C), m * k);
    assert_ok(lc_mat_convert(&D, C, LC_FORMAT_LOWRANK, NULL));
    assert_int_equal(tu_stored(D), 3 * (m + k));
    lc_mat_free(C), lc_mat_free(D);
    // Empty and zero matrices: rank 1, energy 1.
    float zero[12] = {0};
    assert_ok(lc_lowrank_project(&P, zero, 3, 4, 4, 0, 0.5, &energy));
    assert_true(energy == 1.0 && tu_stored(P) == 7);
    lc_mat_free(P);
    assert_ok(lc_lowrank_project(&P, NULL, 0, 4, 4, 0, 0, &energy));
    assert_int_equal(tu_stored(P), 4);
    lc_mat_free(P);
    free(s), free(g), free(a), free(u), free(v);
    lc_mat_free(L);
}

static void test_bad_input(void **state) {
    (void)state;
    float u[8] = {1, 2, 3, 4, 5, 6, 7, 8}, a[12] = {0};
    lc_mat *A = NULL;
    assert_status(lc_mat_create_lowrank(&A, 4, 2, 0, u, u), LC_ERR_ARG);
    assert_status(lc_mat_create_lowrank(&A, 4, 2, 3, u, u), LC_ERR_ARG);
    assert_status(lc_mat_create_lowrank(&A, 4, 2, 1, NULL, u), LC_ERR_ARG);
    assert_status(lc_mat_create_lowrank(&A, 4, 2, 1, u, NULL), LC_ERR_ARG);
    assert_status(lc_mat_create_lowrank(NULL, 4, 2, 1, u, u), LC_ERR_ARG);
    assert_status(lc_mat_create_lowrank(&A, -1, 2, 1, u, u), LC_ERR_ARG);
    assert_status(lc_mat_create_lowrank(&A, (int64_t)INT32_MAX + 1, 2, 1, u, u), LC_ERR_OVERFLOW);
    assert_null(A);
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, 4, 0, NULL), LC_ERR_ARG); // rank > min
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, -1, 0, NULL), LC_ERR_ARG);
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, 0, 1.0, NULL), LC_ERR_ARG);
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, 0, NAN, NULL), LC_ERR_ARG);
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, 2, 0.5, NULL), LC_ERR_ARG);
    assert_status(lc_lowrank_project(&A, a, 3, 4, 3, 1, 0, NULL), LC_ERR_ARG); // lda < K
    a[5] = NAN;
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, 1, 0, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "A(1, 1)"));
    a[5] = INFINITY;
    assert_status(lc_lowrank_project(&A, a, 3, 4, 4, 1, 0, NULL), LC_ERR_ARG);
    a[5] = 0;
    lc_mat_params p = {.rank = -2};
    assert_status(lc_mat_from_dense(&A, LC_FORMAT_LOWRANK, 3, 4, a, 4, &p), LC_ERR_ARG);
    p = (lc_mat_params){.rank = 9};
    assert_status(lc_mat_from_dense(&A, LC_FORMAT_LOWRANK, 3, 4, a, 4, &p), LC_ERR_ARG);
    assert_null(A);
    assert_int_equal(lc_format_supports(LC_FORMAT_LOWRANK, LC_LAYOUT_ROWS), 1);
    assert_string_equal(lc_format_name(LC_FORMAT_LOWRANK), "lowrank");
}

typedef struct inject_ctx {
    lc_mat *out;
    const lc_mat *src;
    const float *u, *a;
    lc_format format;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_lowrank(&c->out, 20, 15, 4, c->u, c->u);
}
static lc_status inject_project(void *v) {
    inject_ctx *c = v;
    return lc_lowrank_project(&c->out, c->a, 20, 15, 15, 0, 0.3, NULL);
}
static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    lc_mat_params p = {.rank = 2};
    return lc_mat_convert(&c->out, c->src, c->format, &p);
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 35);
    float u[20 * 4], a[20 * 15], x[15 * 9], y[20 * 9];
    tu_fill(&rng, u, 80);
    tu_fill(&rng, a, 300);
    tu_fill(&rng, x, 135);
    inject_ctx c = {.u = u, .a = a};
    assert_true(tu_inject_each(inject_create, tu_free_out, &c) >= 3);
    assert_true(tu_inject_each(inject_project, tu_free_out, &c) >= 6);
    lc_mat *L = NULL, *C = NULL;
    assert_ok(lc_mat_create_lowrank(&L, 20, 15, 4, u, u));
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, 20, 15, a, 15, NULL));
    c.src = C, c.format = LC_FORMAT_LOWRANK; // CSR → dense copy → projection
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 7);
    c.src = L, c.format = LC_FORMAT_CSR; // through a dense copy
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 2);
    c.format = LC_FORMAT_LOWRANK; // projection of its own dense copy (rank 4 → 2)
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 7);
    for (int l = 0; l < 2; l++) { // the workspace T
        tu_mm_call mm = {c.src, (lc_layout)l, 9, x, y};
        assert_int_equal(tu_inject_each(tu_mm_call_run, NULL, &mm), 1);
    }
    lc_mat_free(L), lc_mat_free(C);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products),       cmocka_unit_test(test_tile_edges),
        cmocka_unit_test(test_kernel_bits),    cmocka_unit_test(test_dense_and_info),
        cmocka_unit_test(test_alpha_zero),     cmocka_unit_test(test_thread_identity),
        cmocka_unit_test(test_projection),     cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
