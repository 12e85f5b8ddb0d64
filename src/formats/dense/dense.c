// dense.c: the dense format, Y = alpha·A·X + beta·Y by CBLAS sgemm/sgemv (A row-major M×K);
// the plain C oracle (dense_ref.c) when the generic level is forced.
#include "dense.h"

#include <cblas.h>
#include <string.h>

typedef struct lci_dense {
    lc_mat base;
    float *a; // row-major, row stride lda
    int64_t lda;
    bool owned; // false for lci_dense_wrap's borrowed view
} lci_dense;

static const lci_vtable dense_vtable;

// Fixed blocks of rows × vectors, each one serial BLAS call: the blocks do not depend on the
// thread count, so neither does any result.
// 256 vectors per block: a layer of few outputs (M <= 256) applied to many rows still splits
// among threads (a 250-output layer on 1000 rows ran on one thread with 2048).
enum { BLOCK_M = 256, BLOCK_N = 256 };

typedef struct dense_job {
    const lci_dense *d;
    const lci_mm_args *g;
    int64_t mblocks, blocks;
    int parts;
} dense_job;

static void dense_block(const lci_dense *d, const lci_mm_args *g, int64_t i0, int64_t j0) {
    const int mb = (int)(d->base.m - i0 < BLOCK_M ? d->base.m - i0 : BLOCK_M);
    const int nb = (int)(g->n - j0 < BLOCK_N ? g->n - j0 : BLOCK_N), k = (int)d->base.k;
    const float *a = d->a + i0 * d->lda;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    // Element (i, j) of Y: cols layout y[i·ldy + j], rows layout y[j·ldy + i].
    float *y = cols ? g->y + i0 * g->ldy + j0 : g->y + j0 * g->ldy + i0;
    if (g->beta == 0.0f) {
        // The BLAS may propagate NaN from Y when beta = 0; our contract says it must not.
        for (int64_t r = 0; r < (cols ? mb : nb); r++)
            memset(y + r * g->ldy, 0, (size_t)(cols ? nb : mb) * sizeof(float));
    }
    if (cols) {
        const float *x = g->x + j0;
        if (nb == 1)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, mb, k, g->alpha, a, (int)d->lda, x,
                        (int)g->ldx, g->beta, y, (int)g->ldy);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, mb, nb, k, g->alpha, a,
                        (int)d->lda, x, (int)g->ldx, g->beta, y, (int)g->ldy);
    } else {
        const float *x = g->x + j0 * g->ldx;
        if (nb == 1)
            cblas_sgemv(CblasRowMajor, CblasNoTrans, mb, k, g->alpha, a, (int)d->lda, x, 1, g->beta,
                        y, 1);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, mb, k, g->alpha, x,
                        (int)g->ldx, a, (int)d->lda, g->beta, y, (int)g->ldy);
    }
}

static void dense_part(void *vjob, int part) {
    const dense_job *j = vjob;
    for (int64_t b = part; b < j->blocks; b += j->parts)
        dense_block(j->d, j->g, (b % j->mblocks) * BLOCK_M, (b / j->mblocks) * BLOCK_N);
}

static lc_status dense_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_dense *d = (const lci_dense *)mat;
    if (lci_isa() == LC_ISA_GENERIC) {
        lci_dense_mm_ref(d->a, d->lda, mat->m, mat->k, g);
        return LC_OK;
    }
    if (g->ldx > INT32_MAX || g->ldy > INT32_MAX || d->lda > INT32_MAX)
        return lci_error(LC_ERR_UNSUPPORTED, "dense: leading dimensions above INT32_MAX are "
                                             "beyond CBLAS");
    dense_job job = {.d = d, .g = g, .mblocks = (mat->m + BLOCK_M - 1) / BLOCK_M};
    job.blocks = job.mblocks * ((g->n + BLOCK_N - 1) / BLOCK_N);
    // A thread pays off from about a million multiply-adds.
    int parts = lci_threads_for((double)mat->m * (double)mat->k * (double)g->n, 1 << 20);
    job.parts = parts > job.blocks ? (int)job.blocks : parts;
    lci_parallel_blas(job.parts, dense_part, &job);
    return LC_OK;
}

static size_t dense_workspace(const lc_mat *a, lc_layout layout, int64_t n) {
    (void)a, (void)layout, (void)n;
    return 0;
}

static void dense_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_dense *d = (const lci_dense *)mat;
    for (int64_t i = 0; i < mat->m; i++)
        memcpy(out + i * ld, d->a + i * d->lda, (size_t)mat->k * sizeof(float));
}

static void dense_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_dense *d = (const lci_dense *)mat;
    int64_t mk = mat->m * mat->k;
    info->stored = info->useful = mk;
    for (int64_t i = 0; i < mat->m; i++)
        info->nonzeros += lci_count_nonzeros(d->a + i * d->lda, mat->k);
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)mk;
    info->bytes = mk * (int64_t)sizeof(float);
}

static lc_status dense_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    const lci_dense *d = (const lci_dense *)mat;
    int64_t m = mat->m, k = mat->k, nnz = 0;
    for (int64_t i = 0; i < m && !all_entries; i++)
        for (int64_t j = 0; j < k; j++) nnz += d->a[i * d->lda + j] != 0.0f;
    if (all_entries) nnz = m * k;
    lc_status st = lci_csr_view_alloc(v, m, k, nnz);
    if (st) return st;
    int64_t *ptr = v->owned[0];
    int32_t *col = v->owned[1];
    float *val = v->owned[2];
    int64_t q = 0;
    ptr[0] = 0;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < k; j++) {
            float x = d->a[i * d->lda + j];
            if (!all_entries && x == 0.0f) continue;
            col[q] = (int32_t)j;
            val[q++] = x;
        }
        ptr[i + 1] = q;
    }
    v->ptr = ptr, v->col = col, v->val = val;
    return LC_OK;
}

static void dense_destroy(lc_mat *mat) {
    lci_dense *d = (lci_dense *)mat;
    if (d->owned) lci_free(d->a);
    lci_free(d);
}

static const lci_vtable dense_vtable = {.format = LC_FORMAT_DENSE,
                                        .mm = dense_mm,
                                        .workspace = dense_workspace,
                                        .to_dense = dense_to_dense,
                                        .info = dense_info,
                                        .to_csr = dense_to_csr,
                                        .destroy = dense_destroy};

// An owned, zeroed M×K matrix.
static lc_status dense_alloc(lci_dense **out, int64_t m, int64_t k) {
    lci_dense *d = lci_calloc(1, sizeof *d);
    if (!d) return lci_error(LC_ERR_NOMEM, "dense matrix: cannot allocate header");
    int64_t mk;
    if (lci_mul_i64(m, k, &mk)) {
        lci_free(d);
        return lci_error(LC_ERR_OVERFLOW, "dense matrix: %lld×%lld overflows", (long long)m,
                         (long long)k);
    }
    lc_status st = lci_alloc_array((void **)&d->a, (size_t)mk, sizeof(float), "dense matrix");
    if (st) {
        lci_free(d);
        return st;
    }
    memset(d->a, 0, (size_t)mk * sizeof(float));
    d->base = (lc_mat){&dense_vtable, m, k};
    d->lda = k > 1 ? k : 1;
    d->owned = true;
    *out = d;
    return LC_OK;
}

lc_status lc_mat_create_dense(lc_mat **out, int64_t m, int64_t k, const float *a, int64_t lda) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "lc_mat_create_dense: NULL output");
    if ((st = lci_check_shape("lc_mat_create_dense", m, k))) return st;
    if (lda < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "lc_mat_create_dense: lda = %lld < K = %lld", (long long)lda,
                         (long long)k);
    if (!a && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "lc_mat_create_dense: NULL array");
    lci_dense *d = NULL;
    if ((st = dense_alloc(&d, m, k))) return st;
    for (int64_t i = 0; i < m && k > 0; i++) // a may be NULL for an empty matrix
        memcpy(d->a + i * d->lda, a + i * lda, (size_t)k * 4);
    *out = &d->base;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_dense_from_csr(lc_mat **out, const lci_csr_view *v) {
    lci_dense *d = NULL;
    lc_status st = dense_alloc(&d, v->m, v->k);
    if (st) return st;
    for (int64_t i = 0; i < v->m; i++)
        for (int64_t p = v->ptr[i]; p < v->ptr[i + 1]; p++)
            d->a[i * d->lda + v->col[p]] = v->val[p];
    *out = &d->base;
    return LC_OK;
}

lc_status lci_dense_from_mat(lc_mat **out, const lc_mat *a) {
    lci_dense *d = NULL;
    lc_status st = dense_alloc(&d, a->m, a->k);
    if (st) return st;
    if (a->m > 0 && a->k > 0 && (st = lci_mat_to_dense(a, d->a, d->lda))) {
        dense_destroy(&d->base);
        return st;
    }
    *out = &d->base;
    return LC_OK;
}

lc_status lci_dense_wrap(lc_mat **out, int64_t m, int64_t k, const float *a, int64_t lda) {
    lci_dense *d = lci_calloc(1, sizeof *d);
    if (!d) return lci_error(LC_ERR_NOMEM, "dense view: cannot allocate header");
    d->base = (lc_mat){&dense_vtable, m, k};
    d->a = (float *)a; // borrowed, never written
    d->lda = lda;
    d->owned = false;
    *out = &d->base;
    return LC_OK;
}

void lci_dense_unwrap(lc_mat *a) {
    dense_destroy(a);
}
