// csr_avx2.c: CSR kernels for AVX2+FMA: SpMM in 32-column register blocks, SpMV with gathers.
#include "csr.h"
#include "csr_mv_rows.h"

#include <immintrin.h>

// Mask of the first w (< 8) lanes.
static inline __m256i lane_mask(int64_t w) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)w), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

static inline __m256 finish(__m256 acc, __m256 alpha, float beta, __m256 y) {
    return beta == 0.0f ? _mm256_mul_ps(acc, alpha)
                        : _mm256_fmadd_ps(acc, alpha, _mm256_mul_ps(_mm256_set1_ps(beta), y));
}

void lci_csr_mm_32_avx2(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                        int64_t r1, const float *p, int64_t ldp, int64_t nb, float alpha,
                        float beta, float *y, int64_t ldy) {
    const __m256 va = _mm256_set1_ps(alpha);
    for (int64_t i = r0; i < r1; i++) {
        float *yi = y + (i - r0) * ldy;
        const int64_t q0 = ptr[i], q1 = ptr[i + 1];
        int64_t j = 0;
        for (; j + 32 <= nb; j += 32) {
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (int64_t q = q0; q < q1; q++) {
                const __m256 v = _mm256_broadcast_ss(val + q);
                const float *x = p + (int64_t)col[q] * ldp + j;
                a0 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x), a0);
                a1 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x + 8), a1);
                a2 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x + 16), a2);
                a3 = _mm256_fmadd_ps(v, _mm256_loadu_ps(x + 24), a3);
            }
            float *o = yi + j;
            __m256 z = _mm256_setzero_ps();
            _mm256_storeu_ps(o, finish(a0, va, beta, beta == 0.0f ? z : _mm256_loadu_ps(o)));
            _mm256_storeu_ps(o + 8,
                             finish(a1, va, beta, beta == 0.0f ? z : _mm256_loadu_ps(o + 8)));
            _mm256_storeu_ps(o + 16,
                             finish(a2, va, beta, beta == 0.0f ? z : _mm256_loadu_ps(o + 16)));
            _mm256_storeu_ps(o + 24,
                             finish(a3, va, beta, beta == 0.0f ? z : _mm256_loadu_ps(o + 24)));
        }
        for (; j < nb; j += 8) {
            const int64_t w = nb - j < 8 ? nb - j : 8;
            const __m256i mask = lane_mask(w);
            __m256 acc = _mm256_setzero_ps();
            for (int64_t q = q0; q < q1; q++) {
                const float *x = p + (int64_t)col[q] * ldp + j;
                acc =
                    _mm256_fmadd_ps(_mm256_broadcast_ss(val + q), _mm256_maskload_ps(x, mask), acc);
            }
            __m256 old = beta == 0.0f ? _mm256_setzero_ps() : _mm256_maskload_ps(yi + j, mask);
            _mm256_maskstore_ps(yi + j, mask, finish(acc, va, beta, old));
        }
    }
}

static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Long rows of the plain SpMV (csr_mv_rows.h): gathered, then reduced. STREAM: the value and
// column streams are prefetched into L2 (as the AVX-512 kernel), once per 16 entries.
enum { STREAM_AHEAD = 512 };
static __attribute__((noinline)) float row_gather(const int32_t *col, const float *val, int64_t q,
                                                  int64_t q1, const float *x, const bool stream) {
    __m256 acc = _mm256_setzero_ps();
    for (; q + 8 <= q1; q += 8) {
        if (stream && !(q & 8)) {
            _mm_prefetch((const char *)(val + q + STREAM_AHEAD), _MM_HINT_T2);
            _mm_prefetch((const char *)(col + q + STREAM_AHEAD), _MM_HINT_T2);
        }
        const __m256i idx = _mm256_loadu_si256((const __m256i *)(col + q));
        acc = _mm256_fmadd_ps(_mm256_loadu_ps(val + q), _mm256_i32gather_ps(x, idx, 4), acc);
    }
    float sum = hsum(acc);
    for (; q < q1; q++) sum += val[q] * x[col[q]];
    return sum;
}

void lci_csr_mv_8_avx2(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                       int64_t r1, const float *x, float alpha, float beta, float *y,
                       int64_t incy) {
    lci_csr_mv_rows(ptr, col, val, r0, r1, x, alpha, beta, y, incy, row_gather, false);
}

void lci_csr_mv_8_stream_avx2(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                              int64_t r1, const float *x, float alpha, float beta, float *y,
                              int64_t incy) {
    lci_csr_mv_rows(ptr, col, val, r0, r1, x, alpha, beta, y, incy, row_gather, true);
}

// Tiled SpMM with NV 8-float accumulators per row (NV = ceil(nb / 8)); the panel is zero-padded
// to 64 columns, so full-width loads are safe and exact.
enum { LONG_ITEM = 32 };
static inline __attribute__((always_inline)) void
tile_body(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx, const float *val,
          int64_t q0, int64_t q1, int64_t r0, const float *panel, int64_t ld, float *acc,
          const int NV) {
    for (int64_t q = q0; q < q1; q++) {
        float *a = acc + (row[q] - r0) * ld;
        if (NV == 1 && item_ptr[q + 1] - item_ptr[q] >= LONG_ITEM) {
            // A long item on one accumulator runs at the FMA latency: four chains, entries
            // e ≡ 0..3 (mod 4) from the item's start, the remainder on the first, summed
            // (c0 + c1) + (c2 + c3) (as the AVX-512 kernel).
            __m256 c0 = _mm256_load_ps(a), c1 = _mm256_setzero_ps(), c2 = c1, c3 = c1;
            int64_t e = item_ptr[q];
            const int64_t end = item_ptr[q + 1];
            for (; e + 4 <= end; e += 4) {
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(val + e),
                                     _mm256_load_ps(panel + (int64_t)idx[e] * ld), c0);
                c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(val + e + 1),
                                     _mm256_load_ps(panel + (int64_t)idx[e + 1] * ld), c1);
                c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(val + e + 2),
                                     _mm256_load_ps(panel + (int64_t)idx[e + 2] * ld), c2);
                c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(val + e + 3),
                                     _mm256_load_ps(panel + (int64_t)idx[e + 3] * ld), c3);
            }
            for (; e < end; e++)
                c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(val + e),
                                     _mm256_load_ps(panel + (int64_t)idx[e] * ld), c0);
            _mm256_store_ps(a, _mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)));
            continue;
        }
        __m256 s[8];
        for (int r = 0; r < NV; r++) s[r] = _mm256_load_ps(a + 8 * r);
        for (int64_t e = item_ptr[q]; e < item_ptr[q + 1]; e++) {
            const __m256 v = _mm256_broadcast_ss(val + e);
            const float *x = panel + (int64_t)idx[e] * ld;
            for (int r = 0; r < NV; r++) s[r] = _mm256_fmadd_ps(v, _mm256_load_ps(x + 8 * r), s[r]);
        }
        for (int r = 0; r < NV; r++) _mm256_store_ps(a + 8 * r, s[r]);
    }
}

void lci_csr_tile_mm_64_avx2(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                             const float *val, int64_t q0, int64_t q1, int64_t r0,
                             const float *panel, int64_t nb, int64_t ld, float *acc) {
    switch ((nb + 7) / 8) {
    case 1:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 1);
        break;
    case 2:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 2);
        break;
    case 3:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 3);
        break;
    case 4:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 4);
        break;
    case 5:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 5);
        break;
    case 6:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 6);
        break;
    case 7:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 7);
        break;
    default:
        tile_body(row, item_ptr, idx, val, q0, q1, r0, panel, ld, acc, 8);
        break;
    }
}

// SELL: a 16-row slice as two halves of 8 lanes; NV vectors share each index and value load.
// Steps below the slice's shortest lane need no mask; later ones mask the lanes past a row's
// end (no gather, and the blend keeps their sum). The first half prefetches the value and
// index streams SELL_AHEAD entries ahead (as the AVX-512 kernel; on Zen 4, one core, 65536²
// at 0.5%: 12.0 → 11.0 ms).
enum { SELL_AHEAD = 1024 };
static inline __attribute__((always_inline)) void sell_body(const lci_csr_sell *s, int32_t tile,
                                                            int64_t s0, int64_t s1, const float *x,
                                                            int64_t ldxv, const lci_sell_out *o,
                                                            const int NV) {
    for (int64_t slice = s0; slice < s1; slice++) {
        const int64_t b = (int64_t)tile * s->slices + slice;
        const int64_t t0 = s->step[b], t1 = s->step[b + 1], tf = t0 + s->full[b];
        for (int h = 0; h < 2; h++) {
            const __m256i lens = _mm256_loadu_si256((const __m256i *)(s->len + 16 * b + 8 * h));
            __m256 acc[7];
            for (int v = 0; v < NV; v++) acc[v] = _mm256_setzero_ps();
            int64_t t = t0;
            for (; t < tf; t++) {
                const int64_t e = 16 * t + 8 * h;
                if (!h) {
                    _mm_prefetch((const char *)(s->val + e + SELL_AHEAD), _MM_HINT_T0);
                    if (!(t & 1))
                        _mm_prefetch((const char *)(s->idx + e + SELL_AHEAD), _MM_HINT_T0);
                }
                const __m256i idx =
                    _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s->idx + e)));
                const __m256 val = _mm256_loadu_ps(s->val + e);
                for (int v = 0; v < NV; v++)
                    acc[v] =
                        _mm256_fmadd_ps(val, _mm256_i32gather_ps(x + v * ldxv, idx, 4), acc[v]);
            }
            for (; t < t1; t++) {
                const __m256 live =
                    _mm256_castsi256_ps(_mm256_cmpgt_epi32(lens, _mm256_set1_epi32((int)(t - t0))));
                const int64_t e = 16 * t + 8 * h;
                const __m256i idx =
                    _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(s->idx + e)));
                const __m256 val = _mm256_loadu_ps(s->val + e);
                for (int v = 0; v < NV; v++) {
                    const __m256 xv =
                        _mm256_mask_i32gather_ps(_mm256_setzero_ps(), x + v * ldxv, idx, live, 4);
                    acc[v] = _mm256_blendv_ps(acc[v], _mm256_fmadd_ps(val, xv, acc[v]), live);
                }
            }
            const int32_t *perm = s->perm + 16 * b + 8 * h;
            for (int v = 0; v < NV; v++) {
                float sum[8];
                _mm256_storeu_ps(sum, acc[v]);
                for (int l = 0; l < 8; l++) {
                    if (perm[l] < 0) continue;
                    if (o->acc) {
                        float *a = o->acc + v * o->lda + perm[l];
                        *a = o->first ? sum[l] : *a + sum[l];
                        continue;
                    }
                    float *out = o->y + perm[l] * o->ys_r + v * o->ys_v;
                    *out = o->beta == 0.0f ? o->alpha * sum[l] : o->alpha * sum[l] + o->beta * *out;
                }
            }
        }
    }
}

void lci_csr_sell_mv_8_avx2(const lci_csr_sell *s, int32_t tile, int64_t s0, int64_t s1, int64_t n,
                            const float *x, int64_t ldxv, const lci_sell_out *o) {
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

// Overflow rows of the SELL layout: a gathered dot product per row and vector, 8 entries a
// step, the last step masked.
void lci_csr_sell_ovf_8_avx2(const int32_t *row, const int64_t *ptr, const uint16_t *idx,
                             const float *val, int64_t q0, int64_t q1, int64_t n, const float *x,
                             int64_t ldxv, float *acc, int64_t lda) {
    for (int64_t q = q0; q < q1; q++) {
        for (int64_t v = 0; v < n; v++) {
            const float *xv = x + v * ldxv;
            __m256 a = _mm256_setzero_ps();
            int64_t e = ptr[q];
            for (; e + 8 <= ptr[q + 1]; e += 8) {
                const __m256i ix =
                    _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(idx + e)));
                a = _mm256_fmadd_ps(_mm256_loadu_ps(val + e), _mm256_i32gather_ps(xv, ix, 4), a);
            }
            float sum = hsum(a);
            for (; e < ptr[q + 1]; e++) sum += val[e] * xv[idx[e]];
            acc[v * lda + row[q]] += sum;
        }
    }
}

const lci_kernel lci_csr_kernels_avx2[] = {
    {LCI_KERNEL_CSR_MM, LC_ISA_AVX2, "lci_csr_mm_32_avx2", (lci_fn)lci_csr_mm_32_avx2},
    {LCI_KERNEL_CSR_MV, LC_ISA_AVX2, "lci_csr_mv_8_avx2", (lci_fn)lci_csr_mv_8_avx2},
    {LCI_KERNEL_CSR_MV_STREAM, LC_ISA_AVX2, "lci_csr_mv_8_stream_avx2",
     (lci_fn)lci_csr_mv_8_stream_avx2},
    {LCI_KERNEL_CSR_SELL_OVF, LC_ISA_AVX2, "lci_csr_sell_ovf_8_avx2",
     (lci_fn)lci_csr_sell_ovf_8_avx2},
    {LCI_KERNEL_CSR_SELL_MV, LC_ISA_AVX2, "lci_csr_sell_mv_8_avx2", (lci_fn)lci_csr_sell_mv_8_avx2},
    {LCI_KERNEL_CSR_TILE_MM, LC_ISA_AVX2, "lci_csr_tile_mm_64_avx2",
     (lci_fn)lci_csr_tile_mm_64_avx2},
    {0, 0, NULL, NULL},
};
