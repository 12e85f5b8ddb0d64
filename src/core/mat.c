// mat.c: format names, and the format-independent operations on lc_mat (info, to_dense,
// convert, from_dense, free); conversions go through a canonical CSR view.
#include "mat.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const format_names[LC_FORMAT_COUNT] = {
    "dense",   "coo",       "csr",       "bsr",      "nm", "lowrank",
    "monarch", "butterfly", "circulant", "toeplitz", "sum"};

const char *lc_format_name(lc_format format) {
    if ((int)format < 0 || format >= LC_FORMAT_COUNT) return "unknown";
    return format_names[format];
}

lc_status lc_format_parse(const char *name, lc_format *format) {
    if (!name || !format) return lci_error(LC_ERR_ARG, "lc_format_parse: NULL argument");
    for (int f = 0; f < LC_FORMAT_COUNT; f++) {
        if (strcmp(name, format_names[f]) == 0) {
            *format = (lc_format)f;
            lci_error_clear();
            return LC_OK;
        }
    }
    return lci_error(LC_ERR_ARG, "unknown format '%s'", name);
}

int lc_format_supports(lc_format format, lc_layout layout) {
    if (layout != LC_LAYOUT_COLS && layout != LC_LAYOUT_ROWS) return 0;
    return format == LC_FORMAT_DENSE || format == LC_FORMAT_COO || format == LC_FORMAT_CSR ||
           format == LC_FORMAT_BSR || format == LC_FORMAT_NM || format == LC_FORMAT_LOWRANK ||
           format == LC_FORMAT_SUM || format == LC_FORMAT_BUTTERFLY ||
           format == LC_FORMAT_CIRCULANT || format == LC_FORMAT_TOEPLITZ ||
           format == LC_FORMAT_MONARCH;
}

lc_status lci_check_shape(const char *who, int64_t m, int64_t k) {
    if (m < 0 || k < 0)
        return lci_error(LC_ERR_ARG, "%s: negative shape %lld×%lld", who, (long long)m,
                         (long long)k);
    if (m > INT32_MAX || k > INT32_MAX)
        return lci_error(LC_ERR_OVERFLOW, "%s: shape %lld×%lld exceeds INT32_MAX", who,
                         (long long)m, (long long)k);
    return LC_OK;
}

lc_status lc_mat_optimize(lc_mat *a, int64_t n_hint) {
    if (!a) return lci_error(LC_ERR_ARG, "lc_mat_optimize: NULL matrix");
    if (n_hint <= 0)
        return lci_error(LC_ERR_ARG, "lc_mat_optimize: n_hint = %lld, must be >= 1",
                         (long long)n_hint);
    if (a->vt->optimize) {
        lc_status st = a->vt->optimize(a, n_hint);
        if (st) return st;
    }
    lci_error_clear();
    return LC_OK;
}

void lc_mat_free(lc_mat *a) {
    if (a) a->vt->destroy(a);
}

int64_t lci_count_nonzeros(const float *v, int64_t count) {
    int64_t nz = 0;
    for (int64_t i = 0; i < count; i++) nz += v[i] != 0.0f;
    return nz;
}

lc_status lc_mat_info(const lc_mat *a, struct lc_mat_info *info) {
    if (!a || !info) return lci_error(LC_ERR_ARG, "lc_mat_info: NULL argument");
    memset(info, 0, sizeof *info);
    info->format = a->vt->format;
    info->m = a->m;
    info->k = a->k;
    info->layout = "plain";
    info->bytes_rows = -1;
    a->vt->info(a, info);
    // Formats whose products read the same arrays in both activation layouts leave these.
    if (info->bytes_rows < 0) info->bytes_rows = info->bytes;
    if (!info->layout_rows) info->layout_rows = info->layout;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_mat_to_dense(const lc_mat *a, float *out, int64_t ld) {
    if (!a) return lci_error(LC_ERR_ARG, "lc_mat_to_dense: NULL matrix");
    if (ld < (a->k > 1 ? a->k : 1))
        return lci_error(LC_ERR_ARG, "lc_mat_to_dense: ld = %lld < K = %lld", (long long)ld,
                         (long long)a->k);
    if (a->m > 0 && a->k > 0) {
        if (!out) return lci_error(LC_ERR_ARG, "lc_mat_to_dense: NULL output");
        lc_status st = lci_mat_to_dense(a, out, ld);
        if (st) return st;
    }
    lci_error_clear();
    return LC_OK;
}

lc_status lci_mat_to_dense(const lc_mat *a, float *out, int64_t ld) {
    if (a->vt->to_dense_alloc) return a->vt->to_dense_alloc(a, out, ld);
    a->vt->to_dense(a, out, ld);
    return LC_OK;
}

void lci_csr_view_release(lci_csr_view *v) {
    for (int i = 0; i < 3; i++) lci_free(v->owned[i]);
    memset(v, 0, sizeof *v);
}

lc_status lci_csr_view_alloc(lci_csr_view *v, int64_t m, int64_t k, int64_t nnz) {
    memset(v, 0, sizeof *v);
    v->m = m;
    v->k = k;
    v->nnz = nnz;
    lc_status st;
    if ((st = lci_alloc_array(&v->owned[0], (size_t)m + 1, sizeof(int64_t), "CSR row pointers")) ||
        (st = lci_alloc_array(&v->owned[1], (size_t)nnz, sizeof(int32_t), "CSR column indices")) ||
        (st = lci_alloc_array(&v->owned[2], (size_t)nnz, sizeof(float), "CSR values"))) {
        lci_csr_view_release(v);
        return st;
    }
    v->ptr = v->owned[0];
    v->col = v->owned[1];
    v->val = v->owned[2];
    return LC_OK;
}

lc_status lci_csr_view_prune(const lci_csr_view *in, double density, lci_csr_view *out) {
    int64_t want = lci_density_count(density, in->m, in->k);
    if (want > in->nnz) want = in->nnz;
    uint8_t *keep = NULL;
    lc_status st = lci_alloc_array((void **)&keep, (size_t)in->nnz, 1, "pruning mask");
    if (st) return st;
    if ((st = lci_select_largest(in->val, in->nnz, want, keep)) ||
        (st = lci_csr_view_alloc(out, in->m, in->k, want))) {
        lci_free(keep);
        return st;
    }
    int64_t *ptr = out->owned[0];
    int32_t *col = out->owned[1];
    float *val = out->owned[2];
    int64_t q = 0;
    ptr[0] = 0;
    for (int64_t i = 0; i < in->m; i++) {
        for (int64_t p = in->ptr[i]; p < in->ptr[i + 1]; p++) {
            if (!keep[p]) continue;
            col[q] = in->col[p];
            val[q++] = in->val[p];
        }
        ptr[i + 1] = q;
    }
    lci_free(keep);
    return LC_OK;
}

lc_status lci_mat_from_csr(lc_mat **out, lc_format format, const lci_csr_view *v,
                           const lc_mat_params *params) {
    switch (format) {
    case LC_FORMAT_DENSE:
        return lci_dense_from_csr(out, v);
    case LC_FORMAT_COO:
        return lci_coo_from_csr(out, v);
    case LC_FORMAT_CSR:
        return lci_csr_from_csr(out, v);
    case LC_FORMAT_BSR:
        return lci_bsr_from_csr(out, v, params);
    case LC_FORMAT_NM:
        return lci_nm_from_csr(out, v, params);
    default:
        return lci_error(LC_ERR_UNSUPPORTED, "format %s is not available in this build",
                         lc_format_name(format));
    }
}

static lc_status check_params(const char *who, const lc_mat_params *params) {
    if (!params) return LC_OK;
    if (!(params->density >= 0 && params->density <= 1))
        return lci_error(LC_ERR_ARG, "%s: density %g is outside [0, 1]", who, params->density);
    if (params->block_rows < 0 || params->block_rows > 256 || params->block_cols < 0 ||
        params->block_cols > 256)
        return lci_error(LC_ERR_ARG, "%s: block %d×%d is outside 1..256 (0: default)", who,
                         params->block_rows, params->block_cols);
    int32_t nm_m = params->nm_m ? params->nm_m : 4;
    int32_t nm_n = params->nm_n ? params->nm_n : nm_m / 2;
    if (params->nm_n < 0 || params->nm_m < 0 || nm_m > 16 || params->nm_rows < 0 || nm_n >= nm_m ||
        nm_n < 1)
        return lci_error(LC_ERR_ARG,
                         "%s: N:M = %d:%d with %d rows per group is invalid (need "
                         "0 < N < M <= 16, rows >= 1; 0: default)",
                         who, params->nm_n, params->nm_m, params->nm_rows);
    if (params->rank < 0 || !(params->rel_err >= 0 && params->rel_err < 1) ||
        (params->rank > 0 && params->rel_err > 0))
        return lci_error(LC_ERR_ARG,
                         "%s: lowrank rank %d with rel_err %g is invalid (rank >= 0, rel_err in "
                         "[0, 1), not both set)",
                         who, params->rank, params->rel_err);
    if (params->monarch_blocks < 0)
        return lci_error(LC_ERR_ARG, "%s: monarch_blocks = %d (0: the default, else >= 1)", who,
                         params->monarch_blocks);
    return LC_OK;
}

typedef lc_status (*project_fn)(lc_mat **out, const float *a, int64_t m, int64_t k, int64_t lda,
                                const lc_mat_params *params);

// A dense M×K copy of a, projected by `fn` (the structured formats' conversions).
static lc_status project_dense(lc_mat **out, const lc_mat *a, const lc_mat_params *p, project_fn fn,
                               const char *what) {
    float *d = NULL;
    const int64_t ld = a->k > 1 ? a->k : 1;
    char msg[64];
    snprintf(msg, sizeof msg, "dense copy for the %s projection", what);
    lc_status st = lci_alloc_array((void **)&d, (size_t)(a->m * a->k), sizeof(float), msg);
    if (st) return st;
    if (!(a->m > 0 && a->k > 0) || !(st = lci_mat_to_dense(a, d, ld)))
        st = fn(out, d, a->m, a->k, ld, p);
    lci_free(d);
    return st;
}

// To low rank: an exact copy of a lowrank source when params keep its rank, else the
// projection of a dense copy (pruned first when density > 0).
static lc_status convert_lowrank(lc_mat **out, const lc_mat *a, const lc_mat_params *params) {
    const lc_mat_params p = params ? *params : (lc_mat_params){0};
    if (a->vt->format == LC_FORMAT_LOWRANK && p.density == 0 && p.rel_err == 0) {
        struct lc_mat_info info;
        lc_mat_info(a, &info);
        if (p.rank == 0 || (a->m + a->k > 0 && p.rank == info.stored / (a->m + a->k)))
            return lci_lowrank_copy(out, a);
    }
    lc_status st;
    lc_mat *pruned = NULL;
    if (p.density > 0) {
        lc_mat_params dp = {.density = p.density};
        if ((st = lc_mat_convert(&pruned, a, LC_FORMAT_DENSE, &dp))) return st;
        a = pruned;
    }
    st = project_dense(out, a, &p, lci_lowrank_from_dense, "lowrank");
    lc_mat_free(pruned);
    return st;
}

// To Monarch: an exact copy of a Monarch source with the same blocks (and the inner size the
// projection would choose), else the projection of a dense copy (pruned first when density > 0).
static lc_status convert_monarch(lc_mat **out, const lc_mat *a, const lc_mat_params *params) {
    const lc_mat_params p = params ? *params : (lc_mat_params){0};
    if (a->vt->format == LC_FORMAT_MONARCH && p.density == 0 &&
        lci_monarch_is_projected_shape(a, p.monarch_blocks))
        return lci_monarch_copy(out, a);
    lc_status st;
    lc_mat *pruned = NULL;
    if (p.density > 0) {
        lc_mat_params dp = {.density = p.density};
        if ((st = lc_mat_convert(&pruned, a, LC_FORMAT_DENSE, &dp))) return st;
        a = pruned;
    }
    st = project_dense(out, a, &p, lci_monarch_from_dense, "monarch");
    lc_mat_free(pruned);
    return st;
}

// To butterfly, circulant or Toeplitz (formats made by projecting a dense array): an exact copy
// of a source of that format (without pruning), else the projection of a dense copy, pruned
// first when density > 0: butterfly by hierarchical factorisation, circulant and Toeplitz by
// the means of their diagonals.
static lc_status convert_projection(lc_mat **out, const lc_mat *a, lc_format format,
                                    const lc_mat_params *params) {
    const double density = params ? params->density : 0;
    if (a->vt->format == format && density == 0) return lci_mat_copy(out, a);
    lc_status st;
    lc_mat *pruned = NULL;
    if (density > 0) {
        lc_mat_params dp = {.density = density};
        if ((st = lc_mat_convert(&pruned, a, LC_FORMAT_DENSE, &dp))) return st;
        a = pruned;
    }
    float *d = NULL;
    const int64_t ld = a->k > 1 ? a->k : 1;
    if (format == LC_FORMAT_CIRCULANT && a->m != a->k) {
        st = lci_error(LC_ERR_ARG, "a circulant is square, the matrix is %lld×%lld",
                       (long long)a->m, (long long)a->k);
    } else if (!(st = lci_alloc_array((void **)&d, (size_t)(a->m * a->k), sizeof(float),
                                      "dense copy for the projection"))) {
        if (!(a->m > 0 && a->k > 0) || !(st = lci_mat_to_dense(a, d, ld))) {
            if (format == LC_FORMAT_BUTTERFLY)
                st = lci_butterfly_from_dense(out, d, a->m, a->k, ld);
            else if (format == LC_FORMAT_CIRCULANT)
                st = lci_circulant_from_dense(out, d, a->m, a->k, ld);
            else
                st = lci_toeplitz_from_dense(out, d, a->m, a->k, ld);
        }
        lci_free(d);
    }
    lc_mat_free(pruned);
    return st;
}

lc_status lc_mat_convert(lc_mat **out, const lc_mat *a, lc_format format,
                         const lc_mat_params *params) {
    if (!out || !a) return lci_error(LC_ERR_ARG, "lc_mat_convert: NULL argument");
    lc_status st = check_params("lc_mat_convert", params);
    if (st) return st;
    double density = params ? params->density : 0;
    if (!lc_format_supports(format, LC_LAYOUT_COLS))
        return lci_error(LC_ERR_UNSUPPORTED, "lc_mat_convert: format %s is not available",
                         lc_format_name(format));
    if (format == LC_FORMAT_SUM) {
        // A sum has no meaning as the image of one matrix, except a copy of a sum.
        if (a->vt->format != LC_FORMAT_SUM || density > 0)
            return lci_error(LC_ERR_UNSUPPORTED,
                             "lc_mat_convert: nothing converts to a sum (build one with "
                             "lc_mat_create_sum); a sum converts to itself only without pruning");
        if ((st = lci_sum_copy(out, a))) return st;
        lci_error_clear();
        return LC_OK;
    }
    if (format == LC_FORMAT_LOWRANK || format == LC_FORMAT_MONARCH) {
        lc_mat *res = NULL;
        if ((st = format == LC_FORMAT_LOWRANK ? convert_lowrank(&res, a, params)
                                              : convert_monarch(&res, a, params)))
            return st;
        *out = res;
        lci_error_clear();
        return LC_OK;
    }
    if (format == LC_FORMAT_BUTTERFLY || format == LC_FORMAT_CIRCULANT ||
        format == LC_FORMAT_TOEPLITZ) {
        lc_mat *res = NULL;
        if ((st = convert_projection(&res, a, format, params))) return st;
        *out = res;
        lci_error_clear();
        return LC_OK;
    }
    if (format == LC_FORMAT_DENSE && density == 0) {
        // Lossless to dense: copy every entry (signs of zeros included) directly.
        lc_mat *res = NULL;
        if ((st = lci_dense_from_mat(&res, a))) return st;
        *out = res;
        lci_error_clear();
        return LC_OK;
    }
    lci_csr_view v = {0}, pruned = {0};
    if ((st = a->vt->to_csr(a, density > 0, &v))) return st;
    if (density > 0) {
        st = lci_csr_view_prune(&v, density, &pruned);
        lci_csr_view_release(&v);
        if (st) return st;
        v = pruned;
    }
    lc_mat *res = NULL;
    st = lci_mat_from_csr(&res, format, &v, params);
    lci_csr_view_release(&v);
    if (st) return st;
    *out = res;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_mat_from_dense(lc_mat **out, lc_format format, int64_t m, int64_t k, const float *a,
                            int64_t lda, const lc_mat_params *params) {
    lc_status st;
    if (!out) return lci_error(LC_ERR_ARG, "lc_mat_from_dense: NULL output");
    if ((st = lci_check_shape("lc_mat_from_dense", m, k)) ||
        (st = check_params("lc_mat_from_dense", params)))
        return st;
    if (lda < (k > 1 ? k : 1))
        return lci_error(LC_ERR_ARG, "lc_mat_from_dense: lda = %lld < K = %lld", (long long)lda,
                         (long long)k);
    if (!a && m > 0 && k > 0) return lci_error(LC_ERR_ARG, "lc_mat_from_dense: NULL array");
    // A borrowed dense matrix over the caller's array, then the general conversion: pruning
    // and every target format are handled in one place.
    lc_mat *view = NULL;
    if ((st = lci_dense_wrap(&view, m, k, a, lda))) return st;
    st = lc_mat_convert(out, view, format, params);
    lci_dense_unwrap(view);
    return st;
}
