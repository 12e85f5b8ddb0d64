// test_monarch.c: the Monarch format A = P_M·L·P_{bq}ᵀ·R: products (each ISA level, both
// layouts, alpha, beta, n = 0/1/odd/past a panel, square and rectangular, b = 1, b = M = K, q not
// a multiple of b, q < b, empty shapes) against a double-precision reference computed from the
// factors, within the format's bound (p + q + 2)·eps·(|alpha|·|L|·P(|R|·|X|) + |beta|·|Y|);
// to_dense against the definition as a product of explicit permutation and block-diagonal
// matrices; info; conversions; the projection (exact recovery, the optimal block-wise SVD bound,
// no perturbation does better, rel_err); the Monarch FFN against the dense FFN of the same
// weights; bad input; allocation failures; 1- vs 2-thread identity.
#include "testutil.h"
#include "core/mat.h"
#include "formats/monarch/monarch.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct shape {
    int64_t m, k, b, q;
} shape;

// Random factors for shape sh: R (q·K floats), L (q·M floats), uniform [-1, 1).
static void random_factors(lci_rng *rng, shape sh, float **r, float **l) {
    *r = malloc((size_t)(sh.q * sh.k + 1) * sizeof(float));
    *l = malloc((size_t)(sh.q * sh.m + 1) * sizeof(float));
    tu_fill(rng, *r, sh.q * sh.k);
    tu_fill(rng, *l, sh.q * sh.m);
}

// Y = alpha·A·X + beta·Y against the reference from the factors, with the padding of X NaN, NaN
// in Y when beta = 0 and in X when alpha = 0.
static void check_product(const lc_mat *A, shape sh, const float *rf, const float *lf,
                          lc_layout layout, int64_t n, float alpha, float beta, int64_t pad,
                          lci_rng *rng) {
    const int64_t m = sh.m, k = sh.k, b = sh.b, q = sh.q, p = k / b, s = m / b;
    const bool cols = layout == LC_LAYOUT_COLS;
    const int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    const int64_t ldx = (xc > 1 ? xc : 1) + pad, ldy = (yc > 1 ? yc : 1) + pad;
    float *x = malloc((size_t)(xr * ldx + 16) * sizeof *x);
    float *y = malloc((size_t)(yr * ldy + 1) * sizeof *y);
    float *y0 = malloc((size_t)(yr * ldy + 1) * sizeof *y0);
    double *u = calloc((size_t)(b * q * n + 1), 8), *ua = calloc((size_t)(b * q * n + 1), 8);
    double *ref = malloc((size_t)(m * n + 1) * sizeof *ref);
    double *bound = malloc((size_t)(m * n + 1) * sizeof *bound);
    for (int64_t i = 0; i < xr * ldx + 16; i++) x[i] = NAN;
    for (int64_t i = 0; i < xr; i++)
        for (int64_t j = 0; j < xc; j++) x[i * ldx + j] = alpha == 0.0f ? NAN : lci_rng_float(rng);
    for (int64_t i = 0; i < yr * ldy; i++) y0[i] = beta == 0.0f ? NAN : lci_rng_float(rng);
    memcpy(y, y0, (size_t)(yr * ldy) * sizeof *y);
    for (int64_t t = 0; t < b * q && alpha != 0.0f; t++) // u = R·x, |R|·|x|
        for (int64_t c = 0; c < p; c++)
            for (int64_t v = 0; v < n; v++) {
                const int64_t col = t / q * p + c;
                const double xv = cols ? x[col * ldx + v] : x[v * ldx + col];
                u[t * n + v] += (double)rf[t * p + c] * xv;
                ua[t * n + v] += fabs((double)rf[t * p + c] * xv);
            }
    const double eps = FLT_EPSILON;
    for (int64_t j = 0; j < b; j++)
        for (int64_t o = 0; o < s; o++)
            for (int64_t v = 0; v < n; v++) {
                double sum = 0, sa = 0, yv = 0;
                for (int64_t r = 0; r < q && alpha != 0.0f; r++) {
                    const double lv = lf[(j * s + o) * q + r];
                    sum += lv * u[(r * b + j) * n + v];
                    sa += fabs(lv) * ua[(r * b + j) * n + v];
                }
                const int64_t i = o * b + j;
                if (beta != 0.0f) yv = cols ? y0[i * ldy + v] : y0[v * ldy + i];
                ref[i * n + v] = (double)alpha * sum + (double)beta * yv;
                bound[i * n + v] =
                    (double)(p + q + 2) * eps * (fabs((double)alpha) * sa + fabs(beta * yv)) +
                    1e-30;
            }
    assert_ok(lc_mat_mm(A, layout, n, alpha, x, ldx, beta, y, ldy));
    char what[160];
    snprintf(what, sizeof what, "monarch %s isa=%s %lld×%lld b=%lld q=%lld n=%lld alpha=%g beta=%g",
             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)m, (long long)k,
             (long long)b, (long long)q, (long long)n, alpha, beta);
    tu_check(layout, m, n, y, ldy, ref, bound, what);
    for (int64_t r = 0; r < yr; r++)
        for (int64_t j = yc; j < ldy; j++)
            if (memcmp(&y[r * ldy + j], &y0[r * ldy + j], sizeof(float)))
                fail_msg("%s: padding of Y row %lld written", what, (long long)r);
    free(x), free(y), free(y0), free(u), free(ua), free(ref), free(bound);
}

static const shape shapes[] = {{1, 1, 1, 1}, {16, 16, 4, 4},   {12, 8, 4, 2},  {8, 12, 4, 2},
                               {9, 6, 3, 5}, {64, 64, 8, 8},   {64, 16, 4, 4}, {16, 64, 4, 4},
                               {6, 6, 6, 1}, {100, 60, 1, 60}, {8, 8, 4, 1},   {0, 4, 2, 1},
                               {4, 0, 2, 1}, {0, 0, 1, 1},     {96, 48, 2, 30}};
static const int64_t vector_counts[] = {0, 1, 2, 17, 63, 130, 257};

static void products_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 41);
    const float alphas[] = {1.0f, -0.75f, 0.0f}, betas[] = {0.0f, 1.0f, 0.5f};
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        float *rf, *lf;
        random_factors(&rng, shapes[si], &rf, &lf);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_monarch(&A, shapes[si].m, shapes[si].k, shapes[si].b, shapes[si].q,
                                        rf, lf));
        for (size_t qi = 0; qi < sizeof vector_counts / sizeof vector_counts[0]; qi++)
            for (int l = 0; l < 2; l++) {
                size_t ab = (si + qi + (size_t)l) % 9;
                check_product(A, shapes[si], rf, lf, (lc_layout)l, vector_counts[qi],
                              alphas[ab / 3], betas[ab % 3], (int64_t)((si + qi) % 3), &rng);
            }
        lc_mat_free(A);
        free(rf), free(lf);
    }
}

static void test_products(void **state) {
    (void)state;
    tu_each_isa(products_body);
}

// The panel kernel's tile edges (monarch_avx512.c: 8 or 4 vectors × 32 u outputs, 4 vectors × 4
// chunks of 16 Y outputs; monarch_avx2.c: 6 × 16 and 2 × 2 chunks): b = 1, 2, 4, 8 (broadcast u,
// M not a multiple of 16), 16, 32, 64 (one or more 16-wide lines), q < b, q = b, q > b, q not a
// multiple of 8 or 16; b = 3 and 24 take the CBLAS path. n around the tiles and the 16-vector
// panel, both layouts.
static const shape edge_shapes[] = {
    {17, 5, 1, 9},   {36, 12, 2, 7},   {20, 12, 4, 3},     {40, 24, 8, 8},  {48, 48, 16, 17},
    {32, 32, 32, 1}, {64, 32, 32, 32}, {64, 96, 32, 40},   {64, 64, 64, 2}, {128, 192, 64, 70},
    {24, 36, 3, 5},  {48, 72, 24, 30}, {256, 128, 32, 130}};
static const int64_t edge_counts[] = {1, 15, 16, 17, 64, 256};

static void edges_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 47);
    const float alphas[] = {1.0f, -0.75f}, betas[] = {0.0f, 1.0f, 0.5f};
    for (size_t si = 0; si < sizeof edge_shapes / sizeof edge_shapes[0]; si++) {
        const shape sh = edge_shapes[si];
        float *rf, *lf;
        random_factors(&rng, sh, &rf, &lf);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_monarch(&A, sh.m, sh.k, sh.b, sh.q, rf, lf));
        for (size_t qi = 0; qi < sizeof edge_counts / sizeof edge_counts[0]; qi++)
            for (int l = 0; l < 2; l++) {
                const size_t ab = (si + qi + (size_t)l) % 6;
                check_product(A, sh, rf, lf, (lc_layout)l, edge_counts[qi], alphas[ab / 3],
                              betas[ab % 3], (int64_t)((si + qi + (size_t)l) % 3), &rng);
            }
        lc_mat_free(A);
        free(rf), free(lf);
    }
}

static void test_kernel_edges(void **state) {
    (void)state;
    tu_each_isa(edges_body);
}

// Each registered panel kernel (the plain C oracle included) called directly on n vectors in
// both layouts with padded rows, against the double reference from the factors within the bound;
// Y's padding and the floats past u's rows untouched.
static void test_kernels_direct(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 53);
    const double eps = FLT_EPSILON;
    for (size_t si = 0; si < sizeof edge_shapes / sizeof edge_shapes[0]; si++) {
        const shape sh = edge_shapes[si];
        if (!lci_monarch_panel_ok(sh.b)) continue;
        const int64_t m = sh.m, k = sh.k, b = sh.b, q = sh.q, p = k / b, s = m / b, n = 21;
        const int64_t ldx = k + 3, ldy = m + 5, ldu = b * q;
        float *rf, *lf;
        random_factors(&rng, sh, &rf, &lf);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_monarch(&A, m, k, b, q, rf, lf));
        float *x = malloc((size_t)(n * ldx) * 4), *y0 = malloc((size_t)(n * ldy) * 4);
        float *y = malloc((size_t)(n * ldy) * 4), *u = malloc((size_t)(n * ldu + 16) * 4);
        double *ref = malloc((size_t)(n * m) * 8), *bound = malloc((size_t)(n * m) * 8);
        double *ud = malloc((size_t)(b * q) * 8), *ua = malloc((size_t)(b * q) * 8);
        tu_fill(&rng, x, n * ldx);
        tu_fill(&rng, y0, n * ldy);
        const float alpha = -1.25f, beta = 0.5f;
        for (int64_t v = 0; v < n; v++) {
            for (int64_t t = 0; t < b * q; t++) {
                ud[t] = ua[t] = 0;
                for (int64_t c = 0; c < p; c++) {
                    const double e = (double)rf[t * p + c] * x[v * ldx + t / q * p + c];
                    ud[t] += e, ua[t] += fabs(e);
                }
            }
            for (int64_t j = 0; j < b; j++)
                for (int64_t o = 0; o < s; o++) {
                    double sum = 0, sa = 0;
                    for (int64_t r = 0; r < q; r++) {
                        const double lv = lf[(j * s + o) * q + r];
                        sum += lv * ud[r * b + j], sa += fabs(lv) * ua[r * b + j];
                    }
                    const double yv = y0[v * ldy + o * b + j];
                    ref[v * m + o * b + j] = alpha * sum + beta * yv;
                    bound[v * m + o * b + j] =
                        (double)(p + q + 2) * eps * (fabs(alpha) * sa + fabs(beta * yv)) + 1e-30;
                }
        }
        // The cols layout's copies: X as K×n (ld n + 2), Y as M×n (ld n + 3).
        const int64_t ldxc = n + 2, ldyc = n + 3;
        float *xc = malloc((size_t)(k * ldxc) * 4), *yc0 = malloc((size_t)(m * ldyc) * 4);
        float *yc = malloc((size_t)(m * ldyc) * 4);
        tu_fill(&rng, yc0, m * ldyc);
        for (int64_t v = 0; v < n; v++) {
            for (int64_t c = 0; c < k; c++) xc[c * ldxc + v] = x[v * ldx + c];
            for (int64_t t = 0; t < m; t++) yc0[t * ldyc + v] = y0[v * ldy + t];
        }
        for (int isa = LC_ISA_GENERIC; isa <= LC_ISA_AVX512; isa++)
            for (int cols = 0; cols < 2; cols++) {
                lci_monarch_panel_fn fn =
                    (lci_monarch_panel_fn)lci_kernel_get_at(LCI_KERNEL_MONARCH_PANEL, (lc_isa)isa);
                if (!fn) continue;
                memcpy(y, y0, (size_t)(n * ldy) * 4);
                memcpy(yc, yc0, (size_t)(m * ldyc) * 4);
                for (int64_t i = 0; i < n * ldu + 16; i++) u[i] = NAN;
                const lci_monarch_panel kr = {.a = (const lci_monarch *)A,
                                              .x = cols ? xc : x,
                                              .u = u,
                                              .y = cols ? yc : y,
                                              .xv = cols ? 1 : ldx,
                                              .xf = cols ? ldxc : 1,
                                              .ldu = ldu,
                                              .yv = cols ? 1 : ldy,
                                              .yf = cols ? ldyc : 1,
                                              .nv = n,
                                              .alpha = alpha,
                                              .beta = beta};
                fn(&kr);
                for (int64_t v = 0; v < n; v++)
                    for (int64_t t = 0; t < m; t++) {
                        const float got = cols ? yc[t * ldyc + v] : y[v * ldy + t];
                        if (!(fabs(got - ref[v * m + t]) <= bound[v * m + t]))
                            fail_msg(
                                "panel kernel isa=%s %s %lld×%lld b=%lld q=%lld: y[%lld, %lld] "
                                "= %g, reference %g",
                                lc_isa_name((lc_isa)isa), cols ? "cols" : "rows", (long long)m,
                                (long long)k, (long long)b, (long long)q, (long long)v,
                                (long long)t, got, ref[v * m + t]);
                    }
                if (cols) { // the padding of Y's rows
                    for (int64_t t = 0; t < m; t++)
                        for (int64_t v = n; v < ldyc; v++)
                            assert_memory_equal(&yc[t * ldyc + v], &yc0[t * ldyc + v], 4);
                } else {
                    for (int64_t v = 0; v < n; v++)
                        for (int64_t t = m; t < ldy; t++)
                            assert_memory_equal(&y[v * ldy + t], &y0[v * ldy + t], 4);
                }
                for (int64_t i = n * ldu; i < n * ldu + 16; i++) assert_true(isnan(u[i]));
            }
        free(xc), free(yc0), free(yc);
        free(x), free(y0), free(y), free(u), free(ref), free(bound), free(ud), free(ua);
        free(rf), free(lf);
        lc_mat_free(A);
    }
}

// A = P_M·L·P_{bq}ᵀ·R in double with every matrix explicit (the definition in lacuna.h, not
// the index formula to_dense uses): m×k, row-major.
static double *definition(shape sh, const float *rf, const float *lf, double *absval) {
    const int64_t m = sh.m, k = sh.k, b = sh.b, q = sh.q, p = k / b, s = m / b, t = b * q;
    double *R = calloc((size_t)(t * k + 1), 8), *Z = calloc((size_t)(t * k + 1), 8);
    double *Za = calloc((size_t)(t * k + 1), 8), *A = calloc((size_t)(m * k + 1), 8);
    for (int64_t blk = 0; blk < b; blk++) // blockdiag(R_k)
        for (int64_t i = 0; i < q; i++)
            for (int64_t c = 0; c < p; c++)
                R[(blk * q + i) * k + blk * p + c] = rf[(blk * q + i) * p + c];
    for (int64_t a = 0; a < b; a++) // P_tᵀ: (Pᵀv)[a·q + c] = v[c·b + a]
        for (int64_t c = 0; c < q; c++)
            for (int64_t col = 0; col < k; col++) {
                Z[(a * q + c) * k + col] = R[(c * b + a) * k + col];
                Za[(a * q + c) * k + col] = fabs(R[(c * b + a) * k + col]);
            }
    for (int64_t a = 0; a < b; a++) // w = blockdiag(L_j)·z, then y[c·b + a] = w[a·s + c]
        for (int64_t c = 0; c < s; c++)
            for (int64_t col = 0; col < k; col++) {
                double sum = 0, sa = 0;
                for (int64_t r = 0; r < q; r++) {
                    sum += (double)lf[(a * s + c) * q + r] * Z[(a * q + r) * k + col];
                    sa += fabs((double)lf[(a * s + c) * q + r]) * Za[(a * q + r) * k + col];
                }
                A[(c * b + a) * k + col] = sum;
                absval[(c * b + a) * k + col] = sa;
            }
    free(R), free(Z), free(Za);
    return A;
}

// to_dense against the definition within q·eps·|L|·|R|; lc_mat_mv; info; workspace.
static void test_dense_and_info(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 42);
    for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        const shape sh = shapes[si];
        float *rf, *lf;
        random_factors(&rng, sh, &rf, &lf);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_monarch(&A, sh.m, sh.k, sh.b, sh.q, rf, lf));
        double *absval = calloc((size_t)(sh.m * sh.k + 1), 8);
        double *ref = definition(sh, rf, lf, absval);
        float *d = tu_dense_of(A);
        for (int64_t i = 0; i < sh.m * sh.k; i++)
            if (!(fabs(d[i] - ref[i]) <= (double)(sh.q + 1) * FLT_EPSILON * absval[i] + 1e-30))
                fail_msg("shape %zu: to_dense[%lld] = %g, definition %g", si, (long long)i, d[i],
                         ref[i]);
        struct lc_mat_info info;
        assert_ok(lc_mat_info(A, &info));
        assert_int_equal(info.format, LC_FORMAT_MONARCH);
        assert_int_equal(info.stored, sh.q * (sh.m + sh.k));
        assert_int_equal(info.useful, sh.q * (sh.m + sh.k));
        assert_true(info.flops_per_col == 2.0 * (double)(sh.q * (sh.m + sh.k)));
        assert_int_equal(info.bytes, 4 * sh.q * (sh.m + sh.k));
        free(absval), free(ref), free(d), free(rf), free(lf);
        lc_mat_free(A);
    }
    const shape sh = {64, 16, 4, 4};
    float *rf, *lf, x[16], y1[64], y2[64];
    random_factors(&rng, sh, &rf, &lf);
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_monarch(&A, sh.m, sh.k, sh.b, sh.q, rf, lf));
    tu_fill(&rng, x, 16);
    tu_fill(&rng, y1, 64);
    memcpy(y2, y1, sizeof y1);
    assert_ok(lc_mat_mv(A, 0.5f, x, 2.0f, y1));
    assert_ok(lc_mat_mm(A, LC_LAYOUT_ROWS, 1, 0.5f, x, 16, 2.0f, y2, 64));
    assert_memory_equal(y1, y2, sizeof y1);
    size_t ws = 0;
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_COLS, 10, &ws));
    assert_int_equal(ws, (size_t)(4 * 4 * 10) * sizeof(float));
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_ROWS, 10, &ws));
    assert_int_equal(ws, (size_t)(16 * 10) * sizeof(float)); // the kernel needs u only
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_COLS, 1, &ws));
    assert_int_equal(ws, (size_t)16 * sizeof(float));
    free(rf), free(lf);
    lc_mat_free(A);
}

// Bitwise identical results for 1 and 2 threads, both layouts, each ISA level.
static void threads_body(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 43);
    const shape shs[] = {
        {1024, 512, 16, 32}, {512, 256, 32, 8}, {256, 512, 4, 64}, {192, 384, 3, 64}};
    const int64_t ns[] = {1, 2, 16, 17, 37, 300};
    for (int si = 0; si < 4; si++) {
        const shape sh = shs[si];
        float *rf, *lf;
        random_factors(&rng, sh, &rf, &lf);
        lc_mat *A = NULL;
        assert_ok(lc_mat_create_monarch(&A, sh.m, sh.k, sh.b, sh.q, rf, lf));
        for (int qi = 0; qi < 6; qi++)
            for (int l = 0; l < 2; l++) {
                const int64_t n = ns[qi], m = sh.m, k = sh.k;
                const bool cols = l == LC_LAYOUT_COLS;
                const int64_t ldx = cols ? n : k, ldy = cols ? n : m;
                const size_t nx = (size_t)(cols ? k * ldx : n * ldx),
                             ny = (size_t)(cols ? m * ldy : n * ldy);
                float *x = malloc(nx * 4), *y1 = malloc(ny * 4), *y2 = malloc(ny * 4);
                tu_fill(&rng, x, (int64_t)nx);
                tu_fill(&rng, y1, (int64_t)ny);
                memcpy(y2, y1, ny * 4);
                assert_ok(lc_threads_set(1));
                assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y1, ldy));
                assert_ok(lc_threads_set(2));
                assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, 0.3f, y2, ldy));
                if (memcmp(y1, y2, ny * 4))
                    fail_msg("monarch %s isa=%s b=%lld n=%lld: 1 and 2 threads differ",
                             cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)sh.b,
                             (long long)n);
                free(x), free(y1), free(y2);
            }
        lc_mat_free(A);
        free(rf), free(lf);
    }
    assert_ok(lc_threads_set(0));
}

static void test_thread_identity(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// ‖A − B‖_F in double (and ‖A‖_F).
static double frob_diff(const float *a, const float *b, int64_t count, double *norm_a) {
    double e = 0, na = 0;
    for (int64_t i = 0; i < count; i++) {
        e += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        na += (double)a[i] * a[i];
    }
    *norm_a = sqrt(na);
    return sqrt(e);
}

// The optimal error of the projection, from dgesdd in double on each sub-matrix A_jk: the
// square root of Σ over pairs of the singular values past ρ_jk.
static double optimal_error(const float *a, shape sh) {
    const int64_t b = sh.b, q = sh.q, p = sh.k / b, s = sh.m / b, mn = p < s ? p : s;
    double *blk = malloc((size_t)(p * s) * 8), *sv = malloc((size_t)mn * 8), tail = 0;
    for (int64_t j = 0; j < b; j++)
        for (int64_t k = 0; k < b; k++) {
            int64_t rho = 0;
            for (int64_t r = 0; r < q; r++) rho += r * b + j >= k * q && r * b + j < (k + 1) * q;
            for (int64_t o = 0; o < s; o++)
                for (int64_t c = 0; c < p; c++) blk[o * p + c] = a[(o * b + j) * sh.k + k * p + c];
            assert_int_equal(LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'N', (int)s, (int)p, blk, (int)p, sv,
                                            NULL, (int)s, NULL, (int)p),
                             0);
            for (int64_t t = rho; t < mn; t++) tail += sv[t] * sv[t];
        }
    free(blk), free(sv);
    return sqrt(tail);
}

// Exact recovery of Monarch matrices (square and both rectangular forms); the error on random
// matrices against the block-wise SVD optimum and against perturbations of the result; rel_err;
// conversions.
static void test_projection(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 44);
    const shape cases[] = {{64, 64, 8, 8},  {128, 32, 4, 8}, {32, 128, 4, 8},
                           {36, 36, 3, 12}, {20, 20, 10, 2}, {30, 18, 1, 18}};
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        const shape sh = cases[ci];
        const int64_t mk = sh.m * sh.k;
        float *rf, *lf;
        random_factors(&rng, sh, &rf, &lf);
        lc_mat *M = NULL, *P = NULL;
        assert_ok(lc_mat_create_monarch(&M, sh.m, sh.k, sh.b, sh.q, rf, lf));
        float *a = tu_dense_of(M);
        double rel = 1, na;
        assert_ok(lc_monarch_project(&P, a, sh.m, sh.k, sh.k, sh.b, &rel));
        assert_int_equal(tu_stored(P), tu_stored(M));
        float *pa = tu_dense_of(P);
        double e = frob_diff(a, pa, mk, &na);
        if (!(e <= 50 * FLT_EPSILON * na && rel <= 1e-5))
            fail_msg("case %zu: Monarch not recovered (error %g of %g, rel_err %g)", ci, e, na,
                     rel);
        free(pa), lc_mat_free(P);
        // A random matrix: error = the optimum, and no perturbed factor pair does better.
        float *g = malloc((size_t)(mk + 1) * sizeof *g);
        for (int64_t i = 0; i < mk; i++) g[i] = (float)lci_rng_normal(&rng);
        assert_ok(lc_monarch_project(&P, g, sh.m, sh.k, sh.k, sh.b, &rel));
        pa = tu_dense_of(P);
        e = frob_diff(g, pa, mk, &na);
        const double best = optimal_error(g, sh), tol = 20 * sqrt((double)mk) * FLT_EPSILON * na;
        if (!(e <= best + tol && e >= best - tol && fabs(rel - e / na) <= 1e-4))
            fail_msg("case %zu: error %g, optimum %g, rel_err %g", ci, e, best, rel);
        const lci_monarch *pm = (const lci_monarch *)P;
        float *r2 = malloc((size_t)(sh.q * sh.k + 1) * 4),
              *l2 = malloc((size_t)(sh.q * sh.m + 1) * 4);
        for (int trial = 0; trial < 4; trial++) {
            for (int64_t i = 0; i < sh.q * sh.k; i++)
                r2[i] = pm->r[i] + 1e-2f * lci_rng_float(&rng);
            for (int64_t i = 0; i < sh.q * sh.m; i++)
                l2[i] = pm->l[i] + 1e-2f * lci_rng_float(&rng);
            lc_mat *Q = NULL;
            assert_ok(lc_mat_create_monarch(&Q, sh.m, sh.k, sh.b, sh.q, r2, l2));
            float *qa = tu_dense_of(Q);
            if (!(frob_diff(g, qa, mk, &na) >= e - tol))
                fail_msg("case %zu: a perturbation beats the projection", ci);
            free(qa), lc_mat_free(Q);
        }
        free(r2), free(l2), free(pa), free(g), lc_mat_free(P);
        // Conversions: from_dense with params; Monarch → Monarch with its blocks copies;
        // CSR → Monarch goes through dense; Monarch → CSR holds every nonzero.
        lc_mat_params prm = {.monarch_blocks = (int32_t)sh.b};
        lc_mat *C = NULL, *D = NULL;
        assert_ok(lc_mat_from_dense(&P, LC_FORMAT_MONARCH, sh.m, sh.k, a, sh.k, &prm));
        assert_int_equal(tu_stored(P), tu_stored(M));
        lc_mat_free(P);
        assert_ok(lc_mat_convert(&P, M, LC_FORMAT_MONARCH, &prm));
        pa = tu_dense_of(P);
        assert_memory_equal(a, pa, (size_t)mk * sizeof *a);
        free(pa), lc_mat_free(P);
        assert_ok(lc_mat_convert(&C, M, LC_FORMAT_CSR, NULL));
        int64_t nz = 0; // the entries of A that are not 0 (q < b leaves structural zeros)
        for (int64_t i = 0; i < mk; i++) nz += a[i] != 0.0f;
        assert_int_equal(tu_stored(C), nz);
        assert_ok(lc_mat_convert(&D, C, LC_FORMAT_MONARCH, &prm));
        assert_int_equal(tu_stored(D), tu_stored(M));
        lc_mat_free(C), lc_mat_free(D);
        free(a), free(rf), free(lf), lc_mat_free(M);
    }
    // The default block count: the largest divisor of gcd(M, K) up to √min(M, K).
    float *z = calloc(4096 * 1024, sizeof(float));
    lc_mat *P = NULL;
    double rel = 1;
    assert_ok(lc_monarch_project(&P, z, 4096, 1024, 1024, 0, &rel));
    assert_true(rel == 0 && ((const lci_monarch *)P)->b == 32 && ((const lci_monarch *)P)->q == 32);
    lc_mat_free(P);
    assert_ok(lc_monarch_project(&P, z, 12, 18, 18, 0, NULL));
    assert_true(((const lci_monarch *)P)->b == 3 && ((const lci_monarch *)P)->q == 4);
    lc_mat_free(P);
    assert_ok(lc_monarch_project(&P, NULL, 0, 5, 5, 0, &rel));
    assert_true(rel == 0 && tu_stored(P) == 5);
    lc_mat_free(P);
    free(z);
}

// The Monarch FFN (up d → 4d, GELU, down 4d → d, both Monarch) against the dense FFN built from
// to_dense of the same weights: equal within the products' bounds, stated loosely as
// 1e-4·max|y| (each side is within (K + 2)·eps of its own products; the weights' roundings in
// to_dense add q·eps).
static void test_ffn(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 45);
    const int64_t d = 64, t = 37;
    const int64_t blocks[] = {1, 4, 8};
    for (int bi = 0; bi < 3; bi++) {
        const int64_t b = blocks[bi], q = d / b;
        const shape up = {4 * d, d, b, q}, down = {d, 4 * d, b, q};
        float *ru, *lu, *rd, *ld;
        random_factors(&rng, up, &ru, &lu);
        random_factors(&rng, down, &rd, &ld);
        lc_mat *U = NULL, *D = NULL, *Ud = NULL, *Dd = NULL;
        assert_ok(lc_mat_create_monarch(&U, up.m, up.k, b, q, ru, lu));
        assert_ok(lc_mat_create_monarch(&D, down.m, down.k, b, q, rd, ld));
        assert_ok(lc_mat_convert(&Ud, U, LC_FORMAT_DENSE, NULL));
        assert_ok(lc_mat_convert(&Dd, D, LC_FORMAT_DENSE, NULL));
        float bias_up[256], bias_down[64], x[37 * 64], y1[37 * 64], y2[37 * 64];
        tu_fill(&rng, bias_up, 4 * d);
        tu_fill(&rng, bias_down, d);
        tu_fill(&rng, x, t * d);
        lc_ffn *fm = NULL, *fd = NULL;
        assert_ok(lc_ffn_create(&fm, U, NULL, D, LC_ACT_GELU_TANH, bias_up, NULL, bias_down));
        assert_ok(lc_ffn_create(&fd, Ud, NULL, Dd, LC_ACT_GELU_TANH, bias_up, NULL, bias_down));
        assert_ok(lc_ffn_forward(fm, t, x, d, y1, d));
        assert_ok(lc_ffn_forward(fd, t, x, d, y2, d));
        double big = 0, diff = 0;
        for (int64_t i = 0; i < t * d; i++) {
            big = fmax(big, fabs(y2[i]));
            diff = fmax(diff, fabs((double)y1[i] - y2[i]));
        }
        if (!(diff <= 1e-4 * big))
            fail_msg("b = %lld: Monarch FFN %g off the dense FFN (max %g)", (long long)b, diff,
                     big);
        lc_ffn_free(fm), lc_ffn_free(fd);
        lc_mat_free(U), lc_mat_free(D), lc_mat_free(Ud), lc_mat_free(Dd);
        free(ru), free(lu), free(rd), free(ld);
    }
}

static void test_bad_input(void **state) {
    (void)state;
    float f[64] = {0}, a[64] = {0};
    lc_mat *A = NULL;
    assert_status(lc_mat_create_monarch(&A, 8, 6, 4, 2, f, f), LC_ERR_ARG); // 4 ∤ 6
    assert_non_null(strstr(lc_last_error(), "8×6"));
    assert_status(lc_mat_create_monarch(&A, 6, 8, 4, 2, f, f), LC_ERR_ARG); // 4 ∤ 6
    assert_status(lc_mat_create_monarch(&A, 8, 8, 0, 2, f, f), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(&A, 8, 8, -2, 2, f, f), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(&A, 8, 8, 2, 0, f, f), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(&A, 8, 8, 2, 2, NULL, f), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(&A, 8, 8, 2, 2, f, NULL), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(NULL, 8, 8, 2, 2, f, f), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(&A, -1, 8, 1, 2, f, f), LC_ERR_ARG);
    assert_status(lc_mat_create_monarch(&A, (int64_t)1 << 31, 8, 1, 2, f, f), LC_ERR_OVERFLOW);
    assert_null(A);
    assert_status(lc_monarch_project(&A, a, 8, 6, 6, 4, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "8×6"));
    assert_status(lc_monarch_project(&A, a, 8, 8, 8, -1, NULL), LC_ERR_ARG);
    assert_status(lc_monarch_project(&A, a, 8, 8, 7, 2, NULL), LC_ERR_ARG); // lda < K
    a[13] = NAN;
    assert_status(lc_monarch_project(&A, a, 8, 8, 8, 2, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "A(1, 5)"));
    a[13] = -INFINITY;
    assert_status(lc_monarch_project(&A, a, 8, 8, 8, 2, NULL), LC_ERR_ARG);
    a[13] = 0;
    lc_mat_params p = {.monarch_blocks = -3};
    assert_status(lc_mat_from_dense(&A, LC_FORMAT_MONARCH, 8, 8, a, 8, &p), LC_ERR_ARG);
    p.monarch_blocks = 3;
    assert_status(lc_mat_from_dense(&A, LC_FORMAT_MONARCH, 8, 8, a, 8, &p), LC_ERR_ARG);
    assert_null(A);
    assert_int_equal(lc_format_supports(LC_FORMAT_MONARCH, LC_LAYOUT_ROWS), 1);
    assert_int_equal(lc_format_supports(LC_FORMAT_MONARCH, LC_LAYOUT_COLS), 1);
    assert_string_equal(lc_format_name(LC_FORMAT_MONARCH), "monarch");
}

typedef struct inject_ctx {
    lc_mat *out;
    const lc_mat *src;
    const float *f, *a;
    lc_format format;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_monarch(&c->out, 16, 8, 4, 2, c->f, c->f);
}
static lc_status inject_project(void *v) {
    inject_ctx *c = v;
    return lc_monarch_project(&c->out, c->a, 16, 8, 8, 2, NULL);
}
static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    lc_mat_params p = {.monarch_blocks = 2};
    return lc_mat_convert(&c->out, c->src, c->format, &p);
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 46);
    float f[64], a[16 * 8], x[8 * 9], y[16 * 9];
    tu_fill(&rng, f, 64);
    tu_fill(&rng, a, 128);
    tu_fill(&rng, x, 72);
    inject_ctx c = {.f = f, .a = a};
    assert_true(tu_inject_each(inject_create, tu_free_out, &c) >= 3);
    assert_true(tu_inject_each(inject_project, tu_free_out, &c) >= 8);
    lc_mat *M = NULL, *C = NULL;
    assert_ok(lc_mat_create_monarch(&M, 16, 8, 4, 2, f, f));
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, 16, 8, a, 8, NULL));
    c.src = C, c.format = LC_FORMAT_MONARCH; // CSR → dense copy → projection
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 9);
    c.src = M, c.format = LC_FORMAT_CSR; // through a dense copy
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 2);
    c.format = LC_FORMAT_MONARCH; // 4 blocks → 2: projection of its own dense copy
    assert_true(tu_inject_each(inject_convert, tu_free_out, &c) >= 9);
    for (int l = 0; l < 2; l++) { // the workspace
        tu_mm_call mm = {c.src, (lc_layout)l, 9, x, y};
        assert_int_equal(tu_inject_each(tu_mm_call_run, NULL, &mm), 1);
    }
    lc_mat_free(M), lc_mat_free(C);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_products),
        cmocka_unit_test(test_kernel_edges),
        cmocka_unit_test(test_kernels_direct),
        cmocka_unit_test(test_dense_and_info),
        cmocka_unit_test(test_thread_identity),
        cmocka_unit_test(test_projection),
        cmocka_unit_test(test_ffn),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
