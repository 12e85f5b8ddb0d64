// random_mat.c: random CSR matrices of exact density, generated row by row in sparse form
// (Floyd's sampling without replacement per row, columns sorted): row lengths either spread
// evenly (uniform) or drawn from a Zipf-like law over the rows (power law).
#include "random_mat.h"

#include "mat.h"

#include <math.h>
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

// Builds the matrix once the row lengths are known: len[i] entries in row i (len = NULL: the
// even spread of row_count). The rng continues the caller's stream: rows in order, columns
// before values, so the matrix depends only on the seed.
static lc_status fill_rows(lc_mat **out, int64_t m, int64_t k, int64_t nnz, const int64_t *len,
                           lci_rng *rng, const char *who) {
    lc_status st;
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
    int64_t base = m > 0 ? nnz / m : 0, rem = m > 0 ? nnz % m : 0;
    ptr[0] = 0;
    for (int64_t i = 0; i < m; i++) {
        int64_t r = len ? len[i] : row_count(i, m, base, rem), p0 = ptr[i];
        pick_row(rng, k, r, mark, col + p0);
        for (int64_t p = p0; p < p0 + r; p++) {
            float v;
            do v = lci_rng_float(rng);
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

// Checks what both generators take; sets *nnz to round(density·M·K).
static lc_status check_args(const char *who, lc_mat **out, int64_t m, int64_t k, double density,
                            int64_t *nnz) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (!(density > 0 && density <= 1))
        return lci_error(LC_ERR_ARG, "%s: density %g is outside (0, 1]", who, density);
    *nnz = m > 0 && k > 0 ? lci_density_count(density, m, k) : 0;
    return LC_OK;
}

lc_status lci_random_csr(lc_mat **out, int64_t m, int64_t k, double density, uint64_t seed) {
    int64_t nnz = 0;
    lc_status st = check_args("lci_random_csr", out, m, k, density, &nnz);
    if (st) return st;
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    return fill_rows(out, m, k, nnz, NULL, &rng, "lci_random_csr");
}

// ---- power law ----

typedef struct share {
    double frac; // fractional part of the row's quota
    int64_t rank;
} share;

// Largest fraction first; equal fractions by rank, so the order is total and deterministic.
static int cmp_share(const void *a, const void *b) {
    const share *x = a, *y = b;
    if (x->frac != y->frac) return x->frac < y->frac ? 1 : -1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

// Row lengths by rank: len[r] for the row of rank r (weight (r+1)^-a), summing to nnz, each at
// most k. Needs nnz <= m·k. Work arrays: suffix (m doubles), shares (m entries).
static void powerlaw_lengths(int64_t m, int64_t k, int64_t nnz, double a, double *suffix,
                             share *shares, int64_t *len) {
    // suffix[r] = sum of the weights of ranks r..m-1, added from the smallest weight up; the
    // weights never underflow (a <= LCI_POWERLAW_MAX_EXPONENT, m <= INT32_MAX).
    suffix[m - 1] = pow((double)m, -a);
    for (int64_t r = m - 2; r >= 0; r--) suffix[r] = suffix[r + 1] + pow((double)(r + 1), -a);
    // The heaviest ranks whose quota exceeds k are capped at k, and the rest of the entries is
    // shared among the others in proportion to their weights; weights fall with rank, so the
    // capped rows are a prefix. Capping one can push the next over k, hence the loop.
    int64_t c = 0, rest = nnz;
    while (c < m && (double)rest * pow((double)(c + 1), -a) / suffix[c] > (double)k)
        len[c++] = k, rest -= k;
    // The others: the floor of their quota, then one more for the largest fractional parts
    // (largest-remainder rounding), so the lengths add up to nnz exactly.
    int64_t total = 0;
    for (int64_t r = c; r < m; r++) {
        double q = (double)rest * pow((double)(r + 1), -a) / suffix[c];
        double fl = floor(q);
        len[r] = (int64_t)fl;
        if (len[r] > k) len[r] = k; // rounding at the cap
        total += len[r];
        shares[r - c] = (share){q - fl, r};
    }
    int64_t count = m - c;
    qsort(shares, (size_t)count, sizeof *shares, cmp_share);
    // Leftover entries go to the largest fractions first, skipping full rows; rounding in the
    // quotas can make the floors overshoot, and then rows with the smallest fractions give one
    // back. Either loop ends: nnz <= m·k, and every capped row already holds k.
    for (int64_t t = 0; total < rest; t = (t + 1) % count)
        if (len[shares[t].rank] < k) len[shares[t].rank]++, total++;
    for (int64_t t = count - 1; total > rest; t = (t + count - 1) % count)
        if (len[shares[t].rank] > 0) len[shares[t].rank]--, total--;
}

lc_status lci_random_csr_powerlaw(lc_mat **out, int64_t m, int64_t k, double density,
                                  double exponent, uint64_t seed) {
    const char *who = "lci_random_csr_powerlaw";
    int64_t nnz = 0;
    lc_status st = check_args(who, out, m, k, density, &nnz);
    if (st) return st;
    if (!(exponent >= 0 && exponent <= LCI_POWERLAW_MAX_EXPONENT))
        return lci_error(LC_ERR_ARG, "%s: exponent %g is outside [0, %g]", who, exponent,
                         (double)LCI_POWERLAW_MAX_EXPONENT);
    int64_t *perm = NULL, *by_rank = NULL, *len = NULL;
    double *suffix = NULL;
    share *shares = NULL;
    size_t rows = m > 0 ? (size_t)m : 1;
    if ((st = lci_alloc_array((void **)&perm, rows, sizeof *perm, "row permutation")) ||
        (st = lci_alloc_array((void **)&by_rank, rows, sizeof *by_rank, "row lengths")) ||
        (st = lci_alloc_array((void **)&len, rows, sizeof *len, "row lengths")) ||
        (st = lci_alloc_array((void **)&suffix, rows, sizeof *suffix, "row weights")) ||
        (st = lci_alloc_array((void **)&shares, rows, sizeof *shares, "row quotas")))
        goto done;
    // One stream: the permutation that gives each row its rank, then the rows in order.
    lci_rng rng;
    lci_rng_seed(&rng, seed);
    for (int64_t i = 0; i < m; i++) perm[i] = i;
    for (int64_t i = m - 1; i > 0; i--) { // Fisher-Yates: perm[r] is the row of rank r
        int64_t j = (int64_t)lci_rng_below(&rng, (uint64_t)i + 1), t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    if (m > 0 && k > 0) {
        powerlaw_lengths(m, k, nnz, exponent, suffix, shares, by_rank);
        for (int64_t r = 0; r < m; r++) len[perm[r]] = by_rank[r];
    } else {
        for (int64_t i = 0; i < m; i++) len[i] = 0;
    }
    st = fill_rows(out, m, k, nnz, len, &rng, who);
done:
    lci_free(shares);
    lci_free(suffix);
    lci_free(len);
    lci_free(by_rank);
    lci_free(perm);
    return st;
}
