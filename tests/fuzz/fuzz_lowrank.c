// fuzz_lowrank.c: libFuzzer target for lc_mat_create_lowrank, lc_lowrank_project and
// lc_mat_create_sum, the bytes read as a shape, a rank, factor values and an ISA level.
// Invariants: a rank outside 1 .. max(1, min(M, K)) gives exactly LC_ERR_ARG with a message and
// the output left alone; valid factors give a matrix whose info counts r·(M + K) entries, whose
// to_dense is U·Vᵀ within (r + 1)·eps·|U|·|V|ᵀ, whose products (n = 1, 3, 17, both layouts) are
// within the documented (K + r + 2)·eps·|U|·(|V|ᵀ·|X|) of a double reference, whose projection at
// rank r reproduces it (normwise, SVD accuracy), and whose sum with itself multiplies as 2·U·Vᵀ;
// a NaN in a projection input is LC_ERR_ARG.
#include "fuzz.h"

#define MAXD 7
#define MAXR 8

static int64_t m, k, r;
static float u[MAXD * MAXR], v[MAXD * MAXR];

// (U·Vᵀ)[i][c] and Σ|terms| in double.
static void entry(int64_t i, int64_t c, double *val, double *mag) {
    *val = 0, *mag = 0;
    for (int64_t t = 0; t < r; t++) {
        const double term = (double)u[i * r + t] * v[c * r + t];
        *val += term, *mag += fabs(term);
    }
}

// Y = scale·A·X against the double reference, with the lowrank bound (twice for the sum).
static void check_product(const lc_mat *A, double scale, int64_t n, lc_layout layout) {
    static float x[MAXD * 17], y[MAXD * 17];
    fuzz_product(A, layout, m, k, n, x, y);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double exact = 0, mag = 0;
            for (int64_t t = 0; t < r; t++) {
                double s = 0, sa = 0;
                for (int64_t c = 0; c < k; c++) {
                    const double xv = x[fuzz_at(layout, k, n, c, j)];
                    s += (double)v[c * r + t] * xv, sa += fabs((double)v[c * r + t] * xv);
                }
                exact += (double)u[i * r + t] * s, mag += fabs((double)u[i * r + t]) * sa;
            }
            const float got = y[fuzz_at(layout, m, n, i, j)];
            const double bound = scale * (double)(k + r + 3) * FLT_EPSILON * mag + 1e-30;
            FUZZ_CHECK(fabs(got - scale * exact) <= bound);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader rd = {data, size};
    m = next_byte(&rd) % MAXD, k = next_byte(&rd) % MAXD;
    r = next_byte(&rd) % (MAXR + 1); // 0, and ranks above min(M, K), are invalid
    lc_isa_set((lc_isa)(next_byte(&rd) % 3));
    const int64_t mn = m < k ? m : k;
    const bool valid = r >= 1 && r <= (mn > 1 ? mn : 1);
    bool finite = true;
    // "finite": every factor small enough that no intermediate (Vᵀ·X, U·T) overflows, where the
    // bound is meaningless (FLT_MAX·x is Inf, and 0·Inf is NaN).
    for (int64_t i = 0; i < m * r; i++) finite &= fabsf(u[i] = next_value(&rd)) < 1e15f;
    for (int64_t i = 0; i < k * r; i++) finite &= fabsf(v[i] = next_value(&rd)) < 1e15f;
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    const lc_status st = lc_mat_create_lowrank(&A, m, k, r, u, v);
    if (!valid) {
        FUZZ_CHECK(st == LC_ERR_ARG && A == sentinel && lc_last_error()[0] != '\0');
        return 0;
    }
    if (st == LC_ERR_NOMEM) return 0;
    FUZZ_CHECK(st == LC_OK);
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    FUZZ_CHECK(info.format == LC_FORMAT_LOWRANK && info.m == m && info.k == k);
    FUZZ_CHECK(info.stored == r * (m + k) && info.flops_per_col == 2.0 * (double)(r * (m + k)));
    static float d[MAXD * MAXD + 1];
    FUZZ_CHECK(lc_mat_to_dense(A, d, k > 0 ? k : 1) == LC_OK);
    double dmax = 0, norm = 0;
    for (int64_t i = 0; i < m && finite; i++)
        for (int64_t c = 0; c < k; c++) {
            double val, mag;
            entry(i, c, &val, &mag);
            if (mag > 1e30) {
                finite = false; // float products may overflow near FLT_MAX
                break;
            }
            FUZZ_CHECK(fabs(d[i * k + c] - val) <= (double)(r + 1) * FLT_EPSILON * mag + 1e-30);
            dmax = fmax(dmax, mag), norm += (double)d[i * k + c] * d[i * k + c];
        }
    if (finite && m > 0 && k > 0) {
        const int64_t ns[] = {1, 3, 17};
        for (int t = 0; t < 3; t++) {
            check_product(A, 1.0, ns[t], LC_LAYOUT_COLS);
            check_product(A, 1.0, ns[t], LC_LAYOUT_ROWS);
        }
        // A + A, applied as two products without forming the sum: 2·U·Vᵀ.
        lc_mat *S = NULL;
        const lc_status ss = lc_mat_create_sum(&S, A, A);
        FUZZ_CHECK(ss == LC_OK || ss == LC_ERR_NOMEM);
        if (ss == LC_OK) {
            check_product(S, 2.0, 3, LC_LAYOUT_COLS);
            check_product(S, 2.0, 1, LC_LAYOUT_ROWS);
        }
        lc_mat_free(S);
        // The projection at rank r reproduces a rank-r matrix (to the SVD's accuracy).
        lc_mat *P = NULL;
        double energy = -1;
        const lc_status ps = lc_lowrank_project(&P, d, m, k, k, r, 0, &energy);
        FUZZ_CHECK(ps == LC_OK || ps == LC_ERR_NOMEM || ps == LC_ERR_NUMERIC);
        if (ps == LC_OK && dmax < 1e15) {
            static float e[MAXD * MAXD + 1];
            FUZZ_CHECK(lc_mat_to_dense(P, e, k) == LC_OK);
            double err = 0;
            for (int64_t i = 0; i < m * k; i++)
                err += ((double)e[i] - d[i]) * ((double)e[i] - d[i]);
            FUZZ_CHECK(sqrt(err) <= 1e-4 * sqrt(norm) + 1e-30);
            FUZZ_CHECK(norm == 0 || (energy >= 1 - 1e-4 && energy <= 1 + 1e-4));
        }
        lc_mat_free(P);
        d[(m * k) / 2] = NAN;
        P = sentinel;
        FUZZ_CHECK(lc_lowrank_project(&P, d, m, k, k, r, 0, NULL) == LC_ERR_ARG && P == sentinel);
    }
    lc_mat_free(A);
    return 0;
}
