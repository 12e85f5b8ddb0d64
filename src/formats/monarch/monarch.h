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
} lci_monarch;

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
