// nm.h: the N:M format's internal layout (kept-column bitmaps and row-block tiled values), the
// kernel signatures its ISA files implement, and the random generator for benchmarks.
#ifndef LACUNA_NM_H
#define LACUNA_NM_H

#include "../../core/mat.h"

// Layout. Along K, groups of M columns (the last one narrower when M does not divide K: the
// "padded last group" of a format that stores N per group) keep N entries each: min(N, w) in a
// group of width w. Only those are stored, so a last group narrower than N keeps all of it and
// no kernel ever reaches past K (nothing is padded in memory). Row groups of v consecutive rows
// share one pattern (the last row group may be shorter).
//
// - The columns are cut into tiles of tw = M·floor(128/M) columns (whole groups; 128 for
//   M = 2, 4, 8, 16): a tile's slice of a 64-column activation panel is 32 KB, about the L1,
//   and every row of a block reuses it. (64-column tiles measured the same.)
// - Metadata: one kept-column bitmap per (row group, tile), `words` = ceil(tw/64) <= 2 64-bit
//   words, bit c set when tile column c is kept; no bit past K. It feeds both kernel families
//   directly: SpMV uses 16-bit pieces as vexpandps masks (the compressed values expand into
//   the lanes of their columns, and the same mask masks the FMA, so a pruned column is never
//   multiplied), SpMM walks the set bits (count trailing zeros) to address the rows of the
//   packed panel. Any N:M with M <= 16 works the same way. 2:4 costs 2 bits per kept value
//   (1/16 of the values' bytes; byte positions would cost 8 bits), the same bytes for SpMV
//   and SpMM, so lc_mat_info's bytes are exact for both. With v = 1 the bitmaps are stored
//   like the values, [row block][tile][row], so a block's bitmaps of a tile are contiguous;
//   with v > 1, [row group][tile] (each one serves v rows).
// - Values: rows in blocks of LCI_NM_BLOCK rows; within a block, tile by tile, each row's kept
//   values of that tile in column order. A product walks block → tile → row, so it reads A as
//   one sequential stream (a prototype reading row-major values tile by tile took 68 ms
//   instead of 53 at 4096², 2:4, n = 256: the prefetchers lose 64 interleaved streams). Block
//   b (rows r0 .. r0 + rows - 1) starts at r0·per_row; its tile s at rows·before(s) after that;
//   row r0 + q at q·cnt(s) after that, where before(s) = s·tgroups·N values precede tile s in
//   a row and cnt(s) = before(s+1) - before(s). Padded by 16 floats, so kernels may load 16
//   values past a row's last.
#define LCI_NM_BLOCK      64  // rows per block
#define LCI_NM_TILE       128 // target tile width in columns
#define LCI_NM_PANEL      64  // columns of the activation panel one kernel call covers at most
#define LCI_NM_SMALL_N    5   // products with fewer vectors use the SpMV kernels
#define LCI_NM_MV_VECTORS 4   // vectors one SpMV kernel call serves at most

typedef struct lci_nm {
    lc_mat base;
    int32_t n, mg, v; // N kept of every M = mg columns; v rows per pattern
    int32_t tw;       // tile width (a multiple of M)
    int32_t tgroups;  // groups per tile: tw / M
    int32_t words;    // bitmap words per (row group, tile)
    int64_t groups;   // G = ceil(K / M)
    int64_t tiles;    // S = ceil(K / tw)
    int64_t rgroups;  // row groups: ceil(m / v)
    int64_t blocks;   // row blocks: ceil(m / LCI_NM_BLOCK)
    int64_t per_row;  // values per row: (G - 1)·N + min(N, width of the last group)
    uint64_t *bits;   // rgroups·tiles·words
    float *val;       // m·per_row + 16
} lci_nm;

// One row block × one tile, as the kernels see it. Row q of the block (q < rows) has its cnt
// values at val + q·cnt; its bitmap is that of its row group: with v = 1, bits + q·bstride;
// otherwise row q is member (lead + q) % v of row group (lead + q) / v (counted from the
// block's first row group), whose bitmap is at bits + ((lead + q) / v)·bstride.
typedef struct lci_nm_tile {
    const float *val;
    const uint64_t *bits;
    int64_t bstride; // words between consecutive row groups' bitmaps (tiles·words)
    int32_t cnt;     // values per row in this tile (the same for every row)
    int32_t words;   // bitmap words of a tile
    int32_t rows;    // rows of the block (1 .. LCI_NM_BLOCK)
    int32_t v;       // rows per group (1: every row its own bitmap)
    int32_t lead;    // the block's first row's index within its row group
    int32_t per16;   // values per 16 columns when M divides 16 (whole groups), else 0
    int32_t mg, n;   // M and N
    // Values per row in each bitmap word (words <= 2) when M divides 64 (no group straddles a
    // word), else -1.
    int32_t wcnt[2];
} lci_nm_tile;

// SpMM on one tile: acc[q·ld + j] += Σ val·panel[c·ld + j] over row q's kept columns c (tile
// columns, ascending) for j < nb. panel holds the tile's rows of the packed activations (ld =
// 16, 32, 48 or 64 floats a row, zero beyond nb); acc lanes past nb may get junk.
typedef void (*lci_nm_mm_fn)(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                             float *acc);
// SpMV on one tile for nv <= LCI_NM_MV_VECTORS vectors: for row q and vector j, the 16 floats
// acc[(q·nv + j)·16 ..] receive partial sums of Σ val·x_j[c] over the row's kept columns c,
// spread over lanes as the kernel likes (the driver adds the 16 lanes in a fixed order).
// x_j = x + j·ldxv points at the tile's first column; only x_j[0 .. avail) may be read.
typedef void (*lci_nm_mv_fn)(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                             int64_t avail, float *acc);

void lci_nm_mm_ref(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb, float *acc);
void lci_nm_mv_ref(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv, int64_t avail,
                   float *acc);
void lci_nm_group_mm_ref(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                         float *acc);
void lci_nm_group_mv_ref(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                         int64_t avail, float *acc);

// Walks the kept columns of one row's tile bitmap w, ascending (the SpMM kernels of every ISA):
// start with {w, 0, -1}; each call returns the next kept tile column.
typedef struct lci_nm_walk {
    const uint64_t *w;
    uint64_t b;
    int32_t i;
} lci_nm_walk;

static inline int32_t lci_nm_next_col(lci_nm_walk *s) {
    while (!s->b) s->b = s->w[++s->i];
    const int32_t c = (s->i << 6) + __builtin_ctzll(s->b);
    s->b &= s->b - 1;
    return c;
}

// For the M = 4 SpMV kernels that gather x (2:4, 1:4): byte b (a group's 4-bit kept mask)
// holds the first kept position in bits 0-1 and the second in bits 4-5 (0 when absent); four
// copies, one per 128-bit lane of a zmm (vpshufb looks up within lanes). 64-byte aligned.
extern const uint8_t lci_nm_pos4[64];

// Geometry (nm.c): values before tile s in a row, values per row in tile s, the first value of
// row i in group g (of its tile), and the bitmap of row group r in tile s.
int64_t lci_nm_before(const lci_nm *a, int64_t s);
float *lci_nm_val_at(const lci_nm *a, int64_t i, int64_t g);
uint64_t *lci_nm_bits_at(const lci_nm *a, int64_t r, int64_t s);
// An empty N:M matrix (bitmaps zero, values unset) of valid N, M, v; sizes overflow-checked.
lc_status lci_nm_alloc(lci_nm **out, int64_t m, int64_t k, int32_t n, int32_t mg, int32_t v);
// Sets the pattern of row group r, group g: bit p of `mask` keeps in-group position p.
void lci_nm_set_mask(lci_nm *a, int64_t r, int64_t g, uint32_t mask);

// A random N:M matrix for benchmarks, built directly in its format: each row group's group
// draws v·w values uniform in [-1, 1) (never 0; w the group's width) and keeps the N columns of
// largest summed magnitude, as N:M pruning of that random dense matrix would (so the kept
// positions are uniform). Deterministic per seed (lci_rng) on every platform. Errors as
// lc_mat_create_nm (LC_ERR_ARG, LC_ERR_OVERFLOW, LC_ERR_NOMEM). Free with lc_mat_free.
lc_status lci_nm_random(lc_mat **out, int64_t m, int64_t k, int32_t n, int32_t mgroup, int32_t v,
                        uint64_t seed);

// The apply driver (nm_mm.c).
lc_status lci_nm_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_nm_workspace(const lc_mat *a, lc_layout layout, int64_t n);

#endif
