// bsr.c: the BSR format: validated construction from raw tiles (sorted within block rows, stored
// column-major, edge padding zeroed), to_dense, to_csr (every entry inside the matrix), info,
// fill, and the vtable.
#include "bsr.h"

#include <string.h>

static void bsr_destroy(lc_mat *mat) {
    lci_bsr *b = (lci_bsr *)mat;
    lci_free(b->ptr);
    lci_free(b->col);
    lci_free(b->val);
    lci_free(b);
}

static void bsr_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_bsr *b = (const lci_bsr *)mat;
    for (int64_t i = 0; i < mat->m; i++) memset(out + i * ld, 0, (size_t)mat->k * sizeof(float));
    const int64_t area = (int64_t)b->bh * b->bw;
    for (int64_t I = 0; I < b->mb; I++) {
        const int32_t rows = lci_bsr_rows(b, I);
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            const int32_t cols = lci_bsr_cols(b, b->col[t]);
            const float *v = b->val + t * area;
            float *o = out + I * b->bh * ld + (int64_t)b->col[t] * b->bw;
            for (int32_t r = 0; r < rows; r++)
                for (int32_t c = 0; c < cols; c++) o[r * ld + c] = v[(int64_t)c * b->bh + r];
        }
    }
}

// Every entry inside the matrix, zeros included, row by row in ascending columns.
static lc_status bsr_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    (void)all_entries;
    const lci_bsr *b = (const lci_bsr *)mat;
    lc_status st = lci_csr_view_alloc(v, mat->m, mat->k, b->useful);
    if (st) return st;
    int64_t *ptr = v->owned[0];
    int32_t *col = v->owned[1];
    float *val = v->owned[2];
    const int64_t area = (int64_t)b->bh * b->bw;
    int64_t q = 0;
    ptr[0] = 0;
    for (int64_t I = 0; I < b->mb; I++) {
        const int32_t rows = lci_bsr_rows(b, I);
        for (int32_t r = 0; r < rows; r++) {
            for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
                const int32_t cols = lci_bsr_cols(b, b->col[t]);
                const float *tv = b->val + t * area + r;
                const int32_t c0 = b->col[t] * b->bw;
                for (int32_t c = 0; c < cols; c++, q++) {
                    col[q] = c0 + c;
                    val[q] = tv[(int64_t)c * b->bh];
                }
            }
            ptr[I * b->bh + r + 1] = q;
        }
    }
    return LC_OK;
}

static void bsr_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_bsr *b = (const lci_bsr *)mat;
    const int64_t area = (int64_t)b->bh * b->bw;
    // stored: every value held, in-tile zeros and edge padding included; useful: the entries
    // inside the matrix. A product reads whole tiles (padding included), the tile columns and
    // the pointers; it is costed, like the DESIGN table, at 2·tiles·bh·bw per vector.
    info->stored = b->tiles * area;
    info->useful = b->useful;
    info->nonzeros = lci_count_nonzeros(b->val, info->stored); // the padding is stored as 0
    info->flops_per_col = 2.0 * (double)b->useful;
    info->exec_flops_per_col = 2.0 * (double)info->stored;
    info->bytes = info->stored * (int64_t)sizeof(float) + b->tiles * (int64_t)sizeof(int32_t) +
                  (b->mb + 1) * (int64_t)sizeof(int64_t);
}

// No optimize: the constructed layout already is the one the kernels want (tiles sorted,
// column-major, padding zeroed), and X is packed per call; there is nothing to repack.
static const lci_vtable bsr_vtable = {.format = LC_FORMAT_BSR,
                                      .mm = lci_bsr_mm,
                                      .workspace = lci_bsr_workspace,
                                      .to_dense = bsr_to_dense,
                                      .info = bsr_info,
                                      .to_csr = bsr_to_csr,
                                      .destroy = bsr_destroy,
                                      .optimize = NULL};

lc_status lci_bsr_alloc(lci_bsr **out, int64_t m, int64_t k, int32_t bh, int32_t bw, int64_t tiles,
                        const char *who) {
    int64_t count, bytes;
    if (lci_mul_i64(tiles, (int64_t)bh * bw, &count) ||
        lci_mul_i64(count, (int64_t)sizeof(float), &bytes))
        return lci_error(LC_ERR_OVERFLOW, "%s: %lld tiles of %d×%d values overflow", who,
                         (long long)tiles, bh, bw);
    lci_bsr *b = lci_calloc(1, sizeof *b);
    if (!b) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the BSR header", who);
    b->base = (lc_mat){&bsr_vtable, m, k};
    b->bh = bh, b->bw = bw;
    b->mb = (m + bh - 1) / bh, b->kb = (k + bw - 1) / bw;
    b->tiles = tiles;
    lc_status st;
    if ((st = lci_alloc_array((void **)&b->ptr, (size_t)b->mb + 1, sizeof(int64_t),
                              "BSR tile pointers")) ||
        (st = lci_alloc_array((void **)&b->col, (size_t)tiles, sizeof(int32_t),
                              "BSR tile columns")) ||
        (st = lci_alloc_array((void **)&b->val, (size_t)count, sizeof(float), "BSR values"))) {
        bsr_destroy(&b->base);
        return st;
    }
    *out = b;
    return LC_OK;
}

void lci_bsr_finish(lci_bsr *b) {
    int64_t useful = 0;
    for (int64_t I = 0; I < b->mb; I++) {
        const int64_t rows = lci_bsr_rows(b, I);
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++)
            useful += rows * lci_bsr_cols(b, b->col[t]);
    }
    b->useful = useful;
}

lc_status lci_bsr_check_block(const char *who, int32_t bh, int32_t bw) {
    if (bh < 1 || bh > LCI_BSR_MAX_BLOCK || bw < 1 || bw > LCI_BSR_MAX_BLOCK)
        return lci_error(LC_ERR_ARG, "%s: tile %d×%d is outside 1..%d", who, bh, bw,
                         LCI_BSR_MAX_BLOCK);
    return LC_OK;
}

typedef struct place_job {
    lci_bsr *b;
    int64_t bounds[LCI_MAX_PARTS + 1];
} place_job;

static void place_part(void *vjob, int part) {
    place_job *j = vjob;
    const lci_bsr *b = j->b;
    const int64_t area = (int64_t)b->bh * b->bw;
    const int64_t t0 = b->ptr[j->bounds[part]], t1 = b->ptr[j->bounds[part + 1]];
    memset(b->val + t0 * area, 0, (size_t)((t1 - t0) * area) * sizeof(float));
}

void lci_bsr_place(lci_bsr *b) {
    place_job job = {.b = b};
    lci_parallel(lci_bsr_split(b, 1, job.bounds), place_part, &job);
}

// Merge sort of tile indices by block column (stable: equal columns keep input order).
static void sort_by_col(int64_t *idx, int64_t *tmp, int64_t count, const int32_t *col) {
    for (int64_t width = 1; width < count; width *= 2) {
        for (int64_t lo = 0; lo < count; lo += 2 * width) {
            int64_t mid = lo + width < count ? lo + width : count;
            int64_t hi = lo + 2 * width < count ? lo + 2 * width : count;
            int64_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) tmp[o++] = col[idx[b]] < col[idx[a]] ? idx[b++] : idx[a++];
            while (a < mid) tmp[o++] = idx[a++];
            while (b < hi) tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, (size_t)count * sizeof *idx);
    }
}

// Orders the tiles of every block row by column into order[] (input tile indices) and rejects a
// tile given twice. Block rows already in order cost one scan.
static lc_status order_tiles(const char *who, int64_t mb, const int64_t *tile_ptr,
                             const int32_t *tile_col, int64_t *order, int64_t *tmp) {
    for (int64_t I = 0; I < mb; I++) {
        const int64_t t0 = tile_ptr[I], t1 = tile_ptr[I + 1];
        bool sorted = true;
        for (int64_t t = t0; t < t1; t++) {
            order[t] = t;
            if (t > t0 && tile_col[t] <= tile_col[t - 1]) sorted = false;
        }
        if (sorted) continue;
        sort_by_col(order + t0, tmp, t1 - t0, tile_col);
        for (int64_t t = t0 + 1; t < t1; t++)
            if (tile_col[order[t]] == tile_col[order[t - 1]])
                return lci_error(LC_ERR_FORMAT,
                                 "%s: block row %lld: tiles %lld and %lld are both at block "
                                 "column %d (duplicate tile)",
                                 who, (long long)I, (long long)order[t - 1], (long long)order[t],
                                 tile_col[order[t]]);
    }
    return LC_OK;
}

// Checks the pointers and columns (no allocation yet).
static lc_status check_tiles(const char *who, int64_t mb, int64_t kb, int32_t bh, int32_t bw,
                             const int64_t *tile_ptr, const int32_t *tile_col, const float *val) {
    if (tile_ptr[0] != 0)
        return lci_error(LC_ERR_FORMAT, "%s: tile_ptr[0] = %lld, must be 0", who,
                         (long long)tile_ptr[0]);
    for (int64_t I = 0; I < mb; I++)
        if (tile_ptr[I + 1] < tile_ptr[I])
            return lci_error(LC_ERR_FORMAT,
                             "%s: tile_ptr[%lld] = %lld < tile_ptr[%lld] = %lld (tile pointers "
                             "must not decrease)",
                             who, (long long)I + 1, (long long)tile_ptr[I + 1], (long long)I,
                             (long long)tile_ptr[I]);
    const int64_t tiles = tile_ptr[mb];
    if (tiles > 0 && (!tile_col || !val))
        return lci_error(LC_ERR_ARG, "%s: NULL tile_col or val with %lld tiles", who,
                         (long long)tiles);
    // Arrays that large cannot exist: say so before reading them.
    int64_t count;
    if (lci_mul_i64(tiles, (int64_t)bh * bw, &count) || count > INT64_MAX / (int64_t)sizeof(float))
        return lci_error(LC_ERR_OVERFLOW, "%s: %lld tiles of %d×%d values overflow", who,
                         (long long)tiles, bh, bw);
    for (int64_t I = 0; I < mb; I++)
        for (int64_t t = tile_ptr[I]; t < tile_ptr[I + 1]; t++)
            if (tile_col[t] < 0 || tile_col[t] >= kb)
                return lci_error(LC_ERR_FORMAT,
                                 "%s: block row %lld: tile %lld at block column %d is outside "
                                 "[0, %lld)",
                                 who, (long long)I, (long long)t, tile_col[t], (long long)kb);
    return LC_OK;
}

lc_status lc_mat_create_bsr(lc_mat **out, int64_t m, int64_t k, int32_t bh, int32_t bw,
                            const int64_t *tile_ptr, const int32_t *tile_col, const float *val) {
    const char *who = "lc_mat_create_bsr";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k)) || (st = lci_bsr_check_block(who, bh, bw))) return st;
    if (!tile_ptr) return lci_error(LC_ERR_ARG, "%s: NULL tile_ptr", who);
    const int64_t mb = (m + bh - 1) / bh, kb = (k + bw - 1) / bw;
    if ((st = check_tiles(who, mb, kb, bh, bw, tile_ptr, tile_col, val))) return st;
    const int64_t tiles = tile_ptr[mb];
    lci_bsr *b = NULL;
    int64_t *order = NULL, *tmp = NULL;
    // Duplicates are found while sorting, before the values are allocated.
    if ((st = lci_alloc_array((void **)&order, (size_t)tiles, sizeof *order, "BSR tile order")) ||
        (st = lci_alloc_array((void **)&tmp, (size_t)tiles, sizeof *tmp, "BSR tile order")) ||
        (st = order_tiles(who, mb, tile_ptr, tile_col, order, tmp)) ||
        (st = lci_bsr_alloc(&b, m, k, bh, bw, tiles, who)))
        goto done;
    memcpy(b->ptr, tile_ptr, ((size_t)mb + 1) * sizeof(int64_t));
    lci_bsr_place(b);
    // Tile t of the result is input tile order[t], transposed to column-major, zero outside.
    const int64_t area = (int64_t)bh * bw;
    for (int64_t I = 0; I < mb; I++) {
        const int32_t rows = lci_bsr_rows(b, I);
        for (int64_t t = tile_ptr[I]; t < tile_ptr[I + 1]; t++) {
            const int32_t c = tile_col[order[t]], cols = lci_bsr_cols(b, c);
            const float *src = val + order[t] * area;
            float *dst = b->val + t * area;
            b->col[t] = c;
            for (int32_t cc = 0; cc < bw; cc++)
                for (int32_t r = 0; r < bh; r++)
                    dst[(int64_t)cc * bh + r] =
                        r < rows && cc < cols ? src[(int64_t)r * bw + cc] : 0.0f;
        }
    }
    lci_bsr_finish(b);
    *out = &b->base;
    b = NULL;
    lci_error_clear();
done:
    if (b) bsr_destroy(&b->base);
    lci_free(order);
    lci_free(tmp);
    return st;
}
