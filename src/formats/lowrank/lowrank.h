// lowrank.h: the low-rank format A = U·Vᵀ (U M×r, V K×r, both row-major with row stride r),
// shared by its constructor, product and projection files.
#ifndef LACUNA_LOWRANK_H
#define LACUNA_LOWRANK_H

#include "../../core/mat.h"

typedef struct lci_lowrank {
    lc_mat base;
    int64_t r; // rank, 1 .. max(1, min(M, K))
    float *u;  // M×r
    float *v;  // K×r: row p holds the coefficients of column p of A
    float *ut; // Uᵀ in blocks of LCI_LOWRANK_UT_BLOCK rows of U (lci_lowrank_pack)
} lci_lowrank;

// Uᵀ, what step 2 of the rows layout reads, is stored in blocks of UT_BLOCK rows of U: rows
// i0 .. i0 + mb - 1 (mb = min(UT_BLOCK, M - i0)) at ut + i0·r as an r×mb array, so U[i, l] is
// ut[i0·r + l·mb + (i - i0)]. Blocks keep the stride between rows of a block short (1 KB, not
// 4·M bytes: a power-of-two stride of 16 KB would put all r rows in one L1 set).
#define LCI_LOWRANK_UT_BLOCK 256

// An M×K matrix of rank r with uninitialised factors; `who` names the caller in messages.
// Once U and V are set, lci_lowrank_pack fills Uᵀ.
lc_status lci_lowrank_alloc(lci_lowrank **out, int64_t m, int64_t k, int64_t r, const char *who);
void lci_lowrank_pack(lci_lowrank *a);
void lci_lowrank_destroy(lc_mat *mat);

// The one kernel of the format, a small dense product C (rows×cols) from A (rows×steps, any
// strides: A[q, s] = a[q·as + s·ast], read one float at a time and broadcast) and B (steps×cols,
// rows of cols contiguous floats, stride ldb):
//   accumulate: C[q, c] += Σ_s A[q, s]·B[s, c]
//   otherwise:  C[q, c] = alpha·Σ_s A[q, s]·B[s, c] + beta·C[q, c] (beta = 0: C is not read)
// Every C entry is one chain from acc = 0, acc = fma(A[q, s], B[s, c], acc) for s = 0, 1, .. in
// order, then C + acc (accumulate) or alpha·acc and one fma with beta·C: no result depends on how
// rows or columns are cut. A long sum cut into step blocks (the first not accumulating, with
// alpha = 1 and beta = 0, the rest accumulating) is a blocked sum: a term meets at most
// (block + blocks − 1) roundings, not one per step. Both steps of the product are this kernel
// (lowrank_mm.c): step 1 broadcasts V (cols layout) or X (rows), step 2 broadcasts U (cols) or Tᵀ
// (rows).
typedef struct lci_lowrank_gemm {
    int64_t rows, cols, steps;
    const float *a;
    int64_t as, ast;
    const float *b;
    int64_t ldb;
    float *c;
    int64_t ldc;
    float alpha, beta;
    bool accumulate;
} lci_lowrank_gemm;
typedef void (*lci_lowrank_gemm_fn)(const lci_lowrank_gemm *g);
void lci_lowrank_gemm_ref(const lci_lowrank_gemm *g);

// Y = alpha·U·(Vᵀ·X) + beta·Y for validated arguments (lowrank_mm.c); T = Vᵀ·X lives in the
// workspace (r·n floats).
lc_status lci_lowrank_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_lowrank_workspace(const lc_mat *a, lc_layout layout, int64_t n);
// The same in plain C, one thread (lowrank_ref.c): the oracle, used at the generic level.
void lci_lowrank_mm_ref(const lci_lowrank *a, const lci_mm_args *g);

#endif
