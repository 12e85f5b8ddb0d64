// bsr.h: the BSR format's internal layout (block-CSR of bh×bw dense tiles, each tile stored
// column-major), the kernel signatures its ISA files implement, and the random generator the
// benchmark uses.
#ifndef LACUNA_BSR_H
#define LACUNA_BSR_H

#include "../../core/mat.h"

// Block-CSR of bh×bw tiles. Block row I (of mb = ceil(M/bh)) holds tiles ptr[I] .. ptr[I+1]-1,
// their block columns col[] strictly increasing (of kb = ceil(K/bw)). Tile t's values are
// val[t·bh·bw ..], column-major: entry (r, c) of the tile at val[t·bh·bw + c·bh + r], so the
// bh values of one tile column are contiguous. The SpMM kernels broadcast a strip of rows of
// one column at a time; the SpMV kernels load whole columns as vectors. Entries outside the
// matrix (rows >= M of the last block row, columns >= K of the last block column) are stored as
// 0 and never multiplied: kernels stop at the matrix edge.
typedef struct lci_bsr {
    lc_mat base;
    int32_t bh, bw; // tile rows and columns, 1..256
    int64_t mb, kb; // block rows ceil(M/bh) and block columns ceil(K/bw)
    int64_t tiles;  // ptr[mb]
    int64_t useful; // entries inside the matrix: tiles·bh·bw less the edge padding
    int64_t *ptr;   // mb + 1 tile pointers
    int32_t *col;   // tiles block columns
    float *val;     // tiles·bh·bw values (column-major tiles)
} lci_bsr;

// Largest tile side.
#define LCI_BSR_MAX_BLOCK 256
// Columns of the packed activation panel one SpMM kernel call covers at most.
#define LCI_BSR_PANEL 64

// Rows of block row I that lie inside the matrix (bh, or fewer for a cut last block row).
static inline int32_t lci_bsr_rows(const lci_bsr *b, int64_t I) {
    int64_t left = b->base.m - I * b->bh;
    return left < b->bh ? (int32_t)left : b->bh;
}
// Columns of a tile at block column c that lie inside the matrix.
static inline int32_t lci_bsr_cols(const lci_bsr *b, int64_t c) {
    int64_t left = b->base.k - c * b->bw;
    return left < b->bw ? (int32_t)left : b->bw;
}

// SpMM on rows [r0, r1) of block row I (0 <= r0 < r1 <= lci_bsr_rows(b, I)): for j < nb,
//   result (r, j) = alpha·S(r, j) + beta·result, stored at y[(r - r0)·ldy + j] for layout
//   LC_LAYOUT_COLS (rows of Y), at y[j·ldy + (r - r0)] for LC_LAYOUT_ROWS (columns of Y = n×M),
//   S(r, j) = Σ over the tiles t of I (ascending block column), then over the tile's columns
//             c < lci_bsr_cols (ascending), of A_t(r, c)·P[(col[t]·bw + c)·ldp + j],
// each term added to the running sum in that order (the order fixes the result bits, whatever
// rows a call covers). P is the packed activation panel: K rows of ldp floats (a multiple of 16,
// at most LCI_BSR_PANEL), zero beyond nb. beta = 0 never reads y.
typedef void (*lci_bsr_mm_fn)(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1, const float *p,
                              int64_t ldp, int64_t nb, float alpha, float beta, lc_layout layout,
                              float *y, int64_t ldy);

// SpMV on block rows [I0, I1): y[(i - I0·bh)·incy] = alpha·Σ_k A(i, k)·x[k] + beta·y[...] for
// every row i of those block rows inside the matrix. x is contiguous (K floats). Each row is
// summed by one call, in an order that depends only on the matrix. beta = 0 never reads y.
typedef void (*lci_bsr_mv_fn)(const lci_bsr *b, int64_t I0, int64_t I1, const float *x, float alpha,
                              float beta, float *y, int64_t incy);

void lci_bsr_mm_ref(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1, const float *p,
                    int64_t ldp, int64_t nb, float alpha, float beta, lc_layout layout, float *y,
                    int64_t ldy);
void lci_bsr_mv_ref(const lci_bsr *b, int64_t I0, int64_t I1, const float *x, float alpha,
                    float beta, float *y, int64_t incy);

// Construction (bsr.c): a matrix with room for `tiles` tiles (pointers, columns and values
// unset; LC_ERR_OVERFLOW when the values overflow, messages name `who`); lci_bsr_finish computes
// `useful` once ptr and col are set; lci_bsr_check_block rejects a tile side outside 1..256.
lc_status lci_bsr_alloc(lci_bsr **out, int64_t m, int64_t k, int32_t bh, int32_t bw, int64_t tiles,
                        const char *who);
void lci_bsr_finish(lci_bsr *b);
lc_status lci_bsr_check_block(const char *who, int32_t bh, int32_t bw);

// The apply driver (bsr_mm.c) and its scratch bytes.
lc_status lci_bsr_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_bsr_workspace(const lc_mat *a, lc_layout layout, int64_t n);
// How a product of n vectors splits the block rows among threads: returns the part count
// (1 .. LCI_MAX_PARTS) and fills bounds[0 .. parts] (contiguous block rows of near-equal tiles).
int lci_bsr_split(const lci_bsr *b, int64_t n, int64_t *bounds);
// First touch: zeroes the values (once ptr is set) with the threads of an SpMV, each its own
// block rows, so the pages of the tiles a thread streams are placed near it (the difference
// between ~30 and ~40 GB/s for two threads here, when construction filled them from one).
void lci_bsr_place(lci_bsr *b);

// A random M×K BSR matrix of bh×bw tiles, for benchmarks and tests, built in sparse form:
// - exactly round(tile_density·mb·kb) tiles (mb = ceil(M/bh), kb = ceil(K/bw)), spread evenly
//   over the block rows as lci_random_csr spreads entries over rows (counts differ by at most
//   one, the longer block rows spaced out);
// - block columns of a block row uniform without replacement;
// - values uniform in [-1, 1), never exactly 0 (0 outside the matrix, at the edge tiles).
// The same arguments give the same matrix on every platform. Errors: LC_ERR_ARG (shape, bh or
// bw outside 1..256, tile_density outside (0, 1]), LC_ERR_OVERFLOW, LC_ERR_NOMEM.
lc_status lci_bsr_random(lc_mat **out, int64_t m, int64_t k, int32_t bh, int32_t bw,
                         double tile_density, uint64_t seed);

#endif
