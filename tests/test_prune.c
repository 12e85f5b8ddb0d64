// test_prune.c: pruning masks (src/prune) against brute-force references — exact kept counts,
// rounding of halves, ties to the lower index, NaN and Inf, edge blocks, N:M row groups and
// narrow last groups, row-balanced and row pruning, on empty, 1×1, ragged and strided shapes —
// and the pruned matrices lc_prune_apply builds (format, stored entries, values, kept rows).
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// A random M×K weight with row stride ldw (padding NaN, so a stride bug shows). kind 0:
// uniform [-1, 1); 1: values of {0, ±0.5, ±1, ±2}, so magnitudes tie everywhere; 2: kind 1 with
// some NaN, ±Inf and −0.
static float *random_w(lci_rng *rng, int64_t m, int64_t k, int64_t ldw, int kind) {
    float *w = malloc((size_t)(m * ldw + 1) * sizeof *w);
    for (int64_t q = 0; q < m * ldw + 1; q++) w[q] = NAN;
    static const float few[] = {0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 2.0f, -2.0f};
    static const float odd[] = {NAN, INFINITY, -INFINITY, -0.0f};
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++) {
            float *x = &w[i * ldw + j];
            if (kind == 0)
                *x = lci_rng_float(rng);
            else if (kind == 2 && lci_rng_below(rng, 12) == 0)
                *x = odd[lci_rng_below(rng, 4)];
            else
                *x = few[lci_rng_below(rng, 7)];
        }
    return w;
}

// Unit a ranks above unit b: NaN above everything, then the larger magnitude, then the lower
// index.
static int outranks(const double *mag, int64_t a, int64_t b) {
    const int na = isnan(mag[a]) != 0, nb = isnan(mag[b]) != 0;
    if (na != nb) return na;
    if (!na && mag[a] != mag[b]) return mag[a] > mag[b];
    return a < b;
}

// Units kept of `units` at sparsity s: units − round(s·units), halves up (s·units >= 0).
static int64_t ref_nkeep(double s, int64_t units) {
    return units - (int64_t)floor(s * (double)units + 0.5);
}

// keep[u] = 1 when fewer than nkeep units outrank u: brute force, O(count²).
static void ref_rank(const double *mag, int64_t count, int64_t nkeep, uint8_t *keep) {
    for (int64_t u = 0; u < count; u++) {
        int64_t better = 0;
        for (int64_t v = 0; v < count; v++) better += v != u && outranks(mag, v, u);
        keep[u] = better < nkeep;
    }
}

// The reference mask of `spec` on W (M·K bytes).
static void ref_mask(const float *w, int64_t m, int64_t k, int64_t ldw, const lc_prune_spec *s,
                     uint8_t *mask) {
    double *mag = malloc((size_t)(m * k + m + 16) * sizeof *mag); // entries, rows or a group
    uint8_t *keep = malloc((size_t)(m * k + m + 16));
    if (s->pattern == LC_PRUNE_DENSE) {
        memset(mask, 1, (size_t)(m * k));
    } else if (s->pattern == LC_PRUNE_UNSTRUCTURED && !s->row_balanced) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < k; j++) mag[i * k + j] = fabs((double)w[i * ldw + j]);
        ref_rank(mag, m * k, ref_nkeep(s->sparsity, m * k), mask);
    } else if (s->pattern == LC_PRUNE_UNSTRUCTURED) {
        for (int64_t i = 0; i < m; i++) {
            for (int64_t j = 0; j < k; j++) mag[j] = fabs((double)w[i * ldw + j]);
            ref_rank(mag, k, ref_nkeep(s->sparsity, k), mask + i * k);
        }
    } else if (s->pattern == LC_PRUNE_BLOCK) {
        const int64_t bh = s->block_rows, bw = s->block_cols;
        const int64_t mb = (m + bh - 1) / bh, kb = (k + bw - 1) / bw;
        for (int64_t u = 0; u < mb * kb; u++) mag[u] = 0.0;
        for (int64_t i = 0; i < m; i++) // row-major within each block, as documented
            for (int64_t j = 0; j < k; j++) {
                const double x = w[i * ldw + j];
                mag[(i / bh) * kb + j / bw] += s->block_norm == LC_PRUNE_NORM_L1 ? fabs(x) : x * x;
            }
        ref_rank(mag, mb * kb, ref_nkeep(s->sparsity, mb * kb), keep);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < k; j++) mask[i * k + j] = keep[(i / bh) * kb + j / bw];
    } else if (s->pattern == LC_PRUNE_NM) {
        const int64_t mg = s->nm_m, v = s->nm_rows > 0 ? s->nm_rows : 1;
        for (int64_t i0 = 0; i0 < m; i0 += v)
            for (int64_t c0 = 0; c0 < k; c0 += mg) {
                const int64_t width = k - c0 < mg ? k - c0 : mg;
                for (int64_t p = 0; p < width; p++) {
                    mag[p] = 0.0;
                    for (int64_t i = i0; i < i0 + v && i < m; i++)
                        mag[p] += fabs((double)w[i * ldw + c0 + p]);
                }
                ref_rank(mag, width, width < s->nm_n ? width : s->nm_n, keep);
                for (int64_t i = i0; i < i0 + v && i < m; i++)
                    memcpy(mask + i * k + c0, keep, (size_t)width);
            }
    } else { // rows
        for (int64_t i = 0; i < m; i++) {
            mag[i] = 0.0;
            for (int64_t j = 0; j < k; j++) mag[i] += (double)w[i * ldw + j] * w[i * ldw + j];
        }
        ref_rank(mag, m, ref_nkeep(s->sparsity, m), keep);
        for (int64_t i = 0; i < m; i++) memset(mask + i * k, keep[i], (size_t)k);
    }
    free(mag), free(keep);
}

static const lc_prune_spec specs[] = {
    {.pattern = LC_PRUNE_DENSE},
    {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5},
    {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.9},
    {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.3, .row_balanced = 1},
    {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.75, .row_balanced = 1},
    {.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 4, .block_cols = 4},
    {.pattern = LC_PRUNE_BLOCK, .sparsity = 0.6, .block_rows = 3, .block_cols = 5},
    {.pattern = LC_PRUNE_BLOCK,
     .sparsity = 0.4,
     .block_rows = 1,
     .block_cols = 8,
     .block_norm = LC_PRUNE_NORM_L1},
    {.pattern = LC_PRUNE_BLOCK, .sparsity = 0.25, .block_rows = 7, .block_cols = 1},
    {.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 1, .block_cols = 1},
    {.pattern = LC_PRUNE_BLOCK,
     .sparsity = 0.3,
     .block_rows = 1,
     .block_cols = 1,
     .block_norm = LC_PRUNE_NORM_L1},
    {.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 4},
    {.pattern = LC_PRUNE_NM, .nm_n = 1, .nm_m = 4, .nm_rows = 3},
    {.pattern = LC_PRUNE_NM, .nm_n = 5, .nm_m = 16, .nm_rows = 2},
    {.pattern = LC_PRUNE_NM, .nm_n = 3, .nm_m = 8, .sparsity = 0.9}, // sparsity unused
    {.pattern = LC_PRUNE_ROWS, .sparsity = 0.5},
    {.pattern = LC_PRUNE_ROWS, .sparsity = 0.2},
};
#define NSPECS (int)(sizeof specs / sizeof specs[0])

// Shapes: empty, 1×1, single rows and columns, ragged against every block and group above.
static const int64_t shapes[][2] = {{0, 0}, {0, 5}, {4, 0},  {1, 1},   {1, 13},  {13, 1},
                                    {5, 5}, {8, 8}, {9, 23}, {16, 16}, {17, 35}, {31, 20}};
#define NSHAPES (int)(sizeof shapes / sizeof shapes[0])

// What lc_prune_apply must build from W and a mask: checks format, shape, stored entries, the
// values (to_dense = W⊙mask, or the kept rows) and kept_rows.
static void check_apply(const float *w, int64_t m, int64_t k, int64_t ldw, const lc_prune_spec *s,
                        const uint8_t *mask, const lc_mat *a, const int32_t *kept_rows) {
    struct lc_mat_info info;
    assert_ok(lc_mat_info(a, &info));
    int64_t ones = 0, rows = 0;
    for (int64_t q = 0; q < m * k; q++) ones += mask[q];
    float *want = calloc((size_t)(m * k + 1), sizeof *want);
    for (int64_t i = 0; i < m; i++) {
        if (s->pattern == LC_PRUNE_ROWS && k > 0 && !mask[i * k]) continue;
        if (s->pattern == LC_PRUNE_ROWS) assert_int_equal(kept_rows[rows], i);
        for (int64_t j = 0; j < k; j++)
            want[rows * k + j] = mask[i * k + j] ? w[i * ldw + j] : 0.0f;
        rows++;
    }
    static const lc_format formats[] = {LC_FORMAT_DENSE, LC_FORMAT_CSR, LC_FORMAT_BSR, LC_FORMAT_NM,
                                        LC_FORMAT_DENSE};
    assert_int_equal(info.format, formats[s->pattern]);
    assert_int_equal(info.m, s->pattern == LC_PRUNE_ROWS ? rows : m);
    assert_int_equal(info.k, k);
    if (s->pattern == LC_PRUNE_UNSTRUCTURED) assert_int_equal(info.stored, ones);
    if (s->pattern == LC_PRUNE_BLOCK) {
        assert_int_equal(info.useful, ones); // kept blocks are whole tiles, nothing else
        assert_int_equal(info.stored % ((int64_t)s->block_rows * s->block_cols), 0);
    }
    if (s->pattern == LC_PRUNE_NM) {
        int64_t per_row = 0; // min(N, w) per group
        for (int64_t c0 = 0; c0 < k; c0 += s->nm_m) per_row += k - c0 < s->nm_n ? k - c0 : s->nm_n;
        assert_int_equal(info.useful, m * per_row);
    }
    float *got = tu_dense_of(a);
    assert_memory_equal(got, want, (size_t)(rows * k) * sizeof *got); // bitwise: -0 and NaN
    free(got), free(want);
}

static void test_masks(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 10);
    for (int kind = 0; kind < 3; kind++)
        for (int sh = 0; sh < NSHAPES; sh++)
            for (int si = 0; si < NSPECS; si++) {
                const lc_prune_spec *s = &specs[si];
                const int64_t m = shapes[sh][0], k = shapes[sh][1], ldw = k + (sh % 3);
                float *w = random_w(&rng, m, k, ldw > 0 ? ldw : 1, kind);
                uint8_t *mask = malloc((size_t)(m * k + 1)), *ref = malloc((size_t)(m * k + 1));
                ref_mask(w, m, k, ldw > 0 ? ldw : 1, s, ref);
                memset(mask, 7, (size_t)(m * k + 1));
                assert_ok(lc_prune_mask(w, m, k, ldw > 0 ? ldw : 1, s, mask));
                if (memcmp(mask, ref, (size_t)(m * k)) != 0)
                    fail_msg("kind %d, %lld×%lld, spec %d: mask differs from the reference", kind,
                             (long long)m, (long long)k, si);
                assert_int_equal(mask[m * k], 7); // nothing written past M·K
                // The pruned matrix, from this mask and through lc_prune_to_mat.
                lc_mat *a = NULL, *b = NULL;
                int32_t kept[64], kept2[64];
                assert_ok(lc_prune_apply(&a, w, m, k, ldw > 0 ? ldw : 1, s, mask, kept));
                check_apply(w, m, k, ldw > 0 ? ldw : 1, s, mask, a, kept);
                assert_ok(lc_prune_to_mat(&b, w, m, k, ldw > 0 ? ldw : 1, s, kept2));
                check_apply(w, m, k, ldw > 0 ? ldw : 1, s, mask, b, kept2);
                lc_mat_free(a), lc_mat_free(b);
                free(w), free(mask), free(ref);
            }
}

// Hand-checked cases: exact counts with halves, ties, edge blocks, NaN above Inf.
static void test_rules(void **state) {
    (void)state;
    uint8_t mask[64];
    // 5 entries at s = 0.5: round(2.5) = 3 removed; 3 at 0.5: round(1.5) = 2 removed.
    const float five[] = {5, 4, 3, 2, 1};
    lc_prune_spec s = {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5};
    assert_ok(lc_prune_mask(five, 1, 5, 5, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 1, 0, 0, 0}), 5);
    assert_ok(lc_prune_mask(five + 2, 1, 3, 3, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 0, 0}), 3);
    // Ties go to the lower row-major index, whatever the sign.
    const float tied[] = {1, -1, 1, -1, 2, -2};
    assert_ok(lc_prune_mask(tied, 2, 3, 3, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 0, 0, 0, 1, 1}), 6);
    s.row_balanced = 1; // each row of 3 keeps 1: row 0 its first 1, row 1 its first 2
    assert_ok(lc_prune_mask(tied, 2, 3, 3, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 0, 0, 0, 1, 0}), 6);
    // NaN ranks above Inf, Inf above finite values.
    const float odd[] = {1, INFINITY, 3, NAN};
    s = (lc_prune_spec){.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5};
    assert_ok(lc_prune_mask(odd, 1, 4, 4, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){0, 1, 0, 1}), 4);
    // 3×3 in 2×2 blocks: the 1×1 corner block (norm 9) beats the full block of four 1s
    // (L2: 2; L1: 4 < 9 too) and the 2×1 edge blocks of 2s (L2 √8, L1 4).
    const float grid[] = {1, 1, 2, 1, 1, 2, 2, 2, 9};
    s = (lc_prune_spec){
        .pattern = LC_PRUNE_BLOCK, .sparsity = 0.75, .block_rows = 2, .block_cols = 2};
    assert_ok(lc_prune_mask(grid, 3, 3, 3, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){0, 0, 0, 0, 0, 0, 0, 0, 1}), 9);
    s.sparsity = 0.5; // keeps 2: the corner, then the edge block (0, 1) of the two tied ones
    assert_ok(lc_prune_mask(grid, 3, 3, 3, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){0, 0, 1, 0, 0, 1, 0, 0, 1}), 9);
    s.block_norm = LC_PRUNE_NORM_L1; // L1: every block but the corner has norm 4: ties
    assert_ok(lc_prune_mask(grid, 3, 3, 3, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 1, 0, 1, 1, 0, 0, 0, 1}), 9);
    // N:M with two rows per pattern: summed magnitudes, a narrower last group of 1 keeps 1.
    const float nm[] = {1, 5, 2, 0, 7, 4, 1, 1, 3, 0};
    s = (lc_prune_spec){.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 4, .nm_rows = 2};
    assert_ok(lc_prune_mask(nm, 2, 5, 5, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 1, 0, 0, 1, 1, 1, 0, 0, 1}), 10);
    // Rows: three rows, the two of largest L2 norm (a tie goes to row 0).
    const float rows[] = {3, 4, 0, 5, 1, 1};
    s = (lc_prune_spec){.pattern = LC_PRUNE_ROWS, .sparsity = 0.4};
    assert_ok(lc_prune_mask(rows, 3, 2, 2, &s, mask));
    assert_memory_equal(mask, ((uint8_t[]){1, 1, 1, 1, 0, 0}), 6);
    s.sparsity = 0.9; // 3 rows at 0.9: round(2.7) = 3 removed, nothing left
    lc_mat *a = NULL;
    int32_t kept[3] = {-1, -1, -1};
    assert_ok(lc_prune_to_mat(&a, rows, 3, 2, 2, &s, kept));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(a, &info));
    assert_int_equal(info.m, 0);
    assert_int_equal(kept[0], -1);
    lc_mat_free(a);
}

// A mask from an earlier W applied to a new W (fine-tuning keeps the mask): the new values,
// kept zeros stored, and an N:M mask keeping fewer than N per group.
static void test_apply_mask(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 11);
    const int64_t m = 12, k = 22;
    float *w0 = random_w(&rng, m, k, k, 0), *w1 = random_w(&rng, m, k, k, 1);
    uint8_t mask[12 * 22];
    for (int si = 1; si < NSPECS; si++) {
        lc_mat *a = NULL;
        int32_t kept[12];
        assert_ok(lc_prune_mask(w0, m, k, k, &specs[si], mask));
        assert_ok(lc_prune_apply(&a, w1, m, k, k, &specs[si], mask, kept));
        check_apply(w1, m, k, k, &specs[si], mask, a, kept);
        lc_mat_free(a);
    }
    // 2:4 with one kept per group (and none in the last group of 2): stored zeros pad.
    const lc_prune_spec s = {.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 4};
    memset(mask, 0, sizeof mask);
    for (int64_t i = 0; i < m; i++)
        for (int64_t c0 = 0; c0 < k - 2; c0 += 4) mask[i * k + c0 + (i + c0 / 4) % 4] = 1;
    lc_mat *a = NULL;
    assert_ok(lc_prune_apply(&a, w0, m, k, k, &s, mask, NULL));
    check_apply(w0, m, k, k, &s, mask, a, NULL);
    lc_mat_free(a);
    free(w0), free(w1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_apply_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
