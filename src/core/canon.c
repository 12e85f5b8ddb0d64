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
