// butterfly_project.c: projection of a dense matrix onto the butterfly format by hierarchical
// factorisation (in double), from the last factor down: for each pair (i, i+h) of the top
// factor, the 2×h blocks of rows i, i+h over each half of the columns are rank one in a
// butterfly matrix (the two rows are multiples of one row of the half-size butterfly below), so
// their best rank-1 approximation gives the block's column and the row passed down; the halves
// then recurse independently. Exact on a butterfly matrix; on any other the squared error is the
// sum of the discarded second singular values squared (the residuals are orthogonal).
#include "butterfly.h"

#include <math.h>
#include <string.h>

// Best rank-1 approximation [u1; u2]·v of the two rows p, r (length len, stride 1) of a
// matrix in double: (u1, u2) a unit vector (its larger entry positive), v = u1·p + u2·r written
// over p. Returns the discarded σ_2².
static double rank1(double *p, const double *r, int64_t len, double *u1, double *u2) {
    double g11 = 0, g12 = 0, g22 = 0;
    for (int64_t j = 0; j < len; j++) g11 += p[j] * p[j], g12 += p[j] * r[j], g22 += r[j] * r[j];
    const double half = 0.5 * (g11 - g22), root = sqrt(half * half + g12 * g12);
    const double lmax = 0.5 * (g11 + g22) + root, lmin = 0.5 * (g11 + g22) - root;
    double e1 = 1, e2 = 0;
    if (g11 >= g22 && lmax > 0)
        e1 = lmax - g22, e2 = g12;
    else if (lmax > 0)
        e1 = g12, e2 = lmax - g11;
    const double nrm = hypot(e1, e2);
    if (nrm > 0) e1 /= nrm, e2 /= nrm;
    if (fabs(e2) > fabs(e1) ? e2 < 0 : e1 < 0) e1 = -e1, e2 = -e2;
    if (!(nrm > 0)) e1 = 1, e2 = 0;
    for (int64_t j = 0; j < len; j++) p[j] = e1 * p[j] + e2 * r[j];
    *u1 = e1, *u2 = e2;
    return lmin > 0 ? lmin : 0;
}

// Factors of the N×N row-major array `a` (overwritten), into f; returns Σ σ_2² (the squared
// Frobenius error of the projection).
static double project(double *a, int64_t nn, int32_t levels, float *f) {
    double tail = 0;
    for (int32_t t = levels - 1; t >= 0; t--) {
        const int64_t h = (int64_t)1 << t, size = 2 * h;
        float *ft = f + (int64_t)t * (nn / 2) * 4;
        for (int64_t base = 0; base < nn; base += size)
            for (int64_t kk = 0; kk < h; kk++) {
                const int64_t i = base + kk;
                double *ri = a + i * nn, *rh = a + (i + h) * nn, ac, cc, bd, dd;
                // Columns [base, base+h) of rows i, i+h give (a, c) and row i of the half below;
                // columns [base+h, base+size) give (b, d) and its row i+h (kept in row i+h).
                tail += rank1(ri + base, rh + base, h, &ac, &cc);
                double *q = rh + base + h, *o = ri + base + h;
                tail += rank1(q, o, h, &dd, &bd); // rows (i+h, i): (d, b)
                if (t == 0) { // the 1×1 blocks below are their own values: absorb them
                    ac *= ri[base], cc *= ri[base], bd *= q[0], dd *= q[0];
                }
                float *blk = ft + ((i >> (t + 1)) * h + (i & (h - 1))) * 4;
                blk[0] = (float)ac, blk[1] = (float)bd, blk[2] = (float)cc, blk[3] = (float)dd;
            }
    }
    return tail;
}

// The power of two that holds M and K (1 when both are 0).
static int64_t size_for(int64_t m, int64_t k) {
    int64_t nn = 1;
    while (nn < m || nn < k) nn *= 2;
    return nn;
}

lc_status lc_butterfly_project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                               double *rel_err) {
    static const char who[] = "lc_butterfly_project";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (m > ((int64_t)1 << 30) || k > ((int64_t)1 << 30))
        return lci_error(LC_ERR_ARG, "%s: %lld×%lld exceeds 2^30", who, (long long)m, (long long)k);
    if (lda < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "%s: lda = %lld < K = %lld", who, (long long)lda,
                         (long long)k);
    if (!a && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "%s: NULL array", who);
    double norm2 = 0;
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++) {
            const float v = a[i * lda + p];
            if (!isfinite(v))
                return lci_error(LC_ERR_ARG, "%s: entry (%lld, %lld) is %s", who, (long long)i,
                                 (long long)p, isnan(v) ? "NaN" : "infinite");
            norm2 += (double)v * v;
        }
    const int64_t nn = size_for(m, k);
    int64_t cells;
    if (lci_mul_i64(nn, nn, &cells))
        return lci_error(LC_ERR_OVERFLOW, "%s: %lld² overflows", who, (long long)nn);
    double *d = NULL;
    if ((st = lci_alloc_array((void **)&d, (size_t)cells, sizeof(double),
                              "butterfly projection copy (N² doubles)")))
        return st;
    lci_butterfly *b = NULL;
    if ((st = lci_butterfly_alloc(&b, m, k, nn, 0, 0, who))) {
        lci_free(d);
        return st;
    }
    memset(d, 0, (size_t)cells * sizeof(double));
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++) d[i * nn + p] = a[i * lda + p];
    const double tail = nn > 1 ? project(d, nn, b->levels, b->f) : 0;
    if (nn == 1) b->f[0] = 0; // nothing stored; an N = 1 butterfly is the identity
    lci_free(d);
    if (rel_err) *rel_err = norm2 > 0 ? sqrt(tail / norm2) : 0;
    *out = &b->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_butterfly_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k,
                                   int64_t lda) {
    return lc_butterfly_project(out, a, m, k, lda, NULL);
}
