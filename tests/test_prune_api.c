// test_prune_api.c: the pruning module's other surfaces: the spec parser (every valid form,
// malformed text, out-of-range fields), lc_prune_error_of against a direct double computation,
// agreement with lc_mat_params' N:M conversion, bad input (exact statuses, outputs unchanged)
// and allocation failures (LC_ERR_NOMEM, no leak, outputs unchanged).
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void expect_spec(const char *text, lc_prune_spec want) {
    lc_prune_spec got;
    memset(&got, 0x5a, sizeof got);
    assert_ok(lc_prune_spec_parse(text, &got));
    if (got.pattern != want.pattern || got.sparsity != want.sparsity ||
        got.row_balanced != want.row_balanced || got.block_rows != want.block_rows ||
        got.block_cols != want.block_cols || got.block_norm != want.block_norm ||
        got.nm_n != want.nm_n || got.nm_m != want.nm_m || got.nm_rows != want.nm_rows)
        fail_msg("'%s' parsed to an unexpected spec", text);
    assert_ok(lc_prune_spec_check(&got));
}

// text must fail with LC_ERR_ARG, leave the spec alone, and say `needle`.
static void expect_bad(const char *text, const char *needle) {
    lc_prune_spec got = {.pattern = LC_PRUNE_ROWS, .sparsity = 0.25};
    assert_status(lc_prune_spec_parse(text, &got), LC_ERR_ARG);
    if (!strstr(lc_last_error(), needle))
        fail_msg("'%s': message '%s' lacks '%s'", text, lc_last_error(), needle);
    assert_int_equal(got.pattern, LC_PRUNE_ROWS);
    assert_true(got.sparsity == 0.25);
}

static void test_parse(void **state) {
    (void)state;
    expect_spec("dense", (lc_prune_spec){.pattern = LC_PRUNE_DENSE});
    expect_spec("unstructured:0.5",
                (lc_prune_spec){.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5});
    expect_spec("unstructured:0",
                (lc_prune_spec){.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.0});
    expect_spec(
        "unstructured-rows:.75",
        (lc_prune_spec){.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.75, .row_balanced = 1});
    expect_spec("block16:0.5", (lc_prune_spec){.pattern = LC_PRUNE_BLOCK,
                                               .sparsity = 0.5,
                                               .block_rows = 16,
                                               .block_cols = 16});
    expect_spec("block4x8:0.25",
                (lc_prune_spec){
                    .pattern = LC_PRUNE_BLOCK, .sparsity = 0.25, .block_rows = 4, .block_cols = 8});
    expect_spec("block16-l1:0.5", (lc_prune_spec){.pattern = LC_PRUNE_BLOCK,
                                                  .sparsity = 0.5,
                                                  .block_rows = 16,
                                                  .block_cols = 16,
                                                  .block_norm = LC_PRUNE_NORM_L1});
    expect_spec("block1x256-l1:9e-1", (lc_prune_spec){.pattern = LC_PRUNE_BLOCK,
                                                      .sparsity = 0.9,
                                                      .block_rows = 1,
                                                      .block_cols = 256,
                                                      .block_norm = LC_PRUNE_NORM_L1});
    expect_spec("nm:2:4",
                (lc_prune_spec){.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 4, .nm_rows = 1});
    expect_spec("nm:15:16:v8",
                (lc_prune_spec){.pattern = LC_PRUNE_NM, .nm_n = 15, .nm_m = 16, .nm_rows = 8});
    expect_spec("rows:0.3", (lc_prune_spec){.pattern = LC_PRUNE_ROWS, .sparsity = 0.3});
    // Malformed: the message lists the valid forms.
    static const char *const malformed[] = {"",
                                            "Dense",
                                            "dense:0.5",
                                            "unstructured",
                                            "unstructured:",
                                            "unstructured:-0.1",
                                            "unstructured: 0.5",
                                            "unstructured:0.5x",
                                            "unstructured:nan",
                                            "unstructured:inf",
                                            "block:0.5",
                                            "block16",
                                            "block16x:0.5",
                                            "blockx4:0.5",
                                            "block16-l2:0.5",
                                            "block16:",
                                            "block-4:0.5",
                                            "nm:2",
                                            "nm:2:",
                                            "nm:2:4:",
                                            "nm:2:4:v",
                                            "nm:2:4:2",
                                            "nm:2:4x",
                                            "nm:-1:4",
                                            "rows",
                                            "rows:",
                                            "columns:0.5",
                                            "unstructured-rows0.5"};
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++)
        expect_bad(malformed[i], "valid forms: dense, unstructured:S");
    // Well formed, out of range: the message names the field.
    expect_bad("unstructured:1", "sparsity");
    expect_bad("rows:1.5", "sparsity");
    expect_bad("block16:1e3", "sparsity");
    expect_bad("block0:0.5", "block_rows");
    expect_bad("block257:0.5", "block_rows");
    expect_bad("block4x0:0.5", "block_cols");
    expect_bad("block4x99999999999:0.5", "block_cols");
    expect_bad("nm:4:4", "nm_n");
    expect_bad("nm:0:4", "nm_n");
    expect_bad("nm:2:17", "nm_m");
    expect_bad("nm:2:4:v0", "nm_rows");
    assert_status(lc_prune_spec_parse(NULL, &(lc_prune_spec){0}), LC_ERR_ARG);
    assert_status(lc_prune_spec_parse("dense", NULL), LC_ERR_ARG);
}

static void test_spec_check(void **state) {
    (void)state;
    static const struct {
        lc_prune_spec s;
        const char *field;
    } bad[] = {
        {{.pattern = (lc_prune_pattern)7}, "pattern"},
        {{.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = NAN}, "sparsity"},
        {{.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = -0.01}, "sparsity"},
        {{.pattern = LC_PRUNE_ROWS, .sparsity = 1.0}, "sparsity"},
        {{.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5, .row_balanced = 2}, "row_balanced"},
        {{.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5}, "block_rows"},
        {{.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 4}, "block_cols"},
        {{.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 4, .block_cols = 300},
         "block_cols"},
        {{.pattern = LC_PRUNE_BLOCK,
          .sparsity = 0.5,
          .block_rows = 4,
          .block_cols = 4,
          .block_norm = 2},
         "block_norm"},
        {{.pattern = LC_PRUNE_NM}, "nm_m"},
        {{.pattern = LC_PRUNE_NM, .nm_m = 4}, "nm_n"},
        {{.pattern = LC_PRUNE_NM, .nm_n = 4, .nm_m = 2}, "nm_n"},
        {{.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 32}, "nm_m"},
        {{.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 4, .nm_rows = -1}, "nm_rows"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_status(lc_prune_spec_check(&bad[i].s), LC_ERR_ARG);
        if (!strstr(lc_last_error(), bad[i].field))
            fail_msg("case %zu: '%s' lacks '%s'", i, lc_last_error(), bad[i].field);
    }
    assert_status(lc_prune_spec_check(NULL), LC_ERR_ARG);
    // Fields a pattern does not use are not checked (N:M ignores sparsity, dense everything).
    assert_ok(lc_prune_spec_check(
        &(lc_prune_spec){.pattern = LC_PRUNE_NM, .sparsity = 7.0, .nm_n = 1, .nm_m = 2}));
    assert_ok(lc_prune_spec_check(
        &(lc_prune_spec){.pattern = LC_PRUNE_DENSE, .sparsity = NAN, .block_rows = -3}));
}

// lc_prune_error_of against W⊙mask and both products formed directly in double.
static void test_error(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 12);
    const int64_t m = 19, k = 37, ldw = 40, ldx = 41;
    static const int64_t ts[] = {0, 1, 7, 33};
    float *w = malloc((size_t)(m * ldw) * sizeof *w), *x = malloc((size_t)(33 * ldx) * sizeof *x);
    tu_fill(&rng, w, m * ldw), tu_fill(&rng, x, 33 * ldx);
    uint8_t *mask = malloc((size_t)(m * k));
    const lc_prune_spec s = {
        .pattern = LC_PRUNE_BLOCK, .sparsity = 0.6, .block_rows = 3, .block_cols = 5};
    assert_ok(lc_prune_mask(w, m, k, ldw, &s, mask));
    for (int ti = 0; ti < 4; ti++) {
        const int64_t t = ts[ti];
        double wf = 0, wd = 0, yf = 0, yd = 0;
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < k; j++) {
                const double a = w[i * ldw + j], p = mask[i * k + j] ? a : 0.0;
                wf += a * a, wd += (a - p) * (a - p);
            }
        for (int64_t r = 0; r < t; r++)
            for (int64_t i = 0; i < m; i++) {
                double y = 0, yp = 0;
                for (int64_t j = 0; j < k; j++) {
                    y += (double)x[r * ldx + j] * w[i * ldw + j];
                    yp += mask[i * k + j] ? (double)x[r * ldx + j] * w[i * ldw + j] : 0.0;
                }
                yf += y * y, yd += (y - yp) * (y - yp);
            }
        lc_prune_error e;
        assert_ok(lc_prune_error_of(w, m, k, ldw, mask, t, t ? x : NULL, ldx, &e));
        assert_true(fabs(e.frobenius - sqrt(wd / wf)) <= 1e-12 * sqrt(wd / wf));
        const double want = t ? sqrt(yd / yf) : 0.0;
        if (!(fabs(e.output - want) <= 1e-10 * want))
            fail_msg("T = %lld: output error %.17g, expected %.17g", (long long)t, e.output, want);
        assert_true(e.frobenius > 0.3 && (t == 0 || e.output > 0.1)); // a real difference
    }
    // Nothing removed: both 0; W = 0: both 0.
    lc_prune_error e;
    memset(mask, 1, (size_t)(m * k));
    assert_ok(lc_prune_error_of(w, m, k, ldw, mask, 7, x, ldx, &e));
    assert_true(e.frobenius == 0 && e.output == 0);
    memset(w, 0, (size_t)(m * ldw) * sizeof *w), memset(mask, 0, (size_t)(m * k));
    assert_ok(lc_prune_error_of(w, m, k, ldw, mask, 7, x, ldx, &e));
    assert_true(e.frobenius == 0 && e.output == 0);
    free(w), free(x), free(mask);
}

// lc_prune_to_mat's N:M is lc_mat_params' N:M conversion of the same array.
static void test_nm_matches_convert(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 13);
    const int64_t m = 21, k = 45;
    float *w = malloc((size_t)(m * k) * sizeof *w);
    tu_random_sparse_dense(&rng, m, k, k, 0.7, 1, w);
    for (int v = 1; v <= 4; v++) {
        const lc_prune_spec s = {.pattern = LC_PRUNE_NM, .nm_n = 3, .nm_m = 8, .nm_rows = v};
        const lc_mat_params p = {.nm_n = 3, .nm_m = 8, .nm_rows = v};
        lc_mat *a = NULL, *b = NULL;
        assert_ok(lc_prune_to_mat(&a, w, m, k, k, &s, NULL));
        assert_ok(lc_mat_from_dense(&b, LC_FORMAT_NM, m, k, w, k, &p));
        float *da = tu_dense_of(a), *db = tu_dense_of(b);
        assert_memory_equal(da, db, (size_t)(m * k) * sizeof *da);
        free(da), free(db), lc_mat_free(a), lc_mat_free(b);
    }
    free(w);
}

// Bad input: exact statuses, a message, and outputs left as they were.
static void test_bad_input(void **state) {
    (void)state;
    const float w[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    const lc_prune_spec s = {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5};
    const lc_prune_spec bad = {.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 2};
    uint8_t mask[12], ones[12];
    memset(mask, 9, sizeof mask), memset(ones, 1, sizeof ones);
    lc_mat *sentinel = (lc_mat *)&mask, *a = sentinel;
    int32_t kept[3] = {-1, -1, -1};
    // lc_prune_mask
    assert_status(lc_prune_mask(NULL, 3, 4, 4, &s, mask), LC_ERR_ARG);
    assert_status(lc_prune_mask(w, -1, 4, 4, &s, mask), LC_ERR_ARG);
    assert_status(lc_prune_mask(w, 3, -4, 4, &s, mask), LC_ERR_ARG);
    assert_status(lc_prune_mask(w, 3, 4, 3, &s, mask), LC_ERR_ARG);
    assert_status(lc_prune_mask(w, 3, 0, 0, &s, mask), LC_ERR_ARG); // ldw >= max(1, K)
    assert_status(lc_prune_mask(w, 3, 4, 4, NULL, mask), LC_ERR_ARG);
    assert_status(lc_prune_mask(w, 3, 4, 4, &bad, mask), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "block_cols"));
    assert_status(lc_prune_mask(w, 3, 4, 4, &s, NULL), LC_ERR_ARG);
    assert_status(lc_prune_mask(w, (int64_t)INT32_MAX + 1, 4, 4, &s, mask), LC_ERR_OVERFLOW);
    assert_status(lc_prune_mask(w, INT32_MAX, INT32_MAX, INT64_MAX / 2, &s, mask), LC_ERR_OVERFLOW);
    assert_status(lc_prune_mask(w, INT32_MAX, 4, INT64_MAX / 4, &s, mask), LC_ERR_OVERFLOW);
    for (int q = 0; q < 12; q++) assert_int_equal(mask[q], 9);
    // Empty shapes need no arrays.
    assert_ok(lc_prune_mask(NULL, 0, 4, 4, &s, NULL));
    assert_ok(lc_prune_mask(NULL, 3, 0, 1, &s, NULL));
    // lc_prune_apply: arguments, then the mask's values and structure.
    assert_status(lc_prune_apply(NULL, w, 3, 4, 4, &s, ones, NULL), LC_ERR_ARG);
    assert_status(lc_prune_apply(&a, NULL, 3, 4, 4, &s, ones, NULL), LC_ERR_ARG);
    assert_status(lc_prune_apply(&a, w, 3, 4, 2, &s, ones, NULL), LC_ERR_ARG);
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, NULL, ones, NULL), LC_ERR_ARG);
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, &s, NULL, NULL), LC_ERR_ARG);
    uint8_t m2[12];
    memcpy(m2, ones, 12), m2[6] = 2;
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, &s, m2, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "(1, 2)"));
    const lc_prune_spec blk = {
        .pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 2, .block_cols = 2};
    memcpy(m2, ones, 12), m2[11] = 0; // block (1, 1) is the 1×2 edge block {10, 11}
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, &blk, m2, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "block (1, 1)"));
    m2[10] = 0; // now constant on every block
    assert_ok(lc_prune_apply(&a, w, 3, 4, 4, &blk, m2, NULL));
    lc_mat_free(a), a = sentinel;
    const lc_prune_spec nm = {.pattern = LC_PRUNE_NM, .nm_n = 1, .nm_m = 2, .nm_rows = 3};
    memset(m2, 0, 12), m2[0] = m2[1] = 1; // row 0 group 0 keeps 2 > N
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, &nm, m2, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "group 0"));
    memset(m2, 0, 12), m2[0] = 1; // rows 1, 2 of the row group differ from row 0
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, &nm, m2, NULL), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "row 1"));
    const lc_prune_spec rows = {.pattern = LC_PRUNE_ROWS, .sparsity = 0.3};
    memcpy(m2, ones, 12), m2[5] = 0; // row 1 partly kept
    assert_status(lc_prune_apply(&a, w, 3, 4, 4, &rows, m2, kept), LC_ERR_ARG);
    assert_non_null(strstr(lc_last_error(), "row 1"));
    assert_ptr_equal(a, sentinel);
    assert_int_equal(kept[0], -1);
    // lc_prune_to_mat
    assert_status(lc_prune_to_mat(NULL, w, 3, 4, 4, &s, NULL), LC_ERR_ARG);
    assert_status(lc_prune_to_mat(&a, w, 3, 4, 4, &bad, NULL), LC_ERR_ARG);
    assert_status(lc_prune_to_mat(&a, NULL, 3, 4, 4, &s, NULL), LC_ERR_ARG);
    assert_ptr_equal(a, sentinel);
    // lc_prune_error_of
    lc_prune_error e = {-1, -1};
    const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    assert_status(lc_prune_error_of(w, 3, 4, 4, ones, 2, x, 4, NULL), LC_ERR_ARG);
    assert_status(lc_prune_error_of(NULL, 3, 4, 4, ones, 2, x, 4, &e), LC_ERR_ARG);
    assert_status(lc_prune_error_of(w, 3, 4, 4, NULL, 2, x, 4, &e), LC_ERR_ARG);
    assert_status(lc_prune_error_of(w, 3, 4, 4, ones, -1, x, 4, &e), LC_ERR_ARG);
    assert_status(lc_prune_error_of(w, 3, 4, 4, ones, 2, NULL, 4, &e), LC_ERR_ARG);
    assert_status(lc_prune_error_of(w, 3, 4, 4, ones, 2, x, 3, &e), LC_ERR_ARG);
    assert_status(lc_prune_error_of(w, 3, 4, 4, ones, INT64_MAX / 2, x, 4, &e), LC_ERR_OVERFLOW);
    assert_true(e.frobenius == -1 && e.output == -1);
    assert_ok(lc_prune_error_of(w, 3, 4, 4, ones, 0, NULL, 4, &e));
}

typedef struct inject_ctx {
    const float *w;
    int64_t m, k;
    const lc_prune_spec *spec;
    uint8_t *mask, *mask0; // mask0: the mask before the call
    const float *x;
    lc_mat *out;
    int32_t kept[40];
    lc_prune_error err;
} inject_ctx;

// A failed call leaves every output as it was.
static lc_status unchanged(inject_ctx *c, lc_status st) {
    if (st == LC_OK) return st;
    assert_memory_equal(c->mask, c->mask0, (size_t)(c->m * c->k));
    assert_null(c->out);
    for (int i = 0; i < 40; i++) assert_int_equal(c->kept[i], -7);
    assert_true(c->err.frobenius == -1 && c->err.output == -1);
    return st;
}

static lc_status inject_mask(void *v) {
    inject_ctx *c = v;
    return unchanged(c, lc_prune_mask(c->w, c->m, c->k, c->k, c->spec, c->mask));
}
static lc_status inject_apply(void *v) {
    inject_ctx *c = v;
    return unchanged(c, lc_prune_apply(&c->out, c->w, c->m, c->k, c->k, c->spec, c->mask, c->kept));
}
static lc_status inject_to_mat(void *v) {
    inject_ctx *c = v;
    return unchanged(c, lc_prune_to_mat(&c->out, c->w, c->m, c->k, c->k, c->spec, c->kept));
}
static lc_status inject_error(void *v) {
    inject_ctx *c = v;
    return unchanged(c, lc_prune_error_of(c->w, c->m, c->k, c->k, c->mask, 5, c->x, c->k, &c->err));
}
static void inject_cleanup(void *v) {
    inject_ctx *c = v;
    lc_mat_free(c->out);
    c->out = NULL;
    for (int i = 0; i < 40; i++) c->kept[i] = -7;
    c->err = (lc_prune_error){-1, -1};
    memcpy(c->mask0, c->mask, (size_t)(c->m * c->k));
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 14);
    const int64_t m = 30, k = 37;
    float *w = malloc((size_t)(m * k) * sizeof *w), *x = malloc((size_t)(5 * k) * sizeof *x);
    tu_fill(&rng, w, m * k), tu_fill(&rng, x, 5 * k);
    uint8_t *mask = malloc((size_t)(m * k)), *mask0 = malloc((size_t)(m * k));
    static const lc_prune_spec specs[] = {
        {.pattern = LC_PRUNE_DENSE},
        {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5},
        {.pattern = LC_PRUNE_UNSTRUCTURED, .sparsity = 0.5, .row_balanced = 1},
        {.pattern = LC_PRUNE_BLOCK, .sparsity = 0.5, .block_rows = 4, .block_cols = 8},
        {.pattern = LC_PRUNE_NM, .nm_n = 2, .nm_m = 4, .nm_rows = 2},
        {.pattern = LC_PRUNE_ROWS, .sparsity = 0.5},
    };
    // Allocations lc_prune_mask makes: none (dense, N:M), the histogram, the row keys, keys
    // and kept flags (blocks, rows).
    static const int64_t mask_allocs[] = {0, 1, 1, 2, 0, 2};
    for (int si = 0; si < 6; si++) {
        inject_ctx c = {
            .w = w, .m = m, .k = k, .spec = &specs[si], .mask = mask, .mask0 = mask0, .x = x};
        memset(mask, 3, (size_t)(m * k));
        inject_cleanup(&c);
        assert_int_equal(tu_inject_each(inject_mask, inject_cleanup, &c), mask_allocs[si]);
        // The matrix (dense: one copy, or a masked array and its copy; others a CSR view and
        // the format's arrays).
        assert_true(tu_inject_each(inject_apply, inject_cleanup, &c) >= (si == 0 ? 2 : 3));
        assert_true(tu_inject_each(inject_to_mat, inject_cleanup, &c) >= 3 + mask_allocs[si]);
        assert_int_equal(tu_inject_each(inject_error, inject_cleanup, &c), 1);
    }
    free(w), free(x), free(mask), free(mask0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),     cmocka_unit_test(test_spec_check),
        cmocka_unit_test(test_error),     cmocka_unit_test(test_nm_matches_convert),
        cmocka_unit_test(test_bad_input), cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
