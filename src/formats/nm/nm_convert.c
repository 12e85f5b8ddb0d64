// nm_convert.c: N:M pruning by magnitude: conversion from any format (through its CSR view),
// lc_nm_check on dense arrays, and the random N:M matrices of the benchmarks.
#include "nm.h"

#include <math.h>
#include <string.h>

// Whether column p outranks column q (q < p never wins a tie: callers scan upwards).
static bool outranks(const double *score, int32_t p, int32_t q) {
    if (isnan(score[q])) return false;
    return isnan(score[p]) || score[p] > score[q];
}

uint32_t lci_nm_select(const double *score, int32_t w, int32_t n) {
    uint32_t mask = 0;
    for (int32_t t = 0; t < n && t < w; t++) {
        int32_t best = -1;
        for (int32_t p = 0; p < w; p++)
            if (!(mask >> p & 1) && (best < 0 || outranks(score, p, best))) best = p;
        mask |= 1u << best;
    }
    return mask;
}

// N, M, v of params with the defaults of lc_mat_params (2:4, N = M/2 when only M is given,
// one row per pattern).
static lc_status params_nm(const lc_mat_params *params, int32_t *n, int32_t *mg, int32_t *v) {
    *mg = params && params->nm_m ? params->nm_m : 4;
    *n = params && params->nm_n ? params->nm_n : *mg / 2;
    *v = params && params->nm_rows ? params->nm_rows : 1;
    if (*n < 1 || *mg > 16 || *n >= *mg || *v < 1)
        return lci_error(LC_ERR_ARG, "N:M conversion: %d:%d with %d rows per group is invalid", *n,
                         *mg, *v);
    return LC_OK;
}

// For each row group and group, the kept columns are those of largest summed |a| over the row
// group's stored entries (a column stored in no row ranks below a stored zero, so a CSR matrix
// that already is N:M keeps exactly its entries); kept columns a row does not store get a
// stored zero; everything else is dropped.
lc_status lci_nm_from_csr(lc_mat **out, const lci_csr_view *view, const lc_mat_params *params) {
    int32_t n, mg, v;
    lc_status st = params_nm(params, &n, &mg, &v);
    if (st) return st;
    const int64_t m = view->m, k = view->k;
    const int64_t rows = v < m ? v : m; // rows of the largest row group
    int64_t *cur = NULL;
    lci_nm *a = NULL;
    if ((st = lci_alloc_array((void **)&cur, (size_t)(2 * rows + 1), sizeof(int64_t),
                              "N:M conversion cursors")) ||
        (st = lci_nm_alloc(&a, m, k, n, mg, v))) {
        lci_free(cur);
        return st;
    }
    int64_t *start = cur + rows;
    for (int64_t r = 0; r < a->rgroups; r++) {
        const int64_t i0 = r * v, i1 = i0 + v < m ? i0 + v : m;
        for (int64_t i = i0; i < i1; i++) cur[i - i0] = view->ptr[i];
        for (int64_t g = 0; g < a->groups; g++) {
            const int64_t c0 = g * mg, w = k - c0 < mg ? k - c0 : mg;
            double score[16];
            for (int64_t p = 0; p < w; p++) score[p] = -1.0;
            for (int64_t i = i0; i < i1; i++) {
                int64_t q = start[i - i0] = cur[i - i0];
                for (; q < view->ptr[i + 1] && view->col[q] < c0 + w; q++) {
                    double *sc = &score[view->col[q] - c0];
                    *sc = (*sc < 0 ? 0.0 : *sc) + fabs((double)view->val[q]);
                }
                cur[i - i0] = q;
            }
            const uint32_t mask = lci_nm_select(score, (int32_t)w, n);
            lci_nm_set_mask(a, r, g, mask);
            int32_t slot[16];
            int32_t kept = 0;
            for (int32_t p = 0; p < w; p++) slot[p] = mask >> p & 1 ? kept++ : -1;
            for (int64_t i = i0; i < i1; i++) {
                float *dst = lci_nm_val_at(a, i, g);
                memset(dst, 0, (size_t)kept * sizeof(float));
                for (int64_t q = start[i - i0]; q < cur[i - i0]; q++)
                    if (slot[view->col[q] - c0] >= 0) dst[slot[view->col[q] - c0]] = view->val[q];
            }
        }
    }
    lci_free(cur);
    *out = &a->base;
    return LC_OK;
}

lc_status lc_nm_check(const float *a, int64_t m, int64_t k, int64_t lda, int32_t nm_n, int32_t nm_m,
                      lc_nm_mode mode, int64_t *violation) {
    const char *who = "lc_nm_check";
    lc_status st;
    if (!violation) return lci_error(LC_ERR_ARG, "%s: NULL violation", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (nm_n < 1 || nm_m > 16 || nm_n >= nm_m)
        return lci_error(LC_ERR_ARG, "%s: N:M = %d:%d is invalid (need 0 < N < M <= 16)", who, nm_n,
                         nm_m);
    if (mode != LC_NM_STRICT && mode != LC_NM_AT_MOST)
        return lci_error(LC_ERR_ARG, "%s: unknown mode %d", who, (int)mode);
    if (lda < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "%s: lda = %lld < K = %lld", who, (long long)lda,
                         (long long)k);
    if (!a && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "%s: NULL array", who);
    const int64_t groups = (k + nm_m - 1) / nm_m;
    int64_t found = -1;
    for (int64_t i = 0; i < m && found < 0; i++) {
        for (int64_t g = 0; g < groups; g++) {
            const float *p = a + i * lda + g * nm_m;
            const int64_t w = k - g * nm_m < nm_m ? k - g * nm_m : nm_m;
            int64_t nonzeros = 0;
            for (int64_t c = 0; c < w; c++) nonzeros += p[c] != 0.0f; // NaN counts, -0 does not
            // Strict: exactly N kept, or the whole group when it is narrower than N.
            const int64_t want = w < nm_n ? w : nm_n;
            if (mode == LC_NM_STRICT ? nonzeros != want : nonzeros > nm_n) {
                found = i * groups + g;
                break;
            }
        }
    }
    *violation = found;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_nm_random(lc_mat **out, int64_t m, int64_t k, int32_t n, int32_t mgroup, int32_t v,
                        uint64_t seed) {
    const char *who = "lci_nm_random";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (n < 1 || mgroup > 16 || n >= mgroup || v < 1)
        return lci_error(LC_ERR_ARG, "%s: %d:%d with %d rows per group is invalid", who, n, mgroup,
                         v);
    const int64_t rows = v < m ? v : m;
    float *draw = NULL;
    lci_nm *a = NULL;
    if ((st = lci_alloc_array((void **)&draw, (size_t)(rows * 16 + 1), sizeof(float),
                              "N:M random values")) ||
        (st = lci_nm_alloc(&a, m, k, n, mgroup, v))) {
        lci_free(draw);
        return st;
    }
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    for (int64_t r = 0; r < a->rgroups; r++) {
        const int64_t i0 = r * v, i1 = i0 + v < m ? i0 + v : m;
        for (int64_t g = 0; g < a->groups; g++) {
            const int64_t w = k - g * mgroup < mgroup ? k - g * mgroup : mgroup;
            double score[16] = {0};
            for (int64_t i = i0; i < i1; i++)
                for (int64_t p = 0; p < w; p++) {
                    float x;
                    do x = lci_rng_float(&rng);
                    while (x == 0.0f);
                    draw[(i - i0) * 16 + p] = x;
                    score[p] += fabs((double)x);
                }
            const uint32_t mask = lci_nm_select(score, (int32_t)w, n);
            lci_nm_set_mask(a, r, g, mask);
            for (int64_t i = i0; i < i1; i++) {
                float *dst = lci_nm_val_at(a, i, g);
                for (int64_t p = 0; p < w; p++)
                    if (mask >> p & 1) *dst++ = draw[(i - i0) * 16 + p];
            }
        }
    }
    lci_free(draw);
    *out = &a->base;
    lci_error_clear();
    return LC_OK;
}
