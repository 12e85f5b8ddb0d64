// lowrank_avx2.c: the low-rank format's kernel (lowrank.h) for AVX2: register tiles of up to
// 4 rows × 24 columns (12 ymm accumulators; each step loads 3 vectors of B and broadcasts 4
// floats of A for 12 FMAs) or, for narrow products (cols <= 16), 6 rows × 16 columns. The last
// vector of a tile is masked (maskload/maskstore), so no float outside A, B or C is touched.
#include "lowrank.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))

AI __m256 load_last(const float *p, __m256i m, bool full) {
    return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m);
}

// One tile: rows q0 .. q0 + R - 1, columns c0 .. c0 + 8·NV - 1 (the last vector under mask m,
// all lanes when full).
AI void tile(const lci_lowrank_gemm *g, int64_t q0, int64_t c0, __m256i m, bool full, const int R,
             const int NV) {
    __m256 acc[6][3];
    const float *pa[6];
    const float *pb = g->b + c0;
    for (int q = 0; q < R; q++) {
        pa[q] = g->a + (q0 + q) * g->as;
        for (int v = 0; v < NV; v++) acc[q][v] = _mm256_setzero_ps();
    }
    const int64_t ast = g->ast, ldb = g->ldb;
    for (int64_t s = 0; s < g->steps; s++) {
        __m256 bv[3];
        for (int v = 0; v < NV; v++) bv[v] = load_last(pb + 8 * v, m, full || v < NV - 1);
        for (int q = 0; q < R; q++) {
            const __m256 av = _mm256_broadcast_ss(pa[q] + s * ast);
            for (int v = 0; v < NV; v++) acc[q][v] = _mm256_fmadd_ps(av, bv[v], acc[q][v]);
        }
        pb += ldb;
    }
    const __m256 alpha = _mm256_set1_ps(g->alpha), beta = _mm256_set1_ps(g->beta);
    for (int q = 0; q < R; q++) {
        float *pc = g->c + (q0 + q) * g->ldc + c0;
        for (int v = 0; v < NV; v++) {
            const bool f = full || v < NV - 1;
            __m256 o = acc[q][v];
            if (g->accumulate) {
                o = _mm256_add_ps(load_last(pc + 8 * v, m, f), o);
            } else {
                o = _mm256_mul_ps(alpha, o);
                if (g->beta != 0.0f) o = _mm256_fmadd_ps(beta, load_last(pc + 8 * v, m, f), o);
            }
            if (f)
                _mm256_storeu_ps(pc + 8 * v, o);
            else
                _mm256_maskstore_ps(pc + 8 * v, m, o);
        }
    }
}

AI void row_tiles_(const lci_lowrank_gemm *g, int64_t c0, __m256i m, const bool full, const int R,
                   const int NV) {
    int64_t q0 = 0;
    for (; q0 + R <= g->rows; q0 += R) tile(g, q0, c0, m, full, R, NV);
    switch (g->rows - q0) {
    case 1:
        tile(g, q0, c0, m, full, 1, NV);
        break;
    case 2:
        tile(g, q0, c0, m, full, 2, NV);
        break;
    case 3:
        tile(g, q0, c0, m, full, 3, NV);
        break;
    case 4:
        tile(g, q0, c0, m, full, 4 < R ? 4 : R, NV);
        break;
    case 5:
        tile(g, q0, c0, m, full, 5 < R ? 5 : R, NV);
        break;
    default:
        break;
    }
}

// `full` as a constant: no select between loadu and maskload inside the step loop.
AI void row_tiles(const lci_lowrank_gemm *g, int64_t c0, __m256i m, bool full, const int R,
                  const int NV) {
    if (full)
        row_tiles_(g, c0, m, true, R, NV);
    else
        row_tiles_(g, c0, m, false, R, NV);
}

void lci_lowrank_gemm_avx2(const lci_lowrank_gemm *g) {
    const int64_t wide = g->cols <= 16 ? 16 : 24; // columns per tile
    for (int64_t c0 = 0; c0 < g->cols; c0 += wide) {
        const int64_t w = g->cols - c0 < wide ? g->cols - c0 : wide;
        const int tail = (int)((w - 1) % 8 + 1); // lanes of the last vector
        const __m256i m =
            _mm256_cmpgt_epi32(_mm256_set1_epi32(tail), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        const bool full = tail == 8;
        switch ((w + 7) / 8) {
        case 3:
            row_tiles(g, c0, m, full, 4, 3);
            break;
        case 2:
            row_tiles(g, c0, m, full, wide == 16 ? 6 : 4, 2);
            break;
        default:
            row_tiles(g, c0, m, full, 6, 1);
            break;
        }
    }
}

const lci_kernel lci_lowrank_kernels_avx2[] = {
    {LCI_KERNEL_LOWRANK_GEMM, LC_ISA_AVX2, "lci_lowrank_gemm_4x24_avx2",
     (lci_fn)lci_lowrank_gemm_avx2},
    {0, 0, NULL, NULL},
};
