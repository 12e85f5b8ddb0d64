// butterfly_avx2.c: butterfly stages for AVX2 + FMA: a tile row (16 vectors' entries) is two
// ymm; two factors per pass (radix 4: four rows loaded, four 2×2 blocks, four rows stored) unless a
// mirror layer sits between them, the others alone; mirror layers alone. Each output is fma(b,
// x[i+h], a·x[i]).
#include "butterfly.h"

#include <immintrin.h>

#define AI static inline __attribute__((always_inline))

typedef struct row {
    __m256 lo, hi;
} row;

AI row load(const float *p) {
    return (row){_mm256_load_ps(p), _mm256_load_ps(p + 8)};
}

AI void store(float *p, row r) {
    _mm256_store_ps(p, r.lo);
    _mm256_store_ps(p + 8, r.hi);
}

AI void block(const float *blk, row *u, row *v) {
    const __m256 a = _mm256_set1_ps(blk[0]), b = _mm256_set1_ps(blk[1]);
    const __m256 c = _mm256_set1_ps(blk[2]), d = _mm256_set1_ps(blk[3]);
    const row x = *u, y = *v;
    u->lo = _mm256_fmadd_ps(b, y.lo, _mm256_mul_ps(a, x.lo));
    u->hi = _mm256_fmadd_ps(b, y.hi, _mm256_mul_ps(a, x.hi));
    v->lo = _mm256_fmadd_ps(d, y.lo, _mm256_mul_ps(c, x.lo));
    v->hi = _mm256_fmadd_ps(d, y.hi, _mm256_mul_ps(c, x.hi));
}

static void radix2(const float *ft, int32_t t, float *tile, int64_t r0, int64_t rows) {
    const int64_t h = (int64_t)1 << t;
    for (int64_t b = r0; b < r0 + rows; b += 2 * h) {
        const float *blk = ft + (b >> (t + 1)) * h * 4;
        for (int64_t i = 0; i < h; i++) {
            float *p = tile + (b + i) * 16;
            row x0 = load(p), x1 = load(p + h * 16);
            block(blk + i * 4, &x0, &x1);
            store(p, x0);
            store(p + h * 16, x1);
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
            row x0 = load(p), x1 = load(p + h * 16), x2 = load(p + 2 * h * 16),
                x3 = load(p + 3 * h * 16);
            block(ba + i * 4, &x0, &x1);
            block(ba + (h + i) * 4, &x2, &x3);
            block(bc + i * 4, &x0, &x2);
            block(bc + (h + i) * 4, &x1, &x3);
            store(p, x0);
            store(p + h * 16, x1);
            store(p + 2 * h * 16, x2);
            store(p + 3 * h * 16, x3);
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
            row x0 = load(p), x1 = load(q);
            block(blk + j * 4, &x0, &x1);
            store(p, x0);
            store(q, x1);
        }
    }
}

void lci_butterfly_stages_r4_avx2(const lci_butterfly *a, int32_t t0, int32_t t1, float *tile,
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

const lci_kernel lci_butterfly_kernels_avx2[] = {
    {LCI_KERNEL_BUTTERFLY_STAGES, LC_ISA_AVX2, "lci_butterfly_stages_r4_avx2",
     (lci_fn)lci_butterfly_stages_r4_avx2},
    {0, 0, NULL, NULL},
};
