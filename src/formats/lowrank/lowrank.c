// lowrank.c: the low-rank format A = U·Vᵀ: construction from factors (copied), to_dense (U·Vᵀ by
// CBLAS in fixed row blocks), to_csr (through a dense copy), info, copies and the vtable.
#include "lowrank.h"

#include <cblas.h>
#include <string.h>

enum { DENSE_ROWS = 256 }; // to_dense: rows per BLAS call (independent of the thread count)

void lci_lowrank_destroy(lc_mat *mat) {
    lci_lowrank *a = (lci_lowrank *)mat;
    lci_free(a->u);
    lci_free(a->v);
    lci_free(a->ut);
    lci_free(a);
}

typedef struct dense_job {
    const lci_lowrank *a;
    float *out;
    int64_t ld, blocks;
    int parts;
} dense_job;

static void dense_part(void *vjob, int part) {
    const dense_job *j = vjob;
    const lci_lowrank *a = j->a;
    const int k = (int)a->base.k, r = (int)a->r;
    for (int64_t b = part; b < j->blocks; b += j->parts) {
        const int64_t i0 = b * DENSE_ROWS;
        const int mb = (int)(a->base.m - i0 < DENSE_ROWS ? a->base.m - i0 : DENSE_ROWS);
        float *o = j->out + i0 * j->ld;
        for (int q = 0; q < mb; q++) memset(o + q * j->ld, 0, (size_t)k * sizeof(float));
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mb, k, r, 1.0f, a->u + i0 * r, r, a->v,
                    r, 0.0f, o, (int)j->ld);
    }
}

// out[i, p] = Σ_l U[i, l]·V[p, l].
static void lowrank_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_lowrank *a = (const lci_lowrank *)mat;
    const int64_t m = mat->m, k = mat->k, r = a->r;
    if (lci_isa() != LC_ISA_GENERIC && ld <= INT32_MAX) {
        dense_job job = {.a = a, .out = out, .ld = ld, .blocks = (m + DENSE_ROWS - 1) / DENSE_ROWS};
        int parts = lci_threads_for((double)m * (double)k * (double)r, 1 << 20);
        job.parts = parts > job.blocks ? (int)job.blocks : parts;
        lci_parallel_blas(job.parts, dense_part, &job);
        return;
    }
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = 0; p < k; p++) {
            float acc = 0.0f;
            for (int64_t l = 0; l < r; l++) acc += a->u[i * r + l] * a->v[p * r + l];
            out[i * ld + p] = acc;
        }
}

// The entries of U·Vᵀ as a dense matrix would give them (all, or the nonzeros).
static lc_status lowrank_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    float *d = NULL;
    int64_t mk;
    if (lci_mul_i64(mat->m, mat->k, &mk))
        return lci_error(LC_ERR_OVERFLOW, "lowrank: %lld×%lld overflows", (long long)mat->m,
                         (long long)mat->k);
    lc_status st = lci_alloc_array((void **)&d, (size_t)mk, sizeof(float), "lowrank dense copy");
    if (st) return st;
    lc_mat *view = NULL;
    const int64_t ld = mat->k > 1 ? mat->k : 1;
    if (mk > 0) lowrank_to_dense(mat, d, ld);
    if (!(st = lci_dense_wrap(&view, mat->m, mat->k, d, ld))) {
        st = view->vt->to_csr(view, all_entries, v);
        lci_dense_unwrap(view);
    }
    lci_free(d);
    return st;
}

static void lowrank_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_lowrank *a = (const lci_lowrank *)mat;
    const int64_t mu = mat->m * a->r, kv = mat->k * a->r;
    info->stored = info->useful = mu + kv;
    info->nonzeros = lci_count_nonzeros(a->u, mu) + lci_count_nonzeros(a->v, kv);
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)a->r * (double)(mat->m + mat->k);
    info->bytes = (mu + kv) * (int64_t)sizeof(float);
}

// No optimize: the factors (and Uᵀ, packed at creation) already are what the kernel reads.
static const lci_vtable lowrank_vtable = {.format = LC_FORMAT_LOWRANK,
                                          .mm = lci_lowrank_mm,
                                          .workspace = lci_lowrank_workspace,
                                          .to_dense = lowrank_to_dense,
                                          .info = lowrank_info,
                                          .to_csr = lowrank_to_csr,
                                          .destroy = lci_lowrank_destroy,
                                          .optimize = NULL};

lc_status lci_lowrank_alloc(lci_lowrank **out, int64_t m, int64_t k, int64_t r, const char *who) {
    int64_t mu, kv;
    if (lci_mul_i64(m, r, &mu) || lci_mul_i64(k, r, &kv))
        return lci_error(LC_ERR_OVERFLOW, "%s: factors of %lld×%lld at rank %lld overflow", who,
                         (long long)m, (long long)k, (long long)r);
    lci_lowrank *a = lci_calloc(1, sizeof *a);
    if (!a) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the lowrank header", who);
    a->base = (lc_mat){&lowrank_vtable, m, k};
    a->r = r;
    lc_status st;
    if ((st = lci_alloc_array((void **)&a->u, (size_t)mu, sizeof(float), "lowrank factor U")) ||
        (st = lci_alloc_array((void **)&a->v, (size_t)kv, sizeof(float), "lowrank factor V")) ||
        (st = lci_alloc_array((void **)&a->ut, (size_t)mu, sizeof(float), "lowrank factor Uᵀ"))) {
        lci_lowrank_destroy(&a->base);
        return st;
    }
    *out = a;
    return LC_OK;
}

void lci_lowrank_pack(lci_lowrank *a) {
    const int64_t m = a->base.m, r = a->r;
    for (int64_t i0 = 0; i0 < m; i0 += LCI_LOWRANK_UT_BLOCK) {
        const int64_t mb = m - i0 < LCI_LOWRANK_UT_BLOCK ? m - i0 : LCI_LOWRANK_UT_BLOCK;
        float *ut = a->ut + i0 * r;
        for (int64_t i = 0; i < mb; i++)
            for (int64_t l = 0; l < r; l++) ut[l * mb + i] = a->u[(i0 + i) * r + l];
    }
}

lc_status lc_mat_create_lowrank(lc_mat **out, int64_t m, int64_t k, int64_t r, const float *u,
                                const float *v) {
    static const char who[] = "lc_mat_create_lowrank";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    const int64_t most = m < k ? (m > 1 ? m : 1) : (k > 1 ? k : 1);
    if (r < 1 || r > most)
        return lci_error(LC_ERR_ARG,
                         "%s: rank %lld is outside 1..%lld (max(1, min(M, K)) for "
                         "%lld×%lld)",
                         who, (long long)r, (long long)most, (long long)m, (long long)k);
    if ((!u && m > 0) || (!v && k > 0)) return lci_error(LC_ERR_ARG, "%s: NULL factor", who);
    lci_lowrank *a = NULL;
    if ((st = lci_lowrank_alloc(&a, m, k, r, who))) return st;
    if (m > 0) memcpy(a->u, u, (size_t)(m * r) * sizeof(float));
    if (k > 0) memcpy(a->v, v, (size_t)(k * r) * sizeof(float));
    lci_lowrank_pack(a);
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_lowrank_copy(lc_mat **out, const lc_mat *mat) {
    const lci_lowrank *a = (const lci_lowrank *)mat;
    lci_lowrank *c = NULL;
    lc_status st = lci_lowrank_alloc(&c, mat->m, mat->k, a->r, "lowrank copy");
    if (st) return st;
    memcpy(c->u, a->u, (size_t)(mat->m * a->r) * sizeof(float));
    memcpy(c->v, a->v, (size_t)(mat->k * a->r) * sizeof(float));
    memcpy(c->ut, a->ut, (size_t)(mat->m * a->r) * sizeof(float));
    *out = &c->base;
    return LC_OK;
}
