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
} lci_lowrank;

// An M×K matrix of rank r with uninitialised factors; `who` names the caller in messages.
lc_status lci_lowrank_alloc(lci_lowrank **out, int64_t m, int64_t k, int64_t r, const char *who);
void lci_lowrank_destroy(lc_mat *mat);

// Y = alpha·U·(Vᵀ·X) + beta·Y for validated arguments (lowrank_mm.c); T = Vᵀ·X lives in the
// workspace (r·n floats).
lc_status lci_lowrank_mm(const lc_mat *a, const lci_mm_args *g);
size_t lci_lowrank_workspace(const lc_mat *a, lc_layout layout, int64_t n);
// The same in plain C, one thread (lowrank_ref.c): the oracle, used at the generic level.
void lci_lowrank_mm_ref(const lci_lowrank *a, const lci_mm_args *g);

#endif
