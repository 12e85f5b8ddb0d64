// lowrank_svd.c: projection of a dense matrix onto low rank by a truncated SVD (LAPACK sgesdd):
// A ≈ U_r·Σ_r·V_rᵀ, stored as U = U_r·Σ_r and V = V_r; the rank is given, or the smallest that
// meets a relative Frobenius error, or the numerical rank.
#include "lowrank.h"

#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

typedef struct svd_job {
    lapack_int m, n, mn, ld, lwork;
    float *a, *s, *u, *vt, *work;
    lapack_int *iwork;
    lapack_int info;
} svd_job;

// sgesdd ('S': the min(m, n) leading singular vectors) on the column-major m×n array job->a.
static void svd_part(void *vjob, int part) {
    (void)part;
    svd_job *j = vjob;
    j->info = LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, 'S', j->m, j->n, j->a, j->ld, j->s, j->u, j->m,
                                  j->vt, j->mn, j->work, j->lwork, j->iwork);
}

// The rank a request keeps, from the singular values s[0 .. mn) (descending), and the energy
// it captures.
static int64_t choose_rank(const float *s, int64_t mn, int64_t m, int64_t k, int64_t rank,
                           double rel_err, double *energy) {
    double total = 0;
    for (int64_t i = 0; i < mn; i++) total += (double)s[i] * s[i];
    int64_t r = rank;
    if (r == 0 && rel_err > 0) {
        // Smallest r with Σ_{i>=r} σ_i² <= rel_err²·Σ σ_i² (the tail from the small end, so the
        // sum does not lose it to cancellation).
        const double limit = rel_err * rel_err * total;
        double tail = 0;
        r = mn;
        while (r > 1 && tail + (double)s[r - 1] * s[r - 1] <= limit) {
            tail += (double)s[r - 1] * s[r - 1];
            r--;
        }
    } else if (r == 0) {
        const double cut = (double)(m > k ? m : k) * FLT_EPSILON * (mn > 0 ? s[0] : 0.0f);
        r = 0;
        while (r < mn && s[r] > cut) r++;
        if (r < 1) r = 1;
    }
    double kept = 0;
    for (int64_t i = 0; i < r && i < mn; i++) kept += (double)s[i] * s[i];
    *energy = total > 0 ? kept / total : 1.0;
    return r;
}

static lc_status project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                         int64_t rank, double rel_err, double *energy, const char *who) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (lda < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "%s: lda = %lld < K = %lld", who, (long long)lda,
                         (long long)k);
    if (!a && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "%s: NULL array", who);
    const int64_t mn = m < k ? m : k, most = mn > 1 ? mn : 1;
    if (rank < 0 || rank > most)
        return lci_error(LC_ERR_ARG, "%s: rank %lld is outside 0..%lld (0: chosen by rel_err)", who,
                         (long long)rank, (long long)most);
    if (!(rel_err >= 0 && rel_err < 1) || (rank > 0 && rel_err > 0))
        return lci_error(LC_ERR_ARG,
                         "%s: rel_err %g must be in [0, 1), and 0 when a rank (%lld) is given", who,
                         rel_err, (long long)rank);
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++)
            if (!isfinite(a[i * lda + p]))
                return lci_error(LC_ERR_ARG, "%s: A(%lld, %lld) = %g is not finite", who,
                                 (long long)i, (long long)p, (double)a[i * lda + p]);
    lci_lowrank *res = NULL;
    double captured = 1.0;
    if (mn == 0) { // nothing to decompose: rank 1, empty or zero factors
        if ((st = lci_lowrank_alloc(&res, m, k, 1, who))) return st;
        memset(res->u, 0, (size_t)m * sizeof(float));
        memset(res->v, 0, (size_t)k * sizeof(float));
        goto done;
    }
    // Row-major A (M×K) is the column-major K×M array Aᵀ. sgesdd gives Aᵀ = W·Σ·Zᵀ, so
    // A = Z·Σ·Wᵀ: U = Z·Σ (row i of U is column i of Zᵀ, contiguous) and V = W (K×mn,
    // column-major).
    svd_job job = {
        .m = (lapack_int)k, .n = (lapack_int)m, .mn = (lapack_int)mn, .ld = (lapack_int)k};
    int64_t mk, kmn, mmn;
    if (lci_mul_i64(m, k, &mk) || lci_mul_i64(k, mn, &kmn) || lci_mul_i64(m, mn, &mmn))
        return lci_error(LC_ERR_OVERFLOW, "%s: %lld×%lld overflows", who, (long long)m,
                         (long long)k);
    if ((st = lci_alloc_array((void **)&job.a, (size_t)mk, sizeof(float), "SVD input copy")) ||
        (st = lci_alloc_array((void **)&job.s, (size_t)mn, sizeof(float), "singular values")) ||
        (st = lci_alloc_array((void **)&job.u, (size_t)kmn, sizeof(float), "SVD factor W")) ||
        (st = lci_alloc_array((void **)&job.vt, (size_t)mmn, sizeof(float), "SVD factor Zᵀ")) ||
        (st = lci_alloc_array((void **)&job.iwork, 8 * (size_t)mn, sizeof(lapack_int),
                              "SVD integer workspace")))
        goto fail;
    for (int64_t i = 0; i < m; i++) memcpy(job.a + i * k, a + i * lda, (size_t)k * sizeof(float));
    float query = 0;
    job.work = &query, job.lwork = -1;
    svd_part(&job, 0);
    job.work = NULL;
    double lwork = ceil((double)query);
    if (job.info != 0 || !(lwork >= 1 && lwork < (double)INT32_MAX)) {
        st = lci_error(LC_ERR_OVERFLOW, "%s: sgesdd workspace query failed (info %d, %g floats)",
                       who, (int)job.info, lwork);
        goto fail;
    }
    job.lwork = (lapack_int)lwork;
    if ((st = lci_alloc_array((void **)&job.work, (size_t)job.lwork, sizeof(float),
                              "SVD workspace")))
        goto fail;
    // One part in an active parallel region: OpenBLAS runs single-threaded inside, so the
    // factors do not depend on the BLAS's thread count.
    lci_parallel_blas(1, svd_part, &job);
    if (job.info != 0) {
        st = lci_error(job.info > 0 ? LC_ERR_NUMERIC : LC_ERR_ARG, "%s: sgesdd failed (info %d%s)",
                       who, (int)job.info, job.info > 0 ? ": the SVD did not converge" : "");
        goto fail;
    }
    const int64_t r = choose_rank(job.s, mn, m, k, rank, rel_err, &captured);
    if ((st = lci_lowrank_alloc(&res, m, k, r, who))) goto fail;
    for (int64_t i = 0; i < m; i++)
        for (int64_t l = 0; l < r; l++) res->u[i * r + l] = job.vt[i * mn + l] * job.s[l];
    for (int64_t p = 0; p < k; p++)
        for (int64_t l = 0; l < r; l++) res->v[p * r + l] = job.u[l * k + p];
fail:
    lci_free(job.a), lci_free(job.s), lci_free(job.u), lci_free(job.vt), lci_free(job.work);
    lci_free(job.iwork);
    if (st) return st;
done:
    lci_lowrank_pack(res);
    if (energy) *energy = captured;
    *out = &res->base;
    return LC_OK;
}

lc_status lc_lowrank_project(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                             int64_t rank, double rel_err, double *energy) {
    lc_status st = project(out, a, m, k, lda, rank, rel_err, energy, "lc_lowrank_project");
    if (!st) lci_error_clear();
    return st;
}

lc_status lci_lowrank_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                 const lc_mat_params *params) {
    return project(out, a, m, k, lda, params ? params->rank : 0, params ? params->rel_err : 0, NULL,
                   "lowrank projection");
}
