// csr_avx512.c: CSR kernels for AVX-512: SpMM in 64-column register blocks (masked edges),
// SpMV with 16-lane gathers.
#include "csr.h"
#include "csr_mv_rows.h"

#include <immintrin.h>

static inline __m512 finish(__m512 acc, __m512 alpha, float beta, const float *y, __mmask16 m) {
    if (beta == 0.0f) return _mm512_mul_ps(acc, alpha);
    return _mm512_fmadd_ps(acc, alpha,
                           _mm512_mul_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(m, y)));
}

void lci_csr_mm_64_avx512(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                          int64_t r1, const float *p, int64_t ldp, int64_t nb, float alpha,
                          float beta, float *y, int64_t ldy) {
    const __m512 va = _mm512_set1_ps(alpha);
    const __mmask16 all = 0xffff;
    for (int64_t i = r0; i < r1; i++) {
        float *yi = y + (i - r0) * ldy;
        const int64_t q0 = ptr[i], q1 = ptr[i + 1];
        int64_t j = 0;
        for (; j + 64 <= nb; j += 64) {
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int64_t q = q0; q < q1; q++) {
                const __m512 v = _mm512_set1_ps(val[q]);
                const float *x = p + (int64_t)col[q] * ldp + j;
                a0 = _mm512_fmadd_ps(v, _mm512_loadu_ps(x), a0);
                a1 = _mm512_fmadd_ps(v, _mm512_loadu_ps(x + 16), a1);
                a2 = _mm512_fmadd_ps(v, _mm512_loadu_ps(x + 32), a2);
                a3 = _mm512_fmadd_ps(v, _mm512_loadu_ps(x + 48), a3);
            }
            float *o = yi + j;
            _mm512_storeu_ps(o, finish(a0, va, beta, o, all));
            _mm512_storeu_ps(o + 16, finish(a1, va, beta, o + 16, all));
            _mm512_storeu_ps(o + 32, finish(a2, va, beta, o + 32, all));
            _mm512_storeu_ps(o + 48, finish(a3, va, beta, o + 48, all));
        }
        for (; j < nb; j += 16) {
            const int64_t w = nb - j < 16 ? nb - j : 16;
            const __mmask16 m = (__mmask16)((1u << w) - 1);
            __m512 acc = _mm512_setzero_ps();
            for (int64_t q = q0; q < q1; q++) {
                const float *x = p + (int64_t)col[q] * ldp + j;
                acc = _mm512_fmadd_ps(_mm512_set1_ps(val[q]), _mm512_maskz_loadu_ps(m, x), acc);
            }
            _mm512_mask_storeu_ps(yi + j, m, finish(acc, va, beta, yi + j, m));
        }
    }
}

// Long rows of the plain SpMV (csr_mv_rows.h): gathered, then reduced. STREAM: the value and
// column streams are prefetched STREAM_AHEAD entries ahead into L2 (_MM_HINT_T2; into L1 they
// evict the lines of x the gathers reuse). 65536², 0.5%, Zen 4: one core 19.6 → 17.4 ms, two
// 9.7 → 9.0 ms; 256 entries ahead, 1024, T0 and NTA were measured slower.
enum { STREAM_AHEAD = 512 };
static __attribute__((noinline)) float row_gather(const int32_t *col, const float *val, int64_t q,
                                                  int64_t q1, const float *x, const bool stream) {
    __m512 acc = _mm512_setzero_ps();
    for (; q + 16 <= q1; q += 16) {
        if (stream) {
            _mm_prefetch((const char *)(val + q + STREAM_AHEAD), _MM_HINT_T2);
            _mm_prefetch((const char *)(col + q + STREAM_AHEAD), _MM_HINT_T2);
        }
        const __m512i idx = _mm512_loadu_si512(col + q);
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(val + q), _mm512_i32gather_ps(idx, x, 4), acc);
    }
    if (q < q1) {
        const __mmask16 m = (__mmask16)((1u << (q1 - q)) - 1);
        const __m512i idx = _mm512_maskz_loadu_epi32(m, col + q);
        const __m512 xv = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, idx, x, 4);
        acc = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(m, val + q), xv, acc, m);
    }
    return _mm512_reduce_add_ps(acc);
}

void lci_csr_mv_16_avx512(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                          int64_t r1, const float *x, float alpha, float beta, float *y,
                          int64_t incy) {
    lci_csr_mv_rows(ptr, col, val, r0, r1, x, alpha, beta, y, incy, row_gather, false);
}

void lci_csr_mv_16_stream_avx512(const int64_t *ptr, const int32_t *col, const float *val,
                                 int64_t r0, int64_t r1, const float *x, float alpha, float beta,
                                 float *y, int64_t incy) {
    lci_csr_mv_rows(ptr, col, val, r0, r1, x, alpha, beta, y, incy, row_gather, true);
}

// Tiled SpMM with NV 16-float accumulators per row (NV = ceil(nb / 16)); the panel is zero-padded
// to 64 columns, so full-width loads are safe and exact.
enum { LONG_ITEM = 32 };
static inline __attribute__((always_inline)) void
tile_body(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx, const float *val,
          int64_t q0, int64_t q1, int64_t r0, const float *panel, int64_t ld, float *acc,
          const int NV) {
    for (int64_t q = q0; q < q1; q++) {
        float *a = acc + (row[q] - r0) * ld;
        if (NV == 1 && item_ptr[q + 1] - item_ptr[q] >= LONG_ITEM) {
            // One accumulator would chain every FMA of a long item (4 cycles each): the long
            // items of a power-law matrix ran at that latency (4096², 5%, n = 8, one core:
            // 0.89 ms against 0.65 for a uniform matrix; now 0.72). Four chains, entries
            // e ≡ 0..3 (mod 4) from the item's start, the remainder on the first; summed
            // (c0 + c1) + (c2 + c3). Shorter items keep one chain (items overlap each other; a
            // threshold of 16 cost the uniform matrix 5%).
            __m512 c0 = _mm512_load_ps(a), c1 = _mm512_setzero_ps(), c2 = c1, c3 = c1;
            int64_t e = item_ptr[q];
            const int64_t end = item_ptr[q + 1];
            for (; e + 4 <= end; e += 4) {
                c0 = _mm512_fmadd_ps(_mm512_set1_ps(val[e]),
                                     _mm512_load_ps(panel + (int64_t)idx[e] * ld), c0);
                c1 = _mm512_fmadd_ps(_mm512_set1_ps(val[e + 1]),
                                     _mm512_load_ps(panel + (int64_t)idx[e + 1] * ld), c1);
                c2 = _mm512_fmadd_ps(_mm512_set1_ps(val[e + 2]),
                                     _mm512_load_ps(panel + (int64_t)idx[e + 2] * ld), c2);
                c3 = _mm512_fmadd_ps(_mm512_set1_ps(val[e + 3]),
                                     _mm512_load_ps(panel + (int64_t)idx[e + 3] * ld), c3);
            }
            for (; e < end; e++)
                c0 = _mm512_fmadd_ps(_mm512_set1_ps(val[e]),
                                     _mm512_load_ps(panel + (int64_t)idx[e] * ld), c0);
            _mm512_store_ps(a, _mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)));
            continue;
        }
        __m512 a0 = _mm512_load_ps(a), a1 = a0, a2 = a0, a3 = a0;
        if (NV > 1) a1 = _mm512_load_ps(a + 16);
        if (NV > 2) a2 = _mm512_load_ps(a + 32);
        if (NV > 3) a3 = _mm512_load_ps(a + 48);
        for (int64_t e = item_ptr[q]; e < item_ptr[q + 1]; e++) {
            const __m512 v = _mm512_set1_ps(val[e]);
            const float *x = panel + (int64_t)idx[e] * ld;
            a0 = _mm512_fmadd_ps(v, _mm512_load_ps(x), a0);
            if (NV > 1) a1 = _mm512_fmadd_ps(v, _mm512_load_ps(x + 16), a1);
            if (NV > 2) a2 = _mm512_fmadd_ps(v, _mm512_load_ps(x + 32), a2);
            if (NV > 3) a3 = _mm512_fmadd_ps(v, _mm512_load_ps(x + 48), a3);
        }
        _mm512_store_ps(a, a0);
        if (NV > 1) _mm512_store_ps(a + 16, a1);
        if (NV > 2) _mm512_store_ps(a + 32, a2);
        if (NV > 3) _mm512_store_ps(a + 48, a3);
    }
}

void lci_csr_tile_mm_64_avx512(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                               const float *val, int64_t q0, int64_t q1, int64_t r0,
                               const float *panel, int64_t nb, int64_t ld, float *acc) {
    switch ((nb + 15) / 16) {
    case 1:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 1);
        break;
    case 2:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 2);
        break;
    case 3:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 3);
        break;
    default:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 4);
        break;
    }
}

// SELL: one slice = 16 rows in the 16 lanes; NV vectors share each index and value load.
// Steps below the slice's shortest lane need no mask; later ones mask the lanes past a row's
// end (their x is not gathered, their sum not touched), so both give the same per-lane sums.
// The value and index streams are prefetched SELL_AHEAD entries ahead (a matrix beyond the L3,
// one core: 11.3 → 10.8 ms at 65536², 0.5%), and the partial sums of a tile go to the row
// accumulators with scalar adds (a gather and a scatter cost more on Zen 4: → 10.4 ms).
enum { SELL_AHEAD = 1024 };
static inline __attribute__((always_inline)) void sell_body(const lci_csr_sell *s, int32_t tile,
                                                            int64_t s0, int64_t s1, const float *x,
                                                            int64_t ldxv, const lci_sell_out *o,
                                                            const int NV) {
    for (int64_t slice = s0; slice < s1; slice++) {
        const int64_t b = (int64_t)tile * s->slices + slice;
        const int64_t t0 = s->step[b], t1 = s->step[b + 1], tf = t0 + s->full[b];
        const __m512i lens = _mm512_loadu_si512(s->len + 16 * b);
        __m512 acc[7];
        for (int v = 0; v < NV; v++) acc[v] = _mm512_setzero_ps();
        int64_t t = t0;
        for (; t < tf; t++) {
            _mm_prefetch((const char *)(s->val + 16 * t + SELL_AHEAD), _MM_HINT_T0);
            if (!(t & 1)) _mm_prefetch((const char *)(s->idx + 16 * t + SELL_AHEAD), _MM_HINT_T0);
            const __m512i idx =
                _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(s->idx + 16 * t)));
            const __m512 val = _mm512_loadu_ps(s->val + 16 * t);
            for (int v = 0; v < NV; v++)
                acc[v] = _mm512_fmadd_ps(val, _mm512_i32gather_ps(idx, x + v * ldxv, 4), acc[v]);
        }
        for (; t < t1; t++) {
            const __mmask16 live = _mm512_cmpgt_epi32_mask(lens, _mm512_set1_epi32((int)(t - t0)));
            const __m512i idx =
                _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(s->idx + 16 * t)));
            const __m512 val = _mm512_loadu_ps(s->val + 16 * t);
            for (int v = 0; v < NV; v++) {
                const __m512 xv =
                    _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, idx, x + v * ldxv, 4);
                acc[v] = _mm512_mask3_fmadd_ps(val, xv, acc[v], live);
            }
        }
        // Lanes hold distinct rows (or none, perm < 0).
        const int32_t *perm = s->perm + 16 * b;
        for (int v = 0; v < NV; v++) {
            if (o->acc) {
                float *a = o->acc + v * o->lda, sum[16];
                _mm512_storeu_ps(sum, acc[v]);
                if (o->first) {
                    for (int l = 0; l < 16; l++)
                        if (perm[l] >= 0) a[perm[l]] = sum[l];
                } else {
                    for (int l = 0; l < 16; l++)
                        if (perm[l] >= 0) a[perm[l]] += sum[l];
                }
                continue;
            }
            float sum[16];
            _mm512_storeu_ps(sum, acc[v]);
            for (int l = 0; l < 16; l++) {
                if (perm[l] < 0) continue;
                float *out = o->y + perm[l] * o->ys_r + v * o->ys_v;
                *out = o->beta == 0.0f ? o->alpha * sum[l] : o->alpha * sum[l] + o->beta * *out;
            }
        }
    }
}

void lci_csr_sell_mv_16_avx512(const lci_csr_sell *s, int32_t tile, int64_t s0, int64_t s1,
                               int64_t n, const float *x, int64_t ldxv, const lci_sell_out *o) {
    switch (n) {
    case 1:
        sell_body(s, tile, s0, s1, x, ldxv, o, 1);
        break;
    case 2:
        sell_body(s, tile, s0, s1, x, ldxv, o, 2);
        break;
    case 3:
        sell_body(s, tile, s0, s1, x, ldxv, o, 3);
        break;
    case 4:
        sell_body(s, tile, s0, s1, x, ldxv, o, 4);
        break;
    case 5:
        sell_body(s, tile, s0, s1, x, ldxv, o, 5);
        break;
    case 6:
        sell_body(s, tile, s0, s1, x, ldxv, o, 6);
        break;
    default:
        sell_body(s, tile, s0, s1, x, ldxv, o, 7);
        break;
    }
}

// Overflow rows of the SELL layout (the long tails of a few rows): a gathered dot product per
// row and vector, 32 entries a step in two accumulators, the tail masked.
void lci_csr_sell_ovf_16_avx512(const int32_t *row, const int64_t *ptr, const uint16_t *idx,
                                const float *val, int64_t q0, int64_t q1, int64_t n, const float *x,
                                int64_t ldxv, float *acc, int64_t lda) {
    for (int64_t q = q0; q < q1; q++) {
        for (int64_t v = 0; v < n; v++) {
            const float *xv = x + v * ldxv;
            __m512 a0 = _mm512_setzero_ps(), a1 = a0;
            int64_t e = ptr[q];
            const int64_t end = ptr[q + 1];
            for (; e + 32 <= end; e += 32) {
                const __m512i i0 =
                    _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(idx + e)));
                const __m512i i1 =
                    _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(idx + e + 16)));
                a0 = _mm512_fmadd_ps(_mm512_loadu_ps(val + e), _mm512_i32gather_ps(i0, xv, 4), a0);
                a1 = _mm512_fmadd_ps(_mm512_loadu_ps(val + e + 16), _mm512_i32gather_ps(i1, xv, 4),
                                     a1);
            }
            for (; e < end; e += 16) {
                const int64_t left = end - e;
                const __mmask16 live = left >= 16 ? 0xffff : (__mmask16)((1u << left) - 1);
                const __m512i ix =
                    _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(live, (const void *)(idx + e)));
                const __m512 xg = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, ix, xv, 4);
                a0 = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(live, val + e), xg, a0, live);
            }
            acc[v * lda + row[q]] += _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
        }
    }
}

const lci_kernel lci_csr_kernels_avx512[] = {
    {LCI_KERNEL_CSR_MM, LC_ISA_AVX512, "lci_csr_mm_64_avx512", (lci_fn)lci_csr_mm_64_avx512},
    {LCI_KERNEL_CSR_MV, LC_ISA_AVX512, "lci_csr_mv_16_avx512", (lci_fn)lci_csr_mv_16_avx512},
    {LCI_KERNEL_CSR_MV_STREAM, LC_ISA_AVX512, "lci_csr_mv_16_stream_avx512",
     (lci_fn)lci_csr_mv_16_stream_avx512},
    {LCI_KERNEL_CSR_SELL_OVF, LC_ISA_AVX512, "lci_csr_sell_ovf_16_avx512",
     (lci_fn)lci_csr_sell_ovf_16_avx512},
    {LCI_KERNEL_CSR_SELL_MV, LC_ISA_AVX512, "lci_csr_sell_mv_16_avx512",
     (lci_fn)lci_csr_sell_mv_16_avx512},
    {LCI_KERNEL_CSR_TILE_MM, LC_ISA_AVX512, "lci_csr_tile_mm_64_avx512",
     (lci_fn)lci_csr_tile_mm_64_avx512},
    {0, 0, NULL, NULL},
};
