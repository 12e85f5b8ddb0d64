// csr.c: the CSR format: validated construction (canonicalised), conversions, info, vtable.
#include "csr.h"

#include <string.h>

static void csr_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_csr *c = (const lci_csr *)mat;
    for (int64_t i = 0; i < mat->m; i++) {
        float *row = out + i * ld;
        memset(row, 0, (size_t)mat->k * sizeof(float));
        for (int64_t p = c->ptr[i]; p < c->ptr[i + 1]; p++) row[c->col[p]] = c->val[p];
    }
}

static void csr_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_csr *c = (const lci_csr *)mat;
    info->stored = info->useful = c->nnz;
    info->nonzeros = lci_count_nonzeros(c->val, c->nnz);
    info->flops_per_col = info->exec_flops_per_col = 2.0 * (double)c->nnz;
    const int64_t plain = lci_csr_plain_bytes(c);
    info->bytes = info->bytes_rows = plain;
    info->layout = info->layout_rows = "plain";
    // An optimised layout is read instead of the plain arrays, by the products of the
    // activation layouts it serves (those lc_mat_optimize found it faster in).
    if (!c->tiles && !c->sell) return;
    info->extra_bytes = c->tiles ? lci_csr_tiles_bytes(c->tiles) : lci_csr_sell_bytes(c->sell);
    const char *name = c->tiles ? "tiles" : "sell";
    if (lci_csr_uses_opt(c, LC_LAYOUT_COLS)) info->bytes = info->extra_bytes, info->layout = name;
    if (lci_csr_uses_opt(c, LC_LAYOUT_ROWS))
        info->bytes_rows = info->extra_bytes, info->layout_rows = name;
}

static lc_status csr_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    (void)all_entries;
    const lci_csr *c = (const lci_csr *)mat;
    memset(v, 0, sizeof *v);
    v->m = mat->m, v->k = mat->k, v->nnz = c->nnz;
    v->ptr = c->ptr, v->col = c->col, v->val = c->val;
    return LC_OK;
}

static void csr_destroy(lc_mat *mat) {
    lci_csr *c = (lci_csr *)mat;
    lci_csr_unoptimize(c);
    lci_free(c->ptr);
    lci_free(c->col);
    lci_free(c->val);
    lci_free(c);
}

static const lci_vtable csr_vtable = {.format = LC_FORMAT_CSR,
                                      .mm = lci_csr_mm,
                                      .workspace = lci_csr_workspace,
                                      .to_dense = csr_to_dense,
                                      .info = csr_info,
                                      .to_csr = csr_to_csr,
                                      .destroy = csr_destroy,
                                      .optimize = lci_csr_optimize};

static lc_status csr_alloc(lci_csr **out, int64_t m, int64_t k, int64_t nnz) {
    lci_csr *c = lci_calloc(1, sizeof *c);
    if (!c) return lci_error(LC_ERR_NOMEM, "CSR matrix: cannot allocate header");
    lc_status st;
    if ((st = lci_alloc_array((void **)&c->ptr, (size_t)m + 1, sizeof(int64_t),
                              "CSR row pointers")) ||
        (st = lci_alloc_array((void **)&c->col, (size_t)nnz, sizeof(int32_t),
                              "CSR column indices")) ||
        (st = lci_alloc_array((void **)&c->val, (size_t)nnz, sizeof(float), "CSR values"))) {
        csr_destroy(&c->base);
        return st;
    }
    c->base = (lc_mat){&csr_vtable, m, k};
    c->nnz = nnz;
    *out = c;
    return LC_OK;
}

lc_status lci_csr_from_csr(lc_mat **out, const lci_csr_view *v) {
    lci_csr *c = NULL;
    lc_status st = csr_alloc(&c, v->m, v->k, v->nnz);
    if (st) return st;
    memcpy(c->ptr, v->ptr, ((size_t)v->m + 1) * sizeof(int64_t));
    memcpy(c->col, v->col, (size_t)v->nnz * sizeof(int32_t));
    memcpy(c->val, v->val, (size_t)v->nnz * sizeof(float));
    *out = &c->base;
    return LC_OK;
}

lc_status lc_mat_create_csr(lc_mat **out, int64_t m, int64_t k, const int64_t *row_ptr,
                            const int32_t *col_idx, const float *val) {
    const char *who = "lc_mat_create_csr";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (!row_ptr) return lci_error(LC_ERR_ARG, "%s: NULL row_ptr", who);
    if (row_ptr[0] != 0)
        return lci_error(LC_ERR_FORMAT, "%s: row_ptr[0] = %lld, must be 0", who,
                         (long long)row_ptr[0]);
    for (int64_t i = 0; i < m; i++)
        if (row_ptr[i + 1] < row_ptr[i])
            return lci_error(LC_ERR_FORMAT,
                             "%s: row_ptr[%lld] = %lld < row_ptr[%lld] = %lld (row pointers "
                             "must not decrease)",
                             who, (long long)i + 1, (long long)row_ptr[i + 1], (long long)i,
                             (long long)row_ptr[i]);
    int64_t nnz = row_ptr[m];
    if (nnz > 0 && (!col_idx || !val))
        return lci_error(LC_ERR_ARG, "%s: NULL col_idx or val with %lld entries", who,
                         (long long)nnz);
    for (int64_t i = 0; i < m; i++)
        for (int64_t p = row_ptr[i]; p < row_ptr[i + 1]; p++)
            if (col_idx[p] < 0 || col_idx[p] >= k)
                return lci_error(LC_ERR_FORMAT,
                                 "%s: col_idx[%lld] = %d in row %lld is outside [0, %lld)", who,
                                 (long long)p, col_idx[p], (long long)i, (long long)k);
    lci_csr *c = NULL;
    if ((st = csr_alloc(&c, m, k, nnz))) return st;
    memcpy(c->ptr, row_ptr, ((size_t)m + 1) * sizeof(int64_t));
    if (nnz > 0) { // col_idx and val may be NULL for an empty matrix
        memcpy(c->col, col_idx, (size_t)nnz * sizeof(int32_t));
        memcpy(c->val, val, (size_t)nnz * sizeof(float));
    }
    if ((st = lci_rows_canonicalise(m, c->ptr, c->col, c->val))) {
        csr_destroy(&c->base);
        return st;
    }
    // Duplicates may have been merged; the arrays keep their (larger) allocation.
    c->nnz = c->ptr[m];
    *out = &c->base;
    lci_error_clear();
    return LC_OK;
}
