// csr_sell.c: the decode layout (SELL-16-σ in column tiles) for products with fewer than 8
// vectors: rows sorted by length within windows, 16-row slices stored column-major per tile.
#include "csr.h"

#include <stdlib.h>
#include <string.h>

void lci_csr_sell_free(lci_csr_sell *s) {
    if (!s) return;
    lci_free(s->step);
    lci_free(s->full);
    lci_free(s->len);
    lci_free(s->perm);
    lci_free(s->cost);
    lci_free(s->idx);
    lci_free(s->val);
    lci_free(s->ovf_start);
    lci_free(s->ovf_row);
    lci_free(s->ovf_ptr);
    lci_free(s->ovf_idx);
    lci_free(s->ovf_val);
    lci_free(s);
}

int64_t lci_csr_sell_bytes(const lci_csr_sell *s) {
    int64_t blocks = (int64_t)s->tiles * s->slices, entries = LCI_CSR_SELL_C * s->step[blocks];
    return entries * (2 + 4) + (blocks + 1) * 8 + blocks * (4 + 2 * LCI_CSR_SELL_C * 4) +
           (s->windows + 1) * 8 + ((int64_t)s->tiles * s->windows + 1) * 8 +
           s->ovf_items * (4 + 8) + 8 + s->ovf_ptr[s->ovf_items] * (2 + 4);
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

// Tile width: x of one tile (width floats per vector) should stay in L1 — 4096 columns (16 KiB)
// for one vector, halved per doubling of the vectors — unless rows would then hold fewer than
// 8 entries per tile on average (per-tile overhead); then tiles grow, up to 8192 columns (32
// KiB, the L1). If tiles that wide stay that thin and there are several, the plain kernels are
// faster: 0. (Growing on to 65536 columns put x in L2 and lost to the plain kernel: astro-ph at
// n = 1, 0.149 against 0.139 ms; MIT8's SELL went 0.344 → 0.223 ms with the cap.)
int32_t lci_csr_sell_width(const lci_csr *c, int64_t n_hint) {
    const int64_t k = c->base.k, m = c->base.m;
    int32_t width = 4096;
    for (int64_t v = 1; v < n_hint && width > 1024; v *= 2) width /= 2;
    double per_row = m > 0 ? (double)c->nnz / (double)m : 0;
    while (width < 8192 && width < k && per_row * width / (double)k < 8.0) width *= 2;
    return width < k && per_row * width / (double)k < 8.0 ? 0 : width;
}

// Per tile: count every row's entries there (seg, tile-major), cap them per window, sort each
// window by the capped counts into perm, and set the blocks' lane lengths, steps and full
// steps, the windows' costs, and the overflow's item starts (ovf_start, counts first).
static lc_status arrange(const lci_csr *c, lci_csr_sell *s, int32_t *seg, int64_t *ovf_entries) {
    const int64_t m = c->base.m, C = LCI_CSR_SELL_C, S = s->slices;
    row_len *order = NULL;
    lc_status st = lci_alloc_array((void **)&order, LCI_CSR_SELL_SIGMA, sizeof *order, "SELL sort");
    if (st) return st;
    // A row's entries in one tile form one run (its columns are sorted).
    memset(seg, 0, (size_t)s->tiles * (size_t)m * sizeof *seg);
    for (int64_t r = 0; r < m; r++)
        for (int64_t p = c->ptr[r]; p < c->ptr[r + 1]; p++) seg[(c->col[p] / s->width) * m + r]++;
    memset(s->cost, 0, ((size_t)s->windows + 1) * sizeof *s->cost);
    memset(s->ovf_start, 0, ((size_t)s->tiles * (size_t)s->windows + 1) * sizeof *s->ovf_start);
    *ovf_entries = 0;
    s->step[0] = 0;
    for (int64_t t = 0; t < s->tiles; t++) {
        const int32_t *len_t = seg + t * m;
        for (int64_t w = 0; w < s->windows; w++) {
            int64_t w0 = w * LCI_CSR_SELL_SIGMA;
            int64_t rows = m - w0 < LCI_CSR_SELL_SIGMA ? m - w0 : LCI_CSR_SELL_SIGMA, total = 0;
            for (int64_t r = 0; r < rows; r++) total += len_t[w0 + r];
            int64_t cap = (2 * total + rows - 1) / rows;
            if (cap < LCI_CSR_SELL_MIN_CAP) cap = LCI_CSR_SELL_MIN_CAP;
            for (int64_t r = 0; r < rows; r++) {
                int64_t len = len_t[w0 + r];
                if (len > cap) {
                    s->ovf_start[t * s->windows + w + 1]++;
                    *ovf_entries += len - cap;
                    s->cost[w + 1] += (len - cap + C - 1) / C; // in steps, as the slices
                    len = cap;
                }
                order[r] = (row_len){len, (int32_t)(w0 + r)};
            }
            qsort(order, (size_t)rows, sizeof *order, by_length);
            // The window's slices: lanes past the last row are empty.
            for (int64_t pos = 0; pos < (rows + C - 1) / C * C; pos++) {
                int64_t b = t * S + (w0 + pos) / C, lane = pos % C;
                bool used = pos < rows;
                s->perm[b * C + lane] = used ? order[pos].row : -1;
                s->len[b * C + lane] = used ? (int32_t)order[pos].len : 0;
            }
        }
        for (int64_t slice = 0; slice < S; slice++) {
            int64_t b = t * S + slice;
            int32_t longest = 0, shortest = INT32_MAX;
            for (int64_t l = 0; l < C; l++) {
                int32_t len = s->len[b * C + l];
                if (len > longest) longest = len;
                if (len < shortest) shortest = len;
            }
            s->step[b + 1] = s->step[b] + longest;
            s->full[b] = shortest;
            s->cost[slice * C / LCI_CSR_SELL_SIGMA + 1] += longest;
        }
    }
    int64_t blocks = (int64_t)s->tiles * s->windows;
    for (int64_t w = 0; w < s->windows; w++) s->cost[w + 1] += s->cost[w];
    for (int64_t b = 0; b < blocks; b++) s->ovf_start[b + 1] += s->ovf_start[b];
    s->ovf_items = s->ovf_start[blocks];
    lci_free(order);
    return LC_OK;
}

lc_status lci_csr_sell_build_width(const lci_csr *c, int32_t width, lci_csr_sell **out) {
    const int64_t m = c->base.m, k = c->base.k, C = LCI_CSR_SELL_C;
    lci_csr_sell *s = lci_calloc(1, sizeof *s);
    if (!s) return lci_error(LC_ERR_NOMEM, "lc_mat_optimize: cannot allocate the SELL header");
    s->slices = (m + C - 1) / C;
    s->windows = (m + LCI_CSR_SELL_SIGMA - 1) / LCI_CSR_SELL_SIGMA;
    s->width = width;
    s->tiles = (int32_t)(k > 0 ? (k + width - 1) / width : 1);
    const int64_t blocks = (int64_t)s->tiles * s->slices, wblocks = (int64_t)s->tiles * s->windows;
    int32_t *seg = NULL;
    int64_t *cursor = NULL, ovf_entries = 0, entries;
    lc_status st;
    if ((st = lci_alloc_array((void **)&s->step, (size_t)blocks + 1, 8, "SELL steps")) ||
        (st = lci_alloc_array((void **)&s->full, (size_t)blocks, 4, "SELL full steps")) ||
        (st = lci_alloc_array((void **)&s->len, (size_t)blocks, C * 4, "SELL lane lengths")) ||
        (st = lci_alloc_array((void **)&s->perm, (size_t)blocks, C * 4, "SELL lane rows")) ||
        (st = lci_alloc_array((void **)&s->cost, (size_t)s->windows + 1, 8, "SELL costs")) ||
        (st = lci_alloc_array((void **)&s->ovf_start, (size_t)wblocks + 1, 8, "SELL overflow")) ||
        (st = lci_alloc_array((void **)&seg, (size_t)s->tiles, (size_t)m * 4, "SELL row counts")) ||
        (st = arrange(c, s, seg, &ovf_entries)))
        goto fail;
    if (lci_mul_i64(s->step[blocks], C, &entries)) {
        st = lci_error(LC_ERR_OVERFLOW, "lc_mat_optimize: SELL entry count overflows");
        goto fail;
    }
    // Entries, padding zeroed (masked by the kernels anyway).
    if (!(s->idx = lci_calloc((size_t)entries, sizeof(uint16_t))) ||
        !(s->val = lci_calloc((size_t)entries, sizeof(float)))) {
        st = lci_error(LC_ERR_NOMEM, "lc_mat_optimize: cannot allocate %lld SELL entries",
                       (long long)entries);
        goto fail;
    }
    if ((st = lci_alloc_array((void **)&s->ovf_row, (size_t)s->ovf_items, 4, "overflow rows")) ||
        (st = lci_alloc_array((void **)&s->ovf_ptr, (size_t)s->ovf_items + 1, 8,
                              "overflow items")) ||
        (st = lci_alloc_array((void **)&s->ovf_idx, (size_t)ovf_entries, 2, "overflow columns")) ||
        (st = lci_alloc_array((void **)&s->ovf_val, (size_t)ovf_entries, 4, "overflow values")) ||
        (st = lci_alloc_array((void **)&cursor, (size_t)m + 1, 8, "SELL cursors")))
        goto fail;
    // Tiles in order: each row's next run starts where its previous one ended (cursor); what a
    // lane's cap leaves of the run goes to the overflow of the lane's window, in lane order.
    memcpy(cursor, c->ptr, ((size_t)m + 1) * sizeof *cursor);
    int64_t item = 0, oe = 0;
    for (int64_t b = 0; b < blocks; b++) {
        const int64_t tile = b / s->slices;
        const int32_t *len_t = seg + tile * m;
        for (int64_t l = 0; l < C; l++) {
            int32_t r = s->perm[b * C + l];
            if (r < 0) continue;
            int64_t e = s->step[b] * C + l, p = cursor[r];
            for (int32_t j = 0; j < s->len[b * C + l]; j++, p++, e += C) {
                s->idx[e] = (uint16_t)(c->col[p] - tile * width);
                s->val[e] = c->val[p];
            }
            if (len_t[r] > s->len[b * C + l]) {
                s->ovf_row[item] = r;
                s->ovf_ptr[item++] = oe;
                for (int32_t j = s->len[b * C + l]; j < len_t[r]; j++, p++, oe++) {
                    s->ovf_idx[oe] = (uint16_t)(c->col[p] - tile * width);
                    s->ovf_val[oe] = c->val[p];
                }
            }
            cursor[r] = p;
        }
    }
    s->ovf_ptr[item] = oe;
    lci_free(cursor);
    lci_free(seg);
    *out = s;
    return LC_OK;
fail:
    lci_free(cursor);
    lci_free(seg);
    lci_csr_sell_free(s);
    return st;
}
