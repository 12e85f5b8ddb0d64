// activation.c: elementwise activations of the FFN: ReLU, GELU (tanh and erf forms), SiLU, and
// their gated product act(h)·u. The plain C kernel (one value at a time with libm, the oracle of
// activation_avx2.c / activation_avx512.c) and the driver that splits a call across threads.
#include "nn.h"

#include <math.h>

// max(x, 0), written so that NaN stays NaN.
static inline float relu(float x) {
    return x < 0.0f ? 0.0f : x;
}

// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). For x → −Inf the product 0.5·x·0 would be NaN;
// the limit is 0.
static inline float gelu_tanh(float x) {
    if (x == -INFINITY) return -0.0f;
    const float c = 0.7978845608028654f; // √(2/π)
    float inner = c * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.0f + tanhf(inner));
}

// 0.5·x·(1 + erf(x/√2)); −Inf as above.
static inline float gelu_erf(float x) {
    if (x == -INFINITY) return -0.0f;
    return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f));
}

// x / (1 + e^−x); at x = −Inf, −Inf/Inf would be NaN, the limit is 0. A large finite negative x
// gives e^−x = Inf and x / Inf = −0, which is the limit too.
static inline float silu(float x) {
    if (x == -INFINITY) return -0.0f;
    return x / (1.0f + expf(-x));
}

bool lci_activation_valid(lc_activation act) {
    return act == LC_ACT_RELU || act == LC_ACT_GELU_TANH || act == LC_ACT_GELU_ERF ||
           act == LC_ACT_SILU;
}

float lci_activation_eval(lc_activation act, float x) {
    switch (act) {
    case LC_ACT_RELU:
        return relu(x);
    case LC_ACT_GELU_TANH:
        return gelu_tanh(x);
    case LC_ACT_GELU_ERF:
        return gelu_erf(x);
    case LC_ACT_SILU:
        return silu(x);
    }
    return x; // unreachable: callers validate act
}

// One elementwise pass; called with a constant fn, which the compiler inlines, so each inner
// loop holds no switch and no indirect call.
static inline void act_loop(float (*fn)(float), float *h, const float *u, int64_t count) {
    if (u)
        for (int64_t i = 0; i < count; i++) h[i] = fn(h[i]) * u[i];
    else
        for (int64_t i = 0; i < count; i++) h[i] = fn(h[i]);
}

void lci_activation_ref(lc_activation act, float *h, const float *u, int64_t count) {
    switch (act) {
    case LC_ACT_RELU:
        act_loop(relu, h, u, count);
        break;
    case LC_ACT_GELU_TANH:
        act_loop(gelu_tanh, h, u, count);
        break;
    case LC_ACT_GELU_ERF:
        act_loop(gelu_erf, h, u, count);
        break;
    case LC_ACT_SILU:
        act_loop(silu, h, u, count);
        break;
    }
}

const lci_kernel lci_activation_kernels_ref[] = {
    {LCI_KERNEL_ACTIVATION, LC_ISA_GENERIC, "lci_activation_ref", (lci_fn)lci_activation_ref},
    {0, 0, NULL, NULL},
};

// Values per thread from which a split pays: a vector GELU costs about 0.4 ns per value, so a
// part is some tens of microseconds against the few of opening a parallel region.
#define ACT_GRAIN 65536

typedef struct act_job {
    lci_activation_fn fn;
    lc_activation act;
    float *h;
    const float *u;
    int64_t count;
    int parts;
} act_job;

// Part p of the job: a contiguous range, its ends multiples of 64 values (whole cache lines for
// aligned arrays). Every value is computed the same way wherever it falls, so the split changes
// no bit.
static void act_part(void *ctx, int part) {
    const act_job *j = ctx;
    const int64_t lines = (j->count + 63) / 64;
    const int64_t lo = lines * part / j->parts * 64, hi_line = lines * (part + 1) / j->parts * 64;
    const int64_t hi = hi_line < j->count ? hi_line : j->count;
    if (lo < hi) j->fn(j->act, j->h + lo, j->u ? j->u + lo : NULL, hi - lo);
}

static void act_run(lc_activation act, float *h, const float *u, int64_t count) {
    act_job j = {(lci_activation_fn)lci_kernel_get(LCI_KERNEL_ACTIVATION), act, h, u, count, 1};
    j.parts = lci_threads_for((double)count, ACT_GRAIN);
    if (j.parts > LCI_MAX_PARTS) j.parts = LCI_MAX_PARTS;
    lci_parallel(j.parts, act_part, &j);
}

void lci_activation_apply(lc_activation act, float *h, int64_t count) {
    act_run(act, h, NULL, count);
}

void lci_activation_gated(lc_activation act, float *h, const float *u, int64_t count) {
    act_run(act, h, u, count);
}
