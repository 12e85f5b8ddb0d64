// activation_avx512.c: the FFN activations h = act(h) (· u when gated) for AVX-512, 16 floats at
// a time, tails by masked loads and stores (so every element runs the same arithmetic wherever
// it falls): a vector e^x (Cody–Waite reduction, Cephes' degree-6 polynomial, scalef), from
// which SiLU = x·σ(x), GELU tanh = x·σ(2u) and GELU erf = x·Φ(x) with Φ from an erfc
// of fractional error 1.2e-7. Accuracy and special values: docs/design.md "### Layers (src/nn)".
#include "nn.h"

#include <immintrin.h>

// e^x. Clamping to [−104, 89] keeps n·ln2 finite; scalef then rounds p·2^n to Inf above 88.72,
// through the denormals to 0 below −87.3. The clamps keep NaN (min/max return their second
// operand when one is NaN), and NaN flows through the polynomial.
static inline __m512 exp_avx512(__m512 x) {
    x = _mm512_min_ps(_mm512_set1_ps(89.0f), x);
    x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // r = x − n·ln2 with ln2 = 0.693359375 − 2.12194440e-4: n·0.693359375 is exact (9 + 8 bits).
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), r);
    return _mm512_scalef_ps(_mm512_add_ps(p, _mm512_set1_ps(1.0f)), n);
}

// The formulas below give −Inf/Inf or −Inf·0 = NaN at x = −Inf; the limit there is −0.
static inline __m512 fix_neg_inf(__m512 x, __m512 y) {
    const __mmask16 neg_inf = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-__builtin_inff()), _CMP_EQ_OQ);
    return _mm512_mask_blend_ps(neg_inf, y, _mm512_set1_ps(-0.0f));
}

// max(x, 0) as the scalar x < 0 ? 0 : x: NaN and −0 come back as they were.
static inline __m512 relu_avx512(__m512 x) {
    return _mm512_max_ps(_mm512_setzero_ps(), x);
}

// x·σ(v) for v of the sign of x: x/(1 + e^−|v|) when x >= 0, x·e^−|v|/(1 + e^−|v|) below,
// so e^−|v| never overflows and a negative x keeps its relative accuracy down to the underflow.
static inline __m512 x_sigmoid_avx512(__m512 x, __m512 v) {
    const __m512 e = exp_avx512(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_abs_ps(v)));
    const __mmask16 neg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ);
    const __m512 num = _mm512_mask_mul_ps(x, neg, x, e);
    return fix_neg_inf(x, _mm512_div_ps(num, _mm512_add_ps(_mm512_set1_ps(1.0f), e)));
}

// x·σ(x) = x / (1 + e^−x).
static inline __m512 silu_avx512(__m512 x) {
    return x_sigmoid_avx512(x, x);
}

// 0.5·x·(1 + tanh u) = x·σ(2u), u = √(2/π)·(x + 0.044715·x³): 2u = x·(a + b·x²).
static inline __m512 gelu_tanh_avx512(__m512 x) {
    const __m512 a = _mm512_set1_ps(1.5957691216057308f);  // 2·√(2/π)
    const __m512 b = _mm512_set1_ps(0.07135481627159327f); // 2·√(2/π)·0.044715
    return x_sigmoid_avx512(x, _mm512_mul_ps(x, _mm512_fmadd_ps(b, _mm512_mul_ps(x, x), a)));
}

// x·Φ(x), Φ(x) = 1 − erfc(z)/2 for x >= 0 and erfc(z)/2 below, z = |x|/√2, so the negative side
// keeps its relative accuracy. erfc(z) = t·e^(−z² + P(t)), t = 1/(1 + z/2), P of degree 9
// (Numerical Recipes' erfcc, fractional error below 1.2e-7 for every z >= 0).
static inline __m512 gelu_erf_avx512(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f), half = _mm512_set1_ps(0.5f);
    const __m512 z = _mm512_mul_ps(_mm512_abs_ps(x), _mm512_set1_ps(0.7071067811865476f));
    const __m512 t = _mm512_div_ps(one, _mm512_fmadd_ps(half, z, one));
    __m512 p = _mm512_set1_ps(0.17087277f);
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.82215223f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.48851587f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.13520398f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.27886807f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-0.18628806f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.09678418f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(0.37409196f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(1.00002368f));
    p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(-1.26551223f));
    const __m512 half_erfc =
        _mm512_mul_ps(_mm512_mul_ps(half, t), exp_avx512(_mm512_fnmadd_ps(z, z, p)));
    const __mmask16 nonneg = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
    const __m512 phi = _mm512_mask_sub_ps(half_erfc, nonneg, one, half_erfc);
    return fix_neg_inf(x, _mm512_mul_ps(x, phi));
}

// One pass with f inlined (a constant at each call site below).
static inline __attribute__((always_inline)) void act_loop(__m512 (*f)(__m512), float *h,
                                                           const float *u, int64_t count) {
    int64_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 y = f(_mm512_loadu_ps(h + i));
        if (u) y = _mm512_mul_ps(y, _mm512_loadu_ps(u + i));
        _mm512_storeu_ps(h + i, y);
    }
    if (i < count) {
        const __mmask16 m = (__mmask16)((1u << (count - i)) - 1);
        __m512 y = f(_mm512_maskz_loadu_ps(m, h + i));
        if (u) y = _mm512_mul_ps(y, _mm512_maskz_loadu_ps(m, u + i));
        _mm512_mask_storeu_ps(h + i, m, y);
    }
}

void lci_activation_avx512(lc_activation act, float *h, const float *u, int64_t count) {
    switch (act) {
    case LC_ACT_RELU:
        act_loop(relu_avx512, h, u, count);
        break;
    case LC_ACT_GELU_TANH:
        act_loop(gelu_tanh_avx512, h, u, count);
        break;
    case LC_ACT_GELU_ERF:
        act_loop(gelu_erf_avx512, h, u, count);
        break;
    case LC_ACT_SILU:
        act_loop(silu_avx512, h, u, count);
        break;
    }
}

const lci_kernel lci_activation_kernels_avx512[] = {
    {LCI_KERNEL_ACTIVATION, LC_ISA_AVX512, "lci_activation_avx512", (lci_fn)lci_activation_avx512},
    {0, 0, NULL, NULL},
};
