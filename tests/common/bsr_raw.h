// bsr_raw.h: a random BSR matrix given as raw arrays (row-major tiles, as lc_mat_create_bsr
// takes), for the BSR test suites.
#ifndef LACUNA_BSR_RAW_H
#define LACUNA_BSR_RAW_H

#include "testutil.h"

typedef struct raw_bsr {
    int64_t m, k, mb, kb, tiles;
    int32_t bh, bw;
    int64_t *ptr;
    int32_t *col;
    float *val;
} raw_bsr;

// Block rows are empty (1 in 6), full (1 in 6) or hold each block column with probability p;
// tiles come in shuffled order; values uniform with ~10% explicit zeros, and NaN outside the
// matrix (the constructor must zero them). Free with raw_free.
void raw_random(raw_bsr *r, lci_rng *rng, int64_t m, int64_t k, int32_t bh, int32_t bw, double p);
void raw_free(raw_bsr *r);
// The dense M×K matrix the raw arrays describe (free()).
float *raw_dense(const raw_bsr *r);
// lc_mat_create_bsr of the raw arrays (asserted to succeed).
lc_mat *raw_create(const raw_bsr *r);

#endif
