// csr_sell.h: the decode layout lc_mat_optimize builds for products with fewer than 8 vectors
// (SELL-16-σ in column tiles), and the kernel signature of its ISA files.
#ifndef LACUNA_CSR_SELL_H
#define LACUNA_CSR_SELL_H

#include "csr.h"

// Sliced ELLPACK with slices of 16 rows, in column tiles. The columns are cut into tiles of
// `width` (x of one tile stays in L1: random reads of x from L2 cost this CPU three times as
// much); in each tile, the rows are sorted by their number of entries there, longest first,
// within windows of LCI_CSR_SELL_SIGMA rows, so a slice's 16 rows have similar lengths and
// little padding. A slice stores its rows' entries column-major (entry j of its 16 rows side
// by side, 16-bit in-tile columns), padded to its longest row. One vector step covers 16 rows:
// no row pays a reduction or a pointer. Padding is masked, never multiplied; steps below the
// shortest lane of a slice need no mask. A row longer than its window's cap in a tile (a few
// long rows of a power-law matrix) puts only `cap` entries in the slices and the rest in an
// overflow list (HYB), so one long row does not pad its 15 neighbours. Slices and overflow of
// one window only ever touch that window's rows, so threads split the rows by whole windows.
#define LCI_CSR_SELL_C     16
#define LCI_CSR_SELL_SIGMA 1024
struct lci_csr_sell {
    int64_t slices; // ceil(m / 16)
    int32_t width;  // columns per tile, a power of two <= 65536
    int32_t tiles;  // ceil(k / width)
    // Block b = tile·slices + slice: steps step[b] .. step[b+1]-1, entry (step t, lane l) at
    // 16·t + l; full[b] steps have an entry in every lane; lane l holds row perm[16·b + l]
    // (-1 past the last row) with len[16·b + l] entries.
    int64_t *step;   // tiles·slices + 1
    int32_t *full;   // tiles·slices
    int32_t *len;    // 16·tiles·slices
    int32_t *perm;   // 16·tiles·slices
    int64_t windows; // ceil(m / σ)
    int64_t *cost;   // windows + 1: prefix of each window's steps over all tiles (thread split)
    uint16_t *idx;   // in-tile column of each entry, 0 in padding
    float *val;      // value of each entry, 0 in padding
    // Overflow of window w in tile t: items ovf_start[t·windows + w] .. ovf_start[.. + 1]-1;
    // item q adds entries ovf_ptr[q] .. ovf_ptr[q+1]-1 to row ovf_row[q].
    int64_t ovf_items;
    int64_t *ovf_start; // tiles·windows + 1
    int32_t *ovf_row;   // ovf_items
    int64_t *ovf_ptr;   // ovf_items + 1
    uint16_t *ovf_idx;  // in-tile columns
    float *ovf_val;
};
// Lane cap of a window in a tile: twice its mean row length there, at least this.
#define LCI_CSR_SELL_MIN_CAP 16

// One tile of SELL products for n < 8 vectors, slices [s0, s1): for each lane l of slice s,
// with row r = perm[16·b + l] >= 0, and vector v, sum = Σ val·x_v[idx] over the lane's entries
// in this tile, in column order (x_v = x + v·ldxv points at the tile's first column). With
// acc == NULL (one tile): Y(r, v) = alpha·sum + beta·Y(r, v), Y(r, v) = y[r·ys_r + v·ys_v],
// beta = 0 never reading Y. Otherwise acc[v·lda + r] = sum (first tile) or += sum.
typedef struct lci_sell_out {
    float *acc;
    int64_t lda;
    bool first;
    float alpha, beta;
    float *y;
    int64_t ys_r, ys_v;
} lci_sell_out;
typedef void (*lci_csr_sell_fn)(const lci_csr_sell *s, int32_t tile, int64_t s0, int64_t s1,
                                int64_t n, const float *x, int64_t ldxv, const lci_sell_out *o);
void lci_csr_sell_mv_ref(const lci_csr_sell *s, int32_t tile, int64_t s0, int64_t s1, int64_t n,
                         const float *x, int64_t ldxv, const lci_sell_out *o);

// Overflow items [q0, q1) of one tile: acc[v·lda + row[q]] += Σ val·x_v[idx] over item q's
// entries in order (x_v = x + v·ldxv at the tile's first column), for v < n.
typedef void (*lci_csr_ovf_fn)(const int32_t *row, const int64_t *ptr, const uint16_t *idx,
                               const float *val, int64_t q0, int64_t q1, int64_t n, const float *x,
                               int64_t ldxv, float *acc, int64_t lda);
void lci_csr_sell_ovf_ref(const int32_t *row, const int64_t *ptr, const uint16_t *idx,
                          const float *val, int64_t q0, int64_t q1, int64_t n, const float *x,
                          int64_t ldxv, float *acc, int64_t lda);

// The layout (csr_sell.c) with column tiles of `width`, the width lc_mat_optimize picks for
// about n_hint vectors (0: the plain layout is faster), and its apply (csr_sell_mm.c).
lc_status lci_csr_sell_build_width(const lci_csr *c, int32_t width, lci_csr_sell **out);
int32_t lci_csr_sell_width(const lci_csr *c, int64_t n_hint);
// Builds the layout with tile `width` and swaps it in (tests); on failure A is unchanged.
lc_status lci_csr_optimize_sell(lc_mat *a, int32_t width);
void lci_csr_sell_free(lci_csr_sell *s);
int64_t lci_csr_sell_bytes(const lci_csr_sell *s);
lc_status lci_csr_sell_mm(const lci_csr *c, const lci_mm_args *g);
size_t lci_csr_sell_workspace(const lci_csr *c, lc_layout layout, int64_t n);

#endif
