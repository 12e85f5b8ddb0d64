// csr_tiles.h: the column-tiled CSR layout lc_mat_optimize builds for SpMM (n_hint >= 8), and
// the kernel signature of its ISA files.
#ifndef LACUNA_CSR_TILES_H
#define LACUNA_CSR_TILES_H

#include "csr.h"

// The SpMM layout lc_mat_optimize builds (csr_tiles.c): the columns cut into tiles of `width`;
// in each tile, the rows that have entries there ("items", ascending rows), each item's entries
// as 16-bit in-tile column offsets and values. An activation panel of one tile (width × 64
// floats) stays in L1 while every row of the tile reuses it.
struct lci_csr_tiles {
    int32_t width;       // columns per tile, a power of two <= 65536
    int32_t count;       // tiles: ceil(k / width)
    int64_t items;       // row items over all tiles
    int64_t *tile_start; // count + 1: tile t holds items tile_start[t] .. tile_start[t+1]-1
    int32_t *row;        // items: the row of each item
    int64_t *item_ptr;   // items + 1: item q holds entries item_ptr[q] .. item_ptr[q+1]-1
    uint16_t *idx;       // nnz in-tile columns, tile-major, rows ascending within a tile
    float *val;          // nnz values, in the same order
};

// Tiled SpMM: for the items q in [q0, q1) of one tile, whose rows lie in [r0, r1),
// acc[(row[q] - r0)·ld + j] += Σ_e val[e]·panel[idx[e]·ld + j] for j < nb, the sum over each
// item's entries in storage order — except that the SIMD kernels split an item of 32 entries or
// more, for panels of one vector register, into four interleaved partial sums (the order
// depends on the item alone, never on the thread split). panel is the tile's slice of the packed
// activations, ld (16, 32, 48 or 64) floats a row, zero beyond nb; lanes of acc past nb may get
// junk.
typedef void (*lci_csr_tile_fn)(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                                const float *val, int64_t q0, int64_t q1, int64_t r0,
                                const float *panel, int64_t nb, int64_t ld, float *acc);
void lci_csr_tile_mm_ref(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                         const float *val, int64_t q0, int64_t q1, int64_t r0, const float *panel,
                         int64_t nb, int64_t ld, float *acc);

// The tiled layout (csr_tiles.c): build for a tile width, free, bytes.
lc_status lci_csr_tiles_build(const lci_csr *c, int32_t width, lci_csr_tiles **out);
void lci_csr_tiles_free(lci_csr_tiles *t);
int64_t lci_csr_tiles_bytes(const lci_csr_tiles *t);
// Builds the tiled layout with tile `width` (a power of two <= 65536) and swaps it in; on
// failure A is unchanged. lc_mat_optimize uses the width rule below; tests force small widths.
lc_status lci_csr_optimize_tiles(lc_mat *a, int32_t width);
// The tile width lc_mat_optimize picks for this matrix and about n_hint vectors, or 0 when the
// plain layout is faster (see csr_tiles.c).
int32_t lci_csr_tiles_width(const lci_csr *c, int64_t n_hint);
// Tiled apply (csr_tiles_mm.c) and its scratch bytes.
lc_status lci_csr_tiles_mm(const lci_csr *c, const lci_mm_args *g);
size_t lci_csr_tiles_workspace(const lci_csr *c, int64_t n);

#endif
