// fuzz_circulant.c: libFuzzer target for lc_mat_create_circulant and lc_mat_create_toeplitz,
// the bytes read as the format, a shape (sometimes negative), which arrays are NULL, and the
// values. Invariants: bad arguments give exactly LC_ERR_ARG with a message and the output left
// alone; valid ones give a matrix whose to_dense is the definition (bitwise; row[0] ignored),
// whose lc_mat_info counts the stored values, which converts to CSR (every entry) and projects
// back onto its own format to the same values, and whose products (n = 1, 3, 17, both layouts,
// the kernels of an ISA level the bytes choose) are within the normwise bound of lacuna.h when
// the values are finite and moderate.
#include "fuzz.h"
#include "formats/circulant/circulant.h"

#define MAXN 40

// Y = A·X for n vectors against a double reference from the dense entries, per vector within
// the FFT bound (or the direct sum's at the generic level).
static void check_product(const lc_mat *A, const float *d, int64_t m, int64_t k, int64_t len,
                          double tnorm, int64_t n, lc_layout layout) {
    static float x[MAXN * 20], y[MAXN * 20];
    const bool cols = layout == LC_LAYOUT_COLS;
    for (int64_t i = 0; i < k * n; i++) x[i] = (float)((i * 7) % 5) - 2.0f;
    for (int64_t i = 0; i < m * n; i++) y[i] = NAN; // beta = 0 must ignore it
    FUZZ_CHECK(lc_mat_mm(A, layout, n, 1.0f, x, cols ? n : k, 0.0f, y, cols ? n : m) == LC_OK);
    const double lg = len > 1 ? log2((double)len) : 0;
    for (int64_t v = 0; v < n; v++) {
        double err = 0, nx = 0, direct = 0;
        for (int64_t j = 0; j < k; j++) {
            const double xv = cols ? x[j * n + v] : x[v * k + j];
            nx += xv * xv;
        }
        for (int64_t i = 0; i < m; i++) {
            double s = 0, sa = 0;
            for (int64_t j = 0; j < k; j++) {
                const double xv = cols ? x[j * n + v] : x[v * k + j];
                s += (double)d[i * k + j] * xv;
                sa += fabs((double)d[i * k + j] * xv);
            }
            const double got = y[cols ? i * n + v : v * m + i];
            err += (got - s) * (got - s);
            direct += sa * sa;
        }
        const double bound =
            lc_isa_get() == LC_ISA_GENERIC
                ? (double)(k + 2) * FLT_EPSILON * sqrt(direct)
                : (20 * lg + 8) * FLT_EPSILON * sqrt((double)len) * tnorm * sqrt(nx);
        FUZZ_CHECK(sqrt(err) <= bound + 1e-30);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_install_allocator();
    reader r = {data, size};
    const bool circ = next_byte(&r) & 1;
    const uint8_t bm = next_byte(&r), bk = next_byte(&r), nulls = next_byte(&r);
    const int64_t m = bm == 255 ? -1 : bm % (MAXN + 1), k = circ        ? m
                                                            : bk == 255 ? -2
                                                                        : bk % (MAXN + 1);
    lc_isa_set((lc_isa)(next_byte(&r) % 3));
    static float col[MAXN + 1], row[MAXN + 1];
    const int64_t mc = m > 0 ? m : 0, kc = k > 0 ? k : 0;
    bool moderate = true;
    for (int64_t i = 0; i < mc; i++) col[i] = next_value(&r);
    for (int64_t j = 0; j < kc; j++) row[j] = next_value(&r);
    const float *cp = nulls & 1 ? NULL : col, *rp = nulls & 2 ? NULL : row;
    lc_mat *sentinel = (lc_mat *)&sentinel, *A = sentinel;
    const lc_status st =
        circ ? lc_mat_create_circulant(&A, m, cp) : lc_mat_create_toeplitz(&A, m, k, cp, rp);
    const bool empty = m == 0 || k == 0;
    const bool bad = m < 0 || k < 0 || (!empty && !cp) || (!circ && !empty && k > 1 && !rp);
    if (bad) {
        FUZZ_CHECK(st == LC_ERR_ARG && A == sentinel && lc_last_error()[0] != '\0');
        return 0;
    }
    if (st == LC_ERR_NOMEM) return 0; // the fuzzer's allocator refused
    FUZZ_CHECK(st == LC_OK);
    static float ref[MAXN * MAXN + 1], d[MAXN * MAXN + 1];
    double t2 = 0;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++)
            ref[i * k + j] = circ ? col[((i - j) % m + m) % m] : i >= j ? col[i - j] : row[j - i];
    for (int64_t i = 0; i < (empty ? 0 : m); i++) t2 += (double)col[i] * col[i];
    for (int64_t j = 1; j < (circ || empty ? 0 : k); j++) t2 += (double)row[j] * row[j];
    for (int64_t i = 0; i < m * k; i++) moderate &= fabsf(ref[i]) <= 1e4f;
    struct lc_mat_info info;
    FUZZ_CHECK(lc_mat_info(A, &info) == LC_OK);
    FUZZ_CHECK(info.m == m && info.k == k);
    FUZZ_CHECK(info.stored == (empty ? 0 : circ ? m : m + k - 1));
    FUZZ_CHECK(lc_mat_to_dense(A, d, k > 0 ? k : 1) == LC_OK);
    for (int64_t i = 0; i < m * k; i++) FUZZ_CHECK(same_bits(d[i], ref[i]));
    // Every nonzero as CSR (a conversion without params drops zeros: ±0 entries are not stored,
    // NaN is), projected back onto the format: the same values (a diagonal's mean of equal
    // values is that value; a dropped diagonal comes back 0; -0 may come back +0).
    int64_t nonzeros = 0;
    for (int64_t i = 0; i < m * k; i++) nonzeros += ref[i] != 0.0f;
    lc_mat *C = NULL, *B = NULL;
    const lc_format f = circ ? LC_FORMAT_CIRCULANT : LC_FORMAT_TOEPLITZ;
    lc_status cs = lc_mat_convert(&C, A, LC_FORMAT_CSR, NULL);
    FUZZ_CHECK(cs == LC_OK || cs == LC_ERR_NOMEM);
    if (cs == LC_OK) {
        FUZZ_CHECK(lc_mat_info(C, &info) == LC_OK && info.stored == nonzeros);
        cs = lc_mat_convert(&B, C, f, NULL);
        FUZZ_CHECK(cs == LC_OK || cs == LC_ERR_NOMEM);
        if (cs == LC_OK) {
            FUZZ_CHECK(lc_mat_to_dense(B, d, k > 0 ? k : 1) == LC_OK);
            for (int64_t i = 0; i < m * k; i++)
                FUZZ_CHECK(d[i] == ref[i] || (isnan(d[i]) && isnan(ref[i])));
        }
    }
    lc_mat_free(C);
    lc_mat_free(B);
    if (moderate && !empty) {
        const int64_t ns[] = {1, 3, 17};
        const int64_t len = ((const lci_fftconv *)A)->len;
        FUZZ_CHECK(len == (circ ? m : lci_fft_fast_len(m + k - 1)));
        for (int t = 0; t < 3; t++)
            for (int l = 0; l < 2; l++)
                check_product(A, ref, m, k, len, sqrt(t2), ns[t], (lc_layout)l);
    }
    lc_mat_free(A);
    return 0;
}
