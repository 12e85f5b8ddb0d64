// csr_sell.c: the decode layout (SELL-16-σ) for products with fewer than 8 vectors: rows sorted
// by length within windows, 16-row slices stored column-major, 16-bit columns when K allows.
#include "csr.h"

#include <stdlib.h>
#include <string.h>

void lci_csr_sell_free(lci_csr_sell *s) {
    if (!s) return;
    lci_free(s->slice_ptr);
    lci_free(s->len);
    lci_free(s->perm);
    lci_free(s->idx);
    lci_free(s->val);
    lci_free(s);
}

int64_t lci_csr_sell_bytes(const lci_csr_sell *s) {
    int64_t entries = LCI_CSR_SELL_C * s->slice_ptr[s->slices];
    return entries * ((s->wide ? 4 : 2) + 4) + (s->slices + 1) * 8 +
           s->slices * LCI_CSR_SELL_C * (4 + 4);
}

// Rows of one window, longest first; equal lengths keep row order (the index breaks ties), so
// the layout is the same on every platform.
typedef struct row_len {
    int64_t len;
    int32_t row;
} row_len;

static int by_length(const void *pa, const void *pb) {
    const row_len *a = pa, *b = pb;
    if (a->len != b->len) return a->len < b->len ? 1 : -1;
    return (a->row > b->row) - (a->row < b->row);
}

lc_status lci_csr_sell_build(const lci_csr *c, lci_csr_sell **out) {
    const int64_t m = c->base.m, C = LCI_CSR_SELL_C;
    lci_csr_sell *s = lci_calloc(1, sizeof *s);
    if (!s) return lci_error(LC_ERR_NOMEM, "lc_mat_optimize: cannot allocate the SELL header");
    s->slices = (m + C - 1) / C;
    s->wide = c->base.k > 65536;
    row_len *order = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&s->slice_ptr, (size_t)s->slices + 1, sizeof(int64_t),
                              "SELL slice pointers")) ||
        (st = lci_alloc_array((void **)&s->len, (size_t)(s->slices * C), sizeof(int32_t),
                              "SELL row lengths")) ||
        (st = lci_alloc_array((void **)&s->perm, (size_t)(s->slices * C), sizeof(int32_t),
                              "SELL permutation")) ||
        (st = lci_alloc_array((void **)&order, LCI_CSR_SELL_SIGMA, sizeof *order, "SELL sort")))
        goto fail;
    // Lanes: rows sorted within each window of σ rows (a multiple of 16, so windows hold whole
    // slices); slice lengths are their longest row.
    s->slice_ptr[0] = 0;
    for (int64_t w0 = 0; w0 < m; w0 += LCI_CSR_SELL_SIGMA) {
        int64_t rows = m - w0 < LCI_CSR_SELL_SIGMA ? m - w0 : LCI_CSR_SELL_SIGMA;
        for (int64_t r = 0; r < rows; r++)
            order[r] = (row_len){c->ptr[w0 + r + 1] - c->ptr[w0 + r], (int32_t)(w0 + r)};
        qsort(order, (size_t)rows, sizeof *order, by_length);
        for (int64_t l0 = 0; l0 < rows; l0 += C) {
            int64_t slice = (w0 + l0) / C, longest = 0;
            for (int64_t l = 0; l < C; l++) {
                bool used = l0 + l < rows;
                int64_t len = used ? order[l0 + l].len : 0;
                s->perm[slice * C + l] = used ? order[l0 + l].row : -1;
                s->len[slice * C + l] = (int32_t)len;
                if (len > longest) longest = len;
            }
            s->slice_ptr[slice + 1] = s->slice_ptr[slice] + longest;
        }
    }
    lci_free(order);
    order = NULL;
    // Entries: 16 per step, padding zeroed (masked by the kernels anyway).
    int64_t entries;
    if (lci_mul_i64(s->slice_ptr[s->slices], C, &entries)) {
        st = lci_error(LC_ERR_OVERFLOW, "lc_mat_optimize: SELL entry count overflows");
        goto fail;
    }
    if (!(s->idx = lci_calloc((size_t)entries, s->wide ? 4 : 2)) ||
        !(s->val = lci_calloc((size_t)entries, sizeof(float)))) {
        st = lci_error(LC_ERR_NOMEM, "lc_mat_optimize: cannot allocate %lld SELL entries",
                       (long long)entries);
        goto fail;
    }
    for (int64_t slice = 0; slice < s->slices; slice++) {
        for (int64_t l = 0; l < C; l++) {
            int32_t r = s->perm[slice * C + l];
            if (r < 0) continue;
            int64_t e = s->slice_ptr[slice] * C + l;
            for (int64_t p = c->ptr[r]; p < c->ptr[r + 1]; p++, e += C) {
                if (s->wide)
                    ((int32_t *)s->idx)[e] = c->col[p];
                else
                    ((uint16_t *)s->idx)[e] = (uint16_t)c->col[p];
                s->val[e] = c->val[p];
            }
        }
    }
    *out = s;
    return LC_OK;
fail:
    lci_free(order);
    lci_csr_sell_free(s);
    return st;
}
