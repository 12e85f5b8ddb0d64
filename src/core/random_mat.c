// random_mat.c: a random CSR matrix of exact density, generated row by row in sparse form
// (Floyd's sampling without replacement per row, columns sorted).
#include "random_mat.h"

#include "mat.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

// Entries of row i when nnz = base·m + rem: base, plus one for rem of the m rows spaced out
// evenly (rem < m <= INT32_MAX, so (i + 1)·rem cannot overflow).
static int64_t row_count(int64_t i, int64_t m, int64_t base, int64_t rem) {
    return base + ((i + 1) * rem / m - i * rem / m);
}

// Chooses r distinct columns of [0, k) into col[0..r), sorted. mark holds k zero bytes on entry
// and on exit.
static void pick_row(lci_rng *rng, int64_t k, int64_t r, uint8_t *mark, int32_t *col) {
    // Floyd: for j = k-r .. k-1 draw t in [0, j] and take t, or j when t is taken already.
    // Every r-subset is equally likely, with exactly r draws.
    for (int64_t j = k - r, q = 0; j < k; j++) {
        int64_t t = (int64_t)lci_rng_below(rng, (uint64_t)j + 1);
        int64_t c = mark[t] ? j : t;
        mark[c] = 1;
        col[q++] = (int32_t)c;
    }
    // Sorted read-back: a scan of the marks (linear in k) for dense rows, a sort (r·log r) for
    // sparse ones. Both give the same sorted set.
    if (r * 16 >= k) {
        int64_t q = 0;
        for (int64_t c = 0; c < k; c++)
            if (mark[c]) col[q++] = (int32_t)c, mark[c] = 0;
    } else {
        qsort(col, (size_t)r, sizeof *col, cmp_i32);
        for (int64_t q = 0; q < r; q++) mark[col[q]] = 0;
    }
}

lc_status lci_random_csr(lc_mat **out, int64_t m, int64_t k, double density, uint64_t seed) {
    const char *who = "lci_random_csr";
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (!(density > 0 && density <= 1))
        return lci_error(LC_ERR_ARG, "%s: density %g is outside (0, 1]", who, density);
    int64_t nnz = m > 0 && k > 0 ? lci_density_count(density, m, k) : 0;
    int64_t *ptr = NULL;
    int32_t *col = NULL;
    float *val = NULL;
    uint8_t *mark = NULL;
    if ((st = lci_alloc_array((void **)&ptr, (size_t)m + 1, sizeof *ptr, "random CSR rows")) ||
        (st = lci_alloc_array((void **)&col, (size_t)nnz, sizeof *col, "random CSR columns")) ||
        (st = lci_alloc_array((void **)&val, (size_t)nnz, sizeof *val, "random CSR values")))
        goto done;
    if (!(mark = lci_calloc((size_t)k, 1))) {
        st = lci_error(LC_ERR_NOMEM, "%s: cannot allocate %lld column marks", who, (long long)k);
        goto done;
    }
    // One stream, rows in order, columns before values: the matrix depends only on the seed.
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    int64_t base = m > 0 ? nnz / m : 0, rem = m > 0 ? nnz % m : 0;
    ptr[0] = 0;
    for (int64_t i = 0; i < m; i++) {
        int64_t r = row_count(i, m, base, rem), p0 = ptr[i];
        pick_row(&rng, k, r, mark, col + p0);
        for (int64_t p = p0; p < p0 + r; p++) {
            float v;
            do v = lci_rng_float(&rng);
            while (v == 0.0f);
            val[p] = v;
        }
        ptr[i + 1] = p0 + r;
    }
    lci_csr_view view = {.m = m, .k = k, .nnz = nnz, .ptr = ptr, .col = col, .val = val};
    lc_mat *res = NULL;
    if ((st = lci_csr_from_csr(&res, &view))) goto done;
    *out = res;
    lci_error_clear();
done:
    lci_free(mark);
    lci_free(val);
    lci_free(col);
    lci_free(ptr);
    return st;
}
