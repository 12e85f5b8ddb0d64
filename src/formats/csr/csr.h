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

typedef struct lci_csr {
    lc_mat base;
    int64_t nnz;
    int64_t *ptr;         // m + 1 row pointers
    int32_t *col;         // nnz column indices, strictly increasing within a row
    float *val;           // nnz values
    lci_csr_tiles *tiles; // SpMM layout from lc_mat_optimize, or NULL
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

// The apply driver (csr_mm.c).
lc_status lci_csr_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_csr_workspace(const lc_mat *a, lc_layout layout, int64_t n);

#endif
