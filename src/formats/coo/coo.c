// coo.c: the COO format (row, col, value triplets sorted by row then column, no duplicates);
// an interchange format, applied by its plain C reference kernel (coo_ref.c).
#include "coo.h"

#include <string.h>

static lc_status coo_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_coo *c = (const lci_coo *)mat;
    lci_coo_mm_ref(c, g);
    return LC_OK;
}

static size_t coo_workspace(const lc_mat *a, lc_layout layout, int64_t n) {
    (void)a, (void)layout, (void)n;
    return 0;
}

static void coo_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_coo *c = (const lci_coo *)mat;
    for (int64_t i = 0; i < mat->m; i++) memset(out + i * ld, 0, (size_t)mat->k * sizeof(float));
    for (int64_t p = 0; p < c->nnz; p++) out[(int64_t)c->row[p] * ld + c->col[p]] = c->val[p];
}

static void coo_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_coo *c = (const lci_coo *)mat;
    info->stored = info->useful = c->nnz;
    info->nonzeros = lci_count_nonzeros(c->val, c->nnz);
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)c->nnz;
    info->bytes = c->nnz * (int64_t)(2 * sizeof(int32_t) + sizeof(float));
}

static lc_status coo_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    (void)all_entries;
    const lci_coo *c = (const lci_coo *)mat;
    memset(v, 0, sizeof *v);
    lc_status st =
        lci_alloc_array(&v->owned[0], (size_t)mat->m + 1, sizeof(int64_t), "row pointers");
    if (st) return st;
    int64_t *ptr = v->owned[0];
    memset(ptr, 0, ((size_t)mat->m + 1) * sizeof *ptr);
    for (int64_t p = 0; p < c->nnz; p++) ptr[c->row[p] + 1]++;
    for (int64_t i = 0; i < mat->m; i++) ptr[i + 1] += ptr[i];
    // The triplets are already in CSR order: borrow the column and value arrays.
    v->m = mat->m, v->k = mat->k, v->nnz = c->nnz;
    v->ptr = ptr, v->col = c->col, v->val = c->val;
    return LC_OK;
}

static void coo_destroy(lc_mat *mat) {
    lci_coo *c = (lci_coo *)mat;
    lci_free(c->row);
    lci_free(c->col);
    lci_free(c->val);
    lci_free(c);
}

static const lci_vtable coo_vtable = {.format = LC_FORMAT_COO,
                                      .mm = coo_mm,
                                      .workspace = coo_workspace,
                                      .to_dense = coo_to_dense,
                                      .info = coo_info,
                                      .to_csr = coo_to_csr,
                                      .destroy = coo_destroy};

static lc_status coo_alloc(lci_coo **out, int64_t m, int64_t k, int64_t nnz) {
    lci_coo *c = lci_calloc(1, sizeof *c);
    if (!c) return lci_error(LC_ERR_NOMEM, "COO matrix: cannot allocate header");
    lc_status st;
    if ((st = lci_alloc_array((void **)&c->row, (size_t)nnz, sizeof(int32_t), "COO rows")) ||
        (st = lci_alloc_array((void **)&c->col, (size_t)nnz, sizeof(int32_t), "COO columns")) ||
        (st = lci_alloc_array((void **)&c->val, (size_t)nnz, sizeof(float), "COO values"))) {
        coo_destroy(&c->base);
        return st;
    }
    c->base = (lc_mat){&coo_vtable, m, k};
    c->nnz = nnz;
    *out = c;
    return LC_OK;
}

lc_status lci_coo_from_csr(lc_mat **out, const lci_csr_view *v) {
    lci_coo *c = NULL;
    lc_status st = coo_alloc(&c, v->m, v->k, v->nnz);
    if (st) return st;
    for (int64_t i = 0; i < v->m; i++)
        for (int64_t p = v->ptr[i]; p < v->ptr[i + 1]; p++) c->row[p] = (int32_t)i;
    memcpy(c->col, v->col, (size_t)v->nnz * sizeof(int32_t));
    memcpy(c->val, v->val, (size_t)v->nnz * sizeof(float));
    *out = &c->base;
    return LC_OK;
}

lc_status lci_coo_from_triplets(lc_mat **out, int64_t m, int64_t k, int64_t nnz, const int32_t *row,
                                const int32_t *col, const float *val) {
    lci_coo *c = NULL;
    lc_status st = coo_alloc(&c, m, k, nnz);
    if (st) return st;
    if (nnz > 0) {
        memcpy(c->row, row, (size_t)nnz * sizeof *row);
        memcpy(c->col, col, (size_t)nnz * sizeof *col);
        memcpy(c->val, val, (size_t)nnz * sizeof *val);
    }
    // The arrays keep their allocation when duplicates merge.
    if ((st = lci_triplets_canonicalise(&c->nnz, c->row, c->col, c->val))) {
        coo_destroy(&c->base);
        return st;
    }
    *out = &c->base;
    return LC_OK;
}

lc_status lc_mat_create_coo(lc_mat **out, int64_t m, int64_t k, int64_t nnz, const int32_t *row,
                            const int32_t *col, const float *val) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "lc_mat_create_coo: NULL output");
    if ((st = lci_check_shape("lc_mat_create_coo", m, k))) return st;
    if (nnz < 0)
        return lci_error(LC_ERR_ARG, "lc_mat_create_coo: nnz = %lld is negative", (long long)nnz);
    if (nnz > 0 && (!row || !col || !val))
        return lci_error(LC_ERR_ARG, "lc_mat_create_coo: NULL index or value array");
    for (int64_t p = 0; p < nnz; p++) {
        if (row[p] < 0 || row[p] >= m || col[p] < 0 || col[p] >= k)
            return lci_error(LC_ERR_FORMAT,
                             "lc_mat_create_coo: entry %lld at (%d, %d) is outside the %lld×%lld "
                             "matrix",
                             (long long)p, row[p], col[p], (long long)m, (long long)k);
    }
    lc_mat *res = NULL;
    if ((st = lci_coo_from_triplets(&res, m, k, nnz, row, col, val))) return st;
    *out = res;
    lci_error_clear();
    return LC_OK;
}
