// canon.c: sort the columns of each CSR row (stable) and sum duplicate entries, in place.
#include "mat.h"

#include <string.h>

// Stable bottom-up merge sort of (col, val) pairs by column; tmp holds n pairs.
static void sort_row(int32_t *col, float *val, int64_t n, int32_t *tcol, float *tval) {
    for (int64_t w = 1; w < n; w *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * w) {
            int64_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            int64_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) {
                if (col[j] < col[i])
                    tcol[o] = col[j], tval[o++] = val[j++];
                else
                    tcol[o] = col[i], tval[o++] = val[i++];
            }
            while (i < mid) tcol[o] = col[i], tval[o++] = val[i++];
            while (j < hi) tcol[o] = col[j], tval[o++] = val[j++];
        }
        memcpy(col, tcol, (size_t)n * sizeof *col);
        memcpy(val, tval, (size_t)n * sizeof *val);
    }
}

lc_status lci_rows_canonicalise(int64_t m, int64_t *ptr, int32_t *col, float *val) {
    // Fast path: already canonical (strictly increasing columns in every row).
    int64_t longest = 0;
    bool canonical = true;
    for (int64_t i = 0; i < m; i++) {
        int64_t len = ptr[i + 1] - ptr[i];
        if (len > longest) longest = len;
        for (int64_t p = ptr[i] + 1; p < ptr[i + 1] && canonical; p++)
            if (col[p] <= col[p - 1]) canonical = false;
    }
    if (canonical) return LC_OK;
    int32_t *tcol = NULL;
    float *tval = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&tcol, (size_t)longest, sizeof *tcol, "sort buffer")) ||
        (st = lci_alloc_array((void **)&tval, (size_t)longest, sizeof *tval, "sort buffer"))) {
        lci_free(tcol);
        return st;
    }
    int64_t out = 0, start = 0;
    for (int64_t i = 0; i < m; i++) {
        int64_t end = ptr[i + 1];
        sort_row(col + start, val + start, end - start, tcol, tval);
        int64_t row_begin = out;
        for (int64_t p = start; p < end; p++) {
            if (out > row_begin && col[out - 1] == col[p]) {
                val[out - 1] += val[p];
            } else {
                col[out] = col[p];
                val[out++] = val[p];
            }
        }
        start = end;
        ptr[i + 1] = out;
    }
    lci_free(tcol);
    lci_free(tval);
    return LC_OK;
}

// Stable LSD radix sort of nnz (key, value) pairs, 16 bits per pass; passes whose digit is
// the same for every key are skipped. tk/tv are scratch of nnz entries.
static void radix_sort(uint64_t *key, float *val, int64_t nnz, uint64_t *tk, float *tv,
                       int64_t *count) {
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65537 * sizeof *count);
        for (int64_t p = 0; p < nnz; p++) count[((key[p] >> shift) & 0xffff) + 1]++;
        bool trivial = false;
        for (int d = 0; d < 65536 && !trivial; d++) trivial = count[d + 1] == nnz;
        if (trivial) continue;
        for (int d = 0; d < 65536; d++) count[d + 1] += count[d];
        for (int64_t p = 0; p < nnz; p++) {
            int64_t q = count[(key[p] >> shift) & 0xffff]++;
            tk[q] = key[p];
            tv[q] = val[p];
        }
        memcpy(key, tk, (size_t)nnz * sizeof *key);
        memcpy(val, tv, (size_t)nnz * sizeof *val);
    }
}

lc_status lci_triplets_canonicalise(int64_t *nnz, int32_t *row, int32_t *col, float *val) {
    const int64_t n = *nnz;
    uint64_t *key = NULL, *tk = NULL;
    float *tv = NULL;
    int64_t *count = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&key, (size_t)n, sizeof *key, "sort keys")) ||
        (st = lci_alloc_array((void **)&tk, (size_t)n, sizeof *tk, "sort keys")) ||
        (st = lci_alloc_array((void **)&tv, (size_t)n, sizeof *tv, "sort values")) ||
        (st = lci_alloc_array((void **)&count, 65537, sizeof *count, "sort histogram")))
        goto done;
    // Row and column are below 2^31: the key orders by row, then column.
    for (int64_t p = 0; p < n; p++) key[p] = ((uint64_t)row[p] << 31) | (uint64_t)col[p];
    memcpy(tv, val, (size_t)n * sizeof *val);
    radix_sort(key, tv, n, tk, val, count); // val doubles as scratch: the values are in tv
    int64_t out = 0;
    for (int64_t p = 0; p < n; p++) {
        if (out > 0 && key[p] == tk[out - 1]) {
            val[out - 1] += tv[p];
        } else {
            tk[out] = key[p];
            val[out++] = tv[p];
        }
    }
    for (int64_t p = 0; p < out; p++) {
        row[p] = (int32_t)(tk[p] >> 31);
        col[p] = (int32_t)(tk[p] & 0x7fffffffu);
    }
    *nnz = out;
done:
    lci_free(key);
    lci_free(tk);
    lci_free(tv);
    lci_free(count);
    return st;
}
