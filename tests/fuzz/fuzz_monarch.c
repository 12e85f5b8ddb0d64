// fuzz_monarch.c: libFuzzer target for lc_mat_create_monarch and lc_monarch_project, the bytes
// read as a block count, block sizes, an inner size q, factor values and an ISA level.
// Invariants: a block count that does not divide M or K, b < 1 or q < 1 give exactly LC_ERR_ARG
// with a message naming the sizes and the output left alone; valid factors give a matrix whose
// info counts q·(M + K) entries, whose to_dense is the definition within (q + 1)·eps·|L|·|R|,
// whose products (n = 1, 3, 17, both layouts) are within (p + q + 2)·eps·|L|·P(|R|·|X|) of a
// double reference (outputs whose intermediate R·X may overflow a float skipped), and whose
// projection with its own b recovers it (when q is the projection's); a NaN in a projection input
// is LC_ERR_ARG.
#include "fuzz.h"
#include "core/mat.h"

#define MAXB 6
#define MAXS 5

static int64_t m, k, b, q, p, s;
static float rf[MAXB * MAXS * 8 * MAXS], lf[MAXB * MAXS * 8 * MAXS];

// Σ_r over the definition: A[o·b + j, c'·p + c] and Σ|terms| in double.
static void entry(int64_t row, int64_t col, double *val, double *mag) {
    const int64_t j = row % b, o = row / b, kk = col / p, c = col % p;
    *val = 0, *mag = 0;
    for (int64_t r = 0; r < q; r++) {
        const int64_t t = r * b + j;
        if (t / q != kk) continue;
        const double term = (double)lf[(j * s + o) * q + r] * rf[t * p + c];
        *val += term, *mag += fabs(term);
    }
}

static void check_product(const lc_mat *A, int64_t n, lc_layout layout) {
    static float x[MAXB * MAXS * 17], y[MAXB * MAXS * 17];
    const bool cols = layout == LC_LAYOUT_COLS;
    for (int64_t i = 0; i < k * n; i++) x[i] = (float)((i * 7) % 5) - 2.0f;
    for (int64_t i = 0; i < m * n; i++) y[i] = NAN; // beta = 0 must ignore it
    FUZZ_CHECK(lc_mat_mm(A, layout, n, 1.0f, x, cols ? n : k, 0.0f, y, cols ? n : m) == LC_OK);
    for (int64_t j = 0; j < b; j++)
        for (int64_t o = 0; o < s; o++)
            for (int64_t v = 0; v < n; v++) {
                double exact = 0, mag = 0;
                bool wide = false; // an intermediate u may overflow in float (then 0·Inf = NaN)
                for (int64_t r = 0; r < q; r++) {
                    double u = 0, ua = 0;
                    const int64_t t = r * b + j, kk = t / q;
                    for (int64_t c = 0; c < p; c++) {
                        const int64_t col = kk * p + c;
                        const double xv = cols ? x[col * n + v] : x[v * k + col];
                        u += (double)rf[t * p + c] * xv, ua += fabs((double)rf[t * p + c] * xv);
                    }
                    wide |= ua > 1e37;
                    exact += (double)lf[(j * s + o) * q + r] * u;
                    mag += fabs((double)lf[(j * s + o) * q + r]) * ua;
                }
                const int64_t i = o * b + j;
                const float got = y[cols ? i * n + v : v * m + i];
                if (!wide)
                    FUZZ_CHECK(fabs(got - exact) <=
                               (double)(p + q + 2) * FLT_EPSILON * mag + 1e-30);
            }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader r = {data, size};
    b = next_byte(&r) % (MAXB + 1); // 0: invalid
    s = next_byte(&r) % MAXS, p = next_byte(&r) % MAXS;
    q = next_byte(&r) % 9; // 0: invalid
    const uint8_t skew = next_byte(&r);
    lc_isa_set((lc_isa)(next_byte(&r) % 3));
    m = b * s + (skew & 1 ? skew % 3 : 0), k = b * p + (skew & 2 ? skew % 5 : 0);
    const bool valid = b >= 1 && q >= 1 && m % b == 0 && k % b == 0;
    if (valid) s = m / b, p = k / b;
    const int64_t nr = valid ? q * k : 0, nl = valid ? q * m : 0;
    bool finite = true;
    for (int64_t i = 0; i < nr; i++) finite &= isfinite(rf[i] = next_value(&r)) != 0;
    for (int64_t i = 0; i < nl; i++) finite &= isfinite(lf[i] = next_value(&r)) != 0;
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    const lc_status st = lc_mat_create_monarch(&A, m, k, b, q, rf, lf);
    if (!valid) {
        FUZZ_CHECK(st == LC_ERR_ARG && A == sentinel && lc_last_error()[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(st == LC_OK);
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    FUZZ_CHECK(info.format == LC_FORMAT_MONARCH && info.m == m && info.k == k);
    FUZZ_CHECK(info.stored == q * (m + k) && info.flops_per_col == 2.0 * (double)(q * (m + k)));
    static float d[MAXB * MAXS * MAXB * MAXS + 1];
    FUZZ_CHECK(lc_mat_to_dense(A, d, k > 0 ? k : 1) == LC_OK);
    double dmax = 0;
    for (int64_t i = 0; i < m && finite; i++)
        for (int64_t c = 0; c < k; c++) {
            double val, mag;
            entry(i, c, &val, &mag);
            if (mag > 1e37)
                finite = false; // float sums may overflow near FLT_MAX
            else
                FUZZ_CHECK(fabs(d[i * k + c] - val) <= (double)(q + 1) * FLT_EPSILON * mag + 1e-30);
            dmax = fmax(dmax, mag);
        }
    if (finite && m > 0 && k > 0) {
        const int64_t ns[] = {1, 3, 17};
        for (int t = 0; t < 3; t++) {
            check_product(A, ns[t], LC_LAYOUT_COLS);
            check_product(A, ns[t], LC_LAYOUT_ROWS);
        }
        // The projection with the same blocks recovers A when q is the one it chooses.
        lc_mat *P = NULL;
        double rel = -1;
        const lc_status ps = lc_monarch_project(&P, d, m, k, k, b, &rel);
        FUZZ_CHECK(ps == LC_OK || ps == LC_ERR_NOMEM);
        const int64_t mn = m < k ? m : k, pq = mn / b > 1 ? mn / b : 1;
        if (ps == LC_OK && pq == q && dmax < 1e15) {
            static float e[MAXB * MAXS * MAXB * MAXS + 1];
            FUZZ_CHECK(lc_mat_to_dense(P, e, k) == LC_OK);
            double err = 0, norm = 0;
            for (int64_t i = 0; i < m * k; i++)
                err += ((double)e[i] - d[i]) * ((double)e[i] - d[i]), norm += (double)d[i] * d[i];
            FUZZ_CHECK(sqrt(err) <= 1e-4 * sqrt(norm) + 1e-30 && rel <= 1e-4);
        }
        lc_mat_free(P);
        d[(m * k) / 2] = NAN;
        P = sentinel;
        FUZZ_CHECK(lc_monarch_project(&P, d, m, k, k, b, NULL) == LC_ERR_ARG && P == sentinel);
    }
    lc_mat_free(A);
    return 0;
}
