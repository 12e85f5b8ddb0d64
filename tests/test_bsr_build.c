// test_bsr_build.c: building BSR matrices: construction (sorting, padding, bad input with exact
// statuses and messages), conversions with fill, lc_mat_info, the random generator, and
// allocation-failure injection. The kernels are in test_bsr.c.
#include "testutil.h"
#include "bsr_raw.h"
#include "core/mat.h"
#include "formats/bsr/bsr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lci_bsr *as_bsr(const lc_mat *A) {
    return (const lci_bsr *)A;
}

// Tiles given in any order give the same matrix as sorted ones: columns ascending, values
// column-major, the padding zeroed (the input had NaN there), the input copied.
static void test_construction(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 21);
    raw_bsr r;
    raw_random(&r, &rng, 45, 61, 4, 7, 0.5);
    lc_mat *A = raw_create(&r);
    const lci_bsr *b = as_bsr(A);
    const int64_t area = 4 * 7;
    // The same tiles sorted by hand.
    raw_bsr s = r;
    s.col = malloc((size_t)(r.tiles + 1) * sizeof *s.col);
    s.val = malloc((size_t)(r.tiles * area + 1) * sizeof *s.val);
    for (int64_t I = 0, q = r.ptr[0]; I < r.mb; I++)
        for (int64_t c = 0; c < r.kb; c++)
            for (int64_t t = r.ptr[I]; t < r.ptr[I + 1]; t++)
                if (r.col[t] == c) {
                    s.col[q] = (int32_t)c;
                    memcpy(s.val + q * area, r.val + t * area, (size_t)area * sizeof(float));
                    q++;
                }
    lc_mat *S = raw_create(&s);
    const lci_bsr *bs = as_bsr(S);
    assert_int_equal(b->tiles, r.tiles);
    assert_memory_equal(b->ptr, bs->ptr, (size_t)(b->mb + 1) * sizeof(int64_t));
    assert_memory_equal(b->col, bs->col, (size_t)b->tiles * sizeof(int32_t));
    assert_memory_equal(b->val, bs->val, (size_t)(b->tiles * area) * sizeof(float));
    for (int64_t I = 0; I < b->mb; I++)
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            if (t > b->ptr[I]) assert_true(b->col[t] > b->col[t - 1]);
            for (int32_t i = 0; i < 4; i++)
                for (int32_t j = 0; j < 7; j++) {
                    bool inside = I * 4 + i < 45 && b->col[t] * 7 + j < 61;
                    float got = b->val[t * area + j * 4 + i], want = s.val[t * area + i * 7 + j];
                    if (inside)
                        assert_memory_equal(&got, &want, sizeof got);
                    else
                        assert_true(got == 0.0f && !signbit(got));
                }
        }
    // Copied: changing the input afterwards changes nothing.
    float *before = tu_dense_of(A);
    for (int64_t e = 0; e < r.tiles * area; e++) r.val[e] = 9.0f;
    float *after = tu_dense_of(A), *want = raw_dense(&s);
    assert_memory_equal(before, after, 45 * 61 * sizeof(float));
    assert_memory_equal(before, want, 45 * 61 * sizeof(float));
    free(before), free(after), free(want);
    lc_mat_free(A), lc_mat_free(S);
    free(s.col), free(s.val);
    raw_free(&r);
}

static void expect(lc_status got, lc_status want, const char *needle) {
    if (got != want)
        fail_msg("returned %s (%s), expected %s", lc_status_str(got), lc_last_error(),
                 lc_status_str(want));
    if (!strstr(lc_last_error(), needle))
        fail_msg("message '%s' does not mention '%s'", lc_last_error(), needle);
}

// Each bad input: its exact status, a message naming the problem, the output untouched.
static void test_bad_input(void **state) {
    (void)state;
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    // 5×10 of 2×4 tiles: 3 block rows, 3 block columns.
    const int64_t ptr[] = {0, 2, 3, 3};
    const int32_t col[] = {1, 0, 2};
    float val[3 * 8] = {0};
    const int64_t bad0[] = {1, 2, 3, 3}, down[] = {0, 2, 1, 3}, dup_ptr[] = {0, 3, 3, 3};
    const int32_t out_lo[] = {1, 0, -1}, out_hi[] = {1, 0, 3}, dup[] = {1, 0, 1};
    const int64_t huge[] = {0, INT64_MAX / 8, INT64_MAX / 8, INT64_MAX / 8};
    expect(lc_mat_create_bsr(NULL, 5, 10, 2, 4, ptr, col, val), LC_ERR_ARG, "NULL output");
    expect(lc_mat_create_bsr(&A, -1, 10, 2, 4, ptr, col, val), LC_ERR_ARG, "negative");
    expect(lc_mat_create_bsr(&A, (int64_t)INT32_MAX + 1, 10, 2, 4, ptr, col, val), LC_ERR_OVERFLOW,
           "INT32_MAX");
    expect(lc_mat_create_bsr(&A, 5, 10, 0, 4, ptr, col, val), LC_ERR_ARG, "tile 0×4");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 257, ptr, col, val), LC_ERR_ARG, "1..256");
    expect(lc_mat_create_bsr(&A, 5, 10, -3, 4, ptr, col, val), LC_ERR_ARG, "outside 1..256");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, NULL, col, val), LC_ERR_ARG, "NULL tile_ptr");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, bad0, col, val), LC_ERR_FORMAT, "tile_ptr[0] = 1");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, down, col, val), LC_ERR_FORMAT,
           "tile_ptr[2] = 1 < tile_ptr[1] = 2");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, NULL, val), LC_ERR_ARG, "NULL tile_col");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, col, NULL), LC_ERR_ARG, "3 tiles");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, out_lo, val), LC_ERR_FORMAT,
           "block row 1: tile 2 at block column -1 is outside [0, 3)");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, out_hi, val), LC_ERR_FORMAT,
           "block row 1: tile 2 at block column 3 is outside [0, 3)");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, dup_ptr, dup, val), LC_ERR_FORMAT,
           "block row 0: tiles 0 and 2 are both at block column 1 (duplicate tile)");
    expect(lc_mat_create_bsr(&A, 5, 10, 2, 4, huge, col, val), LC_ERR_OVERFLOW, "overflow");
    expect(lc_mat_create_bsr(&A, 5, 0, 2, 4, ptr, col, val), LC_ERR_FORMAT, "outside [0, 0)");
    assert_ptr_equal(A, sentinel);
    // The valid arrays work, and an empty matrix takes NULL arrays.
    assert_ok(lc_mat_create_bsr(&A, 5, 10, 2, 4, ptr, col, val));
    assert_true(strlen(lc_last_error()) == 0);
    lc_mat_free(A);
    const int64_t none[] = {0, 0, 0, 0};
    assert_ok(lc_mat_create_bsr(&A, 5, 10, 2, 4, none, NULL, NULL));
    lc_mat_free(A);
    // Block shapes through lc_mat_params, and the generator's arguments.
    A = sentinel;
    float d[4] = {1, 2, 3, 4};
    lc_mat_params p = {.block_rows = 300};
    expect(lc_mat_from_dense(&A, LC_FORMAT_BSR, 2, 2, d, 2, &p), LC_ERR_ARG, "300");
    p = (lc_mat_params){.block_cols = -1};
    expect(lc_mat_from_dense(&A, LC_FORMAT_BSR, 2, 2, d, 2, &p), LC_ERR_ARG, "-1");
    expect(lci_bsr_random(NULL, 4, 4, 2, 2, 0.5, 1), LC_ERR_ARG, "NULL output");
    expect(lci_bsr_random(&A, -4, 4, 2, 2, 0.5, 1), LC_ERR_ARG, "negative");
    expect(lci_bsr_random(&A, 4, 4, 0, 2, 0.5, 1), LC_ERR_ARG, "tile 0×2");
    expect(lci_bsr_random(&A, 4, 4, 2, 2, 0.0, 1), LC_ERR_ARG, "tile density 0");
    expect(lci_bsr_random(&A, 4, 4, 2, 2, 1.5, 1), LC_ERR_ARG, "outside (0, 1]");
    assert_ptr_equal(A, sentinel);
}

// ---- conversions ----

// A has exactly the entries of `dense` (M×K), and its tiles are those that cover its nonzeros.
static void check_converted(const lc_mat *A, const float *dense, int64_t m, int64_t k, int32_t bh,
                            int32_t bw) {
    const lci_bsr *b = as_bsr(A);
    assert_int_equal(b->bh, bh);
    assert_int_equal(b->bw, bw);
    float *got = tu_dense_of(A);
    assert_memory_equal(got, dense, (size_t)(m * k) * sizeof(float));
    free(got);
    int64_t tiles = 0, nonzeros = 0;
    for (int64_t I = 0; I < (m + bh - 1) / bh; I++)
        for (int64_t c = 0; c < (k + bw - 1) / bw; c++) {
            int64_t in_tile = 0;
            for (int64_t i = I * bh; i < m && i < (I + 1) * bh; i++)
                for (int64_t j = c * bw; j < k && j < (c + 1) * bw; j++)
                    in_tile += dense[i * k + j] != 0.0f;
            tiles += in_tile > 0;
            nonzeros += in_tile;
        }
    assert_int_equal(b->tiles, tiles);
    // The fill ratio, as lc_mat_info reports it: nonzeros of useful (in-matrix) entries.
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.nonzeros, nonzeros);
    assert_int_equal(info.useful, info.stored - (b->tiles * bh * bw - b->useful));
    assert_true(info.useful >= info.nonzeros);
}

static void test_conversions(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 22);
    const int64_t m = 70, k = 53;
    float *a = malloc(m * k * sizeof *a);
    tu_random_sparse_dense(&rng, m, k, k, 0.05, 1, a);
    const int32_t shapes[][2] = {{0, 0}, {4, 0}, {4, 8}, {3, 5}, {16, 16}, {1, 1}, {64, 64}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        lc_mat_params p = {.block_rows = shapes[s][0], .block_cols = shapes[s][1]};
        const int32_t bh = p.block_rows ? p.block_rows : 16, bw = p.block_cols ? p.block_cols : bh;
        lc_mat *A = NULL, *C = NULL, *O = NULL, *B2 = NULL, *B3 = NULL, *back = NULL;
        // dense → BSR (NULL params: the default 16×16), CSR → BSR, COO → BSR.
        assert_ok(lc_mat_from_dense(&A, LC_FORMAT_BSR, m, k, a, k, s ? &p : NULL));
        check_converted(A, a, m, k, bh, bw);
        assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, m, k, a, k, NULL));
        assert_ok(lc_mat_from_dense(&O, LC_FORMAT_COO, m, k, a, k, NULL));
        assert_ok(lc_mat_convert(&B2, C, LC_FORMAT_BSR, &p));
        assert_ok(lc_mat_convert(&B3, O, LC_FORMAT_BSR, &p));
        check_converted(B2, a, m, k, bh, bw);
        check_converted(B3, a, m, k, bh, bw);
        // BSR → CSR / COO / dense keeps every entry inside the matrix, the fill's zeros too.
        const lc_format targets[] = {LC_FORMAT_CSR, LC_FORMAT_COO, LC_FORMAT_DENSE};
        for (int t = 0; t < 3; t++) {
            lc_mat *X = NULL;
            assert_ok(lc_mat_convert(&X, A, targets[t], NULL));
            float *got = tu_dense_of(X);
            assert_memory_equal(got, a, (size_t)(m * k) * sizeof(float));
            if (targets[t] != LC_FORMAT_DENSE) assert_int_equal(tu_stored(X), as_bsr(A)->useful);
            // ... and back to BSR gives the same tiles.
            if (targets[t] == LC_FORMAT_CSR) {
                assert_ok(lc_mat_convert(&back, X, LC_FORMAT_BSR, &p));
                const lci_bsr *b0 = as_bsr(A), *b1 = as_bsr(back);
                assert_int_equal(b0->tiles, b1->tiles);
                assert_memory_equal(b0->ptr, b1->ptr, (size_t)(b0->mb + 1) * sizeof(int64_t));
                assert_memory_equal(b0->col, b1->col, (size_t)b0->tiles * sizeof(int32_t));
                assert_memory_equal(b0->val, b1->val,
                                    (size_t)(b0->tiles * bh * bw) * sizeof(float));
            }
            free(got);
            lc_mat_free(X);
        }
        lc_mat_free(A), lc_mat_free(C), lc_mat_free(O), lc_mat_free(B2), lc_mat_free(B3);
        lc_mat_free(back);
    }
    // Pruning comes before tiling: the kept entries are those of the pruned CSR.
    lc_mat_params p = {.density = 0.02, .block_rows = 8, .block_cols = 8};
    lc_mat *A = NULL, *C = NULL;
    assert_ok(lc_mat_from_dense(&A, LC_FORMAT_BSR, m, k, a, k, &p));
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, m, k, a, k, &p));
    float *pruned = tu_dense_of(C);
    check_converted(A, pruned, m, k, 8, 8);
    free(pruned);
    lc_mat_free(A), lc_mat_free(C);
    // An explicit zero of a sparse source makes its tile (a stored entry).
    const int64_t ptr[] = {0, 1, 1, 1};
    const int32_t col[] = {40};
    const float zero[] = {0.0f};
    assert_ok(lc_mat_create_csr(&C, 3, 50, ptr, col, zero));
    assert_ok(lc_mat_convert(&A, C, LC_FORMAT_BSR, NULL));
    assert_int_equal(as_bsr(A)->tiles, 1);
    assert_int_equal(as_bsr(A)->col[0], 2);
    lc_mat_free(A), lc_mat_free(C);
    free(a);
}

static void test_info(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 23);
    raw_bsr r;
    raw_random(&r, &rng, 50, 45, 8, 16, 0.5); // both edges cut: 6 rows × 8 and 45 = 2·16 + 13
    lc_mat *A = raw_create(&r);
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    int64_t useful = 0;
    for (int64_t I = 0; I < r.mb; I++)
        for (int64_t t = r.ptr[I]; t < r.ptr[I + 1]; t++)
            useful += (I == r.mb - 1 ? 50 - 8 * I : 8) * (r.col[t] == r.kb - 1 ? 13 : 16);
    assert_int_equal(info.format, LC_FORMAT_BSR);
    assert_int_equal(info.m, 50);
    assert_int_equal(info.k, 45);
    assert_int_equal(info.stored, r.tiles * 128);
    assert_int_equal(info.useful, useful);
    assert_true(info.useful < info.stored);
    assert_true(info.flops_per_col == 2.0 * (double)useful);
    assert_true(info.exec_flops_per_col == 2.0 * (double)info.stored);
    assert_int_equal(info.bytes, r.tiles * 128 * 4 + r.tiles * 4 + (r.mb + 1) * 8);
    assert_int_equal(info.extra_bytes, 0);
    assert_string_equal(info.layout, "plain");
    // Nothing to repack: lc_mat_optimize leaves it as it is.
    assert_ok(lc_mat_optimize(A, 64));
    assert_ok(lc_mat_info(A, &info));
    assert_string_equal(info.layout, "plain");
    assert_true(lc_format_supports(LC_FORMAT_BSR, LC_LAYOUT_COLS));
    assert_true(lc_format_supports(LC_FORMAT_BSR, LC_LAYOUT_ROWS));
    lc_mat_free(A);
    raw_free(&r);
}

// ---- the generator ----

static void test_random(void **state) {
    (void)state;
    const int64_t m = 100, k = 90, mb = 13, kb = 15;
    lc_mat *A = NULL, *B = NULL, *C = NULL;
    assert_ok(lci_bsr_random(&A, m, k, 8, 6, 0.3, 5));
    assert_ok(lci_bsr_random(&B, m, k, 8, 6, 0.3, 5));
    assert_ok(lci_bsr_random(&C, m, k, 8, 6, 0.3, 6));
    const lci_bsr *a = as_bsr(A), *b = as_bsr(B), *c = as_bsr(C);
    assert_int_equal(a->tiles, (int64_t)round(0.3 * mb * kb)); // 58.5 → 59
    assert_int_equal(a->tiles, 59);
    for (int64_t I = 0; I < mb; I++) {
        int64_t count = a->ptr[I + 1] - a->ptr[I];
        assert_true(count == 59 / 13 || count == 59 / 13 + 1);
        for (int64_t t = a->ptr[I]; t < a->ptr[I + 1]; t++) {
            assert_true(a->col[t] >= 0 && a->col[t] < kb);
            if (t > a->ptr[I]) assert_true(a->col[t] > a->col[t - 1]);
            for (int32_t i = 0; i < 8; i++)
                for (int32_t j = 0; j < 6; j++) {
                    float v = a->val[t * 48 + j * 8 + i];
                    if (I * 8 + i < m && a->col[t] * 6 + j < k)
                        assert_true(v != 0.0f && v >= -1.0f && v < 1.0f);
                    else
                        assert_true(v == 0.0f);
                }
        }
    }
    // Deterministic per seed; another seed, another matrix.
    assert_memory_equal(a->ptr, b->ptr, (mb + 1) * sizeof(int64_t));
    assert_memory_equal(a->col, b->col, 59 * sizeof(int32_t));
    assert_memory_equal(a->val, b->val, 59 * 48 * sizeof(float));
    assert_true(memcmp(a->col, c->col, 59 * sizeof(int32_t)) ||
                memcmp(a->val, c->val, 59 * 48 * sizeof(float)));
    lc_mat_free(A), lc_mat_free(B), lc_mat_free(C);
    // Every tile at density 1; none for an empty shape.
    assert_ok(lci_bsr_random(&A, 33, 17, 4, 4, 1.0, 1));
    assert_int_equal(as_bsr(A)->tiles, 9 * 5);
    lc_mat_free(A);
    assert_ok(lci_bsr_random(&A, 0, 17, 4, 4, 0.5, 1));
    assert_int_equal(as_bsr(A)->tiles, 0);
    lc_mat_free(A);
}

// ---- allocation failures: every one reported as LC_ERR_NOMEM, nothing leaked ----

typedef struct inject_ctx {
    const raw_bsr *r;
    const lc_mat *src; // conversions: the source; products: the BSR matrix
    lc_layout layout;
    int64_t n, ldx, ldy;
    const float *x;
    float *y;
    lc_format format;
    lc_mat *out;
} inject_ctx;

static lc_status inject_create(void *v) {
    inject_ctx *c = v;
    return lc_mat_create_bsr(&c->out, c->r->m, c->r->k, c->r->bh, c->r->bw, c->r->ptr, c->r->col,
                             c->r->val);
}

static lc_status inject_convert(void *v) {
    inject_ctx *c = v;
    lc_mat_params p = {.block_rows = 4, .block_cols = 8};
    return lc_mat_convert(&c->out, c->src, c->format, &p);
}

static lc_status inject_random(void *v) {
    inject_ctx *c = v;
    return lci_bsr_random(&c->out, 40, 50, 4, 4, 0.3, 9);
}

static lc_status inject_mm(void *v) {
    inject_ctx *c = v;
    return lc_mat_mm(c->src, c->layout, c->n, 1.0f, c->x, c->ldx, 0.0f, c->y, c->ldy);
}

static void inject_cleanup(void *v) {
    inject_ctx *c = v;
    lc_mat_free(c->out);
    c->out = NULL;
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 24);
    raw_bsr r;
    raw_random(&r, &rng, 40, 50, 4, 8, 0.5); // shuffled tiles: the sorting scratch too
    inject_ctx c = {.r = &r};
    assert_true(tu_inject_each(inject_create, inject_cleanup, &c) >= 3);
    assert_true(tu_inject_each(inject_random, inject_cleanup, &c) >= 3);
    lc_mat *A = raw_create(&r), *C = NULL;
    float *d = raw_dense(&r);
    assert_ok(lc_mat_from_dense(&C, LC_FORMAT_CSR, 40, 50, d, 50, NULL));
    // CSR → BSR, dense → BSR (through a CSR view), BSR → CSR (an owned view).
    c.format = LC_FORMAT_BSR, c.src = C;
    assert_true(tu_inject_each(inject_convert, inject_cleanup, &c) >= 3);
    c.format = LC_FORMAT_CSR, c.src = A;
    assert_true(tu_inject_each(inject_convert, inject_cleanup, &c) >= 1);
    lc_mat *D = NULL;
    assert_ok(lc_mat_create_dense(&D, 40, 50, d, 50));
    c.format = LC_FORMAT_BSR, c.src = D;
    assert_true(tu_inject_each(inject_convert, inject_cleanup, &c) >= 3);
    // Products that allocate their workspace: packed panels (both layouts), a strided x.
    float *x = calloc(50 * 70, sizeof *x), *y = calloc(40 * 70, sizeof *y);
    const struct {
        lc_layout layout;
        int64_t n, ldx, ldy;
    } mm[] = {
        {LC_LAYOUT_COLS, 65, 70, 65}, {LC_LAYOUT_ROWS, 65, 50, 40}, {LC_LAYOUT_COLS, 1, 2, 1}};
    for (int i = 0; i < 3; i++) {
        c.src = A, c.layout = mm[i].layout, c.n = mm[i].n, c.ldx = mm[i].ldx, c.ldy = mm[i].ldy;
        c.x = x, c.y = y;
        assert_int_equal(tu_inject_each(inject_mm, NULL, &c), 1);
    }
    // With the caller's workspace a product allocates nothing.
    size_t ws = 0;
    assert_ok(lc_mat_workspace_size(A, LC_LAYOUT_ROWS, 65, &ws));
    assert_true(ws >= (size_t)50 * 128 * sizeof(float)); // two panels of K × 64
    void *work = aligned_alloc(64, (ws + 63) / 64 * 64);
    tu_alloc_install();
    const int64_t before = tu_alloc_count();
    assert_ok(lc_mat_mm_ws(A, LC_LAYOUT_ROWS, 65, 1.0f, x, 50, 0.0f, y, 40, work, ws));
    assert_int_equal(tu_alloc_count(), before);
    tu_alloc_uninstall();
    assert_status(lc_mat_mm_ws(A, LC_LAYOUT_ROWS, 65, 1.0f, x, 50, 0.0f, y, 40, work, ws - 1),
                  LC_ERR_ARG);
    free(work);
    free(x), free(y), free(d);
    lc_mat_free(A), lc_mat_free(C), lc_mat_free(D);
    raw_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_construction), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_conversions),  cmocka_unit_test(test_info),
        cmocka_unit_test(test_random),       cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
