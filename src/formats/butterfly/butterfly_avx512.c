// butterfly_avx512.c: butterfly stages for AVX-512: a tile row (16 vectors' entries) is one zmm;
// two factors per pass (radix 4: four rows loaded, four 2×2 blocks, four rows stored) unless a
// mirror layer sits between them, the others alone; mirror layers alone. Each output is fma(b,
// x[i+h], a·x[i]).
#include "butterfly.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))

AI void block(const float *blk, __m512 *u, __m512 *v) {
    const __m512 x = *u, y = *v;
    *u = _mm512_fmadd_ps(_mm512_set1_ps(blk[1]), y, _mm512_mul_ps(_mm512_set1_ps(blk[0]), x));
    *v = _mm512_fmadd_ps(_mm512_set1_ps(blk[3]), y, _mm512_mul_ps(_mm512_set1_ps(blk[2]), x));
}

static void radix2(const float *ft, int32_t t, float *tile, int64_t r0, int64_t rows) {
    const int64_t h = (int64_t)1 << t;
    for (int64_t b = r0; b < r0 + rows; b += 2 * h) {
        const float *blk = ft + (b >> (t + 1)) * h * 4;
        for (int64_t i = 0; i < h; i++) {
            float *p = tile + (b + i) * 16;
            __m512 x0 = _mm512_load_ps(p), x1 = _mm512_load_ps(p + h * 16);
            block(blk + i * 4, &x0, &x1);
            _mm512_store_ps(p, x0);
            _mm512_store_ps(p + h * 16, x1);
        }
    }
}

// Factors t and t + 1 (strides h and 2h) on the quads (i, i+h, i+2h, i+3h).
static void radix4(const float *ft, const float *fu, int32_t t, float *tile, int64_t r0,
                   int64_t rows) {
    const int64_t h = (int64_t)1 << t;
    for (int64_t b = r0; b < r0 + rows; b += 4 * h) {
        const float *ba = ft + (b >> (t + 1)) * h * 4;     // pairs (i, i+h); (i+2h, i+3h) at +h
        const float *bc = fu + (b >> (t + 2)) * 2 * h * 4; // pairs (i, i+2h); (i+h, i+3h) at +h
        for (int64_t i = 0; i < h; i++) {
            float *p = tile + (b + i) * 16;
            __m512 x0 = _mm512_load_ps(p), x1 = _mm512_load_ps(p + h * 16);
            __m512 x2 = _mm512_load_ps(p + 2 * h * 16), x3 = _mm512_load_ps(p + 3 * h * 16);
            block(ba + i * 4, &x0, &x1);
            block(ba + (h + i) * 4, &x2, &x3);
            block(bc + i * 4, &x0, &x2);
            block(bc + (h + i) * 4, &x1, &x3);
            _mm512_store_ps(p, x0);
            _mm512_store_ps(p + h * 16, x1);
            _mm512_store_ps(p + 2 * h * 16, x2);
            _mm512_store_ps(p + 3 * h * 16, x3);
        }
    }
}

// Mirror layer t (blocks gt): pairs (b, b+h) and (b+j, b+2h−j) of each block of 2h rows.
static void mirror(const float *gt, int32_t t, float *tile, int64_t r0, int64_t rows) {
    const int64_t h = (int64_t)1 << t;
    for (int64_t b = r0; b < r0 + rows; b += 2 * h) {
        const float *blk = gt + (b >> (t + 1)) * h * 4;
        for (int64_t j = 0; j < h; j++) {
            float *p = tile + (b + j) * 16, *q = tile + (j ? b + 2 * h - j : b + h) * 16;
            __m512 x0 = _mm512_load_ps(p), x1 = _mm512_load_ps(q);
            block(blk + j * 4, &x0, &x1);
            _mm512_store_ps(p, x0);
            _mm512_store_ps(q, x1);
        }
    }
}

void lci_butterfly_stages_r4_avx512(const lci_butterfly *a, int32_t t0, int32_t t1, float *tile,
                                    int64_t r0, int64_t rows) {
    const int64_t per = a->nn / 2 * 4;
    const float *f = a->f;
    for (int32_t t = t0; t < t1;) {
        if (t + 1 < t1 && !lci_butterfly_mirror(a, t)) { // radix 4 unless a mirror sits between
            radix4(f + t * per, f + (t + 1) * per, t, tile, r0, rows);
            t++;
        } else
            radix2(f + t * per, t, tile, r0, rows);
        const float *gt = lci_butterfly_mirror(a, t);
        if (gt) mirror(gt, t, tile, r0, rows);
        t++;
    }
}

const lci_kernel lci_butterfly_kernels_avx512[] = {
    {LCI_KERNEL_BUTTERFLY_STAGES, LC_ISA_AVX512, "lci_butterfly_stages_r4_avx512",
     (lci_fn)lci_butterfly_stages_r4_avx512},
    {0, 0, NULL, NULL},
};
