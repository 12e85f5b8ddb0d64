// toeplitz.c: the Toeplitz format T[i][j] = col[i − j] (i >= j), row[j − i] (i < j), applied as
// the top-left M×K window of a circulant of fast FFT length L >= M + K − 1 (the circulant
// engine of src/formats/circulant); construction, the nearest Toeplitz matrix of a dense one
// (averages of the diagonals), info and the vtable.
#include "../circulant/circulant.h"

#include <string.h>

static void toeplitz_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    const int64_t stored = mat->m > 0 && mat->k > 0 ? mat->m + mat->k - 1 : 0;
    info->stored = info->useful = stored;
    info->nonzeros = a->nz_vals;
    info->flops_per_col = info->exec_flops_per_col = lci_fftconv_flops(a->len);
    info->bytes = a->len > 0 ? 2 * (a->len / 2 + 1) * (int64_t)sizeof(float) : 0;
}

// No optimize: the spectrum and plans made at create are what a product reads.
static const lci_vtable toeplitz_vtable = {.format = LC_FORMAT_TOEPLITZ,
                                           .mm = lci_fftconv_mm,
                                           .workspace = lci_fftconv_workspace,
                                           .to_dense = lci_fftconv_to_dense,
                                           .info = toeplitz_info,
                                           .to_csr = lci_fftconv_to_csr,
                                           .destroy = lci_fftconv_destroy,
                                           .optimize = NULL};

// The circulant column h (L floats): col[0 .. m) at the front, row[1 .. k) reversed at the back
// (h[L − d] = row[d]), zeros between; then the engine.
static lc_status create(lc_mat **out, int64_t m, int64_t k, const float *col, const float *row,
                        const char *who) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, m, k))) return st;
    if (m == 0 || k == 0) {
        lci_fftconv *a = NULL;
        if ((st = lci_fftconv_create(&a, &toeplitz_vtable, m, k, 0, NULL, who))) return st;
        *out = &a->base;
        return LC_OK;
    }
    if (!col) return lci_error(LC_ERR_ARG, "%s: NULL first column", who);
    if (!row && k > 1) return lci_error(LC_ERR_ARG, "%s: NULL first row", who);
    const int64_t len = lci_fft_fast_len(m + k - 1);
    if (len < 0)
        return lci_error(LC_ERR_OVERFLOW,
                         "%s: an FFT length >= M + K − 1 = %lld exceeds FFTW's int", who,
                         (long long)(m + k - 1));
    float *h = NULL;
    if ((st = lci_alloc_array((void **)&h, (size_t)len, sizeof(float), "circulant embedding")))
        return st;
    memset(h, 0, (size_t)len * sizeof(float));
    memcpy(h, col, (size_t)m * sizeof(float));
    for (int64_t d = 1; d < k; d++) h[len - d] = row[d];
    lci_fftconv *a = NULL;
    if (!(st = lci_fftconv_create(&a, &toeplitz_vtable, m, k, len, h, who))) {
        a->nz_vals = lci_count_nonzeros(col, m) + (k > 1 ? lci_count_nonzeros(row + 1, k - 1) : 0);
        *out = &a->base;
    }
    lci_free(h);
    return st;
}

lc_status lc_mat_create_toeplitz(lc_mat **out, int64_t m, int64_t k, const float *col,
                                 const float *row) {
    lc_status st = create(out, m, k, col, row, "lc_mat_create_toeplitz");
    if (!st) lci_error_clear();
    return st;
}

lc_status lci_toeplitz_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda) {
    static const char who[] = "toeplitz projection";
    if (m == 0 || k == 0) return create(out, m, k, NULL, NULL, who);
    // Diagonal i − j = d is slot d + K − 1 of m + k − 1; its mean over its entries, summed in
    // double in row order.
    const int64_t nd = m + k - 1;
    double *sum = NULL;
    float *col = NULL, *row = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&sum, (size_t)nd, sizeof(double), "diagonal sums")) ||
        (st = lci_alloc_array((void **)&col, (size_t)m, sizeof(float), "first column")) ||
        (st = lci_alloc_array((void **)&row, (size_t)k, sizeof(float), "first row")))
        goto done;
    for (int64_t d = 0; d < nd; d++) sum[d] = 0;
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < k; j++) sum[i - j + k - 1] += a[i * lda + j];
    // Diagonal d >= 0 has min(m − d, k) entries, d < 0 has min(k + d, m).
    for (int64_t d = 0; d < m; d++) {
        const int64_t count = m - d < k ? m - d : k;
        col[d] = (float)(sum[d + k - 1] / (double)count);
    }
    for (int64_t d = 1; d < k; d++) {
        const int64_t count = k - d < m ? k - d : m;
        row[d] = (float)(sum[k - 1 - d] / (double)count);
    }
    row[0] = col[0];
    st = create(out, m, k, col, row, who);
done:
    lci_free(sum);
    lci_free(col);
    lci_free(row);
    return st;
}
