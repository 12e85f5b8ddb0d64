// bsr_avx2.c: BSR kernels for AVX2+FMA. SpMM: 16-column slices of the panel, strips of R rows
// accumulating in R×2 ymm registers over every tile of the block row (broadcast A, FMA with the
// panel rows of the tile's block column), stored once (rows layout: transposed 8×8 in
// registers). SpMV: tile columns as vectors of 8 rows
// against broadcast x (or, for tiles of 1, 2 or 4 rows, 8/bh columns per vector against an
// expanded x).
#include "bsr.h"

#include <immintrin.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))

// Mask of the first w (<= 8) lanes.
static inline __m256i lane_mask(int32_t w) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(w), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// alpha·acc + beta·y on the lanes of `m` (y is not read when beta = 0).
static ALWAYS_INLINE __m256 finish(__m256 acc, float alpha, float beta, const float *y, __m256i m) {
    if (beta == 0.0f) return _mm256_mul_ps(acc, _mm256_set1_ps(alpha));
    return _mm256_fmadd_ps(acc, _mm256_set1_ps(alpha),
                           _mm256_mul_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(y, m)));
}

// One strip: rows r .. r+R-1 of block row I, NV vectors of 8 panel columns from p (the panel is
// zero beyond nb, so full loads are exact; `last` masks the stores of the last vector).
static ALWAYS_INLINE void mm_strip(const lci_bsr *b, int64_t I, int32_t r, const float *p,
                                   int64_t ldp, __m256i last, float alpha, float beta, float *y,
                                   int64_t ldy, const int R, const int NV) {
    __m256 acc[6][2];
#pragma GCC unroll 6
    for (int i = 0; i < R; i++)
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++) acc[i][v] = _mm256_setzero_ps();
    const int64_t bh = b->bh, area = bh * b->bw, klast = b->kb - 1;
    const int32_t wlast = lci_bsr_cols(b, klast);
    for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
        const int64_t c = b->col[t];
        const int32_t w = c == klast ? wlast : b->bw;
        const float *a = b->val + t * area + r;
        const float *x = p + c * b->bw * ldp;
        for (int32_t k = 0; k < w; k++, a += bh, x += ldp) {
            __m256 xv[2];
#pragma GCC unroll 2
            for (int v = 0; v < NV; v++) xv[v] = _mm256_loadu_ps(x + 8 * v);
#pragma GCC unroll 6
            for (int i = 0; i < R; i++) {
                const __m256 av = _mm256_broadcast_ss(a + i);
#pragma GCC unroll 2
                for (int v = 0; v < NV; v++) acc[i][v] = _mm256_fmadd_ps(av, xv[v], acc[i][v]);
            }
        }
    }
    const __m256i all = _mm256_set1_epi32(-1);
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
        float *o = y + i * ldy;
#pragma GCC unroll 2
        for (int v = 0; v < NV; v++) {
            const __m256i m = v == NV - 1 ? last : all;
            _mm256_maskstore_ps(o + 8 * v, m, finish(acc[i][v], alpha, beta, o + 8 * v, m));
        }
    }
}

// Rows [r0, r1) in strips of 6 rows (12 accumulators, 2 panel vectors and a broadcast fill the
// 16 registers), then one strip of the rest.
static ALWAYS_INLINE void mm_rows(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1,
                                  const float *p, int64_t ldp, __m256i last, float alpha,
                                  float beta, float *y, int64_t ldy, const int NV) {
    enum { RMAX = 6 };
    int32_t r = r0;
    for (; r1 - r >= RMAX; r += RMAX)
        mm_strip(b, I, r, p, ldp, last, alpha, beta, y + (r - r0) * ldy, ldy, RMAX, NV);
    float *yr = y + (r - r0) * ldy;
    switch (r1 - r) {
    case 1:
        mm_strip(b, I, r, p, ldp, last, alpha, beta, yr, ldy, 1, NV);
        break;
    case 2:
        mm_strip(b, I, r, p, ldp, last, alpha, beta, yr, ldy, 2, NV);
        break;
    case 3:
        mm_strip(b, I, r, p, ldp, last, alpha, beta, yr, ldy, 3, NV);
        break;
    case 4:
        mm_strip(b, I, r, p, ldp, last, alpha, beta, yr, ldy, 4, NV);
        break;
    case 5:
        mm_strip(b, I, r, p, ldp, last, alpha, beta, yr, ldy, 5, NV);
        break;
    default:
        break;
    }
}

// In-register transpose of 8 rows of 8 floats: v[j] becomes column j.
static ALWAYS_INLINE void transpose8(__m256 *v) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(v[i], v[i + 1]);
    }
    for (int g = 0; g < 8; g += 4) { // u[g + c], lane L: element 4L + c of rows g .. g+3
        u[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
        u[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xee);
        u[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        u[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xee);
    }
    for (int c = 0; c < 4; c++) {
        v[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
        v[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
    }
}

// Rows layout: t holds `rows` (<= 8) finished rows of w (<= 16) columns (row stride 16; other
// rows and columns are junk, never stored); column j goes to y[j·ldy ..] as t + beta·y.
static ALWAYS_INLINE void store_transposed(const float *t, int32_t rows, int32_t w, float beta,
                                           float *y, int64_t ldy) {
    const __m256i m = lane_mask(rows);
    for (int32_t h = 0; 8 * h < w; h++) {
        __m256 v[8];
        for (int i = 0; i < 8; i++) v[i] = _mm256_load_ps(t + i * 16 + 8 * h);
        transpose8(v);
        const int32_t cols = w - 8 * h < 8 ? w - 8 * h : 8;
        for (int32_t j = 0; j < cols; j++) {
            float *o = y + (8 * h + j) * ldy;
            __m256 out = v[j];
            if (beta != 0.0f)
                out = _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(o, m), out);
            if (rows == 8)
                _mm256_storeu_ps(o, out);
            else
                _mm256_maskstore_ps(o, m, out);
        }
    }
}

// One 16-column slice (w columns of Y) of rows [r0, r1): straight to Y (cols layout), or in
// chunks of 8 rows through a buffer transposed into Y (rows layout).
static ALWAYS_INLINE void mm_slice(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1,
                                   const float *p, int64_t ldp, int32_t w, float alpha, float beta,
                                   lc_layout layout, float *y, int64_t ldy, const int NV) {
    const __m256i last = lane_mask(NV == 2 ? w - 8 : w);
    if (layout == LC_LAYOUT_COLS) {
        mm_rows(b, I, r0, r1, p, ldp, last, alpha, beta, y, ldy, NV);
        return;
    }
    float t[8 * 16] __attribute__((aligned(32)));
    for (int32_t r = r0; r < r1; r += 8) {
        const int32_t rows = r1 - r < 8 ? r1 - r : 8;
        mm_rows(b, I, r, r + rows, p, ldp, last, alpha, 0.0f, t, 16, NV);
        store_transposed(t, rows, w, beta, y + (r - r0), ldy);
    }
}

void lci_bsr_mm_6x16_avx2(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1, const float *p,
                          int64_t ldp, int64_t nb, float alpha, float beta, lc_layout layout,
                          float *y, int64_t ldy) {
    // Slices of 16 columns; a row's sum is the same whatever slice computes it.
    const bool cols = layout == LC_LAYOUT_COLS;
    for (int64_t j = 0; j < nb; j += 16) {
        const int32_t w = nb - j < 16 ? (int32_t)(nb - j) : 16;
        float *yj = cols ? y + j : y + j * ldy;
        if (w > 8)
            mm_slice(b, I, r0, r1, p + j, ldp, w, alpha, beta, layout, yj, ldy, 2);
        else
            mm_slice(b, I, r0, r1, p + j, ldp, w, alpha, beta, layout, yj, ldy, 1);
    }
}

// ---- SpMV ----

// Writes `rows` (<= 8) sums as alpha·s + beta·y.
static ALWAYS_INLINE void mv_store(__m256 s, int32_t rows, float alpha, float beta, float *y,
                                   int64_t incy) {
    if (incy == 1) {
        const __m256i m = lane_mask(rows < 8 ? rows : 8);
        _mm256_maskstore_ps(y, m, finish(s, alpha, beta, y, m));
        return;
    }
    float tmp[8];
    _mm256_storeu_ps(tmp, _mm256_mul_ps(s, _mm256_set1_ps(alpha)));
    for (int32_t r = 0; r < rows && r < 8; r++)
        y[r * incy] = beta == 0.0f ? tmp[r] : tmp[r] + beta * y[r * incy];
}

// A vector of 8 tile rows, masked or not.
static ALWAYS_INLINE __m256 load_rows(const float *a, __m256i m, const bool masked) {
    return masked ? _mm256_maskload_ps(a, m) : _mm256_loadu_ps(a);
}

// Tiles of up to 32 rows (Q vectors of 8; with MASKED, the last masked to the tile's rows by
// `rmask`), every block row in [I0, I1): column c of a tile is Q vectors times x[c] broadcast,
// columns alternating between C chains of accumulators (4, or 2 for Q > 2: at most 8
// accumulators), added in a fixed order at the end of the block row.
static ALWAYS_INLINE void mv_group(const lci_bsr *b, int64_t I0, int64_t I1, __m256i rmask,
                                   const float *x, float alpha, float beta, float *y, int64_t incy,
                                   const int Q, const bool MASKED) {
    const int C = Q <= 2 ? 4 : 2;
    const int64_t bh = b->bh, area = bh * b->bw, klast = b->kb - 1;
    const int32_t wlast = lci_bsr_cols(b, klast);
    for (int64_t I = I0; I < I1; I++) {
        __m256 acc[4][4];
#pragma GCC unroll 4
        for (int ch = 0; ch < 4; ch++)
#pragma GCC unroll 4
            for (int q = 0; q < 4; q++) acc[ch][q] = _mm256_setzero_ps();
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            const int64_t c = b->col[t];
            const int32_t w = c == klast ? wlast : b->bw;
            const float *a = b->val + t * area;
            const float *xs = x + c * b->bw;
            int32_t k = 0;
            for (; k + C <= w; k += C)
#pragma GCC unroll 4
                for (int ch = 0; ch < C; ch++) {
                    const __m256 xb = _mm256_broadcast_ss(xs + k + ch);
#pragma GCC unroll 4
                    for (int q = 0; q < Q; q++) {
                        const __m256 av =
                            load_rows(a + (k + ch) * bh + 8 * q, rmask, MASKED && q == Q - 1);
                        acc[ch][q] = _mm256_fmadd_ps(av, xb, acc[ch][q]);
                    }
                }
            for (; k < w; k++) { // the last columns (w not a multiple of C) go to chain 0
                const __m256 xb = _mm256_broadcast_ss(xs + k);
#pragma GCC unroll 4
                for (int q = 0; q < Q; q++) {
                    const __m256 av = load_rows(a + k * bh + 8 * q, rmask, MASKED && q == Q - 1);
                    acc[0][q] = _mm256_fmadd_ps(av, xb, acc[0][q]);
                }
            }
        }
        const int32_t rows = lci_bsr_rows(b, I);
        float *yI = y + (I - I0) * bh * incy;
#pragma GCC unroll 4
        for (int q = 0; q < Q; q++) {
            __m256 s = _mm256_add_ps(acc[0][q], acc[1][q]);
            if (C == 4) s = _mm256_add_ps(s, _mm256_add_ps(acc[2][q], acc[3][q]));
            const int32_t left = rows - 8 * q;
            if (left > 0) mv_store(s, left, alpha, beta, yI + 8 * q * incy, incy);
        }
    }
}

// G = 8/bh floats of x, exactly (no read past them: x may end there).
static ALWAYS_INLINE __m256 load_g(const float *x, const int BH) {
    if (BH == 1) return _mm256_loadu_ps(x);
    if (BH == 2) return _mm256_castps128_ps256(_mm_loadu_ps(x));
    return _mm256_castps128_ps256(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)x)));
}

// Tiles of bh = 1, 2 or 4 rows: a vector holds G = 8/bh consecutive tile columns, times x
// expanded so that lane l gets x[column l / bh]; lane l sums row l % bh. Tiles alternate between
// two pairs of chains (a fixed assignment: the tile's position in its block row); the chains,
// then the G lanes of a row, are added in order at the end of the block row.
static ALWAYS_INLINE void narrow_tile(const lci_bsr *b, int64_t t, int32_t klast, int32_t wlast,
                                      const float *x, __m256i expand, __m256 *acc_even,
                                      __m256 *acc_odd, const int BH) {
    const int32_t bh = BH, bw = b->bw, G = 8 / BH;
    const int32_t c = b->col[t], w = c == klast ? wlast : bw;
    const float *a = b->val + t * (int64_t)bh * bw;
    const float *xs = x + (int64_t)c * bw;
    __m256 e = *acc_even, o = *acc_odd;
    int32_t k = 0;
    for (; k + 2 * G <= w; k += 2 * G) {
        const __m256 x0 = _mm256_permutevar8x32_ps(load_g(xs + k, BH), expand);
        const __m256 x1 = _mm256_permutevar8x32_ps(load_g(xs + k + G, BH), expand);
        e = _mm256_fmadd_ps(_mm256_loadu_ps(a + k * bh), x0, e);
        o = _mm256_fmadd_ps(_mm256_loadu_ps(a + (k + G) * bh), x1, o);
    }
    if (k + G <= w) {
        const __m256 xe = _mm256_permutevar8x32_ps(load_g(xs + k, BH), expand);
        e = _mm256_fmadd_ps(_mm256_loadu_ps(a + k * bh), xe, e);
        k += G;
    }
    if (k < w) { // a tile width that G does not divide, or a tile cut by the matrix edge
        const int32_t cols = w - k;
        const __m256 xe =
            _mm256_permutevar8x32_ps(_mm256_maskload_ps(xs + k, lane_mask(cols)), expand);
        o = _mm256_fmadd_ps(_mm256_maskload_ps(a + k * bh, lane_mask(cols * bh)), xe, o);
    }
    *acc_even = e, *acc_odd = o;
}

static ALWAYS_INLINE void mv_narrow(const lci_bsr *b, int64_t I0, int64_t I1, const float *x,
                                    float alpha, float beta, float *y, int64_t incy, const int BH) {
    const int32_t bh = BH, G = 8 / BH;
    const int32_t klast = (int32_t)(b->kb - 1), wlast = lci_bsr_cols(b, klast);
    const __m256i expand =
        _mm256_setr_epi32(0 / BH, 1 / BH, 2 / BH, 3 / BH, 4 / BH, 5 / BH, 6 / BH, 7 / BH);
    for (int64_t I = I0; I < I1; I++) {
        __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        const int64_t t1 = b->ptr[I + 1];
        int64_t t = b->ptr[I];
        for (; t + 2 <= t1; t += 2) {
            narrow_tile(b, t, klast, wlast, x, expand, &acc0, &acc2, BH);
            narrow_tile(b, t + 1, klast, wlast, x, expand, &acc1, &acc3, BH);
        }
        if (t < t1) narrow_tile(b, t, klast, wlast, x, expand, &acc0, &acc2, BH);
        float lanes[8];
        _mm256_storeu_ps(lanes,
                         _mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
        const int32_t rows = lci_bsr_rows(b, I);
        float *yI = y + (I - I0) * bh * incy;
        for (int32_t r = 0; r < rows; r++) {
            float s = lanes[r];
            for (int32_t gi = 1; gi < G; gi++) s += lanes[gi * bh + r];
            float *yi = yI + r * incy;
            *yi = beta == 0.0f ? alpha * s : alpha * s + beta * *yi;
        }
    }
}

// Tiles taller than 32 rows: a block row's sums live in two buffers in L1 (even and odd tile
// columns), added at the end; each tile is read in storage order, column after column, so the
// memory stream stays sequential. With MASKED, the tile's last vector is masked to its rows.
static ALWAYS_INLINE void mv_tall(const lci_bsr *b, int64_t I0, int64_t I1, const float *x,
                                  float alpha, float beta, float *y, int64_t incy,
                                  const bool MASKED) {
    float even[LCI_BSR_MAX_BLOCK] __attribute__((aligned(32)));
    float odd[LCI_BSR_MAX_BLOCK] __attribute__((aligned(32)));
    const int64_t bh = b->bh, area = bh * b->bw, klast = b->kb - 1;
    const int32_t wlast = lci_bsr_cols(b, klast), nvec = (int32_t)(bh + 7) / 8;
    const __m256i rmask = lane_mask((int32_t)bh - 8 * (nvec - 1));
    for (int64_t I = I0; I < I1; I++) {
        for (int32_t v = 0; v < nvec; v++) {
            _mm256_store_ps(even + 8 * v, _mm256_setzero_ps());
            _mm256_store_ps(odd + 8 * v, _mm256_setzero_ps());
        }
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            const int64_t c = b->col[t];
            const int32_t w = c == klast ? wlast : b->bw;
            const float *a = b->val + t * area, *xs = x + c * b->bw;
            for (int32_t k = 0; k < w; k++, a += bh) {
                float *acc = k % 2 ? odd : even;
                const __m256 xb = _mm256_broadcast_ss(xs + k);
                int32_t v = 0;
                for (; v < nvec - 1; v++) {
                    const __m256 s = _mm256_load_ps(acc + 8 * v);
                    _mm256_store_ps(acc + 8 * v,
                                    _mm256_fmadd_ps(_mm256_loadu_ps(a + 8 * v), xb, s));
                }
                const __m256 s = _mm256_load_ps(acc + 8 * v);
                _mm256_store_ps(acc + 8 * v,
                                _mm256_fmadd_ps(load_rows(a + 8 * v, rmask, MASKED), xb, s));
            }
        }
        const int32_t rows = lci_bsr_rows(b, I);
        float *yI = y + (I - I0) * bh * incy;
        for (int32_t v = 0; 8 * v < rows; v++) {
            const __m256 s =
                _mm256_add_ps(_mm256_load_ps(even + 8 * v), _mm256_load_ps(odd + 8 * v));
            mv_store(s, rows - 8 * v, alpha, beta, yI + 8 * v * incy, incy);
        }
    }
}

void lci_bsr_mv_8_avx2(const lci_bsr *b, int64_t I0, int64_t I1, const float *x, float alpha,
                       float beta, float *y, int64_t incy) {
    switch (b->bh) { // tiles of 1, 2 or 4 rows: several tile columns per vector
    case 1:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 1);
        return;
    case 2:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 2);
        return;
    case 4:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 4);
        return;
    default:
        break;
    }
    // Up to 4 vectors of 8 rows in registers, taller tiles through a buffer; the last vector
    // of the tile masked to its rows. Tiles of a multiple of 8 rows need no masked loads (slow
    // on some CPUs).
    const int32_t nvec = (b->bh + 7) / 8;
    const bool masked = b->bh % 8 != 0;
    const __m256i rmask = lane_mask(b->bh - 8 * (nvec - 1));
    if (nvec > 4) {
        if (masked)
            mv_tall(b, I0, I1, x, alpha, beta, y, incy, true);
        else
            mv_tall(b, I0, I1, x, alpha, beta, y, incy, false);
        return;
    }
    switch (nvec * 2 + masked) {
    case 2:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 1, false);
        break;
    case 3:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 1, true);
        break;
    case 4:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 2, false);
        break;
    case 5:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 2, true);
        break;
    case 6:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 3, false);
        break;
    case 7:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 3, true);
        break;
    case 8:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 4, false);
        break;
    default:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 4, true);
        break;
    }
}

const lci_kernel lci_bsr_kernels_avx2[] = {
    {LCI_KERNEL_BSR_MM, LC_ISA_AVX2, "lci_bsr_mm_6x16_avx2", (lci_fn)lci_bsr_mm_6x16_avx2},
    {LCI_KERNEL_BSR_MV, LC_ISA_AVX2, "lci_bsr_mv_8_avx2", (lci_fn)lci_bsr_mv_8_avx2},
    {0, 0, NULL, NULL},
};
