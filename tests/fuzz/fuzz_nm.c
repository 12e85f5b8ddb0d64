// fuzz_nm.c: libFuzzer target for lc_mat_create_nm and lc_nm_check, the bytes read as a shape,
// N, M, rows per group, values and positions. Invariants: invalid N, M or v give exactly
// LC_ERR_ARG, invalid positions exactly LC_ERR_FORMAT naming the first bad row group and
// group, both with a message and the output left alone; valid arrays give a matrix whose
// to_dense is the input (bitwise), whose lc_mat_info counts the stored entries, which is at
// most N:M, converts to CSR and back unchanged, and whose products (SpMV, small n, SpMM, both
// layouts, the kernels of an ISA level the bytes choose) are within the error bound. lc_nm_check
// agrees with a plain count on a small array.
#include "fuzz.h"
#include "core/mat.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#define MAXM 12
#define MAXK 40

// Y = A·X for n vectors in `layout` against a double reference over the stored entries.
static void check_product(const lc_mat *A, int64_t m, int64_t k, const float *ref, int64_t n,
                          lc_layout layout) {
    static float x[MAXK * 20], y[MAXM * 20];
    fuzz_product(A, layout, m, k, n, x, y);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double exact = 0, mag = 0;
            for (int64_t c = 0; c < k; c++) {
                const double xv = x[fuzz_at(layout, k, n, c, j)];
                exact += (double)ref[i * k + c] * xv;
                mag += fabs((double)ref[i * k + c] * xv);
            }
            if (mag > 1e37) continue; // float sums may overflow near FLT_MAX
            const float got = y[fuzz_at(layout, m, n, i, j)];
            FUZZ_CHECK(fabs(got - exact) <= (double)(k + 2) * FLT_EPSILON * mag + 1e-30);
        }
}

// lc_nm_check on a small array from the bytes against a plain count.
static void check_nm_check(reader *r) {
    const int64_t m = next_byte(r) % 5, k = next_byte(r) % 20;
    const int32_t n = next_byte(r) % 6, mg = next_byte(r) % 10;
    float a[5 * 20];
    for (int64_t i = 0; i < m * k; i++) a[i] = next_byte(r) % 3 ? 0.0f : next_value(r);
    for (int mode = 0; mode < 2; mode++) {
        int64_t at = 7;
        const lc_status st = lc_nm_check(a, m, k, k > 0 ? k : 1, n, mg, (lc_nm_mode)mode, &at);
        if (!(n >= 1 && n < mg && mg <= 16)) {
            FUZZ_CHECK(st == LC_ERR_ARG && at == 7 && lc_last_error()[0] != '\0');
            continue;
        }
        FUZZ_CHECK(st == LC_OK);
        const int64_t groups = (k + mg - 1) / mg;
        int64_t want = -1;
        for (int64_t i = 0; i < m && want < 0; i++)
            for (int64_t g = 0; g < groups && want < 0; g++) {
                const int64_t w = k - g * mg < mg ? k - g * mg : mg;
                int64_t nz = 0;
                for (int64_t c = 0; c < w; c++) nz += a[i * k + g * mg + c] != 0.0f;
                const bool ok = mode == LC_NM_STRICT ? nz == (w < n ? w : n) : nz <= n;
                if (!ok) want = i * groups + g;
            }
        FUZZ_CHECK(at == want);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader r = {data, size};
    const int64_t m = next_byte(&r) % (MAXM + 1), k = next_byte(&r) % (MAXK + 1);
    const int32_t mg = next_byte(&r) % 18, n = next_byte(&r) % 17, v = next_byte(&r) % 6;
    // The kernels of every level this CPU has (lc_isa_set refuses higher ones).
    lc_isa_set((lc_isa)(next_byte(&r) % 3));
    const bool valid_nm = n >= 1 && n < mg && mg <= 16 && v >= 1;
    const int64_t groups = valid_nm ? (k + mg - 1) / mg : 1;
    const int64_t rgroups = valid_nm ? (m + v - 1) / v : 1;
    static uint8_t pos[MAXM * MAXK * 16 + 16];
    static float val[MAXM * MAXK * 16 + 16];
    // Positions: mostly a valid sorted choice, sometimes raw bytes (often invalid).
    int64_t bad_r = -1, bad_g = -1;
    for (int64_t rg = 0; rg < rgroups; rg++)
        for (int64_t g = 0; g < groups; g++) {
            uint8_t *p = pos + (rg * groups + g) * (n > 0 ? n : 1);
            const int64_t w = valid_nm ? (k - g * mg < mg ? k - g * mg : mg) : 0;
            const int64_t keep = w < n ? w : n;
            if (next_byte(&r) % 8 == 0) {
                for (int32_t j = 0; j < n; j++) p[j] = next_byte(&r) % 18;
            } else {
                uint32_t mask = 0, want = (uint32_t)keep;
                for (int32_t q = 0; q < w && want > 0; q++)
                    if ((next_byte(&r) & 1) || (int64_t)want == w - q) mask |= 1u << q, want--;
                int32_t j = 0;
                for (int32_t q = 0; q < w; q++)
                    if (mask >> q & 1) p[j++] = (uint8_t)q;
                for (; j < n; j++) p[j] = next_byte(&r); // slots past a narrow group: ignored
            }
            for (int64_t j = 0; j < keep && bad_r < 0; j++)
                if (p[j] >= w || (j > 0 && p[j] <= p[j - 1])) bad_r = rg, bad_g = g;
        }
    for (int64_t i = 0; i < m * groups * n; i++) val[i] = next_value(&r);
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    const lc_status st = lc_mat_create_nm(&A, m, k, n, mg, v, val, pos);
    if (!valid_nm || bad_r >= 0) {
        FUZZ_CHECK(A == sentinel && lc_last_error()[0] != '\0');
        if (!valid_nm) {
            FUZZ_CHECK(st == LC_ERR_ARG);
        } else {
            char where[64];
            snprintf(where, sizeof where, "row group %lld, group %lld:", (long long)bad_r,
                     (long long)bad_g);
            FUZZ_CHECK(st == LC_ERR_FORMAT && strstr(lc_last_error(), where));
        }
        check_nm_check(&r);
        return 0;
    }
    FUZZ_CHECK(st == LC_OK);
    // The reference: value j of row i, group g at its group's position j.
    static float ref[MAXM * MAXK + 1];
    memset(ref, 0, sizeof ref);
    int64_t stored = 0;
    bool finite = true;
    for (int64_t i = 0; i < m; i++)
        for (int64_t g = 0; g < groups; g++) {
            const int64_t w = k - g * mg < mg ? k - g * mg : mg, keep = w < n ? w : n;
            const uint8_t *p = pos + (i / v * groups + g) * n;
            for (int64_t j = 0; j < keep; j++) {
                ref[i * k + g * mg + p[j]] = val[(i * groups + g) * n + j];
                finite &= isfinite(val[(i * groups + g) * n + j]) != 0;
                stored++;
            }
        }
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    FUZZ_CHECK(info.format == LC_FORMAT_NM && info.m == m && info.k == k);
    FUZZ_CHECK(info.stored == stored && info.useful == stored);
    FUZZ_CHECK(info.flops_per_col == 2.0 * (double)stored && info.bytes >= 4 * stored);
    static float d[MAXM * MAXK + 1];
    FUZZ_CHECK(lc_mat_to_dense(A, d, k > 0 ? k : 1) == LC_OK);
    for (int64_t i = 0; i < m * k; i++) FUZZ_CHECK(same_bits(d[i], ref[i]));
    int64_t at = 0;
    FUZZ_CHECK(lc_nm_check(d, m, k, k > 0 ? k : 1, n, mg, LC_NM_AT_MOST, &at) == LC_OK);
    FUZZ_CHECK(at == -1);
    // To CSR (every stored entry, zeros included) and back: the same matrix.
    lc_mat *C = NULL, *B = NULL;
    lc_mat_params p = {.nm_n = n, .nm_m = mg, .nm_rows = v};
    FUZZ_CHECK(lc_mat_convert(&C, A, LC_FORMAT_CSR, NULL) == LC_OK);
    FUZZ_CHECK(lc_mat_convert(&B, C, LC_FORMAT_NM, &p) == LC_OK);
    FUZZ_CHECK(lc_mat_to_dense(B, d, k > 0 ? k : 1) == LC_OK);
    for (int64_t i = 0; i < m * k; i++) FUZZ_CHECK(same_bits(d[i], ref[i]));
    lc_mat_free(C);
    lc_mat_free(B);
    if (finite && m > 0 && k > 0) {
        const int64_t ns[] = {1, 3, 17};
        for (int t = 0; t < 3; t++) {
            check_product(A, m, k, ref, ns[t], LC_LAYOUT_COLS);
            check_product(A, m, k, ref, ns[t], LC_LAYOUT_ROWS);
        }
    }
    lc_mat_free(A);
    check_nm_check(&r);
    return 0;
}
