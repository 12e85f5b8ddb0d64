// test_nn.c: the layers (src/nn): lc_linear and lc_ffn (plain and gated, every activation) over
// dense, CSR, BSR and N:M weights against a double-precision reference with a derived error
// bound, on random and edge shapes; thread-count identity; bad input (exact statuses and messages);
// allocation failures (LC_ERR_NOMEM, no leak).
#include "testutil.h"
#include "nn/nn.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Weight formats: sparse ones built from random matrices with some zeros, so CSR and BSR store
// a fraction of the entries and N:M prunes (references use the matrix as stored).
typedef struct wformat {
    lc_format format;
    lc_mat_params params;
    double density; // of the random source matrix
    const char *name;
} wformat;
static const wformat formats[] = {
    {LC_FORMAT_DENSE, {.density = 0}, 1.0, "dense"},
    {LC_FORMAT_CSR, {.density = 0}, 0.3, "csr"},
    {LC_FORMAT_BSR, {.block_rows = 4, .block_cols = 4}, 0.3, "bsr4x4"},
    {LC_FORMAT_BSR, {.block_rows = 3, .block_cols = 5}, 0.5, "bsr3x5"},
    {LC_FORMAT_NM, {.nm_n = 2, .nm_m = 4}, 1.0, "nm2:4"},
};
#define NFORMATS (int)(sizeof formats / sizeof formats[0])
static const lc_activation acts[] = {LC_ACT_RELU, LC_ACT_GELU_TANH, LC_ACT_GELU_ERF, LC_ACT_SILU};

static const double eps = FLT_EPSILON;
// Largest |act'(x)| over the reals: GELU (either form) 1.129, SiLU 1.100, ReLU 1.
static const double act_lipschitz = 1.13;
// Error of one float activation, in units of eps·|x|, as lacuna.h documents it (measured: at most
// 1.98, the vector GELU erf; tests/test_activation.c pins it down).
static const double act_rounding = 4.0;

// A random d_out×d_in weight of format f and its dense copy as stored (free()).
static lc_mat *make_weight(lci_rng *rng, const wformat *f, int64_t m, int64_t k, float **dense) {
    const int64_t lda = k > 0 ? k : 1;
    float *a = calloc((size_t)(m * lda + 1), sizeof *a);
    tu_random_sparse_dense(rng, m, k, lda, f->density, 1, a);
    lc_mat *w = NULL;
    assert_ok(lc_mat_from_dense(&w, f->format, m, k, a, lda, &f->params));
    free(a);
    *dense = tu_dense_of(w);
    return w;
}

// A random bias of n floats, or NULL when !on (free() accepts both).
static float *make_bias(lci_rng *rng, int64_t n, int on) {
    if (!on) return NULL;
    float *b = malloc((size_t)(n + 1) * sizeof *b);
    tu_fill(rng, b, n);
    return b;
}

// One layer in double: z = v·Wᵀ + b on T rows (v: T×k doubles, z: T×m), with the bound of the
// same layer computed in float from inputs that carry an error up to ev (NULL: exact inputs):
//   |Σ w·δ| + (k+2)·eps·Σ|w|·|v̂|  (lc_mat_mm's bound)  + eps·(|z| + |b|)  (the bias addition),
// with |v̂| <= |v| + ev; folded into ez = Σ|w|·ev + (k+3)·eps·(Σ|w|·(|v| + ev) + |b|).
static void ref_layer(int64_t t, int64_t m, int64_t k, const float *w, const float *b,
                      const double *v, const double *ev, double *z, double *ez) {
    for (int64_t r = 0; r < t; r++) {
        for (int64_t i = 0; i < m; i++) {
            double s = b ? b[i] : 0.0, abs_s = b ? fabs(b[i]) : 0.0, prop = 0.0;
            for (int64_t p = 0; p < k; p++) {
                double wv = w[i * k + p], e = ev ? ev[r * k + p] : 0.0;
                s += wv * v[r * k + p];
                abs_s += fabs(wv) * (fabs(v[r * k + p]) + e);
                prop += fabs(wv) * e;
            }
            z[r * m + i] = s;
            ez[r * m + i] = prop + (double)(k + 3) * eps * abs_s + 1e-30;
        }
    }
}

static double act_ref(lc_activation act, double x) {
    switch (act) {
    case LC_ACT_RELU:
        return x < 0 ? 0 : x;
    case LC_ACT_GELU_TANH:
        return 0.5 * x * (1 + tanh(0.79788456080286536 /* √(2/π) */ * (x + 0.044715 * x * x * x)));
    case LC_ACT_GELU_ERF:
        return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    case LC_ACT_SILU:
        return x / (1 + exp(-x));
    }
    return NAN;
}

// Compares T rows of y (stride ldy, m columns) with z (T×m) within ez, through tu_check (which
// indexes the reference as [output·T + row]); the padding of each row of y must stay NaN.
static void check_rows(int64_t t, int64_t m, const float *y, int64_t ldy, const double *z,
                       const double *ez, const char *what) {
    double *zt = calloc((size_t)(t * m + 1), 8), *et = calloc((size_t)(t * m + 1), 8);
    for (int64_t r = 0; r < t; r++)
        for (int64_t i = 0; i < m; i++) zt[i * t + r] = z[r * m + i], et[i * t + r] = ez[r * m + i];
    tu_check(LC_LAYOUT_ROWS, m, t, y, ldy, zt, et, what);
    for (int64_t r = 0; r < t; r++)
        for (int64_t i = m; i < ldy; i++)
            if (!isnan(y[r * ldy + i]))
                fail_msg("%s: padding of row %lld written", what, (long long)r);
    free(zt), free(et);
}

// T rows of x (stride ldx) and the same in double (T×k).
static float *make_x(lci_rng *rng, int64_t t, int64_t k, int64_t ldx, double **xd) {
    float *x = malloc((size_t)(t * ldx + 1) * sizeof *x);
    tu_fill(rng, x, t * ldx);
    *xd = malloc((size_t)(t * k + 1) * sizeof **xd);
    for (int64_t r = 0; r < t; r++)
        for (int64_t p = 0; p < k; p++) (*xd)[r * k + p] = x[r * ldx + p];
    return x;
}

static float *nan_array(int64_t count) {
    float *y = malloc((size_t)(count + 1) * sizeof *y);
    for (int64_t i = 0; i <= count; i++) y[i] = NAN;
    return y;
}

// {T, d_in, d_out}: empty T, T = 1, d = 1, zero-width layers, ragged and vector-edge sizes.
static const int64_t linear_shapes[][3] = {
    {0, 5, 3},    {1, 1, 1},    {1, 7, 1},   {1, 1, 9},    {4, 1, 1},
    {3, 0, 4},    {3, 4, 0},    {5, 17, 9},  {17, 3, 2},   {33, 65, 31},
    {64, 64, 64}, {2, 129, 40}, {9, 200, 1}, {65, 40, 70}, {16, 16, 16},
};

static void test_linear(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 11);
    const int nshapes = (int)(sizeof linear_shapes / sizeof linear_shapes[0]);
    for (int s = 0; s < nshapes; s++) {
        const int64_t t = linear_shapes[s][0], k = linear_shapes[s][1], m = linear_shapes[s][2];
        for (int f = 0; f < NFORMATS; f++) {
            for (int with_bias = 0; with_bias < 2; with_bias++) {
                const int64_t ldx = (k > 0 ? k : 1) + (s % 2) * 3, ldy = (m > 0 ? m : 1) + (f % 2);
                float *wd, *b = make_bias(&rng, m, with_bias);
                lc_mat *w = make_weight(&rng, &formats[f], m, k, &wd);
                double *xd, *z = malloc((size_t)(t * m + 1) * 8),
                            *ez = malloc((size_t)(t * m + 1) * 8);
                float *x = make_x(&rng, t, k, ldx, &xd), *y = nan_array(t * ldy);
                lc_linear *layer = NULL;
                assert_ok(lc_linear_create(&layer, w, b));
                assert_ok(lc_linear_forward(layer, t, x, ldx, y, ldy));
                assert_string_equal(lc_last_error(), "");
                ref_layer(t, m, k, wd, b, xd, NULL, z, ez);
                char what[96];
                snprintf(what, sizeof what, "linear %s T=%lld %lld->%lld%s", formats[f].name,
                         (long long)t, (long long)k, (long long)m, with_bias ? " +b" : "");
                check_rows(t, m, y, ldy, z, ez, what);
                lc_linear_free(layer);
                lc_mat_free(w);
                free(wd), free(b), free(x), free(xd), free(y), free(z), free(ez);
            }
        }
    }
    lc_linear_free(NULL);
}

// The FFN reference: hidden layers through ref_layer, the activation (and gate) in double with
// the propagated bound, then the down layer on the hidden values and their bounds:
//   a = act(h):  ea = L·eh + c·eps·(|h| + eh)       (L = act_lipschitz, c = act_rounding)
//   p = a·u:     ep = |u|·ea + (|a| + ea)·eu + eps·(|a| + ea)·(|u| + eu)
static void ref_ffn(int64_t t, int64_t d_model, int64_t d_ff, lc_activation act, const float *up,
                    const float *gate, const float *down, const float *bu, const float *bg,
                    const float *bd, const double *xd, double *z, double *ez) {
    const size_t hn = (size_t)(t * d_ff + 1);
    double *h = malloc(hn * 8), *eh = malloc(hn * 8), *u = malloc(hn * 8), *eu = malloc(hn * 8);
    ref_layer(t, d_ff, d_model, gate ? gate : up, gate ? bg : bu, xd, NULL, h, eh);
    if (gate) ref_layer(t, d_ff, d_model, up, bu, xd, NULL, u, eu);
    for (int64_t i = 0; i < t * d_ff; i++) {
        double a = act_ref(act, h[i]);
        double ea = act_lipschitz * eh[i] + act_rounding * eps * (fabs(h[i]) + eh[i]);
        if (gate) {
            double p = a * u[i];
            ea = fabs(u[i]) * ea + (fabs(a) + ea) * eu[i] +
                 eps * (fabs(a) + ea) * (fabs(u[i]) + eu[i]);
            a = p;
        }
        h[i] = a, eh[i] = ea;
    }
    ref_layer(t, d_model, d_ff, down, bd, h, eh, z, ez);
    free(h), free(eh), free(u), free(eu);
}

// {T, d_model, d_ff}
static const int64_t ffn_shapes[][3] = {{0, 4, 6},   {1, 1, 1},   {1, 5, 3},
                                        {3, 8, 1},   {7, 17, 33}, {16, 32, 64},
                                        {33, 20, 9}, {2, 1, 70},  {4, 6, 0}};

static void test_ffn(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 12);
    const int nshapes = (int)(sizeof ffn_shapes / sizeof ffn_shapes[0]);
    int count = 0;
    for (int s = 0; s < nshapes; s++) {
        const int64_t t = ffn_shapes[s][0], dm = ffn_shapes[s][1], df = ffn_shapes[s][2];
        for (int f = 0; f < NFORMATS; f++) {
            for (int a = 0; a < 4; a++) {
                for (int gated = 0; gated < 2; gated++, count++) {
                    // Formats mixed across the three projections; biases on every other case,
                    // each bias alone in turn.
                    const int bias = count % 4; // 0 none, 1 all, 2 up/gate only, 3 down only
                    float *upd, *gd = NULL, *dnd;
                    lc_mat *up = make_weight(&rng, &formats[f], df, dm, &upd);
                    lc_mat *dn = make_weight(&rng, &formats[(f + 1) % NFORMATS], dm, df, &dnd);
                    lc_mat *g =
                        gated ? make_weight(&rng, &formats[(f + 2) % NFORMATS], df, dm, &gd) : NULL;
                    float *bu = make_bias(&rng, df, bias == 1 || bias == 2);
                    float *bg = make_bias(&rng, df, gated && (bias == 1 || bias == 2));
                    float *bd = make_bias(&rng, dm, bias == 1 || bias == 3);
                    const int64_t ldx = (dm > 0 ? dm : 1) + (s % 2), ldy = dm + (count % 3);
                    double *xd, *z = malloc((size_t)(t * dm + 1) * 8);
                    double *ez = malloc((size_t)(t * dm + 1) * 8);
                    float *x = make_x(&rng, t, dm, ldx, &xd), *y = nan_array(t * ldy);
                    lc_ffn *ffn = NULL;
                    assert_ok(lc_ffn_create(&ffn, up, g, dn, acts[a], bu, bg, bd));
                    assert_ok(lc_ffn_forward(ffn, t, x, ldx, y, ldy));
                    ref_ffn(t, dm, df, acts[a], upd, gd, dnd, bu, bg, bd, xd, z, ez);
                    char what[96];
                    snprintf(what, sizeof what, "ffn %s act %d%s T=%lld %lld/%lld bias %d",
                             formats[f].name, a, gated ? " gated" : "", (long long)t, (long long)dm,
                             (long long)df, bias);
                    check_rows(t, dm, y, ldy, z, ez, what);
                    // The workspace form gives the same bits and allocates nothing.
                    size_t ws_size;
                    assert_ok(lc_ffn_workspace_size(ffn, t, &ws_size));
                    void *ws = ws_size ? aligned_alloc(64, (ws_size + 63) / 64 * 64) : NULL;
                    float *y2 = nan_array(t * ldy);
                    tu_alloc_install();
                    tu_fail_after(0);
                    assert_ok(lc_ffn_forward_ws(ffn, t, x, ldx, y2, ldy, ws, ws_size));
                    tu_fail_after(-1);
                    tu_alloc_uninstall();
                    assert_memory_equal(y, y2, (size_t)(t * ldy) * 4);
                    if (ws_size > 0)
                        assert_status(lc_ffn_forward_ws(ffn, t, x, ldx, y2, ldy, ws, ws_size - 1),
                                      LC_ERR_ARG);
                    free(ws), free(y2);
                    // In place (y = x) gives the same bits.
                    if (t > 0 && dm > 0) {
                        assert_ok(lc_ffn_forward(ffn, t, x, ldx, x, ldx));
                        for (int64_t r = 0; r < t; r++)
                            assert_memory_equal(x + r * ldx, y + r * ldy, (size_t)dm * 4);
                    }
                    lc_ffn_free(ffn);
                    lc_mat_free(up), lc_mat_free(g), lc_mat_free(dn);
                    free(upd), free(gd), free(dnd), free(bu), free(bg), free(bd);
                    free(x), free(xd), free(y), free(z), free(ez);
                }
            }
        }
    }
    lc_ffn_free(NULL);
    size_t bytes;
    assert_status(lc_ffn_workspace_size(NULL, 1, &bytes), LC_ERR_ARG);
}

// 1 and 2 threads give the same bits, for a linear layer and an SwiGLU FFN over each format,
// on shapes large enough that the products do split.
static void test_thread_identity(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 13);
    const int64_t t = 48, dm = 256, df = 512;
    for (int f = 0; f < NFORMATS; f++) {
        float *upd, *gd, *dnd, *b = make_bias(&rng, df, 1);
        lc_mat *up = make_weight(&rng, &formats[f], df, dm, &upd);
        lc_mat *g = make_weight(&rng, &formats[f], df, dm, &gd);
        lc_mat *dn = make_weight(&rng, &formats[f], dm, df, &dnd);
        double *xd;
        float *x = make_x(&rng, t, dm, dm, &xd);
        float *y1 = nan_array(t * df), *y2 = nan_array(t * df);
        lc_linear *lin = NULL;
        lc_ffn *ffn = NULL;
        assert_ok(lc_linear_create(&lin, up, b));
        assert_ok(lc_ffn_create(&ffn, up, g, dn, LC_ACT_SILU, b, NULL, NULL));
        assert_ok(lc_threads_set(1));
        assert_ok(lc_linear_forward(lin, t, x, dm, y1, df));
        assert_ok(lc_threads_set(2));
        assert_ok(lc_linear_forward(lin, t, x, dm, y2, df));
        assert_memory_equal(y1, y2, (size_t)(t * df) * 4);
        assert_ok(lc_threads_set(1));
        assert_ok(lc_ffn_forward(ffn, t, x, dm, y1, dm));
        assert_ok(lc_threads_set(2));
        assert_ok(lc_ffn_forward(ffn, t, x, dm, y2, dm));
        assert_memory_equal(y1, y2, (size_t)(t * dm) * 4);
        assert_ok(lc_threads_set(0));
        lc_linear_free(lin);
        lc_ffn_free(ffn);
        lc_mat_free(up), lc_mat_free(g), lc_mat_free(dn);
        free(upd), free(gd), free(dnd), free(b), free(x), free(xd), free(y1), free(y2);
    }
}

#define assert_error(expr, want, text)                                                             \
    do {                                                                                           \
        assert_status(expr, want);                                                                 \
        if (!strstr(lc_last_error(), text))                                                        \
            fail_msg("%s: message \"%s\" lacks \"%s\"", #expr, lc_last_error(), text);             \
    } while (0)

static void test_bad_input(void **state) {
    (void)state;
    float a[6 * 4] = {1, 2, 3, 4, 5, 6, 7, 8}, x[64] = {0}, y[64], y0[64];
    lc_mat *w = NULL, *up = NULL, *dn = NULL, *g = NULL, *bad = NULL;
    assert_ok(lc_mat_create_dense(&w, 3, 4, a, 4));  // a linear layer 4 -> 3
    assert_ok(lc_mat_create_dense(&up, 6, 4, a, 4)); // d_model = 4, d_ff = 6
    assert_ok(lc_mat_create_dense(&g, 6, 4, a, 4));
    assert_ok(lc_mat_create_dense(&dn, 4, 6, a, 6));
    assert_ok(lc_mat_create_dense(&bad, 4, 5, a, 5));
    lc_linear *sentinel = (lc_linear *)&a, *layer = sentinel;
    assert_error(lc_linear_create(NULL, w, NULL), LC_ERR_ARG, "NULL output");
    assert_error(lc_linear_create(&layer, NULL, NULL), LC_ERR_ARG, "NULL weight");
    assert_ptr_equal(layer, sentinel);
    assert_ok(lc_linear_create(&layer, w, a));
    for (int i = 0; i < 64; i++) y[i] = y0[i] = (float)i;
    assert_error(lc_linear_forward(NULL, 1, x, 4, y, 3), LC_ERR_ARG, "NULL layer");
    assert_error(lc_linear_forward(layer, -1, x, 4, y, 3), LC_ERR_ARG, "T = -1 is negative");
    assert_error(lc_linear_forward(layer, 2, x, 3, y, 3), LC_ERR_ARG, "ldx = 3 < d_in = 4");
    assert_error(lc_linear_forward(layer, 2, x, 4, y, 2), LC_ERR_ARG, "ldy = 2 < d_out = 3");
    assert_error(lc_linear_forward(layer, 2, NULL, 4, y, 3), LC_ERR_ARG, "x is NULL");
    assert_error(lc_linear_forward(layer, 2, x, 4, NULL, 3), LC_ERR_ARG, "y is NULL");
    assert_error(lc_linear_forward(layer, 2, y + 2, 4, y, 3), LC_ERR_ARG, "overlap");
    assert_error(lc_linear_forward(layer, INT64_MAX / 2, x, 4, y, 3), LC_ERR_OVERFLOW, "overflows");
    assert_memory_equal(y, y0, sizeof y); // untouched by every failure
    // T = 0 needs no arrays; success clears the message.
    assert_ok(lc_linear_forward(layer, 0, NULL, 4, NULL, 3));
    assert_string_equal(lc_last_error(), "");
    lc_linear_free(layer);

    lc_ffn *fs = (lc_ffn *)&a, *ffn = fs;
    assert_error(lc_ffn_create(NULL, up, NULL, dn, LC_ACT_RELU, NULL, NULL, NULL), LC_ERR_ARG,
                 "NULL output");
    assert_error(lc_ffn_create(&ffn, NULL, NULL, dn, LC_ACT_RELU, NULL, NULL, NULL), LC_ERR_ARG,
                 "NULL up");
    assert_error(lc_ffn_create(&ffn, up, g, NULL, LC_ACT_RELU, NULL, NULL, NULL), LC_ERR_ARG,
                 "NULL down");
    assert_error(lc_ffn_create(&ffn, up, NULL, dn, (lc_activation)4, NULL, NULL, NULL), LC_ERR_ARG,
                 "unknown activation 4");
    assert_error(lc_ffn_create(&ffn, up, NULL, dn, (lc_activation)-1, NULL, NULL, NULL), LC_ERR_ARG,
                 "unknown activation -1");
    assert_error(lc_ffn_create(&ffn, up, NULL, dn, LC_ACT_SILU, NULL, a, NULL), LC_ERR_ARG,
                 "gate bias without a gate");
    assert_error(lc_ffn_create(&ffn, up, dn, dn, LC_ACT_SILU, NULL, NULL, NULL), LC_ERR_ARG,
                 "gate is 4×6 but up is 6×4");
    assert_error(lc_ffn_create(&ffn, up, NULL, bad, LC_ACT_SILU, NULL, NULL, NULL), LC_ERR_ARG,
                 "down is 4×5 but up is 6×4: down must be d_model × d_ff = 4×6");
    assert_error(lc_ffn_create(&ffn, up, NULL, w, LC_ACT_SILU, NULL, NULL, NULL), LC_ERR_ARG,
                 "down is 3×4");
    assert_ptr_equal(ffn, fs);
    assert_ok(lc_ffn_create(&ffn, up, g, dn, LC_ACT_SILU, a, a, a));
    assert_error(lc_ffn_forward(NULL, 1, x, 4, y, 4), LC_ERR_ARG, "NULL FFN");
    assert_error(lc_ffn_forward(ffn, -3, x, 4, y, 4), LC_ERR_ARG, "T = -3 is negative");
    assert_error(lc_ffn_forward(ffn, 2, x, 0, y, 4), LC_ERR_ARG, "ldx = 0 < d_model = 4");
    assert_error(lc_ffn_forward(ffn, 2, x, 4, y, 3), LC_ERR_ARG, "ldy = 3 < d_model = 4");
    assert_error(lc_ffn_forward(ffn, 2, NULL, 4, y, 4), LC_ERR_ARG, "x is NULL");
    assert_error(lc_ffn_forward(ffn, 2, x, 4, NULL, 4), LC_ERR_ARG, "y is NULL");
    assert_error(lc_ffn_forward(ffn, INT64_MAX / 8, x, 4, y, 4), LC_ERR_OVERFLOW, "overflows");
    assert_memory_equal(y, y0, sizeof y);
    assert_ok(lc_ffn_forward(ffn, 0, NULL, 4, NULL, 4));
    lc_ffn_free(ffn);

    // The hidden array's size overflows before anything is allocated: d_ff = INT32_MAX (empty
    // COO projections), T = 2^33 rows of one feature (never read: the check comes first).
    lc_mat *wide = NULL, *narrow = NULL;
    assert_ok(lc_mat_create_coo(&wide, INT32_MAX, 1, 0, NULL, NULL, NULL));
    assert_ok(lc_mat_create_coo(&narrow, 1, INT32_MAX, 0, NULL, NULL, NULL));
    assert_ok(lc_ffn_create(&ffn, wide, NULL, narrow, LC_ACT_RELU, NULL, NULL, NULL));
    assert_error(lc_ffn_forward(ffn, (int64_t)1 << 33, x, 1, y, 1), LC_ERR_OVERFLOW,
                 "d_ff = 2147483647 overflow");
    lc_ffn_free(ffn);
    lc_mat_free(wide), lc_mat_free(narrow);
    lc_mat_free(w), lc_mat_free(up), lc_mat_free(g), lc_mat_free(dn), lc_mat_free(bad);
}

typedef struct inject_ctx {
    const lc_mat *up, *gate, *down;
    const float *bias;
    lc_linear *layer;
    lc_ffn *ffn;
    int64_t t, d_in, d_out;
    const float *x;
    float *y, *y0;
} inject_ctx;

static lc_status inject_linear_create(void *v) {
    inject_ctx *c = v;
    return lc_linear_create(&c->layer, c->up, c->bias);
}

static lc_status inject_ffn_create(void *v) {
    inject_ctx *c = v;
    return lc_ffn_create(&c->ffn, c->up, c->gate, c->down, LC_ACT_GELU_TANH, c->bias, c->bias,
                         c->bias);
}

static void inject_cleanup(void *v) {
    inject_ctx *c = v;
    lc_linear_free(c->layer), lc_ffn_free(c->ffn);
    c->layer = NULL, c->ffn = NULL;
}

// A failed forward leaves y as it was.
static lc_status check_unchanged(inject_ctx *c, lc_status st) {
    if (st != LC_OK) assert_memory_equal(c->y, c->y0, (size_t)(c->t * c->d_out) * 4);
    return st;
}

static lc_status inject_linear_forward(void *v) {
    inject_ctx *c = v;
    return check_unchanged(c, lc_linear_forward(c->layer, c->t, c->x, c->d_in, c->y, c->d_out));
}

static lc_status inject_ffn_forward(void *v) {
    inject_ctx *c = v;
    return check_unchanged(c, lc_ffn_forward(c->ffn, c->t, c->x, c->d_in, c->y, c->d_out));
}

static void test_alloc_failures(void **state) {
    (void)state;
    lci_rng rng;
    lci_rng_seed(&rng, 14);
    // BSR weights: their products allocate packed panels, so forwards have more than one
    // allocation to fail.
    const wformat *bsr = &formats[2];
    const int64_t dm = 24, df = 40, t = 9;
    float *upd, *gd, *dnd, *bias = make_bias(&rng, df, 1);
    inject_ctx c = {.t = t, .d_in = dm, .bias = bias};
    lc_mat *up = make_weight(&rng, bsr, df, dm, &upd), *g = make_weight(&rng, bsr, df, dm, &gd);
    lc_mat *dn = make_weight(&rng, bsr, dm, df, &dnd);
    c.up = up, c.gate = g, c.down = dn;
    double *xd;
    float *x = make_x(&rng, t, dm, dm, &xd);
    c.x = x, c.y = nan_array(t * df), c.y0 = nan_array(t * df);
    // The layer and its bias; the FFN and its three biases.
    assert_int_equal(tu_inject_each(inject_linear_create, inject_cleanup, &c), 2);
    assert_int_equal(tu_inject_each(inject_ffn_create, inject_cleanup, &c), 4);
    // Forwards: the linear layer's product scratch; the FFN's hidden array and each product's.
    assert_ok(lc_linear_create(&c.layer, up, bias));
    c.d_out = df;
    assert_true(tu_inject_each(inject_linear_forward, NULL, &c) >= 1);
    assert_ok(lc_ffn_create(&c.ffn, up, g, dn, LC_ACT_SILU, bias, NULL, NULL));
    c.d_out = dm;
    memcpy(c.y, c.y0, (size_t)(t * df) * 4);
    assert_true(tu_inject_each(inject_ffn_forward, NULL, &c) >= 4);
    inject_cleanup(&c);
    lc_mat_free(up), lc_mat_free(g), lc_mat_free(dn);
    free(upd), free(gd), free(dnd), free(bias), free(x), free(xd), free(c.y), free(c.y0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear),          cmocka_unit_test(test_ffn),
        cmocka_unit_test(test_thread_identity), cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
