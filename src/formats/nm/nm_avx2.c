// nm_avx2.c: N:M kernels for AVX2 + FMA. SpMM: each kept value is broadcast against 32
// columns of its panel row at a time (four ymm; per-row patterns: two rows interleaved; row
// groups: two rows share every panel load). SpMV: the compressed values of 8 columns are
// permuted into their columns' lanes (a table indexed by the 8-bit kept mask) and the FMA's
// result is kept only in kept lanes, so a pruned column never contributes.
#include "nm.h"

#include <immintrin.h>
#include <string.h>

#define AI static inline __attribute__((always_inline))

AI void acc_load(__m256 *r, const float *a, const int NV) {
    for (int v = 0; v < NV; v++) r[v] = _mm256_load_ps(a + 8 * v);
}

AI void acc_store(const __m256 *r, float *a, const int NV) {
    for (int v = 0; v < NV; v++) _mm256_store_ps(a + 8 * v, r[v]);
}

AI void fma_row(__m256 *r, float w, const float *x, const int NV) {
    const __m256 s = _mm256_set1_ps(w);
    for (int v = 0; v < NV; v++) r[v] = _mm256_fmadd_ps(s, _mm256_load_ps(x + 8 * v), r[v]);
}

// Two rows when every word holds the same count in every row (M divides 64): fixed trip
// counts, no refill branch.
AI void mm_pair_words(const lci_nm_tile *t, int32_t q, const float *panel, int64_t ld, float *acc,
                      const int NV) {
    const float *va = t->val + (int64_t)q * t->cnt, *vb = va + t->cnt;
    __m256 ra[4], rb[4];
    acc_load(ra, acc + q * ld, NV);
    acc_load(rb, acc + (q + 1) * ld, NV);
    for (int32_t wi = 0; wi < t->words; wi++) {
        uint64_t ba = t->bits[q * t->bstride + wi], bb = t->bits[(q + 1) * t->bstride + wi];
        const float *p = panel + 64 * wi * ld;
        for (int32_t e = 0; e < t->wcnt[wi]; e++) {
            const float *xa = p + __builtin_ctzll(ba) * ld, *xb = p + __builtin_ctzll(bb) * ld;
            ba &= ba - 1, bb &= bb - 1;
            fma_row(ra, *va++, xa, NV);
            fma_row(rb, *vb++, xb, NV);
        }
    }
    acc_store(ra, acc + q * ld, NV);
    acc_store(rb, acc + (q + 1) * ld, NV);
}

// Per-row patterns, one pass over 8·NV columns (panel and acc already offset to them).
AI void mm_rows(const lci_nm_tile *t, const float *panel, int64_t ld, float *acc, const int NV) {
    int32_t q = 0;
    if (t->wcnt[0] >= 0)
        for (; q + 1 < t->rows; q += 2) mm_pair_words(t, q, panel, ld, acc, NV);
    for (; q + 1 < t->rows; q += 2) {
        const float *va = t->val + (int64_t)q * t->cnt, *vb = va + t->cnt;
        lci_nm_walk sa = {t->bits + q * t->bstride, 0, -1}, sb = {sa.w + t->bstride, 0, -1};
        __m256 ra[4], rb[4];
        acc_load(ra, acc + q * ld, NV);
        acc_load(rb, acc + (q + 1) * ld, NV);
        for (int32_t e = 0; e < t->cnt; e++) {
            const float *xa = panel + lci_nm_next_col(&sa) * ld,
                        *xb = panel + lci_nm_next_col(&sb) * ld;
            fma_row(ra, va[e], xa, NV);
            fma_row(rb, vb[e], xb, NV);
        }
        acc_store(ra, acc + q * ld, NV);
        acc_store(rb, acc + (q + 1) * ld, NV);
    }
    if (q < t->rows) {
        const float *va = t->val + (int64_t)q * t->cnt;
        lci_nm_walk sa = {t->bits + q * t->bstride, 0, -1};
        __m256 ra[4];
        acc_load(ra, acc + q * ld, NV);
        for (int32_t e = 0; e < t->cnt; e++)
            fma_row(ra, va[e], panel + lci_nm_next_col(&sa) * ld, NV);
        acc_store(ra, acc + q * ld, NV);
    }
}

void lci_nm_mm_32_avx2(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                       float *acc) {
    for (int64_t j = 0; j < nb; j += 32) {
        const int64_t w = nb - j < 32 ? nb - j : 32;
        if (w > 24)
            mm_rows(t, panel + j, ld, acc + j, 4);
        else if (w > 16)
            mm_rows(t, panel + j, ld, acc + j, 3);
        else if (w > 8)
            mm_rows(t, panel + j, ld, acc + j, 2);
        else
            mm_rows(t, panel + j, ld, acc + j, 1);
    }
}

// R rows of one row group (values val + r·cnt) sharing the bitmap w, 8·NV columns: each panel
// row is loaded once for the R rows.
AI void mm_group(const float *val, int32_t cnt, const uint64_t *w, int32_t words,
                 const float *panel, int64_t ld, float *acc, const int R, const int NV) {
    __m256 r[2][4];
    for (int i = 0; i < R; i++) acc_load(r[i], acc + i * ld, NV);
    int32_t e = 0;
    for (int32_t wi = 0; wi < words; wi++) {
        for (uint64_t b = w[wi]; b; b &= b - 1, e++) {
            const float *x = panel + (int64_t)(wi * 64 + __builtin_ctzll(b)) * ld;
            __m256 xv[4];
            for (int v = 0; v < NV; v++) xv[v] = _mm256_load_ps(x + 8 * v);
            for (int i = 0; i < R; i++) {
                const __m256 s = _mm256_set1_ps(val[(int64_t)i * cnt + e]);
                for (int v = 0; v < NV; v++) r[i][v] = _mm256_fmadd_ps(s, xv[v], r[i][v]);
            }
        }
    }
    for (int i = 0; i < R; i++) acc_store(r[i], acc + i * ld, NV);
}

AI void mm_group_nv(const lci_nm_tile *t, const float *panel, int64_t ld, float *acc,
                    const int NV) {
    for (int32_t q = 0; q < t->rows;) {
        const int32_t member = (t->lead + q) % t->v;
        const int32_t r = t->v - member >= 2 && t->rows - q >= 2 ? 2 : 1;
        const uint64_t *w = t->bits + (int64_t)((t->lead + q) / t->v) * t->bstride;
        const float *val = t->val + (int64_t)q * t->cnt;
        if (r == 2)
            mm_group(val, t->cnt, w, t->words, panel, ld, acc + q * ld, 2, NV);
        else
            mm_group(val, t->cnt, w, t->words, panel, ld, acc + q * ld, 1, NV);
        q += r;
    }
}

void lci_nm_group_mm_32_avx2(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                             float *acc) {
    for (int64_t j = 0; j < nb; j += 32) {
        const int64_t w = nb - j < 32 ? nb - j : 32;
        if (w > 24)
            mm_group_nv(t, panel + j, ld, acc + j, 4);
        else if (w > 16)
            mm_group_nv(t, panel + j, ld, acc + j, 3);
        else if (w > 8)
            mm_group_nv(t, panel + j, ld, acc + j, 2);
        else
            mm_group_nv(t, panel + j, ld, acc + j, 1);
    }
}

// For an 8-bit kept mask: lane l's source among the chunk's compressed values (the kept lanes
// below it), 3 bits per lane.
static const uint32_t expand_index[256] = {
    0x000000, 0x249248, 0x249240, 0x492488, 0x249200, 0x492448, 0x492440, 0x6db688, 0x249000,
    0x492248, 0x492240, 0x6db488, 0x492200, 0x6db448, 0x6db440, 0x924688, 0x248000, 0x491248,
    0x491240, 0x6da488, 0x491200, 0x6da448, 0x6da440, 0x923688, 0x491000, 0x6da248, 0x6da240,
    0x923488, 0x6da200, 0x923448, 0x923440, 0xb6c688, 0x240000, 0x489248, 0x489240, 0x6d2488,
    0x489200, 0x6d2448, 0x6d2440, 0x91b688, 0x489000, 0x6d2248, 0x6d2240, 0x91b488, 0x6d2200,
    0x91b448, 0x91b440, 0xb64688, 0x488000, 0x6d1248, 0x6d1240, 0x91a488, 0x6d1200, 0x91a448,
    0x91a440, 0xb63688, 0x6d1000, 0x91a248, 0x91a240, 0xb63488, 0x91a200, 0xb63448, 0xb63440,
    0xdac688, 0x200000, 0x449248, 0x449240, 0x692488, 0x449200, 0x692448, 0x692440, 0x8db688,
    0x449000, 0x692248, 0x692240, 0x8db488, 0x692200, 0x8db448, 0x8db440, 0xb24688, 0x448000,
    0x691248, 0x691240, 0x8da488, 0x691200, 0x8da448, 0x8da440, 0xb23688, 0x691000, 0x8da248,
    0x8da240, 0xb23488, 0x8da200, 0xb23448, 0xb23440, 0xd6c688, 0x440000, 0x689248, 0x689240,
    0x8d2488, 0x689200, 0x8d2448, 0x8d2440, 0xb1b688, 0x689000, 0x8d2248, 0x8d2240, 0xb1b488,
    0x8d2200, 0xb1b448, 0xb1b440, 0xd64688, 0x688000, 0x8d1248, 0x8d1240, 0xb1a488, 0x8d1200,
    0xb1a448, 0xb1a440, 0xd63688, 0x8d1000, 0xb1a248, 0xb1a240, 0xd63488, 0xb1a200, 0xd63448,
    0xd63440, 0xfac688, 0x000000, 0x249248, 0x249240, 0x492488, 0x249200, 0x492448, 0x492440,
    0x6db688, 0x249000, 0x492248, 0x492240, 0x6db488, 0x492200, 0x6db448, 0x6db440, 0x924688,
    0x248000, 0x491248, 0x491240, 0x6da488, 0x491200, 0x6da448, 0x6da440, 0x923688, 0x491000,
    0x6da248, 0x6da240, 0x923488, 0x6da200, 0x923448, 0x923440, 0xb6c688, 0x240000, 0x489248,
    0x489240, 0x6d2488, 0x489200, 0x6d2448, 0x6d2440, 0x91b688, 0x489000, 0x6d2248, 0x6d2240,
    0x91b488, 0x6d2200, 0x91b448, 0x91b440, 0xb64688, 0x488000, 0x6d1248, 0x6d1240, 0x91a488,
    0x6d1200, 0x91a448, 0x91a440, 0xb63688, 0x6d1000, 0x91a248, 0x91a240, 0xb63488, 0x91a200,
    0xb63448, 0xb63440, 0xdac688, 0x200000, 0x449248, 0x449240, 0x692488, 0x449200, 0x692448,
    0x692440, 0x8db688, 0x449000, 0x692248, 0x692240, 0x8db488, 0x692200, 0x8db448, 0x8db440,
    0xb24688, 0x448000, 0x691248, 0x691240, 0x8da488, 0x691200, 0x8da448, 0x8da440, 0xb23688,
    0x691000, 0x8da248, 0x8da240, 0xb23488, 0x8da200, 0xb23448, 0xb23440, 0xd6c688, 0x440000,
    0x689248, 0x689240, 0x8d2488, 0x689200, 0x8d2448, 0x8d2440, 0xb1b688, 0x689000, 0x8d2248,
    0x8d2240, 0xb1b488, 0x8d2200, 0xb1b448, 0xb1b440, 0xd64688, 0x688000, 0x8d1248, 0x8d1240,
    0xb1a488, 0x8d1200, 0xb1a448, 0xb1a440, 0xd63688, 0x8d1000, 0xb1a248, 0xb1a240, 0xd63488,
    0xb1a200, 0xd63448, 0xd63440, 0xfac688,
};

// Set bits of a byte.
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
static const uint8_t popcount8[256] = {B6(0), B6(1), B6(1), B6(2)};

// The chunk's kept mask as lanes, and its values permuted into them.
typedef struct chunk {
    __m256 lanes;
    __m256i index;
    int32_t count;
} chunk;

AI chunk chunk_of(const uint64_t *w, int32_t c) {
    const uint32_t m8 = ((const uint8_t *)w)[c]; // byte c: bits 8c .. 8c + 7 (little-endian)
    // blendv and vpermps read only the sign bit and the low 3 bits of each lane.
    const __m256i to_sign = _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24);
    const __m256i shift = _mm256_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21);
    chunk k;
    k.lanes = _mm256_castsi256_ps(_mm256_sllv_epi32(_mm256_set1_epi32((int)m8), to_sign));
    k.index = _mm256_srlv_epi32(_mm256_set1_epi32((int)expand_index[m8]), shift);
    k.count = popcount8[m8];
    return k;
}

// x of chunk c (8 columns), lanes at or past avail zero (never read).
AI __m256 x_chunk(const float *x, int64_t avail, int32_t c) {
    const int64_t rem = avail - 8 * (int64_t)c;
    if (rem >= 8) return _mm256_loadu_ps(x + 8 * c);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_maskload_ps(x + 8 * c, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)rem), lane));
}

// acc + e·x in the kept lanes, acc elsewhere.
AI __m256 fma_kept(__m256 e, __m256 x, __m256 acc, __m256 lanes) {
    return _mm256_blendv_ps(acc, _mm256_fmadd_ps(e, x, acc), lanes);
}

AI int32_t chunks(const lci_nm_tile *t, int64_t avail) {
    const int64_t c = (avail + 7) / 8;
    return c < 8 * t->words ? (int32_t)c : 8 * t->words;
}

// One 8-column chunk c of R rows sharing its mask, NV vectors, added to s; returns the values
// consumed.
AI int32_t mv_chunk(__m256 s[2][4], const float *val, int32_t cnt, int64_t off, const uint64_t *w,
                    int32_t c, const float *x, int64_t ldxv, int64_t avail, const int R,
                    const int NV) {
    const chunk k = chunk_of(w, c);
    __m256 xv[4];
    for (int j = 0; j < NV; j++) xv[j] = x_chunk(x + j * ldxv, avail, c);
    for (int i = 0; i < R; i++) {
        const __m256 e = _mm256_permutevar8x32_ps(_mm256_loadu_ps(val + i * cnt + off), k.index);
        for (int j = 0; j < NV; j++) s[i][j] = fma_kept(e, xv[j], s[i][j], k.lanes);
    }
    return k.count;
}

// 2:4 on a whole 128-column tile: a 16-column chunk holds 8 values, which multiply the x of
// their columns, gathered by two permutes and a blend (lanes 0-3 are groups 0-1, columns 0-7;
// lanes 4-7 groups 2-3, columns 8-15) instead of moving the values. Lane j holds rank j % 2 of
// group j / 2: the group's 4-bit mask indexes a 16-byte table (vpshufb) whose byte holds the
// first kept position in bits 0-1 and the second in bits 4-5. As on AVX-512 (nm_avx512.c), the
// values are prefetched into the L2 16 KB ahead for decode from memory. Measured on the Zen 4
// machine with LC_ISA=avx2, 8192², n = 1, against sgemv in the same run: 1.25× → 1.7× (v = 1),
// 2.1× (v = 4).
#define GATHER_PF 4096

// The chunk columns (0..15) of the 8 values of 16-column chunk c.
AI __m256i gather_index24(const uint64_t *w, int32_t c) {
    uint16_t mk; // bits 16c .. 16c + 15 of the tile bitmap
    memcpy(&mk, (const char *)w + 2 * c, sizeof mk);
    const __m256i group4 = _mm256_setr_epi32(0, 0, 4, 4, 8, 8, 12, 12);
    const __m256i rank4 = _mm256_setr_epi32(0, 4, 0, 4, 0, 4, 0, 4);
    const __m256i nib =
        _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32(mk), group4), _mm256_set1_epi32(15));
    const __m256i pos = _mm256_srlv_epi32(
        _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)lci_nm_pos4), nib), rank4);
    return _mm256_or_si256(_mm256_and_si256(pos, _mm256_set1_epi32(3)), group4);
}

AI void mv_rows24(const float *val, int32_t cnt, const uint64_t *w, const float *x, int64_t ldxv,
                  float *acc, const int R, const int NV) {
    const bool two = R * NV <= 4;
    __m256 s0[2][4], s1[2][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NV; j++) s0[i][j] = s1[i][j] = _mm256_setzero_ps();
    for (int32_t c = 0; c < 8; c++) {
        const __m256i idx = gather_index24(w, c);
        __m256 xg[4];
        for (int j = 0; j < NV; j++) {
            const float *xj = x + j * ldxv + 16 * c;
            xg[j] = _mm256_blend_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(xj), idx),
                                    _mm256_permutevar8x32_ps(_mm256_loadu_ps(xj + 8), idx), 0xf0);
        }
        for (int i = 0; i < R; i++) {
            _mm_prefetch((const char *)(val + i * cnt + 8 * c + GATHER_PF), _MM_HINT_T1);
            const __m256 e = _mm256_loadu_ps(val + i * cnt + 8 * c);
            for (int j = 0; j < NV; j++) {
                if (two && (c & 1))
                    s1[i][j] = _mm256_fmadd_ps(e, xg[j], s1[i][j]);
                else
                    s0[i][j] = _mm256_fmadd_ps(e, xg[j], s0[i][j]);
            }
        }
    }
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NV; j++) {
            float *a = acc + (i * NV + j) * 16;
            _mm256_store_ps(a, _mm256_add_ps(_mm256_load_ps(a), s0[i][j]));
            if (two) _mm256_store_ps(a + 8, _mm256_add_ps(_mm256_load_ps(a + 8), s1[i][j]));
        }
}

// R rows sharing the bitmap w, NV vectors; acc (R·NV 16-float slots) +=. Few accumulators: even
// chunks go to lanes 0..7 of a slot, odd ones to lanes 8..15 (two chains; the driver adds all
// 16 lanes).
AI void mv_rows(const float *val, int32_t cnt, const uint64_t *w, int32_t nch, const float *x,
                int64_t ldxv, int64_t avail, float *acc, const int R, const int NV) {
    const bool two = R * NV <= 4;
    __m256 s0[2][4], s1[2][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NV; j++) s0[i][j] = s1[i][j] = _mm256_setzero_ps();
    int64_t off = 0;
    int32_t c = 0;
    for (; c + 1 < nch; c += 2) {
        off += mv_chunk(s0, val, cnt, off, w, c, x, ldxv, avail, R, NV);
        off += mv_chunk(two ? s1 : s0, val, cnt, off, w, c + 1, x, ldxv, avail, R, NV);
    }
    if (c < nch) mv_chunk(s0, val, cnt, off, w, c, x, ldxv, avail, R, NV);
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NV; j++) {
            float *a = acc + (i * NV + j) * 16;
            _mm256_store_ps(a, _mm256_add_ps(_mm256_load_ps(a), s0[i][j]));
            if (two) _mm256_store_ps(a + 8, _mm256_add_ps(_mm256_load_ps(a + 8), s1[i][j]));
        }
}

// Rows of the tile in runs of up to two sharing a bitmap (v = 1: one row each).
AI void mv_nv(const lci_nm_tile *t, const float *x, int64_t ldxv, int64_t avail, float *acc,
              const int NV) {
    const int32_t nch = chunks(t, avail);
    const bool g24 = t->mg == 4 && t->n == 2 && t->words == 2 && avail >= 128; // a whole tile
    for (int32_t q = 0; q < t->rows;) {
        const int32_t member = (t->lead + q) % t->v;
        const int32_t r = t->v - member >= 2 && t->rows - q >= 2 ? 2 : 1;
        const uint64_t *w = t->bits + (int64_t)((t->lead + q) / t->v) * t->bstride;
        const float *val = t->val + (int64_t)q * t->cnt;
        float *a = acc + q * NV * 16;
        if (g24 && r == 2)
            mv_rows24(val, t->cnt, w, x, ldxv, a, 2, NV);
        else if (g24)
            mv_rows24(val, t->cnt, w, x, ldxv, a, 1, NV);
        else if (r == 2)
            mv_rows(val, t->cnt, w, nch, x, ldxv, avail, a, 2, NV);
        else
            mv_rows(val, t->cnt, w, nch, x, ldxv, avail, a, 1, NV);
        q += r;
    }
}

AI void mv_dispatch(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv, int64_t avail,
                    float *acc) {
    switch (nv) {
    case 1:
        mv_nv(t, x, ldxv, avail, acc, 1);
        break;
    case 2:
        mv_nv(t, x, ldxv, avail, acc, 2);
        break;
    case 3:
        mv_nv(t, x, ldxv, avail, acc, 3);
        break;
    default:
        mv_nv(t, x, ldxv, avail, acc, 4);
        break;
    }
}

void lci_nm_mv_8_avx2(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv, int64_t avail,
                      float *acc) {
    mv_dispatch(t, x, ldxv, nv, avail, acc); // v = 1: every row its own bitmap
}

void lci_nm_group_mv_8_avx2(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                            int64_t avail, float *acc) {
    mv_dispatch(t, x, ldxv, nv, avail, acc);
}

const lci_kernel lci_nm_kernels_avx2[] = {
    {LCI_KERNEL_NM_MM, LC_ISA_AVX2, "lci_nm_mm_32_avx2", (lci_fn)lci_nm_mm_32_avx2},
    {LCI_KERNEL_NM_MV, LC_ISA_AVX2, "lci_nm_mv_8_avx2", (lci_fn)lci_nm_mv_8_avx2},
    {LCI_KERNEL_NM_GROUP_MM, LC_ISA_AVX2, "lci_nm_group_mm_32_avx2",
     (lci_fn)lci_nm_group_mm_32_avx2},
    {LCI_KERNEL_NM_GROUP_MV, LC_ISA_AVX2, "lci_nm_group_mv_8_avx2", (lci_fn)lci_nm_group_mv_8_avx2},
    {0, 0, NULL, NULL},
};
