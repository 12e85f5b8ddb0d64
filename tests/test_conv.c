// test_conv.c: lc_conv2d against a direct convolution computed in double, on random shapes (c_in
// 1..3, kernels from 1×1, stride 1..3, pad 0..2, batch 0..2), the weight dense and CSR, at every
// ISA; output sizes; bad input with exact statuses; allocation failures in create and forward.
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct conv_case {
    int64_t batch, c_in, c_out, h, w, kh, kw, stride, pad;
} conv_case;

// The direct convolution in double, and its bound (K+3)·eps·(Σ|w·x| + |b|) per output.
static void reference(const conv_case *c, const float *wt, const float *bias, const float *x,
                      int64_t ho, int64_t wo, double *y, double *bound) {
    const int64_t k = c->c_in * c->kh * c->kw;
    for (int64_t b = 0; b < c->batch; b++)
        for (int64_t co = 0; co < c->c_out; co++)
            for (int64_t oh = 0; oh < ho; oh++)
                for (int64_t ow = 0; ow < wo; ow++) {
                    double s = bias ? bias[co] : 0, a = bias ? fabs(bias[co]) : 0;
                    for (int64_t ci = 0; ci < c->c_in; ci++)
                        for (int64_t i = 0; i < c->kh; i++)
                            for (int64_t j = 0; j < c->kw; j++) {
                                int64_t iy = oh * c->stride - c->pad + i,
                                        ix = ow * c->stride - c->pad + j;
                                if (iy < 0 || iy >= c->h || ix < 0 || ix >= c->w) continue;
                                double p = (double)wt[co * k + (ci * c->kh + i) * c->kw + j] *
                                           x[((b * c->c_in + ci) * c->h + iy) * c->w + ix];
                                s += p;
                                a += fabs(p);
                            }
                    int64_t at = ((b * c->c_out + co) * ho + oh) * wo + ow;
                    y[at] = s;
                    bound[at] = (double)(k + 3) * FLT_EPSILON * a + 1e-30;
                }
}

static void run_case(lci_rng *rng, const conv_case *c, lc_format format) {
    const int64_t k = c->c_in * c->kh * c->kw;
    float *wt = malloc((size_t)(c->c_out * k) * sizeof(float));
    float *bias = malloc((size_t)c->c_out * sizeof(float));
    tu_random_sparse_dense(rng, c->c_out, k, k, format == LC_FORMAT_CSR ? 0.5 : 1.0, 0, wt);
    tu_fill(rng, bias, c->c_out);
    const bool with_bias = lci_rng_below(rng, 2);
    lc_mat *w;
    assert_ok(lc_mat_from_dense(&w, format, c->c_out, k, wt, k, NULL));
    lc_conv2d *conv;
    assert_ok(lc_conv2d_create(&conv, w, with_bias ? bias : NULL, c->c_in, c->kh, c->kw, c->stride,
                               c->pad));
    int64_t ho, wo;
    assert_ok(lc_conv2d_out_size(conv, c->h, c->w, &ho, &wo));
    assert_int_equal(ho, (c->h + 2 * c->pad - c->kh) / c->stride + 1);
    assert_int_equal(wo, (c->w + 2 * c->pad - c->kw) / c->stride + 1);
    const int64_t nx = c->batch * c->c_in * c->h * c->w, ny = c->batch * c->c_out * ho * wo;
    float *x = malloc((size_t)(nx + 1) * sizeof(float)), *y = malloc((size_t)(ny + 1) * 4);
    double *yr = malloc((size_t)(ny + 1) * 8), *bound = malloc((size_t)(ny + 1) * 8);
    tu_fill(rng, x, nx);
    for (int64_t i = 0; i < ny; i++) y[i] = NAN;
    reference(c, wt, with_bias ? bias : NULL, x, ho, wo, yr, bound);
    assert_ok(lc_conv2d_forward(conv, c->batch, c->h, c->w, x, y));
    for (int64_t i = 0; i < ny; i++)
        if (!(fabs(y[i] - yr[i]) <= bound[i]))
            fail_msg("%s conv b%lld c%lld->%lld %lldx%lld k%lldx%lld s%lld p%lld: y[%lld] = %.9g, "
                     "reference %.9g",
                     lc_format_name(format), (long long)c->batch, (long long)c->c_in,
                     (long long)c->c_out, (long long)c->h, (long long)c->w, (long long)c->kh,
                     (long long)c->kw, (long long)c->stride, (long long)c->pad, (long long)i,
                     (double)y[i], yr[i]);
    lc_conv2d_free(conv);
    lc_mat_free(w);
    free(wt), free(bias), free(x), free(y), free(yr), free(bound);
}

static void random_cases(void) {
    lci_rng rng;
    lci_rng_seed(&rng, 10);
    int run = 0;
    for (int t = 0; t < 300; t++) {
        conv_case c = {.batch = (int64_t)lci_rng_below(&rng, 3),
                       .c_in = 1 + (int64_t)lci_rng_below(&rng, 3),
                       .c_out = 1 + (int64_t)lci_rng_below(&rng, 5),
                       .h = 1 + (int64_t)lci_rng_below(&rng, 9),
                       .w = 1 + (int64_t)lci_rng_below(&rng, 9),
                       .kh = 1 + (int64_t)lci_rng_below(&rng, 4),
                       .kw = 1 + (int64_t)lci_rng_below(&rng, 4),
                       .stride = 1 + (int64_t)lci_rng_below(&rng, 3),
                       .pad = (int64_t)lci_rng_below(&rng, 3)};
        if (t % 10 == 0) c.kh = c.kw = 1; // 1×1 kernels
        if (c.h + 2 * c.pad < c.kh || c.w + 2 * c.pad < c.kw) continue;
        run_case(&rng, &c, t % 2 ? LC_FORMAT_CSR : LC_FORMAT_DENSE);
        run++;
    }
    assert_true(run > 150);
    // LeNet's shapes: a batch larger than one chunk of im2col rows.
    conv_case lenet = {40, 1, 6, 32, 32, 5, 5, 1, 0};
    run_case(&rng, &lenet, LC_FORMAT_DENSE);
    conv_case lenet3 = {3, 6, 16, 14, 14, 5, 5, 1, 0};
    run_case(&rng, &lenet3, LC_FORMAT_CSR);
}

static void test_conv_random(void **state) {
    (void)state;
    tu_each_isa(random_cases);
}

static void test_conv_bad_input(void **state) {
    (void)state;
    float wt[2 * 12] = {0}, x[64] = {0}, y[64];
    lc_mat *w;
    assert_ok(lc_mat_create_dense(&w, 2, 12, wt, 12));
    lc_conv2d *conv = NULL;
    assert_status(lc_conv2d_create(NULL, w, NULL, 3, 2, 2, 1, 0), LC_ERR_ARG);
    assert_status(lc_conv2d_create(&conv, NULL, NULL, 3, 2, 2, 1, 0), LC_ERR_ARG);
    assert_status(lc_conv2d_create(&conv, w, NULL, 0, 2, 2, 1, 0), LC_ERR_ARG);
    assert_status(lc_conv2d_create(&conv, w, NULL, 3, 2, 2, 0, 0), LC_ERR_ARG);
    assert_status(lc_conv2d_create(&conv, w, NULL, 3, 2, 2, 1, -1), LC_ERR_ARG);
    assert_status(lc_conv2d_create(&conv, w, NULL, 2, 2, 2, 1, 0), LC_ERR_ARG); // K = 8 ≠ 12
    assert_status(lc_conv2d_create(&conv, w, NULL, 3, INT64_MAX, 2, 1, 0), LC_ERR_ARG);
    assert_null(conv);
    assert_ok(lc_conv2d_create(&conv, w, NULL, 3, 2, 2, 1, 0));
    int64_t ho, wo;
    assert_status(lc_conv2d_out_size(NULL, 4, 4, &ho, &wo), LC_ERR_ARG);
    assert_status(lc_conv2d_out_size(conv, 4, 4, NULL, &wo), LC_ERR_ARG);
    assert_status(lc_conv2d_out_size(conv, 1, 4, &ho, &wo), LC_ERR_ARG); // smaller than kernel
    assert_status(lc_conv2d_out_size(conv, -1, 4, &ho, &wo), LC_ERR_ARG);
    assert_status(lc_conv2d_forward(NULL, 1, 4, 4, x, y), LC_ERR_ARG);
    assert_status(lc_conv2d_forward(conv, -1, 4, 4, x, y), LC_ERR_ARG);
    assert_status(lc_conv2d_forward(conv, 1, 4, 1, x, y), LC_ERR_ARG);
    assert_status(lc_conv2d_forward(conv, 1, 4, 4, NULL, y), LC_ERR_ARG);
    assert_status(lc_conv2d_forward(conv, 1, 4, 4, x, NULL), LC_ERR_ARG);
    assert_status(lc_conv2d_forward(conv, 1, 4, 4, x, x + 8), LC_ERR_ARG); // overlap
    assert_status(lc_conv2d_forward(conv, INT64_MAX / 8, 4, 4, x, y), LC_ERR_OVERFLOW);
    assert_status(lc_conv2d_forward(conv, 2, INT64_MAX / 2, 4, x, y), LC_ERR_OVERFLOW);
    // batch 0 touches nothing.
    assert_ok(lc_conv2d_forward(conv, 0, 4, 4, NULL, NULL));
    lc_conv2d_free(conv);
    lc_conv2d_free(NULL);
    // A huge pad overflows the padded size.
    assert_ok(lc_conv2d_create(&conv, w, NULL, 3, 2, 2, 1, INT64_MAX / 2 + 1));
    assert_status(lc_conv2d_out_size(conv, 4, 4, &ho, &wo), LC_ERR_OVERFLOW);
    lc_conv2d_free(conv);
    lc_mat_free(w);
}

typedef struct inject_ctx {
    lc_mat *w;
    const float *bias, *x;
    float *y;
    lc_conv2d *conv;
} inject_ctx;

static lc_status inject_create(void *p) {
    inject_ctx *c = p;
    return lc_conv2d_create(&c->conv, c->w, c->bias, 2, 3, 3, 1, 1);
}
static void inject_cleanup(void *p) {
    inject_ctx *c = p;
    lc_conv2d_free(c->conv);
    c->conv = NULL;
}
static lc_status inject_forward(void *p) {
    inject_ctx *c = p;
    return lc_conv2d_forward(c->conv, 3, 6, 5, c->x, c->y);
}

static void test_conv_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 11);
    float wt[4 * 18], bias[4], x[3 * 2 * 30], y[3 * 4 * 30], y0[3 * 4 * 30];
    tu_fill(&rng, wt, 4 * 18), tu_fill(&rng, bias, 4), tu_fill(&rng, x, 3 * 2 * 30);
    inject_ctx c = {.bias = bias, .x = x, .y = y};
    assert_ok(lc_mat_from_dense(&c.w, LC_FORMAT_CSR, 4, 18, wt, 18, NULL));
    assert_int_equal(tu_inject_each(inject_create, inject_cleanup, &c), 2);
    tu_alloc_install();
    assert_ok(lc_conv2d_create(&c.conv, c.w, bias, 2, 3, 3, 1, 1));
    for (int i = 0; i < 3 * 4 * 30; i++) y[i] = y0[i] = (float)i;
    // Each failure leaves y unchanged.
    int64_t k = 0;
    for (;; k++) {
        tu_fail_after(k);
        lc_status st = inject_forward(&c);
        tu_fail_after(-1);
        if (st == LC_OK) break;
        assert_int_equal(st, LC_ERR_NOMEM);
        assert_memory_equal(y, y0, sizeof y);
    }
    assert_true(k >= 2);
    inject_cleanup(&c);
    assert_int_equal(tu_live(), 0);
    tu_alloc_uninstall();
    lc_mat_free(c.w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_random),
        cmocka_unit_test(test_conv_bad_input),
        cmocka_unit_test(test_conv_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
