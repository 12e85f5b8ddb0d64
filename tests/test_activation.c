// test_activation.c: the FFN activations (src/nn/activation*.c), plain and gated, on each ISA the
// host has: against the formulas in double over a sweep of float bit patterns (denormals, large
// |x| and the specials included) within the documented bound (1.5 to 2.5 eps·|x|); the exact
// special values and signs of zero; tails (lengths 0, 1, 15, 16, 17, 1000) with nothing written
// past the end; position and thread-count independence (bitwise); the scalar oracle itself.
#include "testutil.h"
#include "nn/nn.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lc_activation acts[] = {LC_ACT_RELU, LC_ACT_GELU_TANH, LC_ACT_GELU_ERF, LC_ACT_SILU};
static const double eps = FLT_EPSILON;
// The documented bounds, in units of eps·|x| (lacuna.h, docs/design.md), per activation: ReLU
// exact; GELU tanh 1.5, GELU erf 2.5, SiLU 1.5. Measured over every float with 2^-24 <= |x| < 128
// and every 101st bit pattern: vector kernels 1.03 (GELU tanh), 1.98 (GELU erf, near 0 where
// Φ = 1 − erfc/2), 1.0 (SiLU); the libm oracle 1.22, 0.91, 1.0.
static const double act_bound[] = {0.0, 1.5, 2.5, 1.5};

// The formulas in double, in forms that do not cancel for negative x (1 + tanh u and 1 + erf z
// do): x·σ(2u) and x·erfc(−z)/2.
static double act_ref(lc_activation act, double x) {
    switch (act) {
    case LC_ACT_RELU:
        return x < 0 ? 0 : x;
    case LC_ACT_GELU_TANH:
        return x / (1 + exp(-2 * 0.79788456080286536 /* √(2/π) */ * (x + 0.044715 * x * x * x)));
    case LC_ACT_GELU_ERF:
        return 0.5 * x * erfc(-x / sqrt(2.0));
    case LC_ACT_SILU:
        return x / (1 + exp(-x));
    }
    return NAN;
}

static float from_bits(uint32_t b) {
    float f;
    memcpy(&f, &b, 4);
    return f;
}

// Inputs: every 4099th bit pattern (all exponents, both signs, NaNs and denormals), then the
// specials and the edges, then a fine walk over [−12, 12].
static float *sweep_inputs(int64_t *count) {
    const int64_t coarse = (int64_t)(0x100000000ull / 4099) + 1, fine = 24001;
    static const float edges[] = {0.0f,     -0.0f,   INFINITY, -INFINITY, NAN,     FLT_MAX,
                                  -FLT_MAX, FLT_MIN, -FLT_MIN, 1e-45f,    -1e-45f, 88.7f,
                                  -88.7f,   89.5f,   -89.5f,   103.9f,    -103.9f, 1e30f,
                                  -1e30f,   7e12f,   -7e12f,   -5.0f,     -10.0f,  -13.0f};
    const int64_t nedge = (int64_t)(sizeof edges / sizeof edges[0]);
    float *x = malloc((size_t)(coarse + nedge + fine) * sizeof *x);
    int64_t n = 0;
    for (uint64_t b = 0; b < 0x100000000ull; b += 4099) x[n++] = from_bits((uint32_t)b);
    for (int64_t i = 0; i < nedge; i++) x[n++] = edges[i];
    for (int64_t i = 0; i < fine; i++) x[n++] = -12.0f + 0.001f * (float)i;
    *count = n;
    return x;
}

// act(x) as a kernel should give it: the specials exactly (NaN, +Inf, the signed limit at −Inf,
// ±0 with its sign as the oracle has it), else within act_bound·eps·|x| (plus the smallest
// denormal, for denormal x whose half rounds).
static void check_value(lc_activation act, float x, float got, const char *what) {
    const float oracle = lci_activation_eval(act, x);
    if (isnan(x) || isinf(x) || x == 0.0f) {
        if (isnan(x) ? !isnan(got) : memcmp(&got, &oracle, 4) != 0)
            fail_msg("%s: act %d(%g) = %g, want %g bitwise", what, (int)act, x, got, oracle);
        return;
    }
    const double want = act_ref(act, x), err = fabs(got - want);
    if (!(err <= act_bound[act] * eps * fabs(x) + 0x1p-149))
        fail_msg("%s: act %d(%.9g) = %.9g, reference %.9g (%.2f eps·|x|)", what, (int)act, x, got,
                 want, err / (eps * fabs(x)));
}

static void sweep_body(void) {
    char what[64];
    snprintf(what, sizeof what, "isa %s", lc_isa_name(lc_isa_get()));
    int64_t n;
    float *x = sweep_inputs(&n), *h = malloc((size_t)n * sizeof *h);
    float *u = malloc((size_t)n * sizeof *u), *g = malloc((size_t)n * sizeof *g);
    for (int64_t i = 0; i < n; i++) u[i] = 1.75f - (float)(i % 7) * 0.5f;
    for (int a = 0; a < 4; a++) {
        memcpy(h, x, (size_t)n * sizeof *h);
        lci_activation_apply(acts[a], h, n);
        for (int64_t i = 0; i < n; i++) check_value(acts[a], x[i], h[i], what);
        // The gated form is the plain one times u, one rounding more.
        memcpy(g, x, (size_t)n * sizeof *g);
        lci_activation_gated(acts[a], g, u, n);
        for (int64_t i = 0; i < n; i++) {
            const float want = h[i] * u[i];
            if (memcmp(&g[i], &want, 4) != 0 && !(isnan(g[i]) && isnan(want)))
                fail_msg("%s: gated act %d(%g)·%g = %g, want %g", what, a, x[i], u[i], g[i], want);
        }
        // The specials, spelt out.
        const float zero_at_neg_inf = acts[a] == LC_ACT_RELU ? 0.0f : -0.0f;
        float s[] = {NAN, INFINITY, -INFINITY, FLT_MAX, -FLT_MAX, 0.0f, -0.0f};
        lci_activation_apply(acts[a], s, 7);
        assert_true(isnan(s[0]));
        assert_true(s[1] == INFINITY);
        assert_memory_equal(&s[2], &zero_at_neg_inf, 4);
        assert_true(s[3] == FLT_MAX);
        assert_true(s[4] == 0.0f);
        assert_true(s[5] == 0.0f && !signbit(s[5]));
        assert_true(s[6] == 0.0f && signbit(s[6]));
    }
    free(x), free(h), free(u), free(g);
}

static void test_sweep(void **state) {
    (void)state;
    tu_each_isa(sweep_body);
}

// Lengths around the vector width: the kernel writes count values and not one more, and each
// value is the one the same input gives anywhere else (here: in a 1000-value call).
static void tails_body(void) {
    enum { N = 1000 };
    static const int64_t lengths[] = {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 1000};
    const lci_activation_fn fn = (lci_activation_fn)lci_kernel_get(LCI_KERNEL_ACTIVATION);
    assert_non_null(fn);
    float x[N + 1], u[N], whole[N], gwhole[N], h[N + 1];
    for (int i = 0; i < N; i++) x[i] = (float)(i - N / 2) * 0.037f, u[i] = 0.5f + (float)i / N;
    for (int a = 0; a < 4; a++) {
        memcpy(whole, x, sizeof whole), memcpy(gwhole, x, sizeof gwhole);
        fn(acts[a], whole, NULL, N);
        fn(acts[a], gwhole, u, N);
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
            const int64_t len = lengths[l];
            for (int gated = 0; gated < 2; gated++) {
                // Start at an odd offset so the kernel sees an unaligned, ragged range.
                const int64_t off = len < N ? 3 : 0, cnt = len < N - off ? len : N - off;
                memcpy(h, x + off, (size_t)cnt * sizeof *h);
                h[cnt] = 12345.0f;
                fn(acts[a], h, gated ? u + off : NULL, cnt);
                assert_true(h[cnt] == 12345.0f);
                assert_memory_equal(h, (gated ? gwhole : whole) + off, (size_t)cnt * sizeof *h);
            }
        }
    }
}

static void test_tails(void **state) {
    (void)state;
    tu_each_isa(tails_body);
}

// 1 and 2 threads (and the default) give the same bits, on a count that does split, plain and
// gated.
static void threads_body(void) {
    const int64_t n = 300007;
    float *x = malloc((size_t)n * sizeof *x), *u = malloc((size_t)n * sizeof *u);
    float *h1 = malloc((size_t)n * sizeof *h1), *h2 = malloc((size_t)n * sizeof *h2);
    lci_rng rng;
    lci_rng_seed(&rng, 21);
    tu_fill(&rng, x, n), tu_fill(&rng, u, n);
    for (int64_t i = 0; i < n; i++) x[i] *= 8.0f;
    for (int a = 0; a < 4; a++) {
        for (int gated = 0; gated < 2; gated++) {
            memcpy(h1, x, (size_t)n * 4), memcpy(h2, x, (size_t)n * 4);
            assert_ok(lc_threads_set(1));
            if (gated)
                lci_activation_gated(acts[a], h1, u, n);
            else
                lci_activation_apply(acts[a], h1, n);
            assert_ok(lc_threads_set(2));
            if (gated)
                lci_activation_gated(acts[a], h2, u, n);
            else
                lci_activation_apply(acts[a], h2, n);
            assert_memory_equal(h1, h2, (size_t)n * 4);
        }
    }
    assert_ok(lc_threads_set(0));
    free(x), free(u), free(h1), free(h2);
}

static void test_threads(void **state) {
    (void)state;
    tu_each_isa(threads_body);
}

// The scalar oracle (lci_activation_eval, also the generic kernel) against the double formulas,
// and the generic kernel equal to it bitwise.
static void test_oracle(void **state) {
    (void)state;
    int64_t n;
    float *x = sweep_inputs(&n), *h = malloc((size_t)n * sizeof *h);
    for (int a = 0; a < 4; a++) {
        memcpy(h, x, (size_t)n * sizeof *h);
        lci_activation_ref(acts[a], h, NULL, n);
        for (int64_t i = 0; i < n; i++) {
            const float want = lci_activation_eval(acts[a], x[i]);
            if (memcmp(&h[i], &want, 4) != 0 && !(isnan(h[i]) && isnan(want)))
                fail_msg("ref kernel act %d(%g) = %g, eval %g", a, x[i], h[i], want);
            check_value(acts[a], x[i], want, "oracle");
        }
    }
    assert_true(lci_activation_valid(LC_ACT_SILU));
    assert_false(lci_activation_valid((lc_activation)4));
    assert_false(lci_activation_valid((lc_activation)-1));
    free(x), free(h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oracle),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_tails),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
