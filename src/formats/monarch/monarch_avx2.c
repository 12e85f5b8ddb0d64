// monarch_avx2.c: the Monarch panel kernel (monarch.h) for AVX2 + FMA, the AVX-512 kernel's
// twin with 16 ymm registers: phase 1 in tiles of 6 vectors × 16 outputs of u (12 accumulators),
// phase 2 in tiles of 2 vectors × 2 chunks of 16 outputs of Y's row (each chunk two ymm halves; 8
// accumulators; the cols layout writes Y's columns from a small buffer). Partial vectors (q or M
// not a multiple of 8 or 16) go through maskload and maskstore, so no float outside u, X or Y is
// touched.
#include "monarch.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))

// Lanes 0 .. n − 1 of a ymm (n in 1..8).
AI __m256i lanes(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

AI void tile1(const lci_monarch_panel *kr, int64_t v0, int64_t k, int64_t i0, __m256i last,
              const int V, const int I) {
    const lci_monarch *a = kr->a;
    const int64_t p = a->p, q = a->q;
    __m256 acc[6][2];
    const float *px[6];
    for (int v = 0; v < V; v++) {
        px[v] = kr->x + (v0 + v) * kr->xv + k * p * kr->xf;
        for (int w = 0; w < I; w++) acc[v][w] = _mm256_setzero_ps();
    }
    const float *pr = a->rt + k * p * q + i0;
    const int64_t xf = kr->xf;
    for (int64_t c = 0; c < p; c++) {
        __m256 rv[2];
        for (int w = 0; w < I; w++)
            rv[w] = w < I - 1 ? _mm256_loadu_ps(pr + 8 * w) : _mm256_maskload_ps(pr + 8 * w, last);
        for (int v = 0; v < V; v++) {
            const __m256 xv = _mm256_broadcast_ss(px[v] + c * xf);
            for (int w = 0; w < I; w++) acc[v][w] = _mm256_fmadd_ps(xv, rv[w], acc[v][w]);
        }
        pr += q;
    }
    for (int v = 0; v < V; v++) {
        float *pu = kr->u + (v0 + v) * kr->ldu + k * q + i0;
        for (int w = 0; w < I; w++)
            if (w < I - 1)
                _mm256_storeu_ps(pu + 8 * w, acc[v][w]);
            else
                _mm256_maskstore_ps(pu + 8 * w, last, acc[v][w]);
    }
}

AI void phase1(const lci_monarch_panel *kr, int64_t v0, const int V) {
    const int64_t b = kr->a->b, q = kr->a->q;
    for (int64_t k = 0; k < b; k++)
        for (int64_t i0 = 0; i0 < q; i0 += 16) {
            const int64_t rem = q - i0 < 16 ? q - i0 : 16;
            const __m256i last = lanes((rem - 1) % 8 + 1);
            if (rem > 8)
                tile1(kr, v0, k, i0, last, V, 2);
            else
                tile1(kr, v0, k, i0, last, V, 1);
        }
}

// The two halves of the u values a chunk of 16 outputs multiplies (see monarch_avx512.c).
AI void uvec(const float *p, const int ub, __m256 *lo, __m256 *hi) {
    switch (ub) {
    case 16:
        *lo = _mm256_loadu_ps(p), *hi = _mm256_loadu_ps(p + 8);
        break;
    case 8:
        *lo = *hi = _mm256_loadu_ps(p);
        break;
    case 4:
        *lo = *hi = _mm256_broadcast_ps((const __m128 *)(const void *)p);
        break;
    case 2:
        *lo = *hi = _mm256_castpd_ps(_mm256_broadcast_sd((const double *)(const void *)p));
        break;
    default:
        *lo = *hi = _mm256_broadcast_ss(p);
        break;
    }
}

// One ymm half of a Y chunk: y = alpha·acc + beta·y on the lanes of `mask` (all when full).
AI void store_half(float *py, __m256 acc, float alpha, float beta, bool full, __m256i mask) {
    __m256 o = _mm256_mul_ps(_mm256_set1_ps(alpha), acc);
    if (full) {
        if (beta != 0.0f) o = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(py), o);
        _mm256_storeu_ps(py, o);
    } else {
        if (beta != 0.0f)
            o = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(py, mask), o);
        _mm256_maskstore_ps(py, mask, o);
    }
}

// Cols layout: the first `count` of a chunk's 16 results (two halves) into Y's column at
// stride yf, rounded as store_half (a product, then one FMA).
AI void store_cols(const lci_monarch_panel *kr, float *py, __m256 lo, __m256 hi, int64_t count) {
    float o[16];
    const __m256 alpha = _mm256_set1_ps(kr->alpha);
    _mm256_storeu_ps(o, _mm256_mul_ps(alpha, lo));
    _mm256_storeu_ps(o + 8, _mm256_mul_ps(alpha, hi));
    for (int64_t e = 0; e < count; e++) {
        float *d = py + e * kr->yf;
        if (kr->beta != 0.0f)
            _mm_store_ss(d, _mm_fmadd_ss(_mm_set_ss(kr->beta), _mm_load_ss(d), _mm_set_ss(o[e])));
        else
            *d = o[e];
    }
}

// Phase 2: chunks h0, h0 + cs, .. (T of them; the last has `nlast` outputs) of rows v0 ...
AI void tile2(const lci_monarch_panel *kr, int64_t v0, int64_t h0, int64_t cs, int64_t uo,
              int64_t nlast, const int V, const int T, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t q = a->q, b = a->b, ls = cs * q * 16;
    __m256 acc[2][2][2];
    const float *pu[2];
    for (int v = 0; v < V; v++) {
        pu[v] = kr->u + (v0 + v) * kr->ldu + uo;
        for (int t = 0; t < T; t++) acc[v][t][0] = acc[v][t][1] = _mm256_setzero_ps();
    }
    const float *pl = a->lp + h0 * q * 16;
    for (int64_t r = 0; r < q; r++) {
        __m256 lv[2][2];
        for (int t = 0; t < T; t++)
            lv[t][0] = _mm256_loadu_ps(pl + t * ls), lv[t][1] = _mm256_loadu_ps(pl + t * ls + 8);
        for (int v = 0; v < V; v++) {
            __m256 lo, hi;
            uvec(pu[v] + r * b, ub, &lo, &hi);
            for (int t = 0; t < T; t++) {
                acc[v][t][0] = _mm256_fmadd_ps(lv[t][0], lo, acc[v][t][0]);
                acc[v][t][1] = _mm256_fmadd_ps(lv[t][1], hi, acc[v][t][1]);
            }
        }
        pl += 16;
    }
    if (kr->yf != 1) { // cols layout: Y's column v0 + v, outputs 16·h .. at stride yf
        for (int v = 0; v < V; v++)
            for (int t = 0; t < T; t++)
                store_cols(kr, kr->y + (v0 + v) * kr->yv + (h0 + t * cs) * 16 * kr->yf,
                           acc[v][t][0], acc[v][t][1], t < T - 1 ? 16 : nlast);
        return;
    }
    const __m256i mlo = lanes(nlast < 8 ? nlast : 8), mhi = lanes(nlast > 8 ? nlast - 8 : 1);
    for (int v = 0; v < V; v++) {
        float *py = kr->y + (v0 + v) * kr->yv + h0 * 16;
        for (int t = 0; t < T; t++) {
            float *pc = py + t * cs * 16;
            const bool full = t < T - 1 || nlast == 16;
            store_half(pc, acc[v][t][0], kr->alpha, kr->beta, full || nlast >= 8, mlo);
            if (full || nlast > 8) store_half(pc + 8, acc[v][t][1], kr->alpha, kr->beta, full, mhi);
        }
    }
}

AI void phase2(const lci_monarch_panel *kr, int64_t v0, const int V, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t b = a->b, m = a->base.m;
    const int64_t cs = b >= 16 ? b / 16 : 1, cl = b >= 16 ? a->s : (m + 15) / 16;
    const int64_t tail = m % 16 ? m % 16 : 16;
    for (int64_t line = 0; line < cs; line++) {
        int64_t i = 0;
        for (; i + 2 <= cl; i += 2)
            tile2(kr, v0, line + i * cs, cs, 16 * line, i + 2 == cl ? tail : 16, V, 2, ub);
        for (; i < cl; i++)
            tile2(kr, v0, line + i * cs, cs, 16 * line, i + 1 == cl ? tail : 16, V, 1, ub);
    }
}

AI void phase2_all(const lci_monarch_panel *kr, const int ub) {
    int64_t v0 = 0;
    for (; v0 + 2 <= kr->nv; v0 += 2) phase2(kr, v0, 2, ub);
    for (; v0 < kr->nv; v0++) phase2(kr, v0, 1, ub);
}

static void monarch_panel_avx2(const lci_monarch_panel *kr) {
    int64_t v0 = 0;
    for (; v0 + 6 <= kr->nv; v0 += 6) phase1(kr, v0, 6);
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

const lci_kernel lci_monarch_kernels_avx2[] = {
    {LCI_KERNEL_MONARCH_PANEL, LC_ISA_AVX2, "lci_monarch_panel_6x16_2x32_avx2",
     (lci_fn)monarch_panel_avx2},
    {0, 0, NULL, NULL},
};
