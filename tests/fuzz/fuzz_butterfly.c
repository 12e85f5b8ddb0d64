// fuzz_butterfly.c: libFuzzer target for the butterfly constructors, the bytes read as a size,
// a shape, the bit-reversal flag, factor values, a mirror-layer mask and its blocks, then a small
// array to project. Invariants: a size that is not a power of two, a shape above it, a bad flag
// or a mask bit at or above L gives exactly LC_ERR_ARG with a message and the output left alone;
// valid layers give a matrix whose to_dense matches the layers applied in double and whose
// products (both layouts, the kernels of an ISA level the bytes choose) are within
// (2·layers + 2)·eps·|layers|···|X|; info counts 2·N per layer. The projection refuses NaN and Inf
// with LC_ERR_ARG and otherwise reports a relative error in [0, 1], recovering a butterfly it was
// given (a full-size one) closely.
#include "fuzz.h"
#include "core/mat.h"

#define MAXN 32

static int32_t levels_of(int64_t nn) {
    int32_t l = 0;
    while (((int64_t)1 << l) < nn) l++;
    return l;
}

static void pair_d(const float *b, bool absolute, double *t, int64_t i, int64_t p) {
    double a0 = b[0], a1 = b[1], a2 = b[2], a3 = b[3];
    if (absolute) a0 = fabs(a0), a1 = fabs(a1), a2 = fabs(a2), a3 = fabs(a3);
    const double x = t[i], y = t[p];
    t[i] = a0 * x + a1 * y, t[p] = a2 * x + a3 * y;
}

static const float *mirror_blocks; // the mirror layers' blocks, for the layers in mirror_mask
static uint64_t mirror_mask;

// v ← B·v (or |layers|···|v|) in double.
static void apply_d(const float *f, int64_t nn, int br, bool absolute, double *v) {
    const int32_t l = levels_of(nn);
    double t[MAXN];
    for (int64_t r = 0; r < nn; r++) {
        int64_t s = r, q = 0;
        for (int32_t b = 0; b < l && br; b++, s >>= 1) q = q << 1 | (s & 1);
        t[r] = v[br ? q : r];
    }
    const float *g = mirror_blocks;
    for (int32_t s = 0; s < l; s++) {
        const int64_t h = (int64_t)1 << s;
        for (int64_t i = 0; i < nn; i++) {
            if (i & h) continue;
            const int64_t q = (i >> (s + 1)) * h + (i & (h - 1));
            pair_d(f + ((int64_t)s * (nn / 2) + q) * 4, absolute, t, i, i + h);
        }
        if (!(mirror_mask >> s & 1)) continue;
        for (int64_t i = 0; i < nn; i++) {
            const int64_t b = i & ~(2 * h - 1), j = i - b;
            if (j < h)
                pair_d(g + ((i >> (s + 1)) * h + j) * 4, absolute, t, i, j ? b + 2 * h - j : b + h);
        }
        g += nn / 2 * 4;
    }
    memcpy(v, t, (size_t)nn * sizeof *t);
}

static void check_product(const lc_mat *A, const float *f, int64_t nn, int br, int64_t n,
                          lc_layout layout) {
    static float x[MAXN * 20], y[MAXN * 20];
    const int64_t m = A->m, k = A->k, l = levels_of(nn) + __builtin_popcountll(mirror_mask);
    const bool cols = layout == LC_LAYOUT_COLS;
    for (int64_t i = 0; i < k * n; i++) x[i] = (float)((i * 7) % 5) - 2.0f;
    for (int64_t i = 0; i < m * n; i++) y[i] = NAN;
    FUZZ_CHECK(lc_mat_mm(A, layout, n, 1.0f, x, cols ? n : k, 0.0f, y, cols ? n : m) == LC_OK);
    for (int64_t j = 0; j < n; j++) {
        double v[MAXN], va[MAXN];
        for (int64_t p = 0; p < nn; p++) {
            v[p] = p < k ? (cols ? x[p * n + j] : x[j * k + p]) : 0;
            va[p] = fabs(v[p]);
        }
        apply_d(f, nn, br, false, v);
        apply_d(f, nn, br, true, va);
        for (int64_t i = 0; i < m; i++) {
            if (!(va[i] < 1e30)) continue; // float sums may overflow
            const float got = y[cols ? i * n + j : j * m + i];
            FUZZ_CHECK(fabs(got - v[i]) <= (2.0 * l + 2) * FLT_EPSILON * va[i] + 1e-30);
        }
    }
}

static void check_project(reader *r) {
    const int64_t m = next_byte(r) % 9, k = next_byte(r) % 9;
    float a[64];
    bool finite = true;
    for (int64_t i = 0; i < m * k; i++) {
        a[i] = next_byte(r) % 5 ? (float)((int)next_byte(r) - 128) / 16.0f : next_value(r);
        finite &= isfinite(a[i]) != 0;
    }
    lc_mat *sentinel = (lc_mat *)&sentinel, *P = sentinel;
    double err = -1;
    const lc_status st = lc_butterfly_project(&P, a, m, k, k > 0 ? k : 1, &err);
    if (!finite) {
        FUZZ_CHECK(st == LC_ERR_ARG && P == sentinel && lc_last_error()[0] != '\0');
        return;
    }
    FUZZ_CHECK(st == LC_OK && err >= 0 && err <= 1 + 1e-9);
    FUZZ_CHECK(P->m == m && P->k == k);
    lc_mat_free(P);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader r = {data, size};
    const int sel = next_byte(&r);
    const int64_t nn = sel & 0x80 ? sel % 40 : (int64_t)1 << (sel % 6); // mostly powers of two
    const int64_t m = next_byte(&r) % (MAXN + 2), k = next_byte(&r) % (MAXN + 2);
    const int br = next_byte(&r) % 3;
    lc_isa_set((lc_isa)(next_byte(&r) % 3));
    const bool valid = nn >= 1 && !(nn & (nn - 1)) && m <= nn && k <= nn && br <= 1;
    static float f[MAXN * 5 * 2 + 4];
    const int64_t count = valid ? (int64_t)levels_of(nn) * nn * 2 : 8;
    bool finite = true;
    for (int64_t i = 0; i < count; i++) {
        f[i] = next_byte(&r) % 7 ? (float)((int)next_byte(&r) - 128) / 64.0f : next_value(&r);
        // "finite": small enough that no stage overflows in float (FLT_MAX in one stage and a 0
        // block in the next give Inf·0 = NaN where the double reference has 0 and the bound,
        // taken over |B|···|B|, is 0 too); NaN and Inf fail the comparison as well.
        finite &= fabsf(f[i]) < 1e15f;
    }
    // Mirror layers: a mask byte (the high bit keeps bits at and above L: invalid), then blocks.
    const int32_t levels = valid ? levels_of(nn) : 0;
    const int mb = next_byte(&r);
    uint64_t mirror = (uint64_t)(mb & 0x1f);
    if (!(mb & 0x80)) mirror &= ((uint64_t)1 << levels) - 1;
    const bool mirror_ok = levels >= 5 || !(mirror >> levels);
    static float g[MAXN * 5 * 2 + 4];
    const int64_t gcount = valid && mirror_ok ? __builtin_popcountll(mirror) * nn * 2 : 0;
    for (int64_t i = 0; i < gcount; i++) {
        g[i] = next_byte(&r) % 7 ? (float)((int)next_byte(&r) - 128) / 64.0f : next_value(&r);
        finite &= fabsf(g[i]) < 1e15f;
    }
    mirror_blocks = g, mirror_mask = mirror;
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    const lc_status st = mirror ? lc_mat_create_butterfly_mirrored(&A, m, k, nn, f, br, mirror, g)
                                : lc_mat_create_butterfly(&A, m, k, nn, f, br);
    if (!valid || !mirror_ok) {
        FUZZ_CHECK(st == LC_ERR_ARG && A == sentinel && lc_last_error()[0] != '\0');
        check_project(&r);
        return 0;
    }
    FUZZ_CHECK(st == LC_OK);
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    FUZZ_CHECK(info.format == LC_FORMAT_BUTTERFLY && info.stored == count + gcount);
    if (finite && m > 0 && k > 0) {
        static float d[MAXN * MAXN];
        FUZZ_CHECK(lc_mat_to_dense(A, d, k) == LC_OK);
        for (int64_t p = 0; p < k; p++) {
            double v[MAXN], va[MAXN];
            for (int64_t q = 0; q < nn; q++) v[q] = va[q] = q == p;
            apply_d(f, nn, br, false, v);
            apply_d(f, nn, br, true, va);
            for (int64_t i = 0; i < m; i++)
                FUZZ_CHECK(fabs(d[i * k + p] - v[i]) <=
                           2.0 * (levels + __builtin_popcountll(mirror)) * FLT_EPSILON * va[i] +
                               1e-30);
        }
        const int64_t ns[] = {1, 3, 17};
        for (int t = 0; t < 3; t++) {
            check_product(A, f, nn, br, ns[t], LC_LAYOUT_COLS);
            check_product(A, f, nn, br, ns[t], LC_LAYOUT_ROWS);
        }
    }
    lc_mat_free(A);
    check_project(&r);
    return 0;
}
