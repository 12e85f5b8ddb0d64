// nm_avx512.c: N:M kernels for AVX-512. SpMM: each kept value is broadcast against up to four
// 16-float vectors of its column's panel row (per-row patterns: four rows interleaved; row
// groups: up to four rows share every panel load). SpMV: for 2:4 and 1:4 the x of 16 kept columns
// is gathered by permutes (values untouched); otherwise the compressed values of 16 columns are
// permuted into their columns' lanes under the kept mask, which also masks the FMA, so a pruned
// column is never multiplied.
#include "nm.h"

#include <immintrin.h>
#include <string.h>

#define AI static inline __attribute__((always_inline))

AI void acc_load(__m512 *r, const float *a, const int NV) {
    for (int v = 0; v < NV; v++) r[v] = _mm512_load_ps(a + 16 * v);
}

AI void acc_store(const __m512 *r, float *a, const int NV) {
    for (int v = 0; v < NV; v++) _mm512_store_ps(a + 16 * v, r[v]);
}

AI void fma_row(__m512 *r, float w, const float *x, const int NV) {
    const __m512 s = _mm512_set1_ps(w);
    for (int v = 0; v < NV; v++) r[v] = _mm512_fmadd_ps(s, _mm512_load_ps(x + 16 * v), r[v]);
}

// R rows when every word holds the same count in every row (M divides 64): fixed trip counts,
// no refill branch, R independent chains of NV accumulators.
AI void mm_rows_words(const lci_nm_tile *t, int32_t q, const float *panel, int64_t ld, float *acc,
                      const int R, const int NV) {
    const float *va[4];
    __m512 r[4][4];
    for (int i = 0; i < R; i++) {
        va[i] = t->val + (int64_t)(q + i) * t->cnt;
        acc_load(r[i], acc + (q + i) * ld, NV);
    }
    for (int32_t wi = 0; wi < t->words; wi++) {
        uint64_t b[4];
        for (int i = 0; i < R; i++) b[i] = t->bits[(q + i) * t->bstride + wi];
        const float *p = panel + 64 * wi * ld;
        for (int32_t e = 0; e < t->wcnt[wi]; e++) {
            for (int i = 0; i < R; i++) {
                const float *x = p + __builtin_ctzll(b[i]) * ld;
                b[i] &= b[i] - 1;
                fma_row(r[i], *va[i]++, x, NV);
            }
        }
    }
    for (int i = 0; i < R; i++) acc_store(r[i], acc + (q + i) * ld, NV);
}

// Per-row patterns: rows in fours or pairs (independent chains of NV accumulators), each
// walking its own bitmap; every row of a tile holds cnt values.
AI void mm_rows(const lci_nm_tile *t, const float *panel, int64_t ld, float *acc, const int NV) {
    int32_t q = 0;
    if (t->wcnt[0] >= 0) {
        for (; q + 4 <= t->rows; q += 4) mm_rows_words(t, q, panel, ld, acc, 4, NV);
        for (; q + 1 < t->rows; q += 2) mm_rows_words(t, q, panel, ld, acc, 2, NV);
    }
    for (; q + 1 < t->rows; q += 2) {
        const float *va = t->val + (int64_t)q * t->cnt, *vb = va + t->cnt;
        lci_nm_walk sa = {t->bits + q * t->bstride, 0, -1}, sb = {sa.w + t->bstride, 0, -1};
        __m512 ra[4], rb[4];
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
        __m512 ra[4];
        acc_load(ra, acc + q * ld, NV);
        for (int32_t e = 0; e < t->cnt; e++)
            fma_row(ra, va[e], panel + lci_nm_next_col(&sa) * ld, NV);
        acc_store(ra, acc + q * ld, NV);
    }
}

void lci_nm_mm_64_avx512(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                         float *acc) {
    switch ((nb + 15) / 16) {
    case 1:
        mm_rows(t, panel, ld, acc, 1);
        break;
    case 2:
        mm_rows(t, panel, ld, acc, 2);
        break;
    case 3:
        mm_rows(t, panel, ld, acc, 3);
        break;
    default:
        mm_rows(t, panel, LCI_NM_PANEL, acc, 4); // 64-float rows (constant offsets)
        break;
    }
}

// R rows of one row group (values val + r·cnt) sharing the bitmap w: each panel row is loaded
// once for the R rows.
AI void mm_group(const float *val, int32_t cnt, const uint64_t *w, int32_t words,
                 const float *panel, int64_t ld, float *acc, const int R, const int NV) {
    __m512 r[4][4];
    for (int i = 0; i < R; i++) acc_load(r[i], acc + i * ld, NV);
    int32_t e = 0;
    for (int32_t wi = 0; wi < words; wi++) {
        for (uint64_t b = w[wi]; b; b &= b - 1, e++) {
            const float *x = panel + (int64_t)(wi * 64 + __builtin_ctzll(b)) * ld;
            __m512 xv[4];
            for (int v = 0; v < NV; v++) xv[v] = _mm512_load_ps(x + 16 * v);
            for (int i = 0; i < R; i++) {
                const __m512 s = _mm512_set1_ps(val[(int64_t)i * cnt + e]);
                for (int v = 0; v < NV; v++) r[i][v] = _mm512_fmadd_ps(s, xv[v], r[i][v]);
            }
        }
    }
    for (int i = 0; i < R; i++) acc_store(r[i], acc + i * ld, NV);
}

AI void mm_group_nv(const lci_nm_tile *t, const float *panel, int64_t ld, float *acc,
                    const int NV) {
    for (int32_t q = 0; q < t->rows;) {
        const int32_t member = (t->lead + q) % t->v;
        int32_t r = t->v - member < 4 ? t->v - member : 4;
        if (r > t->rows - q) r = t->rows - q;
        const uint64_t *w = t->bits + (int64_t)((t->lead + q) / t->v) * t->bstride;
        const float *val = t->val + (int64_t)q * t->cnt;
        float *a = acc + q * ld;
        if (r == 4)
            mm_group(val, t->cnt, w, t->words, panel, ld, a, 4, NV);
        else if (r == 3)
            mm_group(val, t->cnt, w, t->words, panel, ld, a, 3, NV);
        else if (r == 2)
            mm_group(val, t->cnt, w, t->words, panel, ld, a, 2, NV);
        else
            mm_group(val, t->cnt, w, t->words, panel, ld, a, 1, NV);
        q += r;
    }
}

void lci_nm_group_mm_64_avx512(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                               float *acc) {
    switch ((nb + 15) / 16) {
    case 1:
        mm_group_nv(t, panel, ld, acc, 1);
        break;
    case 2:
        mm_group_nv(t, panel, ld, acc, 2);
        break;
    case 3:
        mm_group_nv(t, panel, ld, acc, 3);
        break;
    default:
        mm_group_nv(t, panel, LCI_NM_PANEL, acc, 4); // 64-float rows (constant offsets)
        break;
    }
}

// Set bits of a byte.
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
static const uint8_t popcount8[256] = {B6(0), B6(1), B6(1), B6(2)};

// Kept mask of 16-column chunk c of a tile bitmap.
AI __mmask16 chunk_mask(const uint64_t *w, int32_t c) {
    uint16_t mk; // a 16-bit load (x86 is little-endian): bits 16c .. 16c + 15
    memcpy(&mk, (const char *)w + 2 * c, sizeof mk);
    return (__mmask16)mk;
}

// Values in a 16-column chunk with kept mask mk.
AI int32_t chunk_count(__mmask16 mk, int32_t per16) {
    return per16 ? per16 : popcount8[mk & 0xff] + popcount8[mk >> 8];
}

// x of chunk c of vector j, lanes at or past avail zero (never read).
AI __m512 x_chunk(const float *x, int64_t avail, int32_t c) {
    const int64_t rem = avail - 16 * (int64_t)c;
    if (rem >= 16) return _mm512_loadu_ps(x + 16 * c);
    return _mm512_maskz_loadu_ps((__mmask16)((1u << rem) - 1), x + 16 * c);
}

// Chunks of 16 columns this tile needs: its bitmap words, cut at K.
AI int32_t chunks(const lci_nm_tile *t, int64_t avail) {
    const int64_t c = (avail + 15) / 16;
    return c < 4 * t->words ? (int32_t)c : 4 * t->words;
}

// Byte l of entry b: the set bits of b below bit l, i.e. the compressed value that lane l of
// an 8-lane piece with kept mask b takes (bit 7 is below no lane: 128 entries, indexed b & 0x7f).
static const uint64_t expand_index8[128] = {
    0x0000000000000000, 0x0101010101010100, 0x0101010101010000, 0x0202020202020100,
    0x0101010101000000, 0x0202020202010100, 0x0202020202010000, 0x0303030303020100,
    0x0101010100000000, 0x0202020201010100, 0x0202020201010000, 0x0303030302020100,
    0x0202020201000000, 0x0303030302010100, 0x0303030302010000, 0x0404040403020100,
    0x0101010000000000, 0x0202020101010100, 0x0202020101010000, 0x0303030202020100,
    0x0202020101000000, 0x0303030202010100, 0x0303030202010000, 0x0404040303020100,
    0x0202020100000000, 0x0303030201010100, 0x0303030201010000, 0x0404040302020100,
    0x0303030201000000, 0x0404040302010100, 0x0404040302010000, 0x0505050403020100,
    0x0101000000000000, 0x0202010101010100, 0x0202010101010000, 0x0303020202020100,
    0x0202010101000000, 0x0303020202010100, 0x0303020202010000, 0x0404030303020100,
    0x0202010100000000, 0x0303020201010100, 0x0303020201010000, 0x0404030302020100,
    0x0303020201000000, 0x0404030302010100, 0x0404030302010000, 0x0505040403020100,
    0x0202010000000000, 0x0303020101010100, 0x0303020101010000, 0x0404030202020100,
    0x0303020101000000, 0x0404030202010100, 0x0404030202010000, 0x0505040303020100,
    0x0303020100000000, 0x0404030201010100, 0x0404030201010000, 0x0505040302020100,
    0x0404030201000000, 0x0505040302010100, 0x0505040302010000, 0x0606050403020100,
    0x0100000000000000, 0x0201010101010100, 0x0201010101010000, 0x0302020202020100,
    0x0201010101000000, 0x0302020202010100, 0x0302020202010000, 0x0403030303020100,
    0x0201010100000000, 0x0302020201010100, 0x0302020201010000, 0x0403030302020100,
    0x0302020201000000, 0x0403030302010100, 0x0403030302010000, 0x0504040403020100,
    0x0201010000000000, 0x0302020101010100, 0x0302020101010000, 0x0403030202020100,
    0x0302020101000000, 0x0403030202010100, 0x0403030202010000, 0x0504040303020100,
    0x0302020100000000, 0x0403030201010100, 0x0403030201010000, 0x0504040302020100,
    0x0403030201000000, 0x0504040302010100, 0x0504040302010000, 0x0605050403020100,
    0x0201000000000000, 0x0302010101010100, 0x0302010101010000, 0x0403020202020100,
    0x0302010101000000, 0x0403020202010100, 0x0403020202010000, 0x0504030303020100,
    0x0302010100000000, 0x0403020201010100, 0x0403020201010000, 0x0504030302020100,
    0x0403020201000000, 0x0504030302010100, 0x0504030302010000, 0x0605040403020100,
    0x0302010000000000, 0x0403020101010100, 0x0403020101010000, 0x0504030202020100,
    0x0403020101000000, 0x0504030202010100, 0x0504030202010000, 0x0605040303020100,
    0x0403020100000000, 0x0504030201010100, 0x0504030201010000, 0x0605040302020100,
    0x0504030201000000, 0x0605040302010100, 0x0605040302010000, 0x0706050403020100,
};

// The values of a chunk placed in their kept lanes (lane l takes the value of rank "kept lanes
// below l"; the other lanes get junk, and every use is masked). A permute with an index from
// the table, not vexpandps: with a mask that changes every chunk, vexpandps costs Zen 4 about
// 7 cycles, this about 3 (measured: 14.4 against 8.8 ns per 128-column row of 2:4). HALF: the
// chunk holds at most 8 values, a 32-byte load (never split across cache lines).
AI __m512 expand(__mmask16 mk, const float *v, const bool HALF) {
    const uint32_t lo = mk & 0xff, hi = (uint32_t)mk >> 8;
    const uint64_t ilo = expand_index8[lo & 0x7f];
    const uint64_t ihi = expand_index8[hi & 0x7f] + popcount8[lo] * 0x0101010101010101ull;
    const __m512i idx = _mm512_cvtepu8_epi32(
        _mm_insert_epi64(_mm_cvtsi64_si128((long long)ilo), (long long)ihi, 1));
    const __m512 vals = HALF ? _mm512_zextps256_ps512(_mm256_loadu_ps(v)) : _mm512_loadu_ps(v);
    return _mm512_permutexvar_ps(idx, vals);
}

// M = 4 with N = 2 or 1 (2:4, 1:4): a chunk of whole groups holding 16 values (32 columns for
// 2:4, 64 for 1:4) multiplies the x of their columns, gathered by two-register permutes, so no
// value moves. Lane j of 2:4 holds rank j % 2 of group j / 2, lane j of 1:4 group j: the
// group's 4-bit mask, shifted down to the lane, indexes a 16-byte table (vpshufb) whose byte
// holds the first kept position in bits 0-1 and the second in bits 4-5; a shift by 4·rank, a
// mask and the group's column 4·group make the chunk column. About six vector instructions and
// one or two permutes per 16 values, against two table lookups, an insert, a widen and a
// permute per 16 columns for the general path (2:4 at 2048², n = 1, in the L3: 18 → 47 GB/s).

// Columns a gather chunk spans: N = 2 (2:4) 32, N = 1 (1:4) 64.
#define GCOLS(N) (N == 2 ? 32 : 64)

// The tile columns of the 16 values of chunk h (bits of m from GCOLS·h on).
AI __m512i gather_index(const uint64_t *m, int32_t h, const int N) {
    const __m512i table = _mm512_load_si512(lci_nm_pos4);
    __m512i bits, shift, rank, col;
    if (N == 2) {
        uint32_t mk; // bits 32h .. 32h + 31
        memcpy(&mk, (const char *)m + 4 * h, sizeof mk);
        bits = _mm512_set1_epi32((int)mk);
        shift = _mm512_set_epi32(28, 28, 24, 24, 20, 20, 16, 16, 12, 12, 8, 8, 4, 4, 0, 0);
        rank = _mm512_set_epi32(4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0, 4, 0);
        col = shift;
    } else {
        const uint64_t mk = m[h]; // one word: lanes 0-7 its low half, lanes 8-15 its high half
        bits = _mm512_mask_set1_epi32(_mm512_set1_epi32((int)(uint32_t)mk), 0xff00,
                                      (int)(uint32_t)(mk >> 32));
        shift = _mm512_set_epi32(28, 24, 20, 16, 12, 8, 4, 0, 28, 24, 20, 16, 12, 8, 4, 0);
        rank = _mm512_setzero_si512();
        col = _mm512_set_epi32(60, 56, 52, 48, 44, 40, 36, 32, 28, 24, 20, 16, 12, 8, 4, 0);
    }
    const __m512i nib = _mm512_and_si512(_mm512_srlv_epi32(bits, shift), _mm512_set1_epi32(15));
    const __m512i pos = _mm512_srlv_epi32(_mm512_shuffle_epi8(table, nib), rank);
    return _mm512_ternarylogic_epi32(pos, _mm512_set1_epi32(3), col, 0xEA); // (a & b) | c
}

// The x of chunk h's 16 values for NV vectors (x1: one vector's 16-column pieces of the tile).
AI void gather(__m512 *xg, const uint64_t *m, int32_t h, const float *x, int64_t ldxv,
               const __m512 *x1, const int NV, const int N) {
    const __m512i idx = gather_index(m, h, N);
    const int32_t p = GCOLS(N) / 16 * h; // first 16-column piece
    for (int j = 0; j < NV; j++) {
        const float *xj = x + j * ldxv + 16 * p;
#define PIECE(i) (NV == 1 ? x1[p + (i)] : _mm512_loadu_ps(xj + 16 * (i)))
        xg[j] = _mm512_permutex2var_ps(PIECE(0), idx, PIECE(1));
        if (N == 1) // lanes 8-15 read columns 32-63: permutes use the index's low five bits
            xg[j] = _mm512_mask_blend_ps(0xff00, xg[j],
                                         _mm512_permutex2var_ps(PIECE(2), idx, PIECE(3)));
#undef PIECE
    }
}

// The first `full` whole gather chunks of R rows sharing their masks, NV vectors: x gathered
// once per chunk, then row by row (each row's values one contiguous run: walking the rows
// chunk by chunk instead reads R interleaved runs), into s0 (one row and vector: even chunks
// into s0, odd into s1). Decode reads A from memory: each row's values are prefetched into the
// L2 16 KB ahead (the values are one sequential stream). Measured for 2:4 at 8192², n = 1,
// against sgemv in the same run: 1.55× → 1.81× (v = 1) and 1.51× → 1.92× (v = 4) at one
// thread, 1.79× → 1.95× and 1.45× → 2.09× at two; without it, four rows sharing a pattern ran
// slower from memory than one.
#define GATHER_PF 4096
AI void mv_gathered(__m512 s0[4][4], __m512 s1[4][4], const float *val, int32_t cnt,
                    const uint64_t *m, int32_t full, const float *x, int64_t ldxv, const __m512 *x1,
                    const int R, const int NV, const int N) {
    __m512 xg[4][4];
    for (int32_t h = 0; h < full; h++) gather(xg[h], m, h, x, ldxv, x1, NV, N);
    for (int i = 0; i < R; i++)
        for (int32_t h = 0; h < full; h++) {
            _mm_prefetch((const char *)(val + i * cnt + 16 * h + GATHER_PF), _MM_HINT_T1);
            const __m512 e = _mm512_loadu_ps(val + i * cnt + 16 * h);
            for (int j = 0; j < NV; j++) {
                if (R * NV == 1 && (h & 1))
                    s1[i][j] = _mm512_fmadd_ps(e, xg[h][j], s1[i][j]);
                else
                    s0[i][j] = _mm512_fmadd_ps(e, xg[h][j], s0[i][j]);
            }
        }
}

// One 16-column chunk c of R rows sharing its mask, NV vectors: the values at val + i·cnt + off
// expand into the kept lanes and a masked FMA adds them to s; returns the values consumed.
AI int32_t mv_chunk(__m512 s[4][4], const float *val, int32_t cnt, int64_t off, __mmask16 mk,
                    const float *x, int64_t ldxv, int64_t avail, int32_t c, const __m512 *x1,
                    int32_t per16, const int R, const int NV, const bool HALF) {
    __m512 xv[4];
    for (int j = 0; j < NV; j++) xv[j] = NV == 1 ? x1[c] : x_chunk(x + j * ldxv, avail, c);
    for (int i = 0; i < R; i++) {
        const __m512 e = expand(mk, val + i * cnt + off, HALF);
        for (int j = 0; j < NV; j++) s[i][j] = _mm512_mask3_fmadd_ps(e, xv[j], s[i][j], mk);
    }
    return HALF ? per16 : chunk_count(mk, per16); // HALF: whole groups, per16 <= 8
}

// R rows sharing the chunk masks m (one row: its own), NV vectors; acc (R·NV 16-float slots)
// +=. One vector reads its x chunks from x1 (loaded once per tile); one row and vector sums
// even and odd chunks in two chains. NCH > 0: a full tile of NCH chunks (loops unrolled).
AI void mv_rows(const float *val, int32_t cnt, const uint64_t *m, int32_t nch_rt, const float *x,
                int64_t ldxv, int64_t avail, int32_t per16, const __m512 *x1, float *acc,
                const int R, const int NV, const bool HALF, const int NCH, const int GN) {
    const int32_t nch = NCH ? NCH : nch_rt;
    __m512 s0[4][4], s1[4][4];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NV; j++) s0[i][j] = s1[i][j] = _mm512_setzero_ps();
    int64_t off = 0;
    int32_t c = 0;
    if (GN) { // M = 4, N = GN, a whole tile of 128 columns: gather chunks only
        mv_gathered(s0, s1, val, cnt, m, 128 / GCOLS(GN), x, ldxv, x1, R, NV, GN);
    } else {
        for (; c + 1 < nch; c += 2) {
            off += mv_chunk(s0, val, cnt, off, chunk_mask(m, c), x, ldxv, avail, c, x1, per16, R,
                            NV, HALF);
            off += mv_chunk(R * NV == 1 ? s1 : s0, val, cnt, off, chunk_mask(m, c + 1), x, ldxv,
                            avail, c + 1, x1, per16, R, NV, HALF);
        }
        if (c < nch)
            mv_chunk(s0, val, cnt, off, chunk_mask(m, c), x, ldxv, avail, c, x1, per16, R, NV,
                     HALF);
    }
    for (int i = 0; i < R; i++)
        for (int j = 0; j < NV; j++) {
            float *a = acc + (i * NV + j) * 16;
            const __m512 sum = R * NV == 1 ? _mm512_add_ps(s0[i][j], s1[i][j]) : s0[i][j];
            _mm512_store_ps(a, _mm512_add_ps(_mm512_load_ps(a), sum));
        }
}

// The rows of a tile in runs sharing a bitmap (v = 1: one row each, up to four otherwise).
AI void mv_tile_n(const lci_nm_tile *t, int32_t nch, const float *x, int64_t ldxv, int64_t avail,
                  float *acc, const int NV, const bool HALF, const int NCH, const int GN) {
    __m512 x1[8];
    if (NV == 1)
        for (int32_t c = 0; c < (NCH ? NCH : nch); c++) x1[c] = x_chunk(x, avail, c);
    if (t->v == 1) {
        for (int32_t q = 0; q < t->rows; q++)
            mv_rows(t->val + (int64_t)q * t->cnt, t->cnt, t->bits + q * t->bstride, nch, x, ldxv,
                    avail, t->per16, x1, acc + q * NV * 16, 1, NV, HALF, NCH, GN);
        return;
    }
    for (int32_t q = 0; q < t->rows;) {
        const int32_t member = (t->lead + q) % t->v;
        int32_t r = t->v - member < 4 ? t->v - member : 4;
        if (r > t->rows - q) r = t->rows - q;
        if (r == 3) r = 2; // runs of 4, 2 and 1 (fewer variants to compile)
        const uint64_t *m = t->bits + (int64_t)((t->lead + q) / t->v) * t->bstride;
        const float *val = t->val + (int64_t)q * t->cnt;
        float *a = acc + q * NV * 16;
        if (r == 4)
            mv_rows(val, t->cnt, m, nch, x, ldxv, avail, t->per16, x1, a, 4, NV, HALF, NCH, GN);
        else if (r == 2)
            mv_rows(val, t->cnt, m, nch, x, ldxv, avail, t->per16, x1, a, 2, NV, HALF, NCH, GN);
        else
            mv_rows(val, t->cnt, m, nch, x, ldxv, avail, t->per16, x1, a, 1, NV, HALF, NCH, GN);
        q += r;
    }
}

// Full tiles (8 chunks: every tile but the last when M divides 16) get unrolled loops.
AI void mv_tile(const lci_nm_tile *t, const float *x, int64_t ldxv, int64_t avail, float *acc,
                const int NV, const bool HALF) {
    const int32_t nch = chunks(t, avail);
    // 2:4 and 1:4 gather x on whole 128-column tiles; a last, partial tile takes the general
    // path (fewer variants to compile; it is one tile of K / 128).
    const int gn = t->mg == 4 && t->n <= 2 && t->words == 2 && avail >= 128 ? t->n : 0;
    if (gn == 2)
        mv_tile_n(t, 8, x, ldxv, avail, acc, NV, HALF, 8, 2);
    else if (gn == 1)
        mv_tile_n(t, 8, x, ldxv, avail, acc, NV, HALF, 8, 1);
    else if (nch == 8)
        mv_tile_n(t, nch, x, ldxv, avail, acc, NV, HALF, 8, 0);
    else
        mv_tile_n(t, nch, x, ldxv, avail, acc, NV, HALF, 0, 0);
}

// One vector (decode) is memory-bound: HALF loads when chunks hold at most 8 values.
AI void mv_dispatch(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv, int64_t avail,
                    float *acc) {
    switch (nv) {
    case 1:
        if (t->per16 && t->per16 <= 8)
            mv_tile(t, x, ldxv, avail, acc, 1, true);
        else
            mv_tile(t, x, ldxv, avail, acc, 1, false);
        break;
    case 2:
        mv_tile(t, x, ldxv, avail, acc, 2, false);
        break;
    case 3:
        mv_tile(t, x, ldxv, avail, acc, 3, false);
        break;
    default:
        mv_tile(t, x, ldxv, avail, acc, 4, false);
        break;
    }
}

void lci_nm_mv_16_avx512(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                         int64_t avail, float *acc) {
    mv_dispatch(t, x, ldxv, nv, avail, acc); // v = 1: runs of one row
}

void lci_nm_group_mv_16_avx512(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                               int64_t avail, float *acc) {
    mv_dispatch(t, x, ldxv, nv, avail, acc);
}

const lci_kernel lci_nm_kernels_avx512[] = {
    {LCI_KERNEL_NM_MM, LC_ISA_AVX512, "lci_nm_mm_64_avx512", (lci_fn)lci_nm_mm_64_avx512},
    {LCI_KERNEL_NM_MV, LC_ISA_AVX512, "lci_nm_mv_16_avx512", (lci_fn)lci_nm_mv_16_avx512},
    {LCI_KERNEL_NM_GROUP_MM, LC_ISA_AVX512, "lci_nm_group_mm_64_avx512",
     (lci_fn)lci_nm_group_mm_64_avx512},
    {LCI_KERNEL_NM_GROUP_MV, LC_ISA_AVX512, "lci_nm_group_mv_16_avx512",
     (lci_fn)lci_nm_group_mv_16_avx512},
    {0, 0, NULL, NULL},
};
