// bsr_convert.c: BSR from a canonical CSR view: the tiles that cover every entry, zeros filling
// the rest of each tile. The sorted rows of a block row are merged, so the work is linear in the
// entries plus bh per tile, and no array of K (or of block columns) is needed.
#include "bsr.h"

#include <string.h>

// The block shape lc_mat_params asks for: block_rows (default 16), block_cols (default
// block_rows), as the benchmark's generator reads them.
static void block_shape(const lc_mat_params *params, int32_t *bh, int32_t *bw) {
    *bh = params && params->block_rows ? params->block_rows : 16;
    *bw = params && params->block_cols ? params->block_cols : *bh;
}

// Smallest block column among the rows' next entries (cur[r] for row i0 + r), or -1 when every
// row of the block row is exhausted.
static int64_t next_block(const lci_csr_view *v, const int64_t *cur, int64_t i0, int32_t rows,
                          int32_t bw) {
    int64_t best = -1;
    for (int32_t r = 0; r < rows; r++) {
        if (cur[r] == v->ptr[i0 + r + 1]) continue;
        int64_t c = v->col[cur[r]] / bw;
        if (best < 0 || c < best) best = c;
    }
    return best;
}

// Walks block row I tile by tile: returns its tile count, and when `b` is given writes the tiles
// from b->ptr[I] on (columns and values into tiles zeroed beforehand).
static int64_t walk_block_row(const lci_csr_view *v, int64_t I, int32_t bh, int32_t bw,
                              lci_bsr *b) {
    int64_t cur[LCI_BSR_MAX_BLOCK];
    const int64_t i0 = I * bh;
    const int32_t rows = v->m - i0 < bh ? (int32_t)(v->m - i0) : bh;
    const int64_t area = (int64_t)bh * bw;
    for (int32_t r = 0; r < rows; r++) cur[r] = v->ptr[i0 + r];
    int64_t count = 0;
    for (int64_t c; (c = next_block(v, cur, i0, rows, bw)) >= 0; count++) {
        const int64_t end = (c + 1) * bw;
        float *dst = NULL;
        if (b) {
            const int64_t t = b->ptr[I] + count;
            b->col[t] = (int32_t)c;
            dst = b->val + t * area;
        }
        for (int32_t r = 0; r < rows; r++) {
            const int64_t stop = v->ptr[i0 + r + 1];
            for (; cur[r] < stop && v->col[cur[r]] < end; cur[r]++)
                if (dst) dst[(v->col[cur[r]] - c * bw) * bh + r] = v->val[cur[r]];
        }
    }
    return count;
}

lc_status lci_bsr_from_csr(lc_mat **out, const lci_csr_view *v, const lc_mat_params *params) {
    const char *who = "BSR conversion";
    int32_t bh, bw;
    block_shape(params, &bh, &bw);
    lc_status st = lci_bsr_check_block(who, bh, bw);
    if (st) return st;
    // Pass 1 counts the tiles of each block row; pass 2 fills them, once the values' pages have
    // been placed by the threads that will read them.
    const int64_t mb = (v->m + bh - 1) / bh;
    int64_t *ptr = NULL;
    if ((st = lci_alloc_array((void **)&ptr, (size_t)mb + 1, sizeof *ptr, "BSR tile pointers")))
        return st;
    ptr[0] = 0;
    for (int64_t I = 0; I < mb; I++) ptr[I + 1] = ptr[I] + walk_block_row(v, I, bh, bw, NULL);
    lci_bsr *b = NULL;
    st = lci_bsr_alloc(&b, v->m, v->k, bh, bw, ptr[mb], who);
    if (!st) memcpy(b->ptr, ptr, ((size_t)mb + 1) * sizeof *ptr);
    lci_free(ptr);
    if (st) return st;
    lci_bsr_place(b);
    for (int64_t I = 0; I < mb; I++) walk_block_row(v, I, bh, bw, b);
    lci_bsr_finish(b);
    *out = &b->base;
    return LC_OK;
}
