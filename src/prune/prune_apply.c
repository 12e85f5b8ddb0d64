// prune_apply.c: the pruned matrix of W under a mask, in the format the pattern implies (CSR,
// BSR, N:M through the formats' own CSR importers; dense for DENSE and ROWS).
#include "prune.h"

#include <string.h>

lc_status lci_prune_check_mask(const char *who, const uint8_t *mask, int64_t m, int64_t k) {
    if (m == 0 || k == 0) return LC_OK;
    if (!mask) return lci_error(LC_ERR_ARG, "%s: NULL mask", who);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++)
            if (mask[i * k + j] > 1)
                return lci_error(LC_ERR_ARG, "%s: mask entry (%lld, %lld) is %d, not 0 or 1", who,
                                 (long long)i, (long long)j, mask[i * k + j]);
    return LC_OK;
}

// The structure the pattern needs of the mask: constant on each BSR tile, one pattern per N:M
// row group with at most N kept per group, whole rows.
static lc_status check_structure(const char *who, const lc_prune_spec *spec, const uint8_t *mask,
                                 int64_t m, int64_t k) {
    if (spec->pattern == LC_PRUNE_BLOCK) {
        const int64_t bh = spec->block_rows, bw = spec->block_cols;
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < k; j++)
                if (mask[i * k + j] != mask[(i - i % bh) * k + (j - j % bw)])
                    return lci_error(LC_ERR_ARG,
                                     "%s: the mask is not constant on block (%lld, %lld) of "
                                     "%lld×%lld (entry (%lld, %lld) differs from its first)",
                                     who, (long long)(i / bh), (long long)(j / bw), (long long)bh,
                                     (long long)bw, (long long)i, (long long)j);
    } else if (spec->pattern == LC_PRUNE_NM) {
        const int64_t mg = spec->nm_m, v = spec->nm_rows > 0 ? spec->nm_rows : 1;
        for (int64_t i = 0; i < m; i++) {
            const uint8_t *row = mask + i * k, *lead = mask + (i - i % v) * k;
            for (int64_t c0 = 0; c0 < k; c0 += mg) {
                const int64_t width = k - c0 < mg ? k - c0 : mg;
                int64_t kept = 0;
                for (int64_t p = 0; p < width; p++) {
                    kept += row[c0 + p];
                    if (row[c0 + p] != lead[c0 + p])
                        return lci_error(LC_ERR_ARG,
                                         "%s: row %lld's mask differs from row %lld's in N:M "
                                         "group %lld, but they share one pattern (nm_rows = %lld)",
                                         who, (long long)i, (long long)(i - i % v),
                                         (long long)(c0 / mg), (long long)v);
                }
                if (kept > spec->nm_n)
                    return lci_error(LC_ERR_ARG,
                                     "%s: the mask keeps %lld entries of row %lld in N:M group "
                                     "%lld, more than N = %d",
                                     who, (long long)kept, (long long)i, (long long)(c0 / mg),
                                     spec->nm_n);
            }
        }
    } else if (spec->pattern == LC_PRUNE_ROWS) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 1; j < k; j++)
                if (mask[i * k + j] != mask[i * k])
                    return lci_error(LC_ERR_ARG,
                                     "%s: row %lld of the mask is neither all 1 nor all 0 "
                                     "(rows pattern)",
                                     who, (long long)i);
    }
    return LC_OK;
}

// The kept entries as an owned CSR view (kept zeros stay: they are stored entries).
static lc_status kept_view(const float *w, int64_t m, int64_t k, int64_t ldw, const uint8_t *mask,
                           lci_csr_view *v) {
    int64_t nnz = 0;
    for (int64_t q = 0; q < m * k; q++) nnz += mask[q];
    lc_status st = lci_csr_view_alloc(v, m, k, nnz);
    if (st) return st;
    int64_t *ptr = v->owned[0];
    int32_t *col = v->owned[1];
    float *val = v->owned[2];
    int64_t q = 0;
    ptr[0] = 0;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < k; j++) {
            if (!mask[i * k + j]) continue;
            col[q] = (int32_t)j;
            val[q++] = w[i * ldw + j];
        }
        ptr[i + 1] = q;
    }
    return LC_OK;
}

// W⊙mask as a dense matrix (DENSE), or the dense matrix of the kept rows (ROWS).
static lc_status dense_result(lc_mat **out, const float *w, int64_t m, int64_t k, int64_t ldw,
                              const uint8_t *mask, bool rows_only, int64_t *kept) {
    int64_t ones = 0, rows = m;
    for (int64_t q = 0; q < m * k; q++) ones += mask[q];
    if (rows_only && k > 0) rows = ones / k;
    *kept = rows;
    if (ones == m * k) return lc_mat_create_dense(out, m, k, w, ldw); // nothing removed
    float *a = NULL;
    lc_status st = lci_alloc_array((void **)&a, (size_t)(rows * k), sizeof *a, "pruned weight");
    if (st) return st;
    int64_t r = 0;
    for (int64_t i = 0; i < m; i++) {
        if (rows_only && !mask[i * k]) continue;
        for (int64_t j = 0; j < k; j++) a[r * k + j] = mask[i * k + j] ? w[i * ldw + j] : 0.0f;
        r++;
    }
    st = lc_mat_create_dense(out, rows, k, a, k > 1 ? k : 1);
    lci_free(a);
    return st;
}

static lc_status apply(lc_mat **out, const float *w, int64_t m, int64_t k, int64_t ldw,
                       const lc_prune_spec *spec, const uint8_t *mask, int32_t *kept_rows) {
    lc_mat *res = NULL;
    lc_status st;
    if (spec->pattern == LC_PRUNE_DENSE || spec->pattern == LC_PRUNE_ROWS) {
        const bool rows = spec->pattern == LC_PRUNE_ROWS;
        int64_t kept;
        if ((st = dense_result(&res, w, m, k, ldw, mask, rows, &kept))) return st;
        // With K = 0 the mask is empty and every row counts as kept.
        if (rows && kept_rows)
            for (int64_t i = 0, r = 0; i < m; i++)
                if (k == 0 || mask[i * k]) kept_rows[r++] = (int32_t)i;
        *out = res;
        return LC_OK;
    }
    lci_csr_view v = {0};
    if ((st = kept_view(w, m, k, ldw, mask, &v))) return st;
    if (spec->pattern == LC_PRUNE_UNSTRUCTURED) {
        st = lci_csr_from_csr(&res, &v);
    } else if (spec->pattern == LC_PRUNE_BLOCK) {
        // Every tile holding a kept entry, and the mask keeps whole tiles: the kept blocks.
        const lc_mat_params p = {.block_rows = spec->block_rows, .block_cols = spec->block_cols};
        st = lci_bsr_from_csr(&res, &v, &p);
    } else {
        // The kept columns rank above every unstored one, and no group keeps more than N, so
        // the N:M converter keeps exactly the mask's positions (padding a group that keeps
        // fewer than N with stored zeros at its lowest removed positions).
        const lc_mat_params p = {.nm_n = spec->nm_n, .nm_m = spec->nm_m, .nm_rows = spec->nm_rows};
        st = lci_nm_from_csr(&res, &v, &p);
    }
    lci_csr_view_release(&v);
    if (st) return st;
    *out = res;
    return LC_OK;
}

lc_status lc_prune_apply(lc_mat **out, const float *w, int64_t m, int64_t k, int64_t ldw,
                         const lc_prune_spec *spec, const uint8_t *mask, int32_t *kept_rows) {
    const char *who = "lc_prune_apply";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_prune_check_w(who, w, m, k, ldw)) || (st = lci_prune_check_spec(who, spec)) ||
        (st = lci_prune_check_mask(who, mask, m, k)) ||
        (st = check_structure(who, spec, mask, m, k)))
        return st;
    if ((st = apply(out, w, m, k, ldw, spec, mask, kept_rows))) {
        lci_error_prefix("%s", who);
        return st;
    }
    lci_error_clear();
    return LC_OK;
}

lc_status lc_prune_to_mat(lc_mat **out, const float *w, int64_t m, int64_t k, int64_t ldw,
                          const lc_prune_spec *spec, int32_t *kept_rows) {
    const char *who = "lc_prune_to_mat";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_prune_check_w(who, w, m, k, ldw)) || (st = lci_prune_check_spec(who, spec)))
        return st;
    uint8_t *mask = NULL;
    if ((st = lci_alloc_array((void **)&mask, (size_t)(m * k), 1, "mask"))) {
        lci_error_prefix("%s", who);
        return st;
    }
    if (!(st = lci_prune_mask(w, m, k, ldw, spec, mask)))
        st = apply(out, w, m, k, ldw, spec, mask, kept_rows);
    lci_free(mask);
    if (st) {
        lci_error_prefix("%s", who);
        return st;
    }
    lci_error_clear();
    return LC_OK;
}
