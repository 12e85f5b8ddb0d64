// monarch_avx512.c: the Monarch panel kernel (monarch.h) for AVX-512. Phase 1: register
// tiles of 8 vectors × 32 outputs of u (16 zmm accumulators; each step broadcasts 8 values of X
// and loads 2 vectors of the packed R_kᵀ). Phase 2: tiles of 4 vectors × 4 chunks of 16 outputs
// of Y's row (16 accumulators; each step loads 4 vectors of the packed L and one u vector per
// vector, which the 4 chunks share: for b >= 16 the chunks are the outputs o·b + j0 .. + 15 of 4
// consecutive o, for b <= 16 4 consecutive chunks of the row). Stores are whole 16-float rows of
// u and, in the rows layout, of Y; in the cols layout a tile's 4 × 16 results are transposed in
// registers into 16 pieces of 4 floats of Y's columns. The last vector of a tile is masked, so no
// float outside u, X or Y is touched.
#include "monarch.h"

#include <immintrin.h>
#include <string.h>

#define AI static inline __attribute__((always_inline))

// Phase 1: u[v, k·q + i0 ..] for vectors v0 .. v0 + V − 1 and 16·I outputs (the last under `last`).
AI void tile1(const lci_monarch_panel *kr, int64_t v0, int64_t k, int64_t i0, __mmask16 last,
              const int V, const int I) {
    const lci_monarch *a = kr->a;
    const int64_t p = a->p, q = a->q;
    __m512 acc[8][2];
    const float *px[8];
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        px[v] = kr->x + (v0 + v) * kr->xv + k * p * kr->xf;
#pragma GCC unroll 8
        for (int w = 0; w < I; w++) acc[v][w] = _mm512_setzero_ps();
    }
    const float *pr = a->rt + k * p * q + i0;
    const int64_t xf = kr->xf;
    for (int64_t c = 0; c < p; c++) {
        __m512 rv[2];
#pragma GCC unroll 8
        for (int w = 0; w < I; w++)
            rv[w] =
                w < I - 1 ? _mm512_loadu_ps(pr + 16 * w) : _mm512_maskz_loadu_ps(last, pr + 16 * w);
#pragma GCC unroll 8
        for (int v = 0; v < V; v++) {
            const __m512 xv = _mm512_set1_ps(px[v][c * xf]);
#pragma GCC unroll 8
            for (int w = 0; w < I; w++) acc[v][w] = _mm512_fmadd_ps(xv, rv[w], acc[v][w]);
        }
        pr += q;
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        float *pu = kr->u + (v0 + v) * kr->ldu + k * q + i0;
#pragma GCC unroll 8
        for (int w = 0; w < I; w++)
            _mm512_mask_storeu_ps(pu + 16 * w, w < I - 1 ? (__mmask16)0xffff : last, acc[v][w]);
    }
}

AI void phase1(const lci_monarch_panel *kr, int64_t v0, const int V) {
    const int64_t b = kr->a->b, q = kr->a->q;
    for (int64_t k = 0; k < b; k++)
        for (int64_t i0 = 0; i0 < q; i0 += 32) {
            const int64_t rem = q - i0 < 32 ? q - i0 : 32;
            const __mmask16 last = (__mmask16)(0xffffu >> (16 - ((rem - 1) % 16 + 1)));
            if (rem > 16)
                tile1(kr, v0, k, i0, last, V, 2);
            else
                tile1(kr, v0, k, i0, last, V, 1);
        }
}

// The u values a chunk of 16 outputs multiplies at one step: 16 contiguous (b >= 16) or the b
// values of the step broadcast (b = 8, 4, 2, 1).
AI __m512 uvec(const float *p, const int ub) {
    switch (ub) {
    case 16:
        return _mm512_loadu_ps(p);
    case 8:
        return _mm512_broadcast_f32x8(_mm256_loadu_ps(p));
    case 4:
        return _mm512_broadcast_f32x4(_mm_loadu_ps(p));
    case 2: {
        double d;
        memcpy(&d, p, sizeof d);
        return _mm512_castpd_ps(_mm512_set1_pd(d));
    }
    default:
        return _mm512_set1_ps(*p);
    }
}

// Cols layout: y[e·yf] = alpha·acc[e] + beta·y[e·yf] for the lanes e of m, rounded as the rows
// layout's vector store (a product, then one FMA), so a vector's result does not depend on its
// tile.
AI void store_cols1(const lci_monarch_panel *kr, float *py, __m512 acc, __mmask16 m) {
    float o[16];
    _mm512_storeu_ps(o, _mm512_mul_ps(_mm512_set1_ps(kr->alpha), acc));
    for (int e = 0; e < 16; e++) {
        if (!(m >> e & 1)) continue;
        float *d = py + e * kr->yf;
        if (kr->beta != 0.0f)
            _mm_store_ss(d, _mm_fmadd_ss(_mm_set_ss(kr->beta), _mm_load_ss(d), _mm_set_ss(o[e])));
        else
            *d = o[e];
    }
}

// Cols layout, 4 vectors: a0 .. a3 (16 outputs each) transposed in registers into 16 pieces of 4
// floats, y[e·yf .. e·yf + 3], same rounding as store_cols1.
AI void store_cols4(const lci_monarch_panel *kr, float *py, __m512 a0, __m512 a1, __m512 a2,
                    __m512 a3, __mmask16 m) {
    const __m512 alpha = _mm512_set1_ps(kr->alpha);
    a0 = _mm512_mul_ps(alpha, a0), a1 = _mm512_mul_ps(alpha, a1);
    a2 = _mm512_mul_ps(alpha, a2), a3 = _mm512_mul_ps(alpha, a3);
    // In each 128-bit lane L: t01l = a0[4L], a1[4L], a0[4L+1], a1[4L+1]; t01h the same at +2.
    const __m512d t01l = _mm512_castps_pd(_mm512_unpacklo_ps(a0, a1));
    const __m512d t01h = _mm512_castps_pd(_mm512_unpackhi_ps(a0, a1));
    const __m512d t23l = _mm512_castps_pd(_mm512_unpacklo_ps(a2, a3));
    const __m512d t23h = _mm512_castps_pd(_mm512_unpackhi_ps(a2, a3));
    // z[i], lane L: a0 .. a3 at output 4L + i.
    const __m512 z[4] = {_mm512_castpd_ps(_mm512_unpacklo_pd(t01l, t23l)),
                         _mm512_castpd_ps(_mm512_unpackhi_pd(t01l, t23l)),
                         _mm512_castpd_ps(_mm512_unpacklo_pd(t01h, t23h)),
                         _mm512_castpd_ps(_mm512_unpackhi_pd(t01h, t23h))};
    __m128 o[16];
#pragma GCC unroll 8
    for (int i = 0; i < 4; i++) {
        o[i] = _mm512_castps512_ps128(z[i]);
        o[4 + i] = _mm512_extractf32x4_ps(z[i], 1);
        o[8 + i] = _mm512_extractf32x4_ps(z[i], 2);
        o[12 + i] = _mm512_extractf32x4_ps(z[i], 3);
    }
    const __m128 beta = _mm_set1_ps(kr->beta);
    for (int e = 0; e < 16; e++) {
        if (!(m >> e & 1)) continue;
        float *d = py + e * kr->yf;
        _mm_storeu_ps(d, kr->beta != 0.0f ? _mm_fmadd_ps(beta, _mm_loadu_ps(d), o[e]) : o[e]);
    }
}

// Phase 2: chunks h0, h0 + cs, .. (T of them, the last under `last`) of Y's rows v0 .. v0 + V − 1,
// reading u from offset uo of each row.
AI void tile2(const lci_monarch_panel *kr, int64_t v0, int64_t h0, int64_t cs, int64_t uo,
              __mmask16 last, const int V, const int T, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t q = a->q, b = a->b, ls = cs * q * 16;
    __m512 acc[4][4];
    const float *pu[4];
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        pu[v] = kr->u + (v0 + v) * kr->ldu + uo;
#pragma GCC unroll 8
        for (int t = 0; t < T; t++) acc[v][t] = _mm512_setzero_ps();
    }
    const float *pl = a->lp + h0 * q * 16;
    for (int64_t r = 0; r < q; r++) {
        __m512 lv[4];
#pragma GCC unroll 8
        for (int t = 0; t < T; t++) lv[t] = _mm512_loadu_ps(pl + t * ls);
#pragma GCC unroll 8
        for (int v = 0; v < V; v++) {
            const __m512 uv = uvec(pu[v] + r * b, ub);
#pragma GCC unroll 8
            for (int t = 0; t < T; t++) acc[v][t] = _mm512_fmadd_ps(lv[t], uv, acc[v][t]);
        }
        pl += 16;
    }
    if (kr->yf != 1) { // cols layout: Y's column v0 + v, outputs 16·h .. at stride yf
#pragma GCC unroll 8
        for (int t = 0; t < T; t++) {
            float *py = kr->y + v0 * kr->yv + (h0 + t * cs) * 16 * kr->yf;
            const __mmask16 m = t < T - 1 ? (__mmask16)0xffff : last;
            if (V == 4 && kr->yv == 1)
                store_cols4(kr, py, acc[0][t], acc[1][t], acc[2][t], acc[3][t], m);
            else
#pragma GCC unroll 8
                for (int v = 0; v < V; v++) store_cols1(kr, py + v * kr->yv, acc[v][t], m);
        }
        return;
    }
    const __m512 alpha = _mm512_set1_ps(kr->alpha), beta = _mm512_set1_ps(kr->beta);
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        float *py = kr->y + (v0 + v) * kr->yv + h0 * 16;
#pragma GCC unroll 8
        for (int t = 0; t < T; t++) {
            const __mmask16 m = t < T - 1 ? (__mmask16)0xffff : last;
            __m512 o = _mm512_mul_ps(alpha, acc[v][t]);
            if (kr->beta != 0.0f)
                o = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(m, py + t * cs * 16), o);
            _mm512_mask_storeu_ps(py + t * cs * 16, m, o);
        }
    }
}

AI void phase2(const lci_monarch_panel *kr, int64_t v0, const int V, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t b = a->b, m = a->base.m;
    // b >= 16: b/16 lines (j0 = 16·line) of s chunks each, chunk o·(b/16) + line; b < 16: one
    // line of all the chunks.
    const int64_t cs = b >= 16 ? b / 16 : 1, cl = b >= 16 ? a->s : (m + 15) / 16;
    const __mmask16 tail = m % 16 ? (__mmask16)((1u << (m % 16)) - 1) : (__mmask16)0xffff;
    for (int64_t line = 0; line < cs; line++) {
        int64_t i = 0;
        for (; i + 4 <= cl; i += 4)
            tile2(kr, v0, line + i * cs, cs, 16 * line, i + 4 == cl ? tail : 0xffff, V, 4, ub);
        for (; i < cl; i++)
            tile2(kr, v0, line + i * cs, cs, 16 * line, i + 1 == cl ? tail : 0xffff, V, 1, ub);
    }
}

// Cols layout: chunks outside, vector tiles inside, so the 4 tiles of a panel of 16 fill each
// 64-byte line of Y one after the other while it is in L1.
AI void phase2_cols(const lci_monarch_panel *kr, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t b = a->b, m = a->base.m, nv = kr->nv;
    const int64_t cs = b >= 16 ? b / 16 : 1, cl = b >= 16 ? a->s : (m + 15) / 16;
    const __mmask16 tail = m % 16 ? (__mmask16)((1u << (m % 16)) - 1) : (__mmask16)0xffff;
    for (int64_t line = 0; line < cs; line++) {
        int64_t i = 0;
        for (; i + 4 <= cl; i += 4) {
            const __mmask16 lm = i + 4 == cl ? tail : 0xffff;
            int64_t v0 = 0;
            for (; v0 + 4 <= nv; v0 += 4) tile2(kr, v0, line + i * cs, cs, 16 * line, lm, 4, 4, ub);
            for (; v0 < nv; v0++) tile2(kr, v0, line + i * cs, cs, 16 * line, lm, 1, 4, ub);
        }
        for (; i < cl; i++) {
            const __mmask16 lm = i + 1 == cl ? tail : 0xffff;
            int64_t v0 = 0;
            for (; v0 + 4 <= nv; v0 += 4) tile2(kr, v0, line + i * cs, cs, 16 * line, lm, 4, 1, ub);
            for (; v0 < nv; v0++) tile2(kr, v0, line + i * cs, cs, 16 * line, lm, 1, 1, ub);
        }
    }
}

AI void phase2_all(const lci_monarch_panel *kr, const int ub) {
    if (kr->yf != 1) {
        phase2_cols(kr, ub);
        return;
    }
    int64_t v0 = 0;
    for (; v0 + 4 <= kr->nv; v0 += 4) phase2(kr, v0, 4, ub);
    for (; v0 < kr->nv; v0++) phase2(kr, v0, 1, ub);
}

static void monarch_panel_avx512(const lci_monarch_panel *kr) {
    int64_t v0 = 0;
    for (; v0 + 8 <= kr->nv; v0 += 8) phase1(kr, v0, 8);
    for (; v0 + 4 <= kr->nv; v0 += 4) phase1(kr, v0, 4);
    for (; v0 < kr->nv; v0++) phase1(kr, v0, 1);
    switch (kr->a->b >= 16 ? 16 : kr->a->b) {
    case 16:
        phase2_all(kr, 16);
        break;
    case 8:
        phase2_all(kr, 8);
        break;
    case 4:
        phase2_all(kr, 4);
        break;
    case 2:
        phase2_all(kr, 2);
        break;
    default:
        phase2_all(kr, 1);
        break;
    }
}

const lci_kernel lci_monarch_kernels_avx512[] = {
    {LCI_KERNEL_MONARCH_PANEL, LC_ISA_AVX512, "lci_monarch_panel_8x32_4x64_avx512",
     (lci_fn)monarch_panel_avx512},
    {0, 0, NULL, NULL},
};
