// csr_tiles.c: the column-tiled CSR layout for SpMM (lc_mat_optimize with n_hint >= 8): tiles of
// `width` columns, in each the rows with entries there, 16-bit in-tile column offsets.
#include "csr.h"

#include <string.h>

void lci_csr_tiles_free(lci_csr_tiles *t) {
    if (!t) return;
    lci_free(t->tile_start);
    lci_free(t->row);
    lci_free(t->item_ptr);
    lci_free(t->idx);
    lci_free(t->val);
    lci_free(t);
}

int64_t lci_csr_tiles_bytes(const lci_csr_tiles *t) {
    int64_t nnz = t->item_ptr[t->items];
    return ((int64_t)t->count + 1) * 8 + t->items * (4 + 8) + 8 + nnz * (2 + 4);
}

// Width rule, measured on Zen4 (docs/benchmarks.md, "Choosing the layout"). The tile's panel
// slice should sit in L1/L2: 256 columns for 64-vector panels (64 KiB), 512 for panels of 16
// (32 KiB). Rows must keep enough entries per tile for the per-item accumulator traffic not to
// dominate: 8 on average with 64-wide panels, 20 with narrower ones (fewer multiply-adds per
// entry); tiles grow until they do. If the width reaches K (one tile: no reuse to gain; the
// plain kernels read X in place and skip the accumulator pass), or even 65536-column tiles are
// too thin, the plain layout is faster: 0.
int32_t lci_csr_tiles_width(const lci_csr *c, int64_t n_hint) {
    const int64_t k = c->base.k, m = c->base.m;
    const bool wide = n_hint >= 48; // panels of 64 floats (see csr_tiles_mm.c)
    const double need = wide ? 8.0 : 20.0;
    int32_t width = wide || n_hint > 16 ? 256 : 512;
    double per_row = m > 0 ? (double)c->nnz / (double)m : 0;
    while (width < 65536 && width < k && per_row * width / (double)k < need) width *= 2;
    return width >= k || per_row * width / (double)k < need ? 0 : width;
}

lc_status lci_csr_tiles_build(const lci_csr *c, int32_t width, lci_csr_tiles **out) {
    const int64_t m = c->base.m, k = c->base.k, nnz = c->nnz;
    lci_csr_tiles *t = lci_calloc(1, sizeof *t);
    if (!t) return lci_error(LC_ERR_NOMEM, "lc_mat_optimize: cannot allocate the tile header");
    t->width = width;
    t->count = (int32_t)((k + width - 1) / width);
    int64_t *cursor = NULL; // per tile: next item, then next entry
    lc_status st;
    if ((st = lci_alloc_array((void **)&t->tile_start, (size_t)t->count + 1, sizeof(int64_t),
                              "tile starts")) ||
        (st = lci_alloc_array((void **)&cursor, 2 * ((size_t)t->count + 1), sizeof(int64_t),
                              "tile cursors")))
        goto fail;
    // Count items and entries per tile. Columns are sorted, so a row's entries in one tile
    // form one run.
    int64_t *items = t->tile_start, *entries = cursor + t->count + 1;
    memset(items, 0, ((size_t)t->count + 1) * sizeof *items);
    memset(entries, 0, ((size_t)t->count + 1) * sizeof *entries);
    for (int64_t i = 0; i < m; i++) {
        int32_t last = -1;
        for (int64_t p = c->ptr[i]; p < c->ptr[i + 1]; p++) {
            int32_t tile = c->col[p] / width;
            if (tile != last) items[tile + 1]++, last = tile;
            entries[tile + 1]++;
        }
    }
    for (int32_t s = 0; s < t->count; s++) items[s + 1] += items[s], entries[s + 1] += entries[s];
    t->items = items[t->count];
    if ((st = lci_alloc_array((void **)&t->row, (size_t)t->items, sizeof(int32_t), "tile rows")) ||
        (st = lci_alloc_array((void **)&t->item_ptr, (size_t)t->items + 1, sizeof(int64_t),
                              "tile item pointers")) ||
        (st = lci_alloc_array((void **)&t->idx, (size_t)nnz, sizeof(uint16_t), "tile columns")) ||
        (st = lci_alloc_array((void **)&t->val, (size_t)nnz, sizeof(float), "tile values")))
        goto fail;
    // Fill: rows in order, so each tile's items come out ascending. cursor[s] walks tile s's
    // items, entries[s] its entries.
    memcpy(cursor, items, (size_t)t->count * sizeof *cursor);
    for (int64_t i = 0; i < m; i++) {
        int64_t p = c->ptr[i], end = c->ptr[i + 1];
        while (p < end) {
            int32_t tile = c->col[p] / width;
            int64_t q = cursor[tile]++, e = entries[tile];
            t->row[q] = (int32_t)i;
            t->item_ptr[q] = e;
            for (; p < end && c->col[p] / width == tile; p++, e++) {
                t->idx[e] = (uint16_t)(c->col[p] - tile * width);
                t->val[e] = c->val[p];
            }
            entries[tile] = e;
        }
    }
    t->item_ptr[t->items] = nnz;
    lci_free(cursor);
    *out = t;
    return LC_OK;
fail:
    lci_free(cursor);
    lci_csr_tiles_free(t);
    return st;
}
