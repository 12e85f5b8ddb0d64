// test_alloc.c: allocation-failure injection: every constructor, conversion, pruning and apply
// path is run with its k-th allocation failing, for every k, and must return LC_ERR_NOMEM,
// leave its output untouched and leak nothing.
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

typedef struct ctx {
    lc_mat *src, *out;
    lc_format format;
    lc_layout layout;
    const lc_mat_params *params;
    float a[8 * 9], x[9 * 5], y[8 * 5];
} ctx;

static void release_out(void *vc) {
    ctx *c = vc;
    lc_mat_free(c->out);
    c->out = NULL;
}

static lc_status call_dense(void *vc) {
    ctx *c = vc;
    return lc_mat_create_dense(&c->out, 8, 9, c->a, 9);
}

static lc_status call_coo(void *vc) {
    ctx *c = vc;
    int32_t row[] = {3, 1, 3, 0}, col[] = {2, 0, 2, 8};
    float val[] = {1, 2, 3, 4};
    return lc_mat_create_coo(&c->out, 8, 9, 4, row, col, val);
}

static lc_status call_csr(void *vc) {
    ctx *c = vc;
    // Unsorted with a duplicate, so canonicalisation allocates its sort buffers too.
    int64_t ptr[] = {0, 3, 3, 3, 3, 3, 3, 3, 4};
    int32_t col[] = {5, 1, 5, 0};
    float val[] = {1, 2, 3, 4};
    return lc_mat_create_csr(&c->out, 8, 9, ptr, col, val);
}

static lc_status call_from_dense(void *vc) {
    ctx *c = vc;
    return lc_mat_from_dense(&c->out, c->format, 8, 9, c->a, 9, c->params);
}

static lc_status call_convert(void *vc) {
    ctx *c = vc;
    return lc_mat_convert(&c->out, c->src, c->format, c->params);
}

static lc_status call_mm(void *vc) {
    ctx *c = vc;
    int cols = c->layout == LC_LAYOUT_COLS;
    return lc_mat_mm(c->src, c->layout, 5, 1.0f, c->x, cols ? 5 : 9, 0.0f, c->y, cols ? 5 : 8);
}

static void setup(ctx *c) {
    memset(c, 0, sizeof *c);
    lci_rng rng;
    lci_rng_seed(&rng, 4);
    tu_random_sparse_dense(&rng, 8, 9, 9, 0.4, 1, c->a);
    tu_fill(&rng, c->x, 45);
}

static void test_constructors(void **state) {
    (void)state;
    ctx c;
    setup(&c);
    tu_call_fn calls[] = {call_dense, call_coo, call_csr};
    for (int i = 0; i < 3; i++) {
        int64_t points = tu_inject_each(calls[i], release_out, &c);
        assert_true(points >= 1); // every constructor allocates
        assert_null(c.out);
    }
}

static void test_conversions(void **state) {
    (void)state;
    ctx c;
    setup(&c);
    const lc_format f[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    lc_mat_params pruned = {.density = 0.3};
    for (int to = 0; to < 3; to++) {
        c.format = f[to];
        for (int pi = 0; pi < 2; pi++) {
            c.params = pi ? &pruned : NULL;
            tu_inject_each(call_from_dense, release_out, &c);
            for (int from = 0; from < 3; from++) {
                assert_ok(lc_mat_from_dense(&c.src, f[from], 8, 9, c.a, 9, NULL));
                tu_inject_each(call_convert, release_out, &c);
                lc_mat_free(c.src);
            }
        }
    }
}

static void test_apply(void **state) {
    (void)state;
    ctx c;
    setup(&c);
    const lc_format f[] = {LC_FORMAT_DENSE, LC_FORMAT_COO, LC_FORMAT_CSR};
    for (int fi = 0; fi < 3; fi++) {
        assert_ok(lc_mat_from_dense(&c.src, f[fi], 8, 9, c.a, 9, NULL));
        for (int l = 0; l < 2; l++) {
            c.layout = l ? LC_LAYOUT_ROWS : LC_LAYOUT_COLS;
            tu_inject_each(call_mm, NULL, &c);
        }
        lc_mat_free(c.src);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructors),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_apply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
