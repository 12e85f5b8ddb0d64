// circulant.c: the circulant format C[i][j] = c[(i − j) mod n]: construction from the first
// column, the nearest circulant of a dense matrix (averages of the wrapped diagonals), to_dense,
// to_csr, info and the vtable; the to_dense and to_csr shared with the Toeplitz format.
#include "circulant.h"

#include <string.h>

void lci_fftconv_to_dense(const lc_mat *mat, float *out, int64_t ld) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    const int64_t len = a->len;
    for (int64_t i = 0; i < mat->m; i++)
        for (int64_t j = 0; j < mat->k; j++) out[i * ld + j] = a->h[(i - j + len) % len];
}

// Every entry of the M×K matrix is stored (all_entries), or its nonzeros, through a dense copy.
lc_status lci_fftconv_to_csr(const lc_mat *mat, bool all_entries, lci_csr_view *v) {
    int64_t mk;
    if (lci_mul_i64(mat->m, mat->k, &mk))
        return lci_error(LC_ERR_OVERFLOW, "%s: %lld×%lld overflows",
                         lc_format_name(mat->vt->format), (long long)mat->m, (long long)mat->k);
    float *d = NULL;
    lc_status st = lci_alloc_array((void **)&d, (size_t)mk, sizeof(float), "dense copy");
    if (st) return st;
    const int64_t ld = mat->k > 1 ? mat->k : 1;
    if (mk > 0) lci_fftconv_to_dense(mat, d, ld);
    lc_mat *view = NULL;
    if (!(st = lci_dense_wrap(&view, mat->m, mat->k, d, ld))) {
        st = view->vt->to_csr(view, all_entries, v);
        lci_dense_unwrap(view);
    }
    lci_free(d);
    return st;
}

static void circulant_info(const lc_mat *mat, struct lc_mat_info *info) {
    const lci_fftconv *a = (const lci_fftconv *)mat;
    info->stored = info->useful = a->len;
    info->nonzeros = a->nz_vals;
    info->flops_per_col = info->exec_flops_per_col = lci_fftconv_flops(a->len);
    info->bytes = a->len > 0 ? 2 * (a->len / 2 + 1) * (int64_t)sizeof(float) : 0;
}

// No optimize: the spectrum and plans made at create are what a product reads.
static const lci_vtable circulant_vtable = {.format = LC_FORMAT_CIRCULANT,
                                            .mm = lci_fftconv_mm,
                                            .workspace = lci_fftconv_workspace,
                                            .to_dense = lci_fftconv_to_dense,
                                            .info = circulant_info,
                                            .to_csr = lci_fftconv_to_csr,
                                            .destroy = lci_fftconv_destroy,
                                            .optimize = NULL};

static lc_status create(lc_mat **out, int64_t n, const float *c, const char *who) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if ((st = lci_check_shape(who, n, n))) return st;
    if (!c && n > 0) return lci_error(LC_ERR_ARG, "%s: NULL first column", who);
    lci_fftconv *a = NULL;
    if ((st = lci_fftconv_create(&a, &circulant_vtable, n, n, n, c, who))) return st;
    a->nz_vals = lci_count_nonzeros(a->h, n);
    *out = &a->base;
    return LC_OK;
}

lc_status lc_mat_create_circulant(lc_mat **out, int64_t n, const float *c) {
    lc_status st = create(out, n, c, "lc_mat_create_circulant");
    if (!st) lci_error_clear();
    return st;
}

lc_status lci_circulant_from_dense(lc_mat **out, const float *a, int64_t m, int64_t k,
                                   int64_t lda) {
    static const char who[] = "circulant projection";
    if (m != k)
        return lci_error(LC_ERR_ARG, "%s: a circulant is square, the matrix is %lld×%lld", who,
                         (long long)m, (long long)k);
    double *sum = NULL;
    float *c = NULL;
    lc_status st;
    if ((st = lci_alloc_array((void **)&sum, (size_t)m, sizeof(double), "diagonal sums")) ||
        (st = lci_alloc_array((void **)&c, (size_t)m, sizeof(float), "first column")))
        goto done;
    // c[d] = mean of the n entries with (i − j) mod n = d, summed in double in row order.
    for (int64_t d = 0; d < m; d++) sum[d] = 0;
    for (int64_t i = 0; i < m; i++) {
        const float *row = a + i * lda;
        for (int64_t j = 0; j <= i; j++) sum[i - j] += row[j];
        for (int64_t j = i + 1; j < m; j++) sum[i - j + m] += row[j];
    }
    for (int64_t d = 0; d < m; d++) c[d] = (float)(sum[d] / (double)m);
    st = create(out, m, c, who);
done:
    lci_free(sum);
    lci_free(c);
    return st;
}
