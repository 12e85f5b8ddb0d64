// coo.h: the COO format's internal layout, shared by its module and its reference kernel.
#ifndef LACUNA_COO_H
#define LACUNA_COO_H

#include "../../core/mat.h"

typedef struct lci_coo {
    lc_mat base;
    int64_t nnz;
    int32_t *row, *col; // sorted by row, then column; no duplicates
    float *val;
} lci_coo;

// Y = alpha·A·X + beta·Y for validated arguments; plain C, one thread.
void lci_coo_mm_ref(const lci_coo *c, const lci_mm_args *g);

#endif
