// csr.h: the CSR format's internal layout and the kernel signatures its ISA files implement.
#ifndef LACUNA_CSR_H
#define LACUNA_CSR_H

#include "../../core/mat.h"

// The SpMM layout lc_mat_optimize builds (csr_tiles.c): the columns cut into tiles of `width`;
// in each tile, the rows that have entries there ("items", ascending rows), each item's entries
// as 16-bit in-tile column offsets and values. An activation panel of one tile (width × 64
// floats) stays in L1 while every row of the tile reuses it.
typedef struct lci_csr_tiles {
    int32_t width;       // columns per tile, a power of two <= 65536
    int32_t count;       // tiles: ceil(k / width)
    int64_t items;       // row items over all tiles
    int64_t *tile_start; // count + 1: tile t holds items tile_start[t] .. tile_start[t+1]-1
    int32_t *row;        // items: the row of each item
    int64_t *item_ptr;   // items + 1: item q holds entries item_ptr[q] .. item_ptr[q+1]-1
    uint16_t *idx;       // nnz in-tile columns, tile-major, rows ascending within a tile
    float *val;          // nnz values, in the same order
} lci_csr_tiles;

// The decode layout lc_mat_optimize builds for n_hint < 8 (csr_sell.c): sliced ELLPACK with
// slices of 16 rows (SELL-16-σ). Rows are sorted by length, longest first, within windows of
// LCI_CSR_SELL_SIGMA rows, so a slice's rows have similar lengths; a slice stores its entries
// column-major (entry j of its 16 rows side by side), padded to its longest row, so one vector
// step covers 16 rows and no row pays a reduction. Padding is masked, never multiplied.
#define LCI_CSR_SELL_C     16
#define LCI_CSR_SELL_SIGMA 1024
typedef struct lci_csr_sell {
    int64_t slices;     // ceil(m / 16)
    bool wide;          // 32-bit column indices (K > 65536), else 16-bit
    int64_t *slice_ptr; // slices + 1, in steps of 16 entries: slice s is steps
                        // slice_ptr[s] .. slice_ptr[s+1]-1, entry (step t, lane l) at 16·t + l
    int32_t *len;       // 16 per slice: entries of each lane's row (0 for empty lanes)
    int32_t *perm;      // 16 per slice: the row of each lane, -1 past the last row
    void *idx;          // uint16_t (or int32_t when wide) column of each entry, 0 in padding
    float *val;         // value of each entry, 0 in padding
} lci_csr_sell;

typedef struct lci_csr {
    lc_mat base;
    int64_t nnz;
    int64_t *ptr;         // m + 1 row pointers
    int32_t *col;         // nnz column indices, strictly increasing within a row
    float *val;           // nnz values
    lci_csr_tiles *tiles; // SpMM layout from lc_mat_optimize, or NULL
    lci_csr_sell *sell;   // decode layout from lc_mat_optimize, or NULL (never both)
} lci_csr;

// Products with fewer vectors than this are "decode-sized" (SpMV class) for lc_mat_optimize.
#define LCI_CSR_SMALL_N 8

// Columns of the activation panel one kernel call covers at most (register block width).
#define LCI_CSR_PANEL 64
// Rows per output tile in the rows layout (the tile is transposed into Y).
#define LCI_CSR_TILE_ROWS 16

// SpMM on rows [r0, r1): Y[i, 0:nb] = alpha·Σ_p val[p]·P[col[p], 0:nb] + beta·Y[i, 0:nb], the
// sum taken in storage order. P is the activation panel (row stride ldp); y points at the
// output row of r0 (row stride ldy). beta = 0 never reads y.
typedef void (*lci_csr_mm_fn)(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                              int64_t r1, const float *p, int64_t ldp, int64_t nb, float alpha,
                              float beta, float *y, int64_t ldy);

// SpMV on rows [r0, r1): y[(i - r0)·incy] = alpha·Σ_p val[p]·x[col[p]] + beta·y[...].
// beta = 0 never reads y.
typedef void (*lci_csr_mv_fn)(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                              int64_t r1, const float *x, float alpha, float beta, float *y,
                              int64_t incy);

void lci_csr_mm_ref(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                    int64_t r1, const float *p, int64_t ldp, int64_t nb, float alpha, float beta,
                    float *y, int64_t ldy);
void lci_csr_mv_ref(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                    int64_t r1, const float *x, float alpha, float beta, float *y, int64_t incy);

// Tiled SpMM: for the items q in [q0, q1) of one tile, whose rows lie in [r0, r1),
// acc[(row[q] - r0)·LCI_CSR_PANEL + j] += Σ_e val[e]·panel[idx[e]·LCI_CSR_PANEL + j] for
// j < nb, the sum over each item's entries in storage order. panel is the tile's slice of the
// packed activations (zero beyond nb); lanes of acc past nb may be written with junk.
typedef void (*lci_csr_tile_fn)(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                                const float *val, int64_t q0, int64_t q1, int64_t r0,
                                const float *panel, int64_t nb, float *acc);
void lci_csr_tile_mm_ref(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                         const float *val, int64_t q0, int64_t q1, int64_t r0, const float *panel,
                         int64_t nb, float *acc);

// The tiled layout (csr_tiles.c): build for a tile width, free, bytes.
lc_status lci_csr_tiles_build(const lci_csr *c, int32_t width, lci_csr_tiles **out);
void lci_csr_tiles_free(lci_csr_tiles *t);
int64_t lci_csr_tiles_bytes(const lci_csr_tiles *t);
// Builds the tiled layout with tile `width` (a power of two <= 65536) and swaps it in; on
// failure A is unchanged. lc_mat_optimize uses the width rule below; tests force small widths.
lc_status lci_csr_optimize_tiles(lc_mat *a, int32_t width);
// The tile width lc_mat_optimize picks for this matrix (see csr_tiles.c).
int32_t lci_csr_tiles_width(const lci_csr *c);
// Tiled apply (csr_tiles_mm.c) and its scratch bytes.
lc_status lci_csr_tiles_mm(const lci_csr *c, const lci_mm_args *g);
size_t lci_csr_tiles_workspace(const lci_csr *c, int64_t n);

// SELL products for n < 8 vectors, slices [s0, s1): for each row r of a lane and vector v < n,
// Y(r, v) = alpha·Σ_j val·x_v[idx] + beta·Y(r, v), the sum in column order; x_v = x + v·ldxv,
// Y(r, v) = y[r·ys_r + v·ys_v]. beta = 0 never reads Y.
typedef void (*lci_csr_sell_fn)(const lci_csr_sell *s, int64_t s0, int64_t s1, int64_t n,
                                const float *x, int64_t ldxv, float alpha, float beta, float *y,
                                int64_t ys_r, int64_t ys_v);
void lci_csr_sell_mv_ref(const lci_csr_sell *s, int64_t s0, int64_t s1, int64_t n, const float *x,
                         int64_t ldxv, float alpha, float beta, float *y, int64_t ys_r,
                         int64_t ys_v);
// The decode layout (csr_sell.c) and its apply (csr_sell_mm.c).
lc_status lci_csr_sell_build(const lci_csr *c, lci_csr_sell **out);
void lci_csr_sell_free(lci_csr_sell *s);
int64_t lci_csr_sell_bytes(const lci_csr_sell *s);
lc_status lci_csr_sell_mm(const lci_csr *c, const lci_mm_args *g);
size_t lci_csr_sell_workspace(const lci_csr *c, lc_layout layout, int64_t n);

// The apply driver (csr_mm.c).
lc_status lci_csr_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_csr_workspace(const lc_mat *a, lc_layout layout, int64_t n);

#endif
