// fuzz_bsr.c: libFuzzer target for lc_mat_create_bsr, the bytes read as a shape, a tile shape,
// tile pointers, block columns and values. Invariants: invalid input gives exactly the status
// the input calls for (LC_ERR_ARG for a tile side outside 1..256, LC_ERR_FORMAT for bad pointers,
// a column out of range or a duplicate tile; LC_ERR_NOMEM when the values exceed the fuzzer's
// memory) with a message, and leaves the output alone; valid input gives a matrix whose to_dense
// is the input tiles inside the matrix (bitwise), whose lc_mat_info counts tiles, padding and
// bytes consistently, whose conversion to CSR and back is the same matrix, and whose products
// (both layouts, SpMV and SpMM, every ISA level) are within the error bound of a scalar
// reference.
#include "fuzz.h"
#include "core/mat.h"
#include "formats/bsr/bsr.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#define MAXD 40        // largest M, K
#define MAXT 64        // most tiles
#define MAXV (1 << 16) // most values over all tiles
#define NVEC 17        // vectors of the SpMM check

// A tile side: mostly 1..16, sometimes large, 0 or past 256 (invalid).
static int32_t next_side(reader *r) {
    static const int32_t big[] = {0, 24, 32, 64, 256, 257, -1};
    uint8_t b = next_byte(r);
    return b % 24 < 17 ? 1 + b % 24 % 16 : big[b % 24 - 17];
}

static float val[MAXV], dense[MAXD * MAXD + 1];

// Y = A·X in both layouts against a double reference on the dense matrix (finite inputs only).
static void check_products(const lc_mat *A, int64_t m, int64_t k) {
    static float x[MAXD * NVEC + 1], y[MAXD * NVEC + 1];
    for (int64_t i = 0; i < m * k; i++)
        if (!isfinite(dense[i])) return;
    for (int64_t i = 0; i < k * NVEC; i++) x[i] = (float)((i * 7) % 5) - 2.0f;
    for (int l = 0; l < 2; l++) {
        for (int64_t n = 1; n <= NVEC; n += NVEC - 1) {
            const bool cols = l == LC_LAYOUT_COLS;
            const int64_t ldx = cols ? n : (k > 0 ? k : 1), ldy = cols ? n : (m > 0 ? m : 1);
            FUZZ_CHECK(lc_mat_mm(A, (lc_layout)l, n, 1.0f, x, ldx, 0.0f, y, ldy) == LC_OK);
            for (int64_t i = 0; i < m; i++)
                for (int64_t j = 0; j < n; j++) {
                    double exact = 0, mag = 0;
                    for (int64_t c = 0; c < k; c++) {
                        double p = (double)dense[i * k + c] * x[cols ? c * ldx + j : j * ldx + c];
                        exact += p;
                        mag += fabs(p);
                    }
                    if (mag > 1e37) continue; // the float sums may overflow near FLT_MAX
                    double got = y[cols ? i * ldy + j : j * ldy + i];
                    FUZZ_CHECK(fabs(got - exact) <= (double)(k + 2) * FLT_EPSILON * mag + 1e-30);
                }
        }
    }
}

static void check_matrix(const lc_mat *A, int64_t m, int64_t k, int32_t bh, int32_t bw,
                         int64_t tiles, int64_t useful) {
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    FUZZ_CHECK(info.format == LC_FORMAT_BSR && info.m == m && info.k == k);
    FUZZ_CHECK(info.stored == tiles * bh * bw && info.useful == useful);
    FUZZ_CHECK(info.flops_per_col == 2.0 * (double)useful);
    FUZZ_CHECK(info.exec_flops_per_col == 2.0 * (double)info.stored);
    FUZZ_CHECK(info.bytes == info.stored * 4 + tiles * 4 + ((m + bh - 1) / bh + 1) * 8);
    static float d[MAXD * MAXD + 1];
    FUZZ_CHECK(lc_mat_to_dense(A, d, k > 0 ? k : 1) == LC_OK);
    for (int64_t i = 0; i < m * k; i++) FUZZ_CHECK(same_bits(d[i], dense[i]));
    FUZZ_CHECK(info.nonzeros <= useful);
    // Through CSR (every entry inside the matrix) and back: the same tiles and values.
    lc_mat *C = NULL, *B = NULL;
    lc_mat_params p = {.block_rows = bh, .block_cols = bw};
    FUZZ_CHECK(lc_mat_convert(&C, A, LC_FORMAT_CSR, NULL) == LC_OK);
    FUZZ_CHECK(lc_mat_info(C, &info) == LC_OK && info.stored == useful);
    FUZZ_CHECK(lc_mat_convert(&B, C, LC_FORMAT_BSR, &p) == LC_OK);
    const lci_bsr *a = (const lci_bsr *)A, *b = (const lci_bsr *)B;
    FUZZ_CHECK(b->tiles == a->tiles);
    FUZZ_CHECK(memcmp(a->ptr, b->ptr, (size_t)(a->mb + 1) * sizeof(int64_t)) == 0);
    FUZZ_CHECK(memcmp(a->col, b->col, (size_t)a->tiles * sizeof(int32_t)) == 0);
    for (int64_t e = 0; e < a->tiles * bh * bw; e++) FUZZ_CHECK(same_bits(a->val[e], b->val[e]));
    lc_mat_free(C);
    lc_mat_free(B);
    // Every kernel level this CPU has.
    for (int isa = LC_ISA_GENERIC; isa <= (int)lc_isa_detected(); isa++) {
        FUZZ_CHECK(lc_isa_set((lc_isa)isa) == LC_OK);
        check_products(A, m, k);
    }
    FUZZ_CHECK(lc_isa_set(lc_isa_detected()) == LC_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader r = {data, size};
    const int64_t m = next_byte(&r) % (MAXD + 1), k = next_byte(&r) % (MAXD + 1);
    const int32_t bh = next_side(&r), bw = next_side(&r);
    const bool block_ok = bh >= 1 && bh <= 256 && bw >= 1 && bw <= 256;
    const int64_t mb = block_ok ? (m + bh - 1) / bh : 1, kb = block_ok ? (k + bw - 1) / bw : 1;
    // Tile counts per block row; a byte with the top two bits set makes a pointer step back.
    int64_t ptr[MAXD + 2];
    int32_t col[MAXT];
    bool valid = true;
    ptr[0] = next_byte(&r) % 32 == 0 ? 1 : 0;
    valid = ptr[0] == 0;
    for (int64_t I = 0; I < mb; I++) {
        uint8_t b = next_byte(&r);
        int64_t step = (b & 0xc0) == 0xc0 ? -1 : b % 4;
        ptr[I + 1] = ptr[I] + step;
        if (ptr[I + 1] < ptr[I]) valid = false;
    }
    int64_t tiles = ptr[mb] > 0 ? ptr[mb] : 0;
    if (tiles > MAXT || (block_ok && tiles * bh * bw > MAXV)) return 0; // too large to hold here
    // Columns mostly in range, sometimes -1 or kb; duplicates arise by chance.
    for (int64_t t = 0; t < tiles; t++) col[t] = (int32_t)(next_byte(&r) % (kb + 2)) - 1;
    for (int64_t I = 0; I < mb && valid; I++)
        for (int64_t t = ptr[I]; t < ptr[I + 1]; t++) {
            if (col[t] < 0 || col[t] >= kb) valid = false;
            for (int64_t s = ptr[I]; s < t; s++)
                if (col[s] == col[t]) valid = false;
        }
    const int64_t count = block_ok ? tiles * bh * bw : 0;
    for (int64_t e = 0; e < count; e++) val[e] = next_value(&r);

    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    lc_status st = lc_mat_create_bsr(&A, m, k, bh, bw, ptr, col, val);
    if (!block_ok || !valid) {
        FUZZ_CHECK(st == (block_ok ? LC_ERR_FORMAT : LC_ERR_ARG) && A == sentinel);
        FUZZ_CHECK(lc_last_error()[0] != '\0');
        return 0;
    }
    if (st == LC_ERR_NOMEM) { // values past the fuzzer's allocation limit
        FUZZ_CHECK(A == sentinel && lc_last_error()[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(st == LC_OK);
    // The reference: the tiles' values inside the matrix (row-major input tiles).
    memset(dense, 0, sizeof dense);
    int64_t useful = 0;
    for (int64_t I = 0; I < mb; I++)
        for (int64_t t = ptr[I]; t < ptr[I + 1]; t++)
            for (int64_t i = 0; i < bh; i++)
                for (int64_t j = 0; j < bw; j++) {
                    int64_t row = I * bh + i, c = (int64_t)col[t] * bw + j;
                    if (row >= m || c >= k) continue;
                    dense[row * k + c] = val[(t * bh + i) * bw + j];
                    useful++;
                }
    check_matrix(A, m, k, bh, bw, tiles, useful);
    lc_mat_free(A);
    return 0;
}
