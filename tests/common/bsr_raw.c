// bsr_raw.c: random BSR matrices as raw arrays for the BSR test suites (see bsr_raw.h).
#include "bsr_raw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Block rows are empty (1 in 6), full (1 in 6) or hold each block column with probability p;
// tiles come in shuffled order; values uniform with ~10% explicit zeros, and NaN outside the
// matrix (the constructor must zero them).
void raw_random(raw_bsr *r, lci_rng *rng, int64_t m, int64_t k, int32_t bh, int32_t bw, double p) {
    r->m = m, r->k = k, r->bh = bh, r->bw = bw;
    r->mb = (m + bh - 1) / bh, r->kb = (k + bw - 1) / bw;
    r->ptr = malloc((size_t)(r->mb + 1) * sizeof *r->ptr);
    r->col = malloc((size_t)(r->mb * r->kb + 1) * sizeof *r->col);
    r->ptr[0] = 0;
    for (int64_t I = 0; I < r->mb; I++) {
        int kind = (int)lci_rng_below(rng, 6);
        int64_t t0 = r->ptr[I], t = t0;
        for (int64_t c = 0; c < r->kb; c++) {
            double u = (double)(lci_rng_next(rng) >> 11) * 0x1.0p-53;
            if (kind == 1 || (kind > 1 && u < p)) r->col[t++] = (int32_t)c;
        }
        for (int64_t i = t - 1; i > t0; i--) { // shuffle: the constructor sorts
            int64_t j = t0 + (int64_t)lci_rng_below(rng, (uint64_t)(i - t0 + 1));
            int32_t s = r->col[i];
            r->col[i] = r->col[j], r->col[j] = s;
        }
        r->ptr[I + 1] = t;
    }
    r->tiles = r->ptr[r->mb];
    const int64_t area = (int64_t)bh * bw;
    r->val = malloc((size_t)(r->tiles * area + 1) * sizeof *r->val);
    for (int64_t I = 0; I < r->mb; I++)
        for (int64_t t = r->ptr[I]; t < r->ptr[I + 1]; t++)
            for (int32_t i = 0; i < bh; i++)
                for (int32_t j = 0; j < bw; j++) {
                    bool inside = I * bh + i < m && (int64_t)r->col[t] * bw + j < k;
                    float v = lci_rng_float(rng);
                    if (lci_rng_below(rng, 10) == 0) v = 0.0f;
                    r->val[t * area + i * bw + j] = inside ? v : NAN;
                }
}

void raw_free(raw_bsr *r) {
    free(r->ptr), free(r->col), free(r->val);
}

// The dense M×K matrix the raw arrays describe.
float *raw_dense(const raw_bsr *r) {
    float *d = calloc((size_t)(r->m * r->k + 1), sizeof *d);
    const int64_t area = (int64_t)r->bh * r->bw;
    for (int64_t I = 0; I < r->mb; I++)
        for (int64_t t = r->ptr[I]; t < r->ptr[I + 1]; t++)
            for (int32_t i = 0; i < r->bh; i++)
                for (int32_t j = 0; j < r->bw; j++) {
                    int64_t row = I * r->bh + i, col = (int64_t)r->col[t] * r->bw + j;
                    if (row < r->m && col < r->k)
                        d[row * r->k + col] = r->val[t * area + i * r->bw + j];
                }
    return d;
}

lc_mat *raw_create(const raw_bsr *r) {
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_bsr(&A, r->m, r->k, r->bh, r->bw, r->ptr, r->col, r->val));
    return A;
}
