// linear.c: the linear layer y = x·Wᵀ + b on T rows: one lc_mat_mm in the rows layout, then the
// bias added row by row.
#include "nn.h"

#include <string.h>

lc_status lci_nn_check_rows(const char *who, const char *name, const char *dim, int64_t t,
                            int64_t cols, const void *p, int64_t ld) {
    if (ld < (cols > 1 ? cols : 1))
        return lci_error(LC_ERR_ARG, "%s: ld%s = %lld < %s = %lld", who, name, (long long)ld, dim,
                         (long long)(cols > 1 ? cols : 1));
    if (t == 0 || cols == 0) return LC_OK;
    if (!p) return lci_error(LC_ERR_ARG, "%s: %s is NULL with T = %lld", who, name, (long long)t);
    int64_t span;
    if (lci_mul_i64(t - 1, ld, &span) || lci_add_i64(span, cols, &span) ||
        span > INT64_MAX / (int64_t)sizeof(float))
        return lci_error(LC_ERR_OVERFLOW, "%s: %s of T = %lld rows with ld%s = %lld overflows", who,
                         name, (long long)t, name, (long long)ld);
    return LC_OK;
}

lc_status lci_linear_init(lc_linear *layer, const char *who, const char *what, const lc_mat *w,
                          const float *bias) {
    *layer = (lc_linear){w, NULL};
    if (!bias) return LC_OK;
    lc_status st = lci_alloc_array((void **)&layer->bias, (size_t)w->m, sizeof(float), what);
    if (st) {
        lci_error_prefix("%s", who);
        return st;
    }
    memcpy(layer->bias, bias, (size_t)w->m * sizeof(float));
    return LC_OK;
}

void lci_linear_release(lc_linear *layer) {
    lci_free(layer->bias);
    layer->bias = NULL;
}

lc_status lci_linear_apply(const lc_linear *layer, int64_t t, const float *x, int64_t ldx, float *y,
                           int64_t ldy, void *work, size_t work_size) {
    // X is T×K and Y is T×M in the rows layout: Y = X·Wᵀ, exactly the layer without its bias.
    lc_status st = work ? lc_mat_mm_ws(layer->w, LC_LAYOUT_ROWS, t, 1.0f, x, ldx, 0.0f, y, ldy,
                                       work, work_size)
                        : lc_mat_mm(layer->w, LC_LAYOUT_ROWS, t, 1.0f, x, ldx, 0.0f, y, ldy);
    if (st || !layer->bias) return st;
    const int64_t m = layer->w->m;
    const float *b = layer->bias;
    for (int64_t r = 0; r < t; r++) {
        float *yr = y + r * ldy;
        for (int64_t i = 0; i < m; i++) yr[i] += b[i];
    }
    return LC_OK;
}

lc_status lc_linear_create(lc_linear **out, const lc_mat *w, const float *bias) {
    if (!out) return lci_error(LC_ERR_ARG, "lc_linear_create: NULL output");
    if (!w) return lci_error(LC_ERR_ARG, "lc_linear_create: NULL weight W");
    lc_linear *layer = lci_alloc(sizeof *layer);
    if (!layer) return lci_error(LC_ERR_NOMEM, "lc_linear_create: cannot allocate the layer");
    lc_status st = lci_linear_init(layer, "lc_linear_create", "bias", w, bias);
    if (st) {
        lci_free(layer);
        return st;
    }
    *out = layer;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_linear_forward(const lc_linear *layer, int64_t t, const float *x, int64_t ldx,
                            float *y, int64_t ldy) {
    static const char who[] = "lc_linear_forward";
    if (!layer) return lci_error(LC_ERR_ARG, "%s: NULL layer", who);
    if (t < 0) return lci_error(LC_ERR_ARG, "%s: T = %lld is negative", who, (long long)t);
    lc_status st;
    if ((st = lci_nn_check_rows(who, "x", "d_in", t, layer->w->k, x, ldx)) ||
        (st = lci_nn_check_rows(who, "y", "d_out", t, layer->w->m, y, ldy)))
        return st;
    if ((st = lci_linear_apply(layer, t, x, ldx, y, ldy, NULL, 0))) {
        lci_error_prefix("%s", who);
        return st;
    }
    lci_error_clear();
    return LC_OK;
}

void lc_linear_free(lc_linear *layer) {
    if (!layer) return;
    lci_linear_release(layer);
    lci_free(layer);
}
