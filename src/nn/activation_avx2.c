// activation_avx2.c: the FFN activations h = act(h) (· u when gated) for AVX2 + FMA, 8 floats at
// a time, tails by masked loads and stores (so every element runs the same arithmetic wherever
// it falls): a vector e^x (Cody–Waite reduction, Cephes' degree-6 polynomial, 2^n in two
// normal factors), from
// which SiLU = x·σ(x), GELU tanh = x·σ(2u) and GELU erf = x·Φ(x) with Φ from an erfc
// of fractional error 1.2e-7. Accuracy and special values: docs/design.md "### Layers (src/nn)".
#include "nn.h"

#include <immintrin.h>

// e^x. Clamping to [−104, 89] keeps n in [−150, 128]; 2^n is applied as 2^(n>>1) · 2^(n − n>>1),
// two normal powers, so p·2^n rounds to Inf above 88.72 and through the denormals to 0 below
// −87.3. The clamps keep NaN (min/max return their second operand when one is NaN), and NaN
// flows through the polynomial (whatever the two powers are).
static inline __m256 exp_avx2(__m256 x) {
    x = _mm256_min_ps(_mm256_set1_ps(89.0f), x);
    x = _mm256_max_ps(_mm256_set1_ps(-104.0f), x);
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // r = x − n·ln2 with ln2 = 0.693359375 − 2.12194440e-4: n·0.693359375 is exact (9 + 8 bits).
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
    const __m256i ni = _mm256_cvtps_epi32(n), n1 = _mm256_srai_epi32(ni, 1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, n1), bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_add_ps(p, _mm256_set1_ps(1.0f)), s1), s2);
}

// The formulas below give −Inf/Inf or −Inf·0 = NaN at x = −Inf; the limit there is −0.
static inline __m256 fix_neg_inf(__m256 x, __m256 y) {
    const __m256 neg_inf = _mm256_cmp_ps(x, _mm256_set1_ps(-__builtin_inff()), _CMP_EQ_OQ);
    return _mm256_blendv_ps(y, _mm256_set1_ps(-0.0f), neg_inf);
}

// max(x, 0) as the scalar x < 0 ? 0 : x: NaN and −0 come back as they were.
static inline __m256 relu_avx2(__m256 x) {
    return _mm256_max_ps(_mm256_setzero_ps(), x);
}

// x·σ(v) for v of the sign of x: x/(1 + e^−|v|) when x >= 0, x·e^−|v|/(1 + e^−|v|) below,
// so e^−|v| never overflows and a negative x keeps its relative accuracy down to the underflow.
static inline __m256 x_sigmoid_avx2(__m256 x, __m256 v) {
    const __m256 e = exp_avx2(_mm256_or_ps(_mm256_set1_ps(-0.0f), v));
    const __m256 neg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ);
    const __m256 num = _mm256_blendv_ps(x, _mm256_mul_ps(x, e), neg);
    return fix_neg_inf(x, _mm256_div_ps(num, _mm256_add_ps(_mm256_set1_ps(1.0f), e)));
}

// x·σ(x) = x / (1 + e^−x).
static inline __m256 silu_avx2(__m256 x) {
    return x_sigmoid_avx2(x, x);
}

// 0.5·x·(1 + tanh u) = x·σ(2u), u = √(2/π)·(x + 0.044715·x³): 2u = x·(a + b·x²).
static inline __m256 gelu_tanh_avx2(__m256 x) {
    const __m256 a = _mm256_set1_ps(1.5957691216057308f);  // 2·√(2/π)
    const __m256 b = _mm256_set1_ps(0.07135481627159327f); // 2·√(2/π)·0.044715
    return x_sigmoid_avx2(x, _mm256_mul_ps(x, _mm256_fmadd_ps(b, _mm256_mul_ps(x, x), a)));
}

// x·Φ(x), Φ(x) = 1 − erfc(z)/2 for x >= 0 and erfc(z)/2 below, z = |x|/√2, so the negative side
// keeps its relative accuracy. erfc(z) = t·e^(−z² + P(t)), t = 1/(1 + z/2), P of degree 9
// (Numerical Recipes' erfcc, fractional error below 1.2e-7 for every z >= 0).
static inline __m256 gelu_erf_avx2(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f), half = _mm256_set1_ps(0.5f);
    const __m256 z = _mm256_mul_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), x),
                                   _mm256_set1_ps(0.7071067811865476f));
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(half, z, one));
    __m256 p = _mm256_set1_ps(0.17087277f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.82215223f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.48851587f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.13520398f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.27886807f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.18628806f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.09678418f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.37409196f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.00002368f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.26551223f));
    const __m256 half_erfc =
        _mm256_mul_ps(_mm256_mul_ps(half, t), exp_avx2(_mm256_fnmadd_ps(z, z, p)));
    const __m256 nonneg = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
    const __m256 phi = _mm256_blendv_ps(half_erfc, _mm256_sub_ps(one, half_erfc), nonneg);
    return fix_neg_inf(x, _mm256_mul_ps(x, phi));
}

// One pass with f inlined (a constant at each call site below).
static inline __attribute__((always_inline)) void act_loop(__m256 (*f)(__m256), float *h,
                                                           const float *u, int64_t count) {
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 y = f(_mm256_loadu_ps(h + i));
        if (u) y = _mm256_mul_ps(y, _mm256_loadu_ps(u + i));
        _mm256_storeu_ps(h + i, y);
    }
    if (i < count) {
        // Lanes below count − i: lane index − (count − i) is negative there.
        const __m256i m = _mm256_sub_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                           _mm256_set1_epi32((int)(count - i)));
        __m256 y = f(_mm256_maskload_ps(h + i, m));
        if (u) y = _mm256_mul_ps(y, _mm256_maskload_ps(u + i, m));
        _mm256_maskstore_ps(h + i, m, y);
    }
}

void lci_activation_avx2(lc_activation act, float *h, const float *u, int64_t count) {
    switch (act) {
    case LC_ACT_RELU:
        act_loop(relu_avx2, h, u, count);
        break;
    case LC_ACT_GELU_TANH:
        act_loop(gelu_tanh_avx2, h, u, count);
        break;
    case LC_ACT_GELU_ERF:
        act_loop(gelu_erf_avx2, h, u, count);
        break;
    case LC_ACT_SILU:
        act_loop(silu_avx2, h, u, count);
        break;
    }
}

const lci_kernel lci_activation_kernels_avx2[] = {
    {LCI_KERNEL_ACTIVATION, LC_ISA_AVX2, "lci_activation_avx2", (lci_fn)lci_activation_avx2},
    {0, 0, NULL, NULL},
};
