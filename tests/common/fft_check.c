// fft_check.c: the product check of the FFT-based formats (see fft_check.h).
#include "fft_check.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double fc_check_product(const lc_mat *A, const float *a, int64_t len, double tnorm,
                        lc_layout layout, int64_t n, float alpha, float beta, int64_t pad,
                        lci_rng *rng) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    const int64_t m = info.m, k = info.k;
    const bool cols = layout == LC_LAYOUT_COLS;
    const int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    const int64_t ldx = (xc > 1 ? xc : 1) + pad, ldy = (yc > 1 ? yc : 1) + pad;
    float *x = malloc((size_t)(xr * ldx + 16) * sizeof *x);
    float *y = malloc((size_t)(yr * ldy + 1) * sizeof *y);
    float *y0 = malloc((size_t)(yr * ldy + 1) * sizeof *y0);
    for (int64_t i = 0; i < xr * ldx + 16; i++) x[i] = NAN;
    for (int64_t i = 0; i < xr; i++)
        for (int64_t j = 0; j < xc; j++) x[i * ldx + j] = alpha == 0.0f ? NAN : lci_rng_float(rng);
    for (int64_t i = 0; i < yr * ldy; i++) y0[i] = beta == 0.0f ? NAN : lci_rng_float(rng);
    memcpy(y, y0, (size_t)(yr * ldy) * sizeof *y);
    assert_ok(lc_mat_mm(A, layout, n, alpha, x, ldx, beta, y, ldy));
    char what[160];
    snprintf(what, sizeof what, "%s %s isa=%s %lld×%lld L=%lld n=%lld alpha=%g beta=%g",
             lc_format_name(info.format), cols ? "cols" : "rows", lc_isa_name(lc_isa_get()),
             (long long)m, (long long)k, (long long)len, (long long)n, alpha, beta);
    const double eps = FLT_EPSILON, lg = len > 1 ? log2((double)len) : 0;
    const bool generic = lc_isa_get() == LC_ISA_GENERIC;
    double worst = 0;
    for (int64_t v = 0; v < n; v++) {
        double err = 0, nx = 0, ny0 = 0, direct = 0;
        for (int64_t p = 0; p < k && alpha != 0.0f; p++) {
            const double xv = cols ? x[p * ldx + v] : x[v * ldx + p];
            nx += xv * xv;
        }
        for (int64_t i = 0; i < m; i++) {
            double s = 0, sa = 0;
            for (int64_t p = 0; p < k && alpha != 0.0f; p++) {
                const double xv = cols ? x[p * ldx + v] : x[v * ldx + p];
                s += (double)a[i * k + p] * xv;
                sa += fabs((double)a[i * k + p] * xv);
            }
            const double yv = beta != 0.0f ? (cols ? y0[i * ldy + v] : y0[v * ldy + i]) : 0;
            const double ref = (double)alpha * s + (double)beta * yv;
            const double got = cols ? y[i * ldy + v] : y[v * ldy + i];
            if (isnan(got))
                fail_msg("%s: vector %lld, output %lld is NaN", what, (long long)v, (long long)i);
            err += (got - ref) * (got - ref);
            ny0 += yv * yv;
            const double d = fabs((double)alpha) * sa + fabs((double)beta * yv);
            direct += d * d;
        }
        double bound = generic ? (double)(k + 2) * eps * sqrt(direct)
                               : (20 * lg + 8) * eps * fabs((double)alpha) * sqrt((double)len) *
                                         tnorm * sqrt(nx) +
                                     2 * eps * fabs((double)beta) * sqrt(ny0);
        bound += 1e-30;
        const double ratio = sqrt(err) / bound;
        if (!(ratio <= 1))
            fail_msg("%s: vector %lld error %g above the bound %g", what, (long long)v, sqrt(err),
                     bound);
        if (ratio > worst) worst = ratio;
    }
    for (int64_t q = 0; q < yr; q++)
        for (int64_t j = yc; j < ldy; j++)
            if (memcmp(&y[q * ldy + j], &y0[q * ldy + j], sizeof(float)))
                fail_msg("%s: padding of Y row %lld written", what, (long long)q);
    free(x), free(y), free(y0);
    return worst;
}

void fc_check_threads(const lc_mat *A, int64_t n, lci_rng *rng) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    for (int l = 0; l < 2; l++)
        for (int b = 0; b < 2; b++) {
            const bool cols = l == LC_LAYOUT_COLS;
            const int64_t ldx = cols ? n : info.k, ldy = cols ? n : info.m;
            const size_t nx = (size_t)(cols ? info.k * ldx : n * ldx),
                         ny = (size_t)(cols ? info.m * ldy : n * ldy);
            float *x = malloc(nx * 4), *y1 = malloc(ny * 4), *y2 = malloc(ny * 4);
            tu_fill(rng, x, (int64_t)nx);
            tu_fill(rng, y1, (int64_t)ny);
            memcpy(y2, y1, ny * 4);
            const float beta = b ? 0.0f : 0.3f;
            assert_ok(lc_threads_set(1));
            assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, beta, y1, ldy));
            assert_ok(lc_threads_set(2));
            assert_ok(lc_mat_mm(A, (lc_layout)l, n, 0.7f, x, ldx, beta, y2, ldy));
            if (memcmp(y1, y2, ny * 4))
                fail_msg("%s %s isa=%s n=%lld: 1 and 2 threads differ", lc_format_name(info.format),
                         cols ? "cols" : "rows", lc_isa_name(lc_isa_get()), (long long)n);
            free(x), free(y1), free(y2);
        }
    assert_ok(lc_threads_set(0));
}
