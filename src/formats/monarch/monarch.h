// monarch.h: the Monarch format A = Pᵀ·L·P·R of Dao et al. 2022 (b diagonal blocks in each
// factor; see lacuna.h for the index definition), shared by its constructor, product and
// projection files.
#ifndef LACUNA_MONARCH_H
#define LACUNA_MONARCH_H

#include "../../core/mat.h"

typedef struct lci_monarch {
    lc_mat base;
    int64_t b; // diagonal blocks of each factor; divides M and K
    int64_t q; // inner block size: R's blocks are q×p, L's are s×q (the intermediate has b·q)
    int64_t p; // K / b, columns of an R block
    int64_t s; // M / b, rows of an L block
    float *r;  // b blocks of q×p, row-major, block after block (R_k at r + k·q·p)
    float *l;  // b blocks of s×q, row-major, block after block (L_j at l + j·s·q)
    // The same factors packed for the panel kernel (lci_monarch_pack):
    float *rt; // R_kᵀ, p×q row-major, block after block: rt[(k·p + c)·q + i] = R_k[i, c]
    float *lp; // L by 16-output chunks of Y's row: lp[(h·q + r)·16 + e] = L_j[o, r] with
               // o·b + j = 16·h + e (zero past M); ceil(M/16) chunks
} lci_monarch;

// Fills a->rt and a->lp from a->r and a->l; every constructor calls it once the factors are set.
void lci_monarch_pack(lci_monarch *a);

// The panel kernel (LCI_KERNEL_MONARCH_PANEL), both layouts: for nv vectors, with x's feature c
// of vector v at x[v·xv + c·xf] and y's output t at y[v·yv + t·yf] (rows layout: xv = ldx,
// xf = yf = 1, yv = ldy; cols layout: xv = yv = 1, xf = ldx, yf = ldy), phase 1 writes
// u[v·ldu + k·q + i] = Σ_c R_k[i, c]·x[k·p + c] (c in increasing order), phase 2
// y[t] = alpha·Σ_r L_j[o, r]·u[v·ldu + r·b + j] + beta·y[t] (r increasing; t = o·b + j; beta = 0
// overwrites). Y is produced 16 outputs at a time from lp: for b <= 16 a chunk reads the b
// values u[r·b .. r·b + b − 1] broadcast, for b >= 16 the 16 contiguous u[r·b + j0 ..], so b must
// divide 16 or be a multiple of it (lci_monarch_panel_ok).
typedef struct lci_monarch_panel {
    const lci_monarch *a;
    const float *x;
    float *u, *y;
    int64_t xv, xf, ldu, yv, yf, nv;
    float alpha, beta;
} lci_monarch_panel;
typedef void (*lci_monarch_panel_fn)(const lci_monarch_panel *k);
static inline bool lci_monarch_panel_ok(int64_t b) {
    return b % 16 == 0 || 16 % b == 0;
}

// An M×K Monarch matrix with b blocks and inner size q, factors uninitialised; b must divide M
// and K (checked by the callers); `who` names the caller in messages.
lc_status lci_monarch_alloc(lci_monarch **out, int64_t m, int64_t k, int64_t b, int64_t q,
                            const char *who);
void lci_monarch_destroy(lc_mat *mat);
// LC_ERR_ARG naming the sizes unless 1 <= b <= INT32_MAX divides M and K.
lc_status lci_monarch_check_blocks(const char *who, int64_t m, int64_t k, int64_t b);

// Y = alpha·A·X + beta·Y for validated arguments (monarch_mm.c): U = R·X (b·q rows) in the
// workspace, then L reads U through the permutation as strided views.
lc_status lci_monarch_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_monarch_workspace(const lc_mat *a, lc_layout layout, int64_t n);
// The same in plain C, one thread (monarch_ref.c): the oracle, used at the generic level.
void lci_monarch_mm_ref(const lci_monarch *a, const lci_mm_args *g);

#endif
