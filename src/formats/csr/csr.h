// csr.h: the CSR format's internal layout and the kernel signatures its ISA files implement.
#ifndef LACUNA_CSR_H
#define LACUNA_CSR_H

#include "../../core/mat.h"

// The optimised layouts (csr_tiles.h, csr_sell.h).
typedef struct lci_csr_tiles lci_csr_tiles;
typedef struct lci_csr_sell lci_csr_sell;

typedef struct lci_csr {
    lc_mat base;
    int64_t nnz;
    int64_t *ptr;         // m + 1 row pointers
    int32_t *col;         // nnz column indices, strictly increasing within a row
    float *val;           // nnz values
    lci_csr_tiles *tiles; // SpMM layout from lc_mat_optimize, or NULL
    lci_csr_sell *sell;   // decode layout from lc_mat_optimize, or NULL (never both)
    unsigned opt_layouts; // the activation layouts that use it: bit 1 << lc_layout
} lci_csr;

// Whether a product in this activation layout reads the optimised layout (tiles or sell).
static inline bool lci_csr_uses_opt(const lci_csr *c, lc_layout layout) {
    return (c->opt_layouts >> (unsigned)layout) & 1u;
}
#define LCI_CSR_BOTH_LAYOUTS ((1u << LC_LAYOUT_COLS) | (1u << LC_LAYOUT_ROWS))

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

// A plain SpMV whose CSR arrays (lc_mat_info's bytes) reach this size streams them from memory
// and runs LCI_KERNEL_CSR_MV_STREAM: the same arithmetic, bitwise, with the long rows prefetching
// their value and column streams into L2 ahead of use. Below it, the prefetches only cost
// (astro-ph, 2 MB: 120 → 126 µs). A variable so the tests can send small matrices down the path.
#define LCI_CSR_MV_STREAM_BYTES ((int64_t)16 << 20)
extern int64_t lci_csr_mv_stream_bytes;
// The size lc_mat_info reports as the plain arrays' bytes.
static inline int64_t lci_csr_plain_bytes(const lci_csr *c) {
    return c->nnz * (int64_t)(sizeof(int32_t) + sizeof(float)) +
           (c->base.m + 1) * (int64_t)sizeof(int64_t);
}

void lci_csr_mm_ref(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                    int64_t r1, const float *p, int64_t ldp, int64_t nb, float alpha, float beta,
                    float *y, int64_t ldy);
void lci_csr_mv_ref(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                    int64_t r1, const float *x, float alpha, float beta, float *y, int64_t incy);

// Inspector-executor (csr_optimize.c): lc_mat_optimize for CSR, and dropping a layout.
lc_status lci_csr_optimize(lc_mat *a, int64_t n_hint);
void lci_csr_unoptimize(lci_csr *c);

// The apply driver (csr_mm.c).
lc_status lci_csr_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_csr_workspace(const lc_mat *a, lc_layout layout, int64_t n);

#include "csr_sell.h"
#include "csr_tiles.h"

#endif
