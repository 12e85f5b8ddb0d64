// dense.h: the dense format's reference kernel, shared by its module and its oracle file.
#ifndef LACUNA_DENSE_H
#define LACUNA_DENSE_H

#include "../../core/mat.h"

// Y = alpha·A·X + beta·Y for validated arguments, A row-major M×K with row stride lda; plain C,
// one thread, summing over K in order. beta = 0 never reads Y.
void lci_dense_mm_ref(const float *a, int64_t lda, int64_t m, int64_t k, const lci_mm_args *g);

#endif
