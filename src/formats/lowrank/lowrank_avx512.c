// lowrank_avx512.c: the low-rank format's kernel (lowrank.h) for AVX-512: register tiles of
// up to 4 rows × 64 columns (16 zmm accumulators; each step loads 4 vectors of B and broadcasts
// 4 floats of A for 16 FMAs) or, for narrow products (cols <= 32, step 1 of the rows layout at
// r <= 32), 8 rows × 32 columns. The last vector of a tile is masked, so any shape runs without
// touching a float outside A, B or C.
#include "lowrank.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))

// One tile: rows q0 .. q0 + R - 1, columns c0 .. c0 + 16·NV - 1 (the last vector under `last`).
AI void tile(const lci_lowrank_gemm *g, int64_t q0, int64_t c0, __mmask16 last, const int R,
             const int NV) {
    __m512 acc[8][4];
    const float *pa[8];
    const float *pb = g->b + c0;
    for (int q = 0; q < R; q++) {
        pa[q] = g->a + (q0 + q) * g->as;
        for (int v = 0; v < NV; v++) acc[q][v] = _mm512_setzero_ps();
    }
    const int64_t ast = g->ast, ldb = g->ldb;
    for (int64_t s = 0; s < g->steps; s++) {
        __m512 bv[4];
        for (int v = 0; v < NV; v++)
            bv[v] = v < NV - 1 ? _mm512_loadu_ps(pb + 16 * v)
                               : _mm512_maskz_loadu_ps(last, pb + 16 * v);
        for (int q = 0; q < R; q++) {
            const __m512 av = _mm512_set1_ps(pa[q][s * ast]);
            for (int v = 0; v < NV; v++) acc[q][v] = _mm512_fmadd_ps(av, bv[v], acc[q][v]);
        }
        pb += ldb;
    }
    const __m512 alpha = _mm512_set1_ps(g->alpha), beta = _mm512_set1_ps(g->beta);
    for (int q = 0; q < R; q++) {
        float *pc = g->c + (q0 + q) * g->ldc + c0;
        for (int v = 0; v < NV; v++) {
            __m512 o = acc[q][v];
            const __mmask16 m = v < NV - 1 ? (__mmask16)0xffff : last;
            if (g->accumulate) {
                o = _mm512_add_ps(_mm512_maskz_loadu_ps(m, pc + 16 * v), o);
            } else {
                o = _mm512_mul_ps(alpha, o);
                if (g->beta != 0.0f)
                    o = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(m, pc + 16 * v), o);
            }
            _mm512_mask_storeu_ps(pc + 16 * v, m, o);
        }
    }
}

// Rows q0 .. rows - 1 in tiles of R (the last one shorter) at one column block.
AI void row_tiles(const lci_lowrank_gemm *g, int64_t c0, __mmask16 last, const int R,
                  const int NV) {
    int64_t q0 = 0;
    for (; q0 + R <= g->rows; q0 += R) tile(g, q0, c0, last, R, NV);
    switch (g->rows - q0) {
    case 1:
        tile(g, q0, c0, last, 1, NV);
        break;
    case 2:
        tile(g, q0, c0, last, 2 < R ? 2 : R, NV);
        break;
    case 3:
        tile(g, q0, c0, last, 3 < R ? 3 : R, NV);
        break;
    case 4:
        tile(g, q0, c0, last, 4 < R ? 4 : R, NV);
        break;
    case 5:
        tile(g, q0, c0, last, 5 < R ? 5 : R, NV);
        break;
    case 6:
        tile(g, q0, c0, last, 6 < R ? 6 : R, NV);
        break;
    case 7:
        tile(g, q0, c0, last, 7 < R ? 7 : R, NV);
        break;
    default:
        break;
    }
}

void lci_lowrank_gemm_avx512(const lci_lowrank_gemm *g) {
    if (g->cols <= 32) { // narrow: 8 rows × up to 2 vectors
        const int64_t w = g->cols;
        if (w <= 0) return;
        const __mmask16 last = (__mmask16)(0xffffu >> (16 - ((w - 1) % 16 + 1)));
        if (w > 16)
            row_tiles(g, 0, last, 8, 2);
        else
            row_tiles(g, 0, last, 8, 1);
        return;
    }
    for (int64_t c0 = 0; c0 < g->cols; c0 += 64) {
        const int64_t w = g->cols - c0 < 64 ? g->cols - c0 : 64;
        const __mmask16 last = (__mmask16)(0xffffu >> (16 - ((w - 1) % 16 + 1)));
        switch ((w + 15) / 16) {
        case 4:
            row_tiles(g, c0, last, 4, 4);
            break;
        case 3:
            row_tiles(g, c0, last, 4, 3);
            break;
        case 2:
            row_tiles(g, c0, last, 8, 2);
            break;
        default:
            row_tiles(g, c0, last, 8, 1);
            break;
        }
    }
}

const lci_kernel lci_lowrank_kernels_avx512[] = {
    {LCI_KERNEL_LOWRANK_GEMM, LC_ISA_AVX512, "lci_lowrank_gemm_4x64_avx512",
     (lci_fn)lci_lowrank_gemm_avx512},
    {0, 0, NULL, NULL},
};
