// bsr_avx512.c: BSR kernels for AVX-512. SpMM: strips of R rows × 64 panel columns accumulate in
// R×4 zmm registers over every tile of the block row (broadcast A, FMA with the panel rows of
// the tile's block column), stored once (rows layout: transposed 16×16 in registers). SpMV: whole
// tile columns as vectors against broadcast x (or, for tiles of 1, 2, 4 or 8 rows, 16/bh columns
// per vector against an expanded x).
#include "bsr.h"

#include <immintrin.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))

static ALWAYS_INLINE __m512 finish(__m512 acc, float alpha, float beta, const float *y,
                                   __mmask16 m) {
    if (beta == 0.0f) return _mm512_mul_ps(acc, _mm512_set1_ps(alpha));
    return _mm512_fmadd_ps(acc, _mm512_set1_ps(alpha),
                           _mm512_mul_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(m, y)));
}

// One strip: rows r .. r+R-1 of block row I, NV vectors of 16 panel columns (the panel is zero
// beyond nb, so full loads are exact; `last` masks the stores of the last vector).
// With PF (tiles of 32 rows or more, a column spanning several cache lines), the strip's values
// 8 columns ahead are prefetched: the hardware prefetcher alone leaves 32×32 and 64×64 tiles
// read from memory 5-10% slower; for shorter tiles a prefetch costs more than it brings.
static ALWAYS_INLINE void mm_strip(const lci_bsr *b, int64_t I, int32_t r, const float *p,
                                   int64_t ldp, __mmask16 last, float alpha, float beta, float *y,
                                   int64_t ldy, const int R, const int NV, const bool PF) {
    __m512 acc[8][4];
#pragma GCC unroll 8
    for (int i = 0; i < R; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
    const int64_t bh = b->bh, area = bh * b->bw, klast = b->kb - 1;
    const int32_t wlast = lci_bsr_cols(b, klast);
    for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
        const int64_t c = b->col[t];
        const int32_t w = c == klast ? wlast : b->bw;
        const float *a = b->val + t * area + r;
        const float *x = p + c * b->bw * ldp;
        for (int32_t k = 0; k < w; k++, a += bh, x += ldp) {
            if (PF) _mm_prefetch((const char *)(a + 8 * bh), _MM_HINT_T0);
            __m512 xv[4];
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++) xv[v] = _mm512_load_ps(x + 16 * v);
#pragma GCC unroll 8
            for (int i = 0; i < R; i++) {
                const __m512 av = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
                for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(av, xv[v], acc[i][v]);
            }
        }
    }
#pragma GCC unroll 8
    for (int i = 0; i < R; i++) {
        float *o = y + i * ldy;
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) {
            const __mmask16 m = v == NV - 1 ? last : 0xffff;
            _mm512_mask_storeu_ps(o + 16 * v, m, finish(acc[i][v], alpha, beta, o + 16 * v, m));
        }
    }
}

// Rows [r, r + rows) (rows <= 16) in strips of 6 rows (registers: 6·NV accumulators, NV panel
// vectors and a broadcast), then one strip of the rest; row i goes to out + i·ldo.
static ALWAYS_INLINE void mm_chunk(const lci_bsr *b, int64_t I, int32_t r, int32_t rows,
                                   const float *p, int64_t ldp, __mmask16 last, float alpha,
                                   float beta, float *out, int64_t ldo, const int NV,
                                   const bool PF) {
    int32_t s = 0;
    for (; rows - s >= 6; s += 6)
        mm_strip(b, I, r + s, p, ldp, last, alpha, beta, out + s * ldo, ldo, 6, NV, PF);
    float *o = out + s * ldo;
    switch (rows - s) {
    case 1:
        mm_strip(b, I, r + s, p, ldp, last, alpha, beta, o, ldo, 1, NV, PF);
        break;
    case 2:
        mm_strip(b, I, r + s, p, ldp, last, alpha, beta, o, ldo, 2, NV, PF);
        break;
    case 3:
        mm_strip(b, I, r + s, p, ldp, last, alpha, beta, o, ldo, 3, NV, PF);
        break;
    case 4:
        mm_strip(b, I, r + s, p, ldp, last, alpha, beta, o, ldo, 4, NV, PF);
        break;
    case 5:
        mm_strip(b, I, r + s, p, ldp, last, alpha, beta, o, ldo, 5, NV, PF);
        break;
    default:
        break;
    }
}

// In-register transpose of 16 rows of 16 floats: v[j] becomes column j.
static ALWAYS_INLINE void transpose16(__m512 *v) {
    __m512 t[16], u[16];
    for (int i = 0; i < 16; i += 2) { // pairs of rows, within 128-bit lanes
        t[i] = _mm512_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(v[i], v[i + 1]);
    }
    for (int g = 0; g < 16; g += 4) { // u[g + c], lane L: element 4L + c of rows g .. g+3
        u[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
        u[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xee);
        u[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        u[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xee);
    }
    for (int c = 0; c < 4; c++) { // gather lane L of the four row groups: column 4L + c
        const __m512 a0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44);
        const __m512 a1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xee);
        const __m512 a2 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44);
        const __m512 a3 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xee);
        v[c] = _mm512_shuffle_f32x4(a0, a2, 0x88);
        v[4 + c] = _mm512_shuffle_f32x4(a0, a2, 0xdd);
        v[8 + c] = _mm512_shuffle_f32x4(a1, a3, 0x88);
        v[12 + c] = _mm512_shuffle_f32x4(a1, a3, 0xdd);
    }
}

// Rows layout: t holds `rows` (<= 16) finished rows of nb columns (row stride 64; other rows
// and columns are junk, never stored); column j goes to y[j·ldy ..] as t + beta·y.
static ALWAYS_INLINE void store_transposed(const float *t, int32_t rows, int64_t nb, float beta,
                                           float *y, int64_t ldy) {
    const __mmask16 m = rows >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rows) - 1);
    for (int64_t j0 = 0; j0 < nb; j0 += 16) {
        __m512 v[16];
        for (int i = 0; i < 16; i++) v[i] = _mm512_load_ps(t + i * LCI_BSR_PANEL + j0);
        transpose16(v);
        const int64_t cols = nb - j0 < 16 ? nb - j0 : 16;
        for (int64_t j = 0; j < cols; j++) {
            float *o = y + (j0 + j) * ldy;
            __m512 out = v[j];
            if (beta != 0.0f)
                out = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(m, o), out);
            _mm512_mask_storeu_ps(o, m, out);
        }
    }
}

// Rows [r0, r1) in chunks of 16: straight to Y (cols layout), or through a 16×64 buffer
// transposed into Y (rows layout), so Y is written in runs of up to 16 floats.
static ALWAYS_INLINE void mm_rows(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1,
                                  const float *p, int64_t ldp, int64_t nb, __mmask16 last,
                                  float alpha, float beta, lc_layout layout, float *y, int64_t ldy,
                                  const int NV, const bool PF) {
    float t[16 * LCI_BSR_PANEL] __attribute__((aligned(64)));
    for (int32_t r = r0; r < r1; r += 16) {
        const int32_t rows = r1 - r < 16 ? r1 - r : 16;
        if (layout == LC_LAYOUT_COLS) {
            mm_chunk(b, I, r, rows, p, ldp, last, alpha, beta, y + (r - r0) * ldy, ldy, NV, PF);
        } else {
            mm_chunk(b, I, r, rows, p, ldp, last, alpha, 0.0f, t, LCI_BSR_PANEL, NV, PF);
            store_transposed(t, rows, nb, beta, y + (r - r0), ldy);
        }
    }
}

void lci_bsr_mm_6x64_avx512(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1, const float *p,
                            int64_t ldp, int64_t nb, float alpha, float beta, lc_layout layout,
                            float *y, int64_t ldy) {
    const __mmask16 last = nb % 16 ? (__mmask16)((1u << (nb % 16)) - 1) : (__mmask16)0xffff;
    const bool tall = b->bh >= 32;
    switch ((nb + 15) / 16 * 2 + tall) {
    case 2:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 1, false);
        break;
    case 3:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 1, true);
        break;
    case 4:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 2, false);
        break;
    case 5:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 2, true);
        break;
    case 6:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 3, false);
        break;
    case 7:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 3, true);
        break;
    case 8:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 4, false);
        break;
    default:
        mm_rows(b, I, r0, r1, p, ldp, nb, last, alpha, beta, layout, y, ldy, 4, true);
        break;
    }
}

// ---- SpMV ----

// Writes `rows` sums of block row I (vector lanes in row order) as alpha·s + beta·y.
static ALWAYS_INLINE void mv_store(__m512 s, int32_t rows, float alpha, float beta, float *y,
                                   int64_t incy) {
    const __mmask16 m = rows >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rows) - 1);
    if (incy == 1) {
        _mm512_mask_storeu_ps(y, m, finish(s, alpha, beta, y, m));
        return;
    }
    float tmp[16];
    _mm512_storeu_ps(tmp, _mm512_mul_ps(s, _mm512_set1_ps(alpha)));
    for (int32_t r = 0; r < rows && r < 16; r++)
        y[r * incy] = beta == 0.0f ? tmp[r] : tmp[r] + beta * y[r * incy];
}

// Tiles of up to 64 rows (Q vectors of 16, the last masked to the tile's rows by `rmask`), every
// block row in [I0, I1): column c of a tile is Q vectors, multiplied by x[c] broadcast. C chains
// of accumulators (columns alternate between them) hide the FMA latency; they are added in a
// fixed order at the end of the block row.
static ALWAYS_INLINE void mv_group(const lci_bsr *b, int64_t I0, int64_t I1, __mmask16 rmask,
                                   const float *x, float alpha, float beta, float *y, int64_t incy,
                                   const int Q) {
    enum { C = 4 };
    const int64_t bh = b->bh, area = bh * b->bw, klast = b->kb - 1;
    const int32_t wlast = lci_bsr_cols(b, klast);
    for (int64_t I = I0; I < I1; I++) {
        __m512 acc[C][4];
#pragma GCC unroll 4
        for (int ch = 0; ch < C; ch++)
#pragma GCC unroll 4
            for (int q = 0; q < Q; q++) acc[ch][q] = _mm512_setzero_ps();
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            const int64_t c = b->col[t];
            const int32_t w = c == klast ? wlast : b->bw;
            const float *a = b->val + t * area;
            const float *xs = x + c * b->bw;
            int32_t k = 0;
            for (; k + C <= w; k += C)
#pragma GCC unroll 4
                for (int ch = 0; ch < C; ch++) {
                    const __m512 xb = _mm512_set1_ps(xs[k + ch]);
#pragma GCC unroll 4
                    for (int q = 0; q < Q; q++) {
                        const __mmask16 m = q == Q - 1 ? rmask : 0xffff;
                        const __m512 av = _mm512_maskz_loadu_ps(m, a + (k + ch) * bh + 16 * q);
                        acc[ch][q] = _mm512_fmadd_ps(av, xb, acc[ch][q]);
                    }
                }
            for (; k < w; k++) { // the last columns (w not a multiple of C) go to chain 0
                const __m512 xb = _mm512_set1_ps(xs[k]);
#pragma GCC unroll 4
                for (int q = 0; q < Q; q++) {
                    const __mmask16 m = q == Q - 1 ? rmask : 0xffff;
                    const __m512 av = _mm512_maskz_loadu_ps(m, a + k * bh + 16 * q);
                    acc[0][q] = _mm512_fmadd_ps(av, xb, acc[0][q]);
                }
            }
        }
        const int32_t rows = lci_bsr_rows(b, I);
        float *yI = y + (I - I0) * bh * incy;
#pragma GCC unroll 4
        for (int q = 0; q < Q; q++) {
            const __m512 s = _mm512_add_ps(_mm512_add_ps(acc[0][q], acc[1][q]),
                                           _mm512_add_ps(acc[2][q], acc[3][q]));
            const int32_t left = rows - 16 * q;
            if (left > 0) mv_store(s, left, alpha, beta, yI + 16 * q * incy, incy);
        }
    }
}

// G = 16/bh floats of x, exactly (no read past them: x may end there).
static ALWAYS_INLINE __m512 load_g(const float *x, const int BH) {
    if (BH == 1) return _mm512_loadu_ps(x);
    if (BH == 2) return _mm512_castps256_ps512(_mm256_loadu_ps(x));
    if (BH == 4) return _mm512_castps128_ps512(_mm_loadu_ps(x));
    return _mm512_castps128_ps512(_mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)x)));
}

// Tiles of bh = 1, 2, 4 or 8 rows: a vector holds G = 16/bh consecutive tile columns, times x
// expanded so that lane l gets x[column l / bh]; lane l sums row l % bh. A tile's vectors
// alternate between two chains; tiles alternate between two pairs of chains (a fixed assignment:
// the tile's position in its block row). The chains, then the G lanes of a row, are added in a
// fixed order at the end of the block row.
static ALWAYS_INLINE void narrow_tile(const lci_bsr *b, int64_t t, int32_t klast, int32_t wlast,
                                      const float *x, __m512i expand, __m512 *acc_even,
                                      __m512 *acc_odd, const int BH) {
    const int32_t bh = BH, bw = b->bw, G = 16 / BH;
    const int32_t c = b->col[t], w = c == klast ? wlast : bw;
    const float *a = b->val + t * (int64_t)bh * bw;
    const float *xs = x + (int64_t)c * bw;
    __m512 e = *acc_even, o = *acc_odd; // the tile's vectors alternate between two chains
    int32_t k = 0;
    for (; k + 2 * G <= w; k += 2 * G) {
        const __m512 x0 = _mm512_permutexvar_ps(expand, load_g(xs + k, BH));
        const __m512 x1 = _mm512_permutexvar_ps(expand, load_g(xs + k + G, BH));
        e = _mm512_fmadd_ps(_mm512_loadu_ps(a + k * bh), x0, e);
        o = _mm512_fmadd_ps(_mm512_loadu_ps(a + (k + G) * bh), x1, o);
    }
    if (k + G <= w) {
        const __m512 xe = _mm512_permutexvar_ps(expand, load_g(xs + k, BH));
        e = _mm512_fmadd_ps(_mm512_loadu_ps(a + k * bh), xe, e);
        k += G;
    }
    if (k < w) { // a tile width that G does not divide, or a tile cut by the matrix edge
        const int32_t cols = w - k;
        const __mmask16 mx = (__mmask16)((1u << cols) - 1);
        const __mmask16 ma = (__mmask16)((1u << (cols * bh)) - 1);
        const __m512 xe = _mm512_permutexvar_ps(expand, _mm512_maskz_loadu_ps(mx, xs + k));
        o = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(ma, a + k * bh), xe, o);
    }
    *acc_even = e, *acc_odd = o;
}

static ALWAYS_INLINE void mv_narrow(const lci_bsr *b, int64_t I0, int64_t I1, const float *x,
                                    float alpha, float beta, float *y, int64_t incy, const int BH) {
    const int32_t bh = BH, G = 16 / BH, bw = b->bw;
    const int32_t klast = (int32_t)(b->kb - 1), wlast = lci_bsr_cols(b, klast);
    int32_t lane_col[16];
    for (int l = 0; l < 16; l++) lane_col[l] = l / bh;
    const __m512i expand = _mm512_loadu_si512(lane_col);
    for (int64_t I = I0; I < I1; I++) {
        __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        const int64_t t1 = b->ptr[I + 1];
        int64_t t = b->ptr[I];
        if (bw == G) {
            // A tile is one vector (4×4, 8×2, 2×8, 1×16): a tight loop over the tiles. Columns
            // ascend, so only the last tile of a block row can be cut by the matrix edge.
            const int64_t tf = t1 > t && wlast < bw && b->col[t1 - 1] == klast ? t1 - 1 : t1;
            const float *a = b->val + t * 16;
            for (; t + 2 <= tf; t += 2, a += 32) {
                const __m512 x0 = _mm512_permutexvar_ps(expand, load_g(x + b->col[t] * G, BH));
                const __m512 x1 = _mm512_permutexvar_ps(expand, load_g(x + b->col[t + 1] * G, BH));
                acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a), x0, acc0);
                acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + 16), x1, acc1);
            }
        }
        for (; t + 2 <= t1; t += 2) {
            narrow_tile(b, t, klast, wlast, x, expand, &acc0, &acc2, BH);
            narrow_tile(b, t + 1, klast, wlast, x, expand, &acc1, &acc3, BH);
        }
        if (t < t1) narrow_tile(b, t, klast, wlast, x, expand, &acc0, &acc2, BH);
        float lanes[16];
        _mm512_storeu_ps(lanes,
                         _mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3)));
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

// Tiles taller than 64 rows: a block row's sums live in two buffers in L1 (even and odd tile
// columns), added at the end; each tile is read in storage order, column after column, so the
// memory stream stays sequential.
static void mv_tall(const lci_bsr *b, int64_t I0, int64_t I1, const float *x, float alpha,
                    float beta, float *y, int64_t incy) {
    float even[LCI_BSR_MAX_BLOCK] __attribute__((aligned(64)));
    float odd[LCI_BSR_MAX_BLOCK] __attribute__((aligned(64)));
    const int64_t bh = b->bh, area = bh * b->bw, klast = b->kb - 1;
    const int32_t wlast = lci_bsr_cols(b, klast), nvec = (int32_t)(bh + 15) / 16;
    const int32_t tail = (int32_t)bh - 16 * (nvec - 1);
    const __mmask16 tmask = tail >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << tail) - 1);
    for (int64_t I = I0; I < I1; I++) {
        for (int32_t v = 0; v < nvec; v++) {
            _mm512_store_ps(even + 16 * v, _mm512_setzero_ps());
            _mm512_store_ps(odd + 16 * v, _mm512_setzero_ps());
        }
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            const int64_t c = b->col[t];
            const int32_t w = c == klast ? wlast : b->bw;
            const float *a = b->val + t * area, *xs = x + c * b->bw;
            for (int32_t k = 0; k < w; k++, a += bh) {
                float *acc = k % 2 ? odd : even;
                const __m512 xb = _mm512_set1_ps(xs[k]);
                int32_t v = 0;
                for (; v < nvec - 1; v++) {
                    const __m512 s = _mm512_load_ps(acc + 16 * v);
                    _mm512_store_ps(acc + 16 * v,
                                    _mm512_fmadd_ps(_mm512_loadu_ps(a + 16 * v), xb, s));
                }
                const __m512 s = _mm512_load_ps(acc + 16 * v);
                _mm512_store_ps(acc + 16 * v,
                                _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tmask, a + 16 * v), xb, s));
            }
        }
        const int32_t rows = lci_bsr_rows(b, I);
        float *yI = y + (I - I0) * bh * incy;
        for (int32_t v = 0; 16 * v < rows; v++) {
            const __m512 s =
                _mm512_add_ps(_mm512_load_ps(even + 16 * v), _mm512_load_ps(odd + 16 * v));
            mv_store(s, rows - 16 * v, alpha, beta, yI + 16 * v * incy, incy);
        }
    }
}

void lci_bsr_mv_16_avx512(const lci_bsr *b, int64_t I0, int64_t I1, const float *x, float alpha,
                          float beta, float *y, int64_t incy) {
    const int32_t bh = b->bh;
    switch (bh) { // tiles of 1, 2, 4 or 8 rows: several tile columns per vector
    case 1:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 1);
        return;
    case 2:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 2);
        return;
    case 4:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 4);
        return;
    case 8:
        mv_narrow(b, I0, I1, x, alpha, beta, y, incy, 8);
        return;
    default:
        break;
    }
    const int32_t nvec = (bh + 15) / 16;
    if (nvec > 4) {
        mv_tall(b, I0, I1, x, alpha, beta, y, incy);
        return;
    }
    // Up to 4 vectors of 16 rows in registers; the last vector of the tile masked to its rows.
    const int32_t tail = bh - 16 * (nvec - 1);
    const __mmask16 rmask = tail >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << tail) - 1);
    switch (nvec) {
    case 1:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 1);
        break;
    case 2:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 2);
        break;
    case 3:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 3);
        break;
    default:
        mv_group(b, I0, I1, rmask, x, alpha, beta, y, incy, 4);
        break;
    }
}

const lci_kernel lci_bsr_kernels_avx512[] = {
    {LCI_KERNEL_BSR_MM, LC_ISA_AVX512, "lci_bsr_mm_6x64_avx512", (lci_fn)lci_bsr_mm_6x64_avx512},
    {LCI_KERNEL_BSR_MV, LC_ISA_AVX512, "lci_bsr_mv_16_avx512", (lci_fn)lci_bsr_mv_16_avx512},
    {0, 0, NULL, NULL},
};
