// monarch_project.c: the closest Monarch matrix to a dense one in Frobenius norm (Dao et al.
// 2022's block-wise projection): each sub-matrix A_jk (rows ≡ j mod b, column block k) owns its
// own factor entries, so its best rank-ρ_jk approximation (truncated SVD, LAPACK sgesdd) gives
// them, and the errors add up.
#include "monarch.h"

#include <lapacke.h>
#include <math.h>
#include <string.h>

typedef struct svd_job {
    lapack_int m, n, mn, lwork; // the column-major m×n array a = A_jkᵀ (m = p, n = s)
    float *a, *s, *u, *vt, *work;
    lapack_int *iwork;
    lapack_int info;
} svd_job;

static void svd_part(void *vjob, int part) {
    (void)part;
    svd_job *j = vjob;
    j->info = LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, 'S', j->m, j->n, j->a, j->m, j->s, j->u, j->m,
                                  j->vt, j->mn, j->work, j->lwork, j->iwork);
}

// The default block count: the largest divisor of gcd(M, K) that is at most √min(M, K).
static int64_t default_blocks(int64_t m, int64_t k) {
    if (m == 0 || k == 0) return 1;
    int64_t g = m, h = k, best = 1;
    while (h) {
        const int64_t t = g % h;
        g = h, h = t;
    }
    const int64_t mn = m < k ? m : k;
    for (int64_t d = 1; d * d <= mn; d++)
        if (g % d == 0) best = d;
    return best;
}

static int64_t projected_q(int64_t m, int64_t k, int64_t b) {
    const int64_t mn = m < k ? m : k;
    return mn / b > 1 ? mn / b : 1;
}

bool lci_monarch_is_projected_shape(const lc_mat *mat, int64_t nblocks) {
    const lci_monarch *a = (const lci_monarch *)mat;
    const int64_t b = nblocks ? nblocks : default_blocks(mat->m, mat->k);
    return a->b == b && a->q == projected_q(mat->m, mat->k, b);
}

typedef struct project_ctx {
    const float *a;
    int64_t lda;
    lci_monarch *res;
    svd_job job;
    double tail, total; // Σ of the discarded and of all squared singular values
    lc_status st;
    const char *who;
} project_ctx;

// The factor entries of pair (j, k): columns r_lo .. r_hi − 1 of L_j and the rows of R_k they
// meet, from the SVD of A_jk (which runs on one BLAS thread: this is the one part of a region).
static void project_pairs(void *vctx, int part) {
    (void)part;
    project_ctx *c = vctx;
    lci_monarch *res = c->res;
    svd_job *jb = &c->job;
    const int64_t b = res->b, q = res->q, p = res->p, s = res->s, mn = jb->mn;
    for (int64_t j = 0; j < b; j++)
        for (int64_t k = 0; k < b; k++) {
            // r with k·q <= r·b + j < (k+1)·q
            int64_t lo = k * q - j, hi = (k + 1) * q - j;
            lo = lo <= 0 ? 0 : (lo + b - 1) / b;
            hi = hi <= 0 ? 0 : (hi + b - 1) / b;
            if (hi > q) hi = q;
            const int64_t rho = hi > lo ? hi - lo : 0;
            // A_jk as the column-major p×s array (its transpose), copied.
            for (int64_t o = 0; o < s; o++)
                memcpy(jb->a + o * p, c->a + (o * b + j) * c->lda + k * p,
                       (size_t)p * sizeof(float));
            if (rho == 0) { // no factor entry: A_jk is discarded
                for (int64_t e = 0; e < p * s; e++) c->tail += (double)jb->a[e] * jb->a[e];
                for (int64_t e = 0; e < p * s; e++) c->total += (double)jb->a[e] * jb->a[e];
                continue;
            }
            svd_part(jb, 0);
            if (jb->info != 0) {
                c->st = lci_error(jb->info > 0 ? LC_ERR_NUMERIC : LC_ERR_ARG,
                                  "%s: sgesdd failed on block pair (%lld, %lld) (info %d%s)",
                                  c->who, (long long)j, (long long)k, (int)jb->info,
                                  jb->info > 0 ? ": the SVD did not converge" : "");
                return;
            }
            for (int64_t t = 0; t < mn; t++) {
                const double sq = (double)jb->s[t] * jb->s[t];
                c->total += sq;
                if (t >= rho) c->tail += sq;
            }
            // Aᵀ = W·Σ·Zᵀ, so A_jk = Z·Σ·Wᵀ: column t of L_j's part is σ_t·Z[:, t], row t of
            // R_k's part is W[:, t]ᵀ; ranks past min(s, p) get zeros.
            float *lj = res->l + j * s * q;
            for (int64_t t = 0; t < rho; t++) {
                const int64_t r = lo + t, i = r * b + j - k * q;
                float *ri = res->r + (k * q + i) * p;
                for (int64_t o = 0; o < s; o++)
                    lj[o * q + r] = t < mn ? jb->vt[o * mn + t] * jb->s[t] : 0.0f;
                for (int64_t x = 0; x < p; x++) ri[x] = t < mn ? jb->u[t * p + x] : 0.0f;
            }
        }
}

static lc_status project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                         int64_t nblocks, double *rel_err, const char *who) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (lda < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "%s: lda = %lld < K = %lld", who, (long long)lda,
                         (long long)k);
    if (!a && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "%s: NULL array", who);
    if (nblocks < 0)
        return lci_error(LC_ERR_ARG, "%s: %lld blocks (0: the default, else >= 1)", who,
                         (long long)nblocks);
    const int64_t b = nblocks ? nblocks : default_blocks(m, k);
    if ((st = lci_monarch_check_blocks(who, m, k, b))) return st;
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++)
            if (!isfinite(a[i * lda + p]))
                return lci_error(LC_ERR_ARG, "%s: A(%lld, %lld) = %g is not finite", who,
                                 (long long)i, (long long)p, (double)a[i * lda + p]);
    const int64_t q = projected_q(m, k, b);
    lci_monarch *res = NULL;
    if ((st = lci_monarch_alloc(&res, m, k, b, q, who))) return st;
    project_ctx c = {.a = a, .lda = lda, .res = res, .who = who};
    const int64_t p = res->p, s = res->s, mn = p < s ? p : s;
    if (mn == 0) { // nothing to decompose: zero factors
        memset(res->r, 0, (size_t)(q * k) * sizeof(float));
        memset(res->l, 0, (size_t)(q * m) * sizeof(float));
        goto done;
    }
    svd_job *jb = &c.job;
    *jb = (svd_job){.m = (lapack_int)p, .n = (lapack_int)s, .mn = (lapack_int)mn};
    if ((st = lci_alloc_array((void **)&jb->a, (size_t)(p * s), sizeof(float), "SVD input")) ||
        (st = lci_alloc_array((void **)&jb->s, (size_t)mn, sizeof(float), "singular values")) ||
        (st = lci_alloc_array((void **)&jb->u, (size_t)(p * mn), sizeof(float), "SVD factor W")) ||
        (st =
             lci_alloc_array((void **)&jb->vt, (size_t)(s * mn), sizeof(float), "SVD factor Zᵀ")) ||
        (st = lci_alloc_array((void **)&jb->iwork, 8 * (size_t)mn, sizeof(lapack_int),
                              "SVD integer workspace")))
        goto fail;
    float query = 0;
    jb->work = &query, jb->lwork = -1;
    svd_part(jb, 0);
    jb->work = NULL;
    const double lwork = ceil((double)query);
    if (jb->info != 0 || !(lwork >= 1 && lwork < (double)INT32_MAX)) {
        st = lci_error(LC_ERR_OVERFLOW, "%s: sgesdd workspace query failed (info %d, %g floats)",
                       who, (int)jb->info, lwork);
        goto fail;
    }
    jb->lwork = (lapack_int)lwork;
    if ((st = lci_alloc_array((void **)&jb->work, (size_t)jb->lwork, sizeof(float),
                              "SVD workspace")))
        goto fail;
    // One part in an active parallel region: OpenBLAS runs single-threaded inside, so the
    // factors do not depend on the BLAS's thread count.
    lci_parallel_blas(1, project_pairs, &c);
    st = c.st;
fail:
    lci_free(jb->a), lci_free(jb->s), lci_free(jb->u), lci_free(jb->vt), lci_free(jb->work);
    lci_free(jb->iwork);
    if (st) {
        lci_monarch_destroy(&res->base);
        return st;
    }
done:
    lci_monarch_pack(res);
    if (rel_err) *rel_err = c.total > 0 ? sqrt(c.tail / c.total) : 0.0;
    *out = &res->base;
    return LC_OK;
}

lc_status lc_monarch_project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                             int64_t nblocks, double *rel_err) {
    lc_status st = project(out, a, m, k, lda, nblocks, rel_err, "lc_monarch_project");
    if (!st) lci_error_clear();
    return st;
}

lc_status lci_monarch_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                 const lc_mat_params *params) {
    return project(out, a, m, k, lda, params ? params->monarch_blocks : 0, NULL,
                   "monarch projection");
}
