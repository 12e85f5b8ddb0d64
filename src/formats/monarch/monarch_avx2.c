// monarch_avx2.c: the Monarch panel kernel (monarch.h) for AVX2 + FMA, the AVX-512 kernel's
// twin with 16 ymm registers and 8-output units: phase 1 in tiles of 6 vectors × 16 outputs of u
// (12 accumulators); phase 2 in tiles of 12 accumulators, 3 vectors × 4 units of consecutive o at
// one j0 (b >= 16: the units share one u load a vector) or 2 vectors × 3 chunks of two units
// (b <= 8: the units share the broadcast u values). The cols layout writes Y's columns from a
// small buffer. Partial vectors (q or M not a multiple of 8 or 16) go through maskload and
// maskstore, so no float outside u, X or Y is touched.
#include "monarch.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))

// Lanes 0 .. n − 1 of a ymm (n in 1..8).
AI __m256i lanes(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

AI void tile1(const lci_monarch_panel *kr, int64_t v0, int64_t k, int64_t i0, __m256i last,
              const int V, const int I, const bool masked) {
    const lci_monarch *a = kr->a;
    const int64_t p = a->p, q = a->q;
    __m256 acc[6][2];
    const float *px[6];
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        px[v] = kr->x + (v0 + v) * kr->xv + k * p * kr->xf;
#pragma GCC unroll 8
        for (int w = 0; w < I; w++) acc[v][w] = _mm256_setzero_ps();
    }
    const float *pr = a->rt + k * p * q + i0;
    const int64_t xf = kr->xf;
    for (int64_t c = 0; c < p; c++) {
        __m256 rv[2];
#pragma GCC unroll 8
        for (int w = 0; w < I; w++)
            rv[w] = w < I - 1 || !masked ? _mm256_loadu_ps(pr + 8 * w)
                                         : _mm256_maskload_ps(pr + 8 * w, last);
#pragma GCC unroll 8
        for (int v = 0; v < V; v++) {
            const __m256 xv = _mm256_broadcast_ss(px[v] + c * xf);
#pragma GCC unroll 8
            for (int w = 0; w < I; w++) acc[v][w] = _mm256_fmadd_ps(xv, rv[w], acc[v][w]);
        }
        pr += q;
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        float *pu = kr->u + (v0 + v) * kr->ldu + k * q + i0;
#pragma GCC unroll 8
        for (int w = 0; w < I; w++)
            if (w < I - 1 || !masked)
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
            if (rem == 16)
                tile1(kr, v0, k, i0, last, V, 2, false);
            else if (rem > 8)
                tile1(kr, v0, k, i0, last, V, 2, true);
            else
                tile1(kr, v0, k, i0, last, V, 1, true);
        }
}

// The u values an 8-output unit multiplies at one step: 8 contiguous (b >= 8) or the b values
// of the step broadcast (b = 4, 2, 1).
AI __m256 uvec(const float *p, const int ub) {
    switch (ub) {
    case 8:
        return _mm256_loadu_ps(p);
    case 4:
        return _mm256_broadcast_ps((const __m128 *)(const void *)p);
    case 2:
        return _mm256_castpd_ps(_mm256_broadcast_sd((const double *)(const void *)p));
    default:
        return _mm256_broadcast_ss(p);
    }
}

// Stores `count` (1..8) results of a unit: y = alpha·acc + beta·y, contiguous (rows layout) or at
// stride yf (cols layout), always a product and then one FMA, so a vector's result does not
// depend on its tile.
AI void store_unit(const lci_monarch_panel *kr, float *py, __m256 acc, int64_t count) {
    __m256 o = _mm256_mul_ps(_mm256_set1_ps(kr->alpha), acc);
    if (kr->yf == 1) {
        const __m256 beta = _mm256_set1_ps(kr->beta);
        if (count == 8) {
            if (kr->beta != 0.0f) o = _mm256_fmadd_ps(beta, _mm256_loadu_ps(py), o);
            _mm256_storeu_ps(py, o);
        } else {
            const __m256i mask = lanes(count);
            if (kr->beta != 0.0f) o = _mm256_fmadd_ps(beta, _mm256_maskload_ps(py, mask), o);
            _mm256_maskstore_ps(py, mask, o);
        }
        return;
    }
    float t[8];
    _mm256_storeu_ps(t, o);
    for (int64_t e = 0; e < count; e++) {
        float *d = py + e * kr->yf;
        if (kr->beta != 0.0f)
            _mm_store_ss(d, _mm_fmadd_ss(_mm_set_ss(kr->beta), _mm_load_ss(d), _mm_set_ss(t[e])));
        else
            *d = t[e];
    }
}

// Phase 2: NU units of 8 outputs for vectors v0 .. v0 + V − 1. Unit w reads lp at pl + its
// offset and writes outputs from y0 + its offset: w·lstep and w·ystep, or with `pairs` the two
// halves of chunk w/2: (w/2)·lstep + 8·(w%2) and (w/2)·ystep + 8·(w%2). Outputs at or past ylim
// (relative to y0) are not written. u is read from offset uo of each vector's row.
AI void tile2(const lci_monarch_panel *kr, int64_t v0, const float *pl, int64_t y0, int64_t uo,
              int64_t lstep, int64_t ystep, int64_t ylim, const int V, const int NU,
              const bool pairs, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t q = a->q, b = a->b;
    __m256 acc[3][6];
    const float *pu[3];
    int64_t lo[6], yo[6];
#pragma GCC unroll 8
    for (int w = 0; w < NU; w++) {
        lo[w] = pairs ? (w >> 1) * lstep + 8 * (w & 1) : w * lstep;
        yo[w] = pairs ? (w >> 1) * ystep + 8 * (w & 1) : w * ystep;
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        pu[v] = kr->u + (v0 + v) * kr->ldu + uo;
#pragma GCC unroll 8
        for (int w = 0; w < NU; w++) acc[v][w] = _mm256_setzero_ps();
    }
    for (int64_t r = 0; r < q; r++) {
        __m256 uv[3];
#pragma GCC unroll 8
        for (int v = 0; v < V; v++) uv[v] = uvec(pu[v] + r * b, ub);
#pragma GCC unroll 8
        for (int w = 0; w < NU; w++) {
            const __m256 lv = _mm256_loadu_ps(pl + lo[w] + r * 16);
#pragma GCC unroll 8
            for (int v = 0; v < V; v++) acc[v][w] = _mm256_fmadd_ps(lv, uv[v], acc[v][w]);
        }
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; v++) {
        float *py = kr->y + (v0 + v) * kr->yv;
#pragma GCC unroll 8
        for (int w = 0; w < NU; w++) {
            const int64_t count = ylim - yo[w] < 8 ? ylim - yo[w] : 8;
            if (count > 0) store_unit(kr, py + (y0 + yo[w]) * kr->yf, acc[v][w], count);
        }
    }
}

// b >= 16: unit = 8 outputs o·b + j0 .. j0 + 7 of one o; a tile takes 4 consecutive o at one j0,
// which share the u vector u[r·b + j0 ..], for 3 vectors (12 accumulators; 4 + 3 loads a step).
AI void phase2_wide(const lci_monarch_panel *kr, int64_t v0, const int V) {
    const lci_monarch *a = kr->a;
    const int64_t b = a->b, q = a->q, s = a->s, cs = b / 16;
    for (int64_t j0 = 0; j0 < b; j0 += 8) {
        const int64_t line = j0 / 16, hf = j0 % 16;
        int64_t o = 0;
        for (; o + 3 <= s; o += 3)
            tile2(kr, v0, a->lp + (o * cs + line) * q * 16 + hf, o * b + j0, j0, cs * q * 16, b,
                  INT64_MAX, V, 3, false, 8);
        for (; o < s; o++)
            tile2(kr, v0, a->lp + (o * cs + line) * q * 16 + hf, o * b + j0, j0, cs * q * 16, b,
                  INT64_MAX, V, 1, false, 8);
    }
}

// b <= 8: a tile takes 3 consecutive chunks (6 units), which share the b values of u broadcast,
// for 2 vectors (12 accumulators; 6 + 2 loads a step); the row's last chunk may be partial.
AI void phase2_narrow(const lci_monarch_panel *kr, int64_t v0, const int V, const int ub) {
    const lci_monarch *a = kr->a;
    const int64_t q = a->q, m = a->base.m, nch = (m + 15) / 16;
    int64_t h = 0;
    for (; h + 2 <= nch; h += 2)
        tile2(kr, v0, a->lp + h * q * 16, 16 * h, 0, q * 16, 16, m - 16 * h, V, 4, true, ub);
    for (; h < nch; h++)
        tile2(kr, v0, a->lp + h * q * 16, 16 * h, 0, q * 16, 16, m - 16 * h, V, 2, true, ub);
}

AI void phase2_all(const lci_monarch_panel *kr, const int ub) {
    int64_t v0 = 0;
    if (ub == 16) {
        for (; v0 + 3 <= kr->nv; v0 += 3) phase2_wide(kr, v0, 3);
        for (; v0 + 2 <= kr->nv; v0 += 2) phase2_wide(kr, v0, 2);
        for (; v0 < kr->nv; v0++) phase2_wide(kr, v0, 1);
        return;
    }
    for (; v0 + 2 <= kr->nv; v0 += 2) phase2_narrow(kr, v0, 2, ub);
    for (; v0 < kr->nv; v0++) phase2_narrow(kr, v0, 1, ub);
}

static void monarch_panel_avx2(const lci_monarch_panel *kr) {
    int64_t v0 = 0;
    for (; v0 + 6 <= kr->nv; v0 += 6) phase1(kr, v0, 6);
    for (; v0 + 4 <= kr->nv; v0 += 4) phase1(kr, v0, 4);
    for (; v0 + 2 <= kr->nv; v0 += 2) phase1(kr, v0, 2);
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
    {LCI_KERNEL_MONARCH_PANEL, LC_ISA_AVX2, "lci_monarch_panel_6x16_3x32_avx2",
     (lci_fn)monarch_panel_avx2},
    {0, 0, NULL, NULL},
};
