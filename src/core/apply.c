// apply.c: the driver of Y = alpha·A·X + beta·Y for every format: argument checks, the BLAS
// special cases (alpha = 0, beta = 0, empty shapes), scratch space, then the format's mm.
#include "mat.h"

#include <string.h>

// Elements spanned by a rows×cols row-major array with row stride ld (0 when empty).
static bool span(int64_t rows, int64_t cols, int64_t ld, int64_t *out) {
    int64_t t;
    if (rows == 0 || cols == 0) return (*out = 0), false;
    if (lci_mul_i64(rows - 1, ld, &t) || lci_add_i64(t, cols, out)) return true;
    return *out > INT64_MAX / (int64_t)sizeof(float);
}

// Y = beta·Y over the m (outputs) × n (vectors) result; beta = 0 writes zeros.
static void scale_y(lc_layout layout, int64_t m, int64_t n, float beta, float *y, int64_t ldy) {
    int64_t rows = layout == LC_LAYOUT_COLS ? m : n, cols = layout == LC_LAYOUT_COLS ? n : m;
    for (int64_t r = 0; r < rows; r++) {
        float *yr = y + r * ldy;
        if (beta == 0.0f)
            memset(yr, 0, (size_t)cols * sizeof *yr);
        else if (beta != 1.0f)
            for (int64_t c = 0; c < cols; c++) yr[c] *= beta;
    }
}

static lc_status check_args(const char *who, const lc_mat *a, lc_layout layout, int64_t n,
                            const float *x, int64_t ldx, const float *y, int64_t ldy) {
    if (!a) return lci_error(LC_ERR_ARG, "%s: NULL matrix", who);
    if (layout != LC_LAYOUT_COLS && layout != LC_LAYOUT_ROWS)
        return lci_error(LC_ERR_ARG, "%s: unknown layout %d", who, (int)layout);
    if (n < 0) return lci_error(LC_ERR_ARG, "%s: n = %lld is negative", who, (long long)n);
    int64_t m = a->m, k = a->k;
    bool cols = layout == LC_LAYOUT_COLS;
    // Extents of X and Y as row-major arrays (rows × cols, stride ld).
    int64_t xr = cols ? k : n, xc = cols ? n : k, yr = cols ? m : n, yc = cols ? n : m;
    if (ldx < (xc > 1 ? xc : 1))
        return lci_error(LC_ERR_ARG, "%s: ldx = %lld < %lld (%s layout)", who, (long long)ldx,
                         (long long)xc, cols ? "cols" : "rows");
    if (ldy < (yc > 1 ? yc : 1))
        return lci_error(LC_ERR_ARG, "%s: ldy = %lld < %lld (%s layout)", who, (long long)ldy,
                         (long long)yc, cols ? "cols" : "rows");
    int64_t xs, ys;
    if (span(xr, xc, ldx, &xs) || span(yr, yc, ldy, &ys))
        return lci_error(LC_ERR_OVERFLOW, "%s: operand extent overflows", who);
    if (xs > 0 && !x) return lci_error(LC_ERR_ARG, "%s: X is NULL", who);
    if (ys > 0 && !y) return lci_error(LC_ERR_ARG, "%s: Y is NULL", who);
    if (xs > 0 && ys > 0) {
        uintptr_t x0 = (uintptr_t)x, x1 = x0 + (uintptr_t)xs * sizeof(float);
        uintptr_t y0 = (uintptr_t)y, y1 = y0 + (uintptr_t)ys * sizeof(float);
        if (x0 < y1 && y0 < x1) return lci_error(LC_ERR_ARG, "%s: X and Y overlap", who);
    }
    return LC_OK;
}

static lc_status mm(const char *who, const lc_mat *a, lc_layout layout, int64_t n, float alpha,
                    const float *x, int64_t ldx, float beta, float *y, int64_t ldy, void *work,
                    size_t work_size, bool may_allocate) {
    lc_status st = check_args(who, a, layout, n, x, ldx, y, ldy);
    if (st) return st;
    if (a->m == 0 || n == 0) goto ok;
    if (alpha == 0.0f || a->k == 0) {
        // alpha = 0 reads neither A nor X; K = 0 makes A·X empty.
        scale_y(layout, a->m, n, beta, y, ldy);
        goto ok;
    }
    if (n == 1 && layout == LC_LAYOUT_COLS && ldx == 1 && ldy == 1) {
        // One contiguous vector is the same in both layouts; the rows layout needs no copy of
        // x, so lc_mat_mv never allocates.
        layout = LC_LAYOUT_ROWS;
        ldx = a->k, ldy = a->m;
    }
    size_t need = a->vt->workspace(a, layout, n);
    if (need == SIZE_MAX)
        return lci_error(LC_ERR_OVERFLOW, "%s: workspace size overflows for n = %lld", who,
                         (long long)n);
    void *owned = NULL;
    if (need > 0) {
        if (work) {
            if (work_size < need)
                return lci_error(LC_ERR_ARG, "%s: workspace of %zu bytes < %zu needed", who,
                                 work_size, need);
            if ((uintptr_t)work % LCI_ALIGN)
                return lci_error(LC_ERR_ARG, "%s: workspace is not 64-byte aligned", who);
        } else if (may_allocate) {
            if (!(owned = work = lci_alloc(need)))
                return lci_error(LC_ERR_NOMEM, "%s: cannot allocate %zu bytes of workspace", who,
                                 need);
            work_size = need;
        } else {
            return lci_error(LC_ERR_ARG, "%s: %zu bytes of workspace needed, none given", who,
                             need);
        }
    }
    lci_mm_args args = {layout, n, alpha, beta, x, ldx, y, ldy, work, work_size};
    st = a->vt->mm(a, &args);
    lci_free(owned);
    if (st) return st;
ok:
    lci_error_clear();
    return LC_OK;
}

lc_status lc_mat_mm(const lc_mat *a, lc_layout layout, int64_t n, float alpha, const float *x,
                    int64_t ldx, float beta, float *y, int64_t ldy) {
    return mm("lc_mat_mm", a, layout, n, alpha, x, ldx, beta, y, ldy, NULL, 0, true);
}

lc_status lc_mat_mm_ws(const lc_mat *a, lc_layout layout, int64_t n, float alpha, const float *x,
                       int64_t ldx, float beta, float *y, int64_t ldy, void *work,
                       size_t work_size) {
    return mm("lc_mat_mm_ws", a, layout, n, alpha, x, ldx, beta, y, ldy, work, work_size, false);
}

lc_status lc_mat_mv(const lc_mat *a, float alpha, const float *x, float beta, float *y) {
    return mm("lc_mat_mv", a, LC_LAYOUT_COLS, 1, alpha, x, 1, beta, y, 1, NULL, 0, true);
}

lc_status lc_mat_workspace_size(const lc_mat *a, lc_layout layout, int64_t n, size_t *bytes) {
    if (!a || !bytes) return lci_error(LC_ERR_ARG, "lc_mat_workspace_size: NULL argument");
    if (layout != LC_LAYOUT_COLS && layout != LC_LAYOUT_ROWS)
        return lci_error(LC_ERR_ARG, "lc_mat_workspace_size: unknown layout %d", (int)layout);
    if (n < 0)
        return lci_error(LC_ERR_ARG, "lc_mat_workspace_size: n = %lld is negative", (long long)n);
    *bytes = (a->m == 0 || a->k == 0 || n == 0) ? 0 : a->vt->workspace(a, layout, n);
    lci_error_clear();
    return LC_OK;
}
