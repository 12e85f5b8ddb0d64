// prune_mask.c: magnitude pruning masks: the units (entries, blocks, N:M groups, rows) of largest
// magnitude that a lc_prune_spec keeps, ties to the lower index.
#include "prune.h"

#include <math.h>
#include <string.h>

lc_status lci_prune_check_w(const char *who, const float *w, int64_t m, int64_t k, int64_t ldw) {
    lc_status st = lci_check_shape(who, m, k);
    if (st) return st;
    if (ldw < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "%s: ldw = %lld < K = %lld", who, (long long)ldw,
                         (long long)(k > 1 ? k : 1));
    if (m == 0 || k == 0) return LC_OK;
    if (!w)
        return lci_error(LC_ERR_ARG, "%s: NULL w with M×K = %lld×%lld", who, (long long)m,
                         (long long)k);
    int64_t span;
    if (lci_mul_i64(m - 1, ldw, &span) || lci_add_i64(span, k, &span) ||
        span > INT64_MAX / (int64_t)sizeof(float))
        return lci_error(LC_ERR_OVERFLOW, "%s: W of M = %lld rows with ldw = %lld overflows", who,
                         (long long)m, (long long)ldw);
    return LC_OK;
}

int64_t lci_prune_keep(double s, int64_t units) {
    const double removed = round(s * (double)units); // halves away from zero
    if (!(removed > 0)) return units;
    return removed >= (double)units ? 0 : units - (int64_t)removed;
}

// Each row keeps K − round(s·K) entries of largest |w|; one key per column, reused row by row.
static lc_status mask_row_balanced(const float *w, int64_t m, int64_t k, int64_t ldw, double s,
                                   uint8_t *mask) {
    uint64_t *key = NULL;
    lc_status st = lci_alloc_array((void **)&key, (size_t)k, sizeof *key, "row-balanced keys");
    if (st) return st;
    const int64_t nkeep = lci_prune_keep(s, k);
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < k; j++) key[j] = lci_mag_key(w[i * ldw + j]);
        lci_select_keys(key, k, nkeep, 32, mask + i * k);
    }
    lci_free(key);
    return LC_OK;
}

// Blocks ranked by their L2 norm (its square: the same order, with no rounding by sqrt) or L1
// norm over the entries inside the matrix, summed in double in row-major order.
static lc_status mask_block(const float *w, int64_t m, int64_t k, int64_t ldw,
                            const lc_prune_spec *spec, uint8_t *mask) {
    const int64_t bh = spec->block_rows, bw = spec->block_cols;
    const int64_t mb = (m + bh - 1) / bh, kb = (k + bw - 1) / bw, units = mb * kb;
    uint64_t *key = NULL;
    uint8_t *keep = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&key, (size_t)units, sizeof *key, "block norms")) ||
        (st = lci_alloc_array((void **)&keep, (size_t)units, 1, "kept blocks"))) {
        lci_free(key);
        return st;
    }
    const bool l1 = spec->block_norm == LC_PRUNE_NORM_L1;
    for (int64_t I = 0; I < mb; I++) {
        const int64_t i1 = (I + 1) * bh < m ? (I + 1) * bh : m;
        for (int64_t J = 0; J < kb; J++) {
            const int64_t j1 = (J + 1) * bw < k ? (J + 1) * bw : k;
            double sum = 0.0;
            for (int64_t i = I * bh; i < i1; i++)
                for (int64_t j = J * bw; j < j1; j++) {
                    const double x = w[i * ldw + j];
                    sum += l1 ? fabs(x) : x * x;
                }
            key[I * kb + J] = lci_mag_key64(sum);
        }
    }
    lci_select_keys(key, units, lci_prune_keep(spec->sparsity, units), 64, keep);
    for (int64_t i = 0; i < m; i++)
        for (int64_t J = 0; J < kb; J++) {
            const int64_t j0 = J * bw, j1 = j0 + bw < k ? j0 + bw : k;
            memset(mask + i * k + j0, keep[(i / bh) * kb + J], (size_t)(j1 - j0));
        }
    lci_free(key);
    lci_free(keep);
    return LC_OK;
}

// Each row group's group keeps the N columns of largest summed |w| over the row group: the rule
// of lc_mat_params' N:M conversion (lci_nm_select), on every entry of W.
static void mask_nm(const float *w, int64_t m, int64_t k, int64_t ldw, const lc_prune_spec *spec,
                    uint8_t *mask) {
    const int64_t mg = spec->nm_m, v = spec->nm_rows > 0 ? spec->nm_rows : 1;
    const int64_t groups = (k + mg - 1) / mg;
    for (int64_t i0 = 0; i0 < m; i0 += v) {
        const int64_t i1 = i0 + v < m ? i0 + v : m;
        for (int64_t g = 0; g < groups; g++) {
            const int64_t c0 = g * mg, width = k - c0 < mg ? k - c0 : mg;
            double score[16] = {0};
            for (int64_t i = i0; i < i1; i++)
                for (int64_t p = 0; p < width; p++) score[p] += fabs((double)w[i * ldw + c0 + p]);
            const uint32_t kept = lci_nm_select(score, (int32_t)width, spec->nm_n);
            for (int64_t i = i0; i < i1; i++)
                for (int64_t p = 0; p < width; p++) mask[i * k + c0 + p] = kept >> p & 1;
        }
    }
}

// Rows ranked by their L2 norm (its square, summed in double along the row).
static lc_status mask_rows(const float *w, int64_t m, int64_t k, int64_t ldw, double s,
                           uint8_t *mask) {
    uint64_t *key = NULL;
    uint8_t *keep = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&key, (size_t)m, sizeof *key, "row norms")) ||
        (st = lci_alloc_array((void **)&keep, (size_t)m, 1, "kept rows"))) {
        lci_free(key);
        return st;
    }
    for (int64_t i = 0; i < m; i++) {
        double sum = 0.0;
        for (int64_t j = 0; j < k; j++) sum += (double)w[i * ldw + j] * w[i * ldw + j];
        key[i] = lci_mag_key64(sum);
    }
    lci_select_keys(key, m, lci_prune_keep(s, m), 64, keep);
    for (int64_t i = 0; i < m; i++) memset(mask + i * k, keep[i], (size_t)k);
    lci_free(key);
    lci_free(keep);
    return LC_OK;
}

lc_status lci_prune_mask(const float *w, int64_t m, int64_t k, int64_t ldw,
                         const lc_prune_spec *spec, uint8_t *mask) {
    if (m == 0 || k == 0) return LC_OK; // no entry, nothing to write
    switch (spec->pattern) {
    case LC_PRUNE_UNSTRUCTURED:
        if (spec->row_balanced) return mask_row_balanced(w, m, k, ldw, spec->sparsity, mask);
        return lci_select_largest_rows(w, m, k, ldw, lci_prune_keep(spec->sparsity, m * k), mask);
    case LC_PRUNE_BLOCK:
        // 1×1 blocks rank by w² or |w|, exactly as entries rank by |w| (a float's square is
        // exact in double): the entries' two-pass selection, without 8 bytes of key per entry.
        if (spec->block_rows == 1 && spec->block_cols == 1)
            return lci_select_largest_rows(w, m, k, ldw, lci_prune_keep(spec->sparsity, m * k),
                                           mask);
        return mask_block(w, m, k, ldw, spec, mask);
    case LC_PRUNE_NM:
        mask_nm(w, m, k, ldw, spec, mask);
        return LC_OK;
    case LC_PRUNE_ROWS:
        return mask_rows(w, m, k, ldw, spec->sparsity, mask);
    default: // LC_PRUNE_DENSE
        memset(mask, 1, (size_t)(m * k));
        return LC_OK;
    }
}

lc_status lc_prune_mask(const float *w, int64_t m, int64_t k, int64_t ldw,
                        const lc_prune_spec *spec, uint8_t *mask) {
    const char *who = "lc_prune_mask";
    lc_status st;
    if ((st = lci_prune_check_w(who, w, m, k, ldw)) || (st = lci_prune_check_spec(who, spec)))
        return st;
    if (!mask && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "%s: NULL mask", who);
    if ((st = lci_prune_mask(w, m, k, ldw, spec, mask))) {
        lci_error_prefix("%s", who);
        return st;
    }
    lci_error_clear();
    return LC_OK;
}
