// test_nm_build.c: building N:M matrices: lc_nm_check, pruning from dense, conversions,
// lc_mat_info, bad input, allocation failure, and the benchmark generator. The kernels are in
// test_nm.c.
#include "testutil.h"
#include "nm_cases.h"
#include "formats/nm/nm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lc_layout layouts[] = {LC_LAYOUT_COLS, LC_LAYOUT_ROWS};

static void test_check(void **state) {
    (void)state;
    int64_t at = 0;
    // 2:4, K = 9 (groups of 4, 4, 1), lda = 10; row 0 strict, row 1 violates in group 1.
    float a[3 * 10] = {1, 0, 2, 0, 0,   3, 0,     4, 5, 99, //
                       0, 1, 1, 0, 1,   1, 1,     0, 5, 99, //
                       1, 1, 0, 0, NAN, 0, -0.0f, 0, 0, 99};
    assert_ok(lc_nm_check(a, 1, 9, 10, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, -1);
    assert_ok(lc_nm_check(a, 3, 9, 10, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, 1 * 3 + 1); // row 1 group 1 holds 3
    assert_ok(lc_nm_check(a, 3, 9, 10, 2, 4, LC_NM_AT_MOST, &at));
    assert_int_equal(at, 4);
    // Row 2: group 1 holds one nonzero (NaN; -0 is zero), group 2 (width 1) none.
    assert_ok(lc_nm_check(a + 20, 1, 9, 10, 2, 4, LC_NM_AT_MOST, &at));
    assert_int_equal(at, -1);
    assert_ok(lc_nm_check(a + 20, 1, 9, 10, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, 1);
    a[20 + 5] = 2; // now group 1 keeps 2, group 2 (narrower than N: all of it) keeps none
    assert_ok(lc_nm_check(a + 20, 1, 9, 10, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, 2);
    a[20 + 8] = 3;
    assert_ok(lc_nm_check(a + 20, 1, 9, 10, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, -1);
    // K = 10: the last group (width 2 = N) must keep both under strict.
    float b[10] = {1, 1, 0, 0, 1, 0, 0, 1, 1, 0};
    assert_ok(lc_nm_check(b, 1, 10, 10, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, 2);
    assert_ok(lc_nm_check(b, 1, 10, 10, 2, 4, LC_NM_AT_MOST, &at));
    assert_int_equal(at, -1);
    assert_ok(lc_nm_check(NULL, 0, 5, 5, 2, 4, LC_NM_STRICT, &at));
    assert_int_equal(at, -1);
    // Bad arguments, each with a message; the output stays unchanged.
    at = 42;
    const char *who = "lc_nm_check";
    EXPECT(lc_nm_check(a, 1, 9, 10, 2, 4, LC_NM_STRICT, NULL), LC_ERR_ARG, "NULL violation");
    EXPECT(lc_nm_check(a, 1, 9, 10, 4, 4, LC_NM_STRICT, &at), LC_ERR_ARG, "N:M = 4:4");
    EXPECT(lc_nm_check(a, 1, 9, 10, 0, 4, LC_NM_STRICT, &at), LC_ERR_ARG, "N:M = 0:4");
    EXPECT(lc_nm_check(a, 1, 9, 10, 2, 17, LC_NM_STRICT, &at), LC_ERR_ARG, "N:M = 2:17");
    EXPECT(lc_nm_check(a, 1, 9, 8, 2, 4, LC_NM_STRICT, &at), LC_ERR_ARG, "lda = 8");
    EXPECT(lc_nm_check(NULL, 1, 9, 10, 2, 4, LC_NM_STRICT, &at), LC_ERR_ARG, "NULL array");
    EXPECT(lc_nm_check(a, -1, 9, 10, 2, 4, LC_NM_STRICT, &at), LC_ERR_ARG, who);
    EXPECT(lc_nm_check(a, 1, 9, 10, 2, 4, (lc_nm_mode)5, &at), LC_ERR_ARG, "mode 5");
    assert_int_equal(at, 42);
    // Random: a generated matrix is strict N:M, a pruned sparse one at most N:M.
    for (size_t ci = 0; ci < nm_nconfigs; ci++) {
        lc_mat *A = NULL;
        assert_ok(
            lci_nm_random(&A, 9, 37, nm_configs[ci].n, nm_configs[ci].mg, nm_configs[ci].v, ci));
        float *d = tu_dense_of(A);
        assert_ok(
            lc_nm_check(d, 9, 37, 37, nm_configs[ci].n, nm_configs[ci].mg, LC_NM_STRICT, &at));
        assert_int_equal(at, -1);
        free(d);
        lc_mat_free(A);
        A = make_nm(nm_configs[ci], 9, 37, ci, &d);
        assert_ok(
            lc_nm_check(d, 9, 37, 37, nm_configs[ci].n, nm_configs[ci].mg, LC_NM_AT_MOST, &at));
        assert_int_equal(at, -1);
        free(d);
        lc_mat_free(A);
    }
}

// Conversion from dense keeps, in each row group and group, exactly the min(N, w) columns of
// largest summed |a| (a column zero in every row ranks last), ties to the lower column; kept
// zeros become stored zeros; everything else is dropped.
static void test_pruning(void **state) {
    (void)state;
    const float pool[] = {1, -1, 2, -2, 0.5f, 0, 0, 3, -0.25f, INFINITY, NAN};
    lci_rng rng;
    lci_rng_seed(&rng, 11);
    for (size_t ci = 0; ci < nm_nconfigs; ci++) {
        const nm_shape c = nm_configs[ci];
        const int64_t m = 11, k = 2 * c.mg + 3, groups = (k + c.mg - 1) / c.mg;
        float a[11 * 35];
        for (int64_t i = 0; i < m * k; i++) // small pool: many ties, zeros, a few non-finite
            a[i] = pool[lci_rng_below(&rng, ci % 3 ? 9 : 11)];
        lc_mat_params p = {.nm_n = c.n, .nm_m = c.mg, .nm_rows = c.v};
        lc_mat *A = NULL;
        assert_ok(lc_mat_from_dense(&A, LC_FORMAT_NM, m, k, a, k, &p));
        float *d = tu_dense_of(A);
        for (int64_t r = 0; r * c.v < m; r++) {
            const int64_t i0 = r * c.v, i1 = i0 + c.v < m ? i0 + c.v : m;
            for (int64_t g = 0; g < groups; g++) {
                const int64_t w = k - g * c.mg < c.mg ? k - g * c.mg : c.mg;
                double score[16];
                bool keep[16] = {0};
                for (int64_t q = 0; q < w; q++) {
                    score[q] = -1;
                    for (int64_t i = i0; i < i1; i++)
                        if (a[i * k + g * c.mg + q] != 0.0f)
                            score[q] = (score[q] < 0 ? 0 : score[q]) +
                                       fabs((double)a[i * k + g * c.mg + q]);
                }
                for (int64_t t = 0; t < c.n && t < w; t++) {
                    int64_t best = -1;
                    for (int64_t q = 0; q < w; q++) {
                        if (keep[q]) continue;
                        if (best < 0 ||
                            (!isnan(score[best]) && (isnan(score[q]) || score[q] > score[best])))
                            best = q;
                    }
                    keep[best] = true;
                }
                for (int64_t i = i0; i < i1; i++)
                    for (int64_t q = 0; q < w; q++) {
                        const float got = d[i * k + g * c.mg + q], src = a[i * k + g * c.mg + q];
                        const float want = keep[q] ? src : 0.0f;
                        if (!(got == want || (isnan(got) && isnan(want))))
                            fail_msg("%d:%d v=%d row %lld col %lld: %g, expected %g", c.n, c.mg,
                                     c.v, (long long)i, (long long)(g * c.mg + q), got, want);
                    }
            }
        }
        free(d);
        lc_mat_free(A);
    }
    // Defaults: 2:4 with no params; nm_m alone gives N = M/2; nm_n alone keeps M = 4.
    float ones[16];
    for (int i = 0; i < 16; i++) ones[i] = 1.0f;
    const lc_mat_params defaults[] = {{0}, {.nm_m = 8}, {.nm_n = 3}};
    const int64_t stored[] = {8, 8, 12};
    for (int t = 0; t < 3; t++) {
        lc_mat *A = NULL;
        assert_ok(lc_mat_from_dense(&A, LC_FORMAT_NM, 1, 16, ones, 16, t ? &defaults[t] : NULL));
        assert_int_equal(tu_stored(A), stored[t]);
        float *d = tu_dense_of(A);
        for (int i = 0; i < 16; i++) // ties: the lowest columns of each group
            assert_true(d[i] == (i % (t == 1 ? 8 : 4) < stored[t] / (t == 1 ? 2 : 4)));
        free(d);
        lc_mat_free(A);
    }
}

// Conversions: N:M ↔ CSR, COO, dense are lossless for an N:M matrix (stored zeros included:
// a CSR matrix that already is N:M converts back to the same entries).
static void test_round_trips(void **state) {
    (void)state;
    const lc_format f[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    for (size_t ci = 0; ci < nm_nconfigs; ci += 3) {
        const nm_shape c = nm_configs[ci];
        lc_mat_params p = {.nm_n = c.n, .nm_m = c.mg, .nm_rows = c.v};
        float *d = NULL;
        lc_mat *A = make_nm(c, 70, 2 * c.mg + 1, ci + 3, &d);
        for (int t = 0; t < 3; t++) {
            lc_mat *B = NULL, *C = NULL;
            assert_ok(lc_mat_convert(&B, A, f[t], NULL));
            assert_ok(lc_mat_convert(&C, B, LC_FORMAT_NM, &p));
            float *dc = tu_dense_of(C);
            assert_memory_equal(d, dc, (size_t)(70 * (2 * c.mg + 1)) * sizeof(float));
            // CSR and COO keep the stored zeros, so the count survives too.
            if (f[t] != LC_FORMAT_DENSE) {
                assert_int_equal(tu_stored(B), tu_stored(A));
                assert_int_equal(tu_stored(C), tu_stored(A));
            }
            free(dc);
            lc_mat_free(B), lc_mat_free(C);
        }
        free(d);
        lc_mat_free(A);
    }
    // A CSR matrix with an explicit zero at a kept position, 1:2: converted and back, unchanged.
    const int64_t ptr[] = {0, 3, 6};
    const int32_t col[] = {0, 3, 4, 1, 2, 4};
    const float val[] = {1, 0, 2, 3, 4, -5};
    lc_mat *S = NULL, *N = NULL, *T = NULL;
    assert_ok(lc_mat_create_csr(&S, 2, 5, ptr, col, val));
    lc_mat_params half = {.nm_n = 1, .nm_m = 2};
    assert_ok(lc_mat_convert(&N, S, LC_FORMAT_NM, &half));
    assert_ok(lc_mat_convert(&T, N, LC_FORMAT_CSR, NULL));
    assert_int_equal(tu_stored(T), 6);
    float *ds = tu_dense_of(S), *dt = tu_dense_of(T);
    assert_memory_equal(ds, dt, 10 * sizeof(float));
    free(ds), free(dt);
    lc_mat_free(S), lc_mat_free(N), lc_mat_free(T);
}

// lc_mat_info: counts (a last group narrower than N stores only its columns), flops, bytes
// (values and bitmaps), layout; lc_mat_optimize has nothing to repack.
static void test_info(void **state) {
    (void)state;
    // 5×9, 3:4, v = 2: groups of 4, 4, 1 keep 3, 3, 1 per row; 3 row groups × 1 tile × 2 words.
    float val[5 * 3 * 3];
    uint8_t pos[3 * 3 * 3];
    for (int i = 0; i < 45; i++) val[i] = (float)i;
    for (int r = 0; r < 3; r++)
        for (int g = 0; g < 3; g++)
            for (int j = 0; j < 3; j++) pos[(r * 3 + g) * 3 + j] = (uint8_t)(g < 2 ? j + r % 2 : 0);
    lc_mat *A = NULL;
    assert_ok(lc_mat_create_nm(&A, 5, 9, 3, 4, 2, val, pos));
    struct lc_mat_info info;
    assert_ok(lc_mat_info(A, &info));
    assert_int_equal(info.format, LC_FORMAT_NM);
    assert_int_equal(info.m, 5);
    assert_int_equal(info.k, 9);
    assert_int_equal(info.stored, 35);
    assert_int_equal(info.useful, 35);
    assert_int_equal(info.nonzeros, 34); // val[0] of row 0 is an explicit zero
    assert_true(info.flops_per_col == 70.0 && info.exec_flops_per_col == 70.0);
    assert_int_equal(info.bytes, 35 * 4 + 3 * 2 * 8);
    assert_int_equal(info.extra_bytes, 0);
    assert_string_equal(info.layout, "plain");
    // Row 3 (row group 1: positions 1, 2, 3) holds val[(3·3 + g)·3 + j].
    float *d = tu_dense_of(A);
    const float row3[9] = {0, 27, 28, 29, 0, 30, 31, 32, 33};
    assert_memory_equal(d + 27, row3, sizeof row3);
    free(d);
    struct lc_mat_info after;
    assert_ok(lc_mat_optimize(A, 64));
    assert_ok(lc_mat_info(A, &after));
    assert_memory_equal(&info, &after, sizeof info);
    lc_mat_free(A);
}

// Bad input: each case its status, a message, and the output left alone.
static void test_bad_input(void **state) {
    (void)state;
    float val[4 * 2 * 2] = {0};
    uint8_t pos[4 * 2 * 2];
    for (int i = 0; i < 16; i++) pos[i] = (uint8_t)(i % 2 ? 3 : 1);
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    const char *who = "lc_mat_create_nm";
    EXPECT(lc_mat_create_nm(NULL, 4, 8, 2, 4, 1, val, pos), LC_ERR_ARG, "NULL output");
    EXPECT(lc_mat_create_nm(&A, -1, 8, 2, 4, 1, val, pos), LC_ERR_ARG, who);
    EXPECT(lc_mat_create_nm(&A, 4, (int64_t)INT32_MAX + 1, 2, 4, 1, val, pos), LC_ERR_OVERFLOW,
           who);
    EXPECT(lc_mat_create_nm(&A, 4, 8, 4, 4, 1, val, pos), LC_ERR_ARG, "N:M = 4:4");
    EXPECT(lc_mat_create_nm(&A, 4, 8, 0, 4, 1, val, pos), LC_ERR_ARG, "N:M = 0:4");
    EXPECT(lc_mat_create_nm(&A, 4, 8, 2, 17, 1, val, pos), LC_ERR_ARG, "N:M = 2:17");
    EXPECT(lc_mat_create_nm(&A, 4, 8, 2, 4, 0, val, pos), LC_ERR_ARG, "rows_per_group = 0");
    EXPECT(lc_mat_create_nm(&A, 4, 8, 2, 4, 1, NULL, pos), LC_ERR_ARG, "NULL val or pos");
    EXPECT(lc_mat_create_nm(&A, 4, 8, 2, 4, 1, val, NULL), LC_ERR_ARG, "NULL val or pos");
    // Positions: past the group, repeated, decreasing, past a narrower last group.
    const struct {
        int64_t k;
        int at, value;
        const char *where;
    } bad[] = {{8, 5, 4, "row group 1, group 0: position 4"},
               {8, 6, 3, "row group 1, group 1: positions 3, 3"},
               {8, 1, 0, "row group 0, group 0: positions 1, 0"},
               {6, 3, 2, "row group 0, group 1: position 2"}};
    for (int t = 0; t < 4; t++) {
        uint8_t p[16];
        memcpy(p, pos, sizeof p);
        if (bad[t].k == 6) // last groups of width 2: positions 0, 1 are fine
            for (int r = 0; r < 4; r++) p[r * 4 + 2] = 0, p[r * 4 + 3] = 1;
        p[bad[t].at] = (uint8_t)bad[t].value;
        EXPECT(lc_mat_create_nm(&A, 4, bad[t].k, 2, 4, 1, val, p), LC_ERR_FORMAT, bad[t].where);
    }
    assert_ptr_equal(A, sentinel);
    // Empty shapes need no arrays; a group narrower than N ignores its later slots.
    assert_ok(lc_mat_create_nm(&A, 0, 8, 2, 4, 1, NULL, NULL));
    lc_mat_free(A);
    assert_ok(lc_mat_create_nm(&A, 4, 0, 2, 4, 3, NULL, NULL));
    lc_mat_free(A);
    uint8_t narrow[4] = {1, 3, 0, 200}; // K = 5: the last group has width 1
    float nv[4] = {1, 2, 3, 4};
    assert_ok(lc_mat_create_nm(&A, 1, 5, 2, 4, 1, nv, narrow));
    float *d = tu_dense_of(A);
    const float want[5] = {0, 1, 0, 2, 3};
    assert_memory_equal(d, want, sizeof want);
    free(d);
    // Conversions with invalid N:M parameters.
    const lc_mat_params params[] = {
        {.nm_n = 4, .nm_m = 4}, {.nm_m = 17}, {.nm_rows = -1}, {.nm_n = -1}, {.nm_m = 1}};
    lc_mat *B = sentinel;
    for (int t = 0; t < 5; t++) {
        EXPECT(lc_mat_convert(&B, A, LC_FORMAT_NM, &params[t]), LC_ERR_ARG, "N:M");
        EXPECT(lc_mat_from_dense(&B, LC_FORMAT_NM, 1, 5, want, 5, &params[t]), LC_ERR_ARG, "N:M");
    }
    assert_ptr_equal(B, sentinel);
    lc_mat_free(A);
}

typedef struct inject_ctx {
    lc_mat *src, *out;
    int what; // 0 create, 1 from dense, 2 random, 3 convert src to N:M, 4 to CSR, 5 product
    lc_layout layout;
    int64_t n, ldx;
    float a[9 * 21], x[21 * 20], y[9 * 20];
} inject_ctx;

static void release_out(void *vc) {
    inject_ctx *c = vc;
    lc_mat_free(c->out);
    c->out = NULL;
}

static lc_status call(void *vc) {
    inject_ctx *c = vc;
    uint8_t pos[9 * 6 * 2];
    for (int i = 0; i < 9 * 6 * 2; i++) pos[i] = (uint8_t)(i % 2 ? 2 : 0);
    lc_mat_params p = {.nm_n = 1, .nm_m = 3, .nm_rows = 2};
    const int cols = c->layout == LC_LAYOUT_COLS;
    switch (c->what) {
    case 0:
        return lc_mat_create_nm(&c->out, 9, 21, 2, 4, 1, c->a, pos);
    case 1:
        return lc_mat_from_dense(&c->out, LC_FORMAT_NM, 9, 21, c->a, 21, NULL);
    case 2:
        return lci_nm_random(&c->out, 9, 21, 2, 4, 2, 1);
    case 3:
        return lc_mat_convert(&c->out, c->src, LC_FORMAT_NM, &p);
    case 4:
        return lc_mat_convert(&c->out, c->src, LC_FORMAT_CSR, NULL);
    default:
        return lc_mat_mm(c->src, c->layout, c->n, 1.0f, c->x, c->ldx, 0.0f, c->y, cols ? c->n : 9);
    }
}

// Every allocation of every constructor, conversion and product path failing in turn.
static void test_alloc_failure(void **state) {
    (void)state;
    inject_ctx c;
    memset(&c, 0, sizeof c);
    lci_rng rng;
    lci_rng_seed(&rng, 3);
    tu_random_sparse_dense(&rng, 9, 21, 21, 0.5, 0, c.a);
    tu_fill(&rng, c.x, 21 * 20);
    for (c.what = 0; c.what < 3; c.what++) {
        assert_true(tu_inject_each(call, release_out, &c) >= 1);
        assert_null(c.out);
    }
    assert_ok(lc_mat_from_dense(&c.src, LC_FORMAT_CSR, 9, 21, c.a, 21, NULL));
    tu_inject_each(call, release_out, &c); // CSR to N:M
    lc_mat_free(c.src);
    assert_ok(lci_nm_random(&c.src, 9, 21, 2, 4, 2, 1));
    c.what = 4;
    tu_inject_each(call, release_out, &c);
    // Products: SpMM (packs X), small n in the cols layout (a transposed copy), strided SpMV.
    const int64_t ns[][2] = {{20, 0}, {3, 0}, {1, 2}};
    c.what = 5;
    for (int t = 0; t < 3; t++)
        for (int l = 0; l < 2; l++) {
            c.layout = layouts[l];
            c.n = ns[t][0];
            c.ldx = (c.layout == LC_LAYOUT_COLS ? c.n : 21) + ns[t][1];
            tu_inject_each(call, NULL, &c);
        }
    lc_mat_free(c.src);
}

// The benchmark generator: exact counts, strict N:M, values nonzero in [-1, 1), one pattern per
// row group, deterministic per seed, positions spread evenly.
static void test_random(void **state) {
    (void)state;
    for (size_t ci = 0; ci < nm_nconfigs; ci++) {
        const nm_shape c = nm_configs[ci];
        const int64_t m = 37, k = 5 * c.mg + 2;
        lc_mat *A = NULL, *B = NULL, *C = NULL;
        assert_ok(lci_nm_random(&A, m, k, c.n, c.mg, c.v, 7));
        assert_ok(lci_nm_random(&B, m, k, c.n, c.mg, c.v, 7));
        assert_ok(lci_nm_random(&C, m, k, c.n, c.mg, c.v, 8));
        float *a = tu_dense_of(A), *b = tu_dense_of(B), *cc = tu_dense_of(C);
        const int64_t last = k - 5 * c.mg;
        assert_int_equal(tu_stored(A), m * (5 * c.n + (last < c.n ? last : c.n)));
        assert_memory_equal(a, b, (size_t)(m * k) * sizeof(float));
        assert_true(memcmp(a, cc, (size_t)(m * k) * sizeof(float)) != 0);
        int64_t at;
        assert_ok(lc_nm_check(a, m, k, k, c.n, c.mg, LC_NM_STRICT, &at));
        assert_int_equal(at, -1);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < k; j++) {
                const float v = a[i * k + j], first = a[(i / c.v * c.v) * k + j];
                assert_true(v >= -1.0f && v < 1.0f);
                assert_true((v != 0.0f) == (first != 0.0f)); // the row group's pattern
            }
        free(a), free(b), free(cc);
        lc_mat_free(A), lc_mat_free(B), lc_mat_free(C);
    }
    // 2:4 positions: each kept with probability 1/2.
    lc_mat *A = NULL;
    assert_ok(lci_nm_random(&A, 256, 256, 2, 4, 1, 9));
    float *a = tu_dense_of(A);
    int64_t count[4] = {0};
    for (int64_t i = 0; i < 256 * 256; i++) count[i % 4] += a[i] != 0.0f;
    for (int p = 0; p < 4; p++)
        assert_true(count[p] > 256 * 64 * 0.45 && count[p] < 256 * 64 * 0.55);
    free(a);
    lc_mat_free(A);
    assert_status(lci_nm_random(&A, 4, 4, 2, 2, 1, 1), LC_ERR_ARG);
    assert_status(lci_nm_random(&A, 4, 4, 1, 2, 0, 1), LC_ERR_ARG);
    assert_status(lci_nm_random(&A, -4, 4, 1, 2, 1, 1), LC_ERR_ARG);
    assert_status(lci_nm_random(NULL, 4, 4, 1, 2, 1, 1), LC_ERR_ARG);
}

// lc_mat_mm_ws with the workspace lc_mat_workspace_size reports never allocates and gives the
// same result as lc_mat_mm; one byte less is LC_ERR_ARG.

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),       cmocka_unit_test(test_pruning),
        cmocka_unit_test(test_round_trips), cmocka_unit_test(test_info),
        cmocka_unit_test(test_bad_input),   cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
