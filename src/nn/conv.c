// conv.c: the 2-D convolution y = conv(x, W) + b on NCHW images as im2col (each output position a
// row of c_in·kh·kw inputs) and one lc_mat_mm in the rows layout per chunk of images.
#include "nn.h"

#include <string.h>

struct lc_conv2d {
    const lc_mat *w; // c_out × c_in·kh·kw, borrowed
    float *bias;     // c_out floats or NULL, owned
    int64_t c_in, kh, kw, stride, pad;
};

// The im2col rows of one chunk stay near this many floats (4 MiB): large enough for a good
// product, small enough to stay in the caches between im2col and the product.
#define CHUNK_FLOATS (1 << 20)

void lci_conv_im2col(const float *x, int64_t c, int64_t h, int64_t w, int64_t kh, int64_t kw,
                     int64_t stride, int64_t pad, int64_t h_out, int64_t w_out, float *cols) {
    const int64_t k = c * kh * kw;
    for (int64_t oh = 0; oh < h_out; oh++)
        for (int64_t ow = 0; ow < w_out; ow++) {
            float *row = cols + (oh * w_out + ow) * k;
            const int64_t x0 = ow * stride - pad, y0 = oh * stride - pad;
            // The kernel's columns that fall inside the image: [j0, j1).
            const int64_t j0 = x0 < 0 ? -x0 : 0, j1 = x0 + kw > w ? w - x0 : kw;
            for (int64_t ch = 0; ch < c; ch++)
                for (int64_t i = 0; i < kh; i++, row += kw) {
                    const int64_t iy = y0 + i;
                    if (iy < 0 || iy >= h || j1 <= j0) {
                        memset(row, 0, (size_t)kw * sizeof(float));
                        continue;
                    }
                    const float *src = x + (ch * h + iy) * w + x0;
                    for (int64_t j = 0; j < j0; j++) row[j] = 0;
                    for (int64_t j = j0; j < j1; j++) row[j] = src[j];
                    for (int64_t j = j1; j < kw; j++) row[j] = 0;
                }
        }
}

// One chunk of a forward pass: images b0 .. b0+nb−1, split among `parts` threads by images.
typedef struct conv_chunk {
    const lc_conv2d *conv;
    const float *x;
    float *y, *cols, *prod;
    int64_t h, w, ho, wo, in_size, out_size, rows, b0, nb;
    int parts;
} conv_chunk;

static void image_range(const conv_chunk *c, int part, int64_t *lo, int64_t *hi) {
    *lo = c->nb * part / c->parts;
    *hi = c->nb * (part + 1) / c->parts;
}

static void im2col_part(void *ctx, int part) {
    const conv_chunk *c = ctx;
    const lc_conv2d *conv = c->conv;
    int64_t lo, hi;
    image_range(c, part, &lo, &hi);
    for (int64_t b = lo; b < hi; b++)
        lci_conv_im2col(c->x + (c->b0 + b) * c->in_size, conv->c_in, c->h, c->w, conv->kh, conv->kw,
                        conv->stride, conv->pad, c->ho, c->wo, c->cols + b * c->rows * conv->w->k);
}

// Rows (position-major) back to channels: y[b][co][r] = prod[b·rows + r][co] + bias[co].
static void output_part(void *ctx, int part) {
    const conv_chunk *c = ctx;
    const int64_t c_out = c->conv->w->m, rows = c->rows;
    int64_t lo, hi;
    image_range(c, part, &lo, &hi);
    for (int64_t b = lo; b < hi; b++)
        for (int64_t co = 0; co < c_out; co++) {
            float *yc = c->y + (c->b0 + b) * c->out_size + co * rows;
            const float *pc = c->prod + b * rows * c_out + co;
            const float bc = c->conv->bias ? c->conv->bias[co] : 0.0f;
            for (int64_t r = 0; r < rows; r++) yc[r] = pc[r * c_out] + bc;
        }
}

lc_status lc_conv2d_create(lc_conv2d **out, const lc_mat *w, const float *bias, int64_t c_in,
                           int64_t kh, int64_t kw, int64_t stride, int64_t pad) {
    static const char who[] = "lc_conv2d_create";
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if (!w) return lci_error(LC_ERR_ARG, "%s: NULL weight W", who);
    if (c_in < 1 || kh < 1 || kw < 1 || stride < 1 || pad < 0)
        return lci_error(LC_ERR_ARG,
                         "%s: c_in %lld, kernel %lld×%lld, stride %lld, pad %lld (need c_in, kh, "
                         "kw, stride >= 1, pad >= 0)",
                         who, (long long)c_in, (long long)kh, (long long)kw, (long long)stride,
                         (long long)pad);
    int64_t k;
    if (lci_mul_i64(c_in, kh, &k) || lci_mul_i64(k, kw, &k) || k != w->k)
        return lci_error(LC_ERR_ARG,
                         "%s: W has %lld columns but c_in·kh·kw = %lld·%lld·%lld (the weight is "
                         "c_out × c_in·kh·kw)",
                         who, (long long)w->k, (long long)c_in, (long long)kh, (long long)kw);
    lc_conv2d *conv = lci_calloc(1, sizeof *conv);
    if (!conv) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the layer", who);
    *conv = (lc_conv2d){w, NULL, c_in, kh, kw, stride, pad};
    if (bias && w->m > 0) {
        lc_status st = lci_alloc_array((void **)&conv->bias, (size_t)w->m, sizeof(float), "bias");
        if (st) {
            lci_free(conv);
            lci_error_prefix("%s", who);
            return st;
        }
        memcpy(conv->bias, bias, (size_t)w->m * sizeof(float));
    }
    *out = conv;
    lci_error_clear();
    return LC_OK;
}

// One side of the output: (n + 2·pad − k) / stride + 1, or an error when the padded input is
// narrower than the kernel.
static lc_status out_side(const lc_conv2d *conv, const char *who, const char *dim, int64_t n,
                          int64_t k, int64_t *out) {
    int64_t padded;
    if (n < 0) return lci_error(LC_ERR_ARG, "%s: %s = %lld is negative", who, dim, (long long)n);
    if (lci_mul_i64(conv->pad, 2, &padded) || lci_add_i64(n, padded, &padded))
        return lci_error(LC_ERR_OVERFLOW, "%s: %s = %lld with pad %lld overflows", who, dim,
                         (long long)n, (long long)conv->pad);
    if (padded < k)
        return lci_error(LC_ERR_ARG,
                         "%s: %s = %lld padded by %lld on each side is smaller than the kernel "
                         "(%lld)",
                         who, dim, (long long)n, (long long)conv->pad, (long long)k);
    *out = (padded - k) / conv->stride + 1;
    return LC_OK;
}

lc_status lc_conv2d_out_size(const lc_conv2d *conv, int64_t h, int64_t w, int64_t *h_out,
                             int64_t *w_out) {
    static const char who[] = "lc_conv2d_out_size";
    if (!conv || !h_out || !w_out)
        return lci_error(LC_ERR_ARG, "%s: NULL %s", who, conv ? "output" : "layer");
    int64_t ho = 0, wo = 0;
    lc_status st;
    if ((st = out_side(conv, who, "h", h, conv->kh, &ho)) ||
        (st = out_side(conv, who, "w", w, conv->kw, &wo)))
        return st;
    *h_out = ho;
    *w_out = wo;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_conv2d_forward(const lc_conv2d *conv, int64_t batch, int64_t h, int64_t w,
                            const float *x, float *y) {
    static const char who[] = "lc_conv2d_forward";
    if (!conv) return lci_error(LC_ERR_ARG, "%s: NULL layer", who);
    if (batch < 0)
        return lci_error(LC_ERR_ARG, "%s: batch = %lld is negative", who, (long long)batch);
    int64_t ho = 0, wo = 0;
    lc_status st;
    if ((st = out_side(conv, who, "h", h, conv->kh, &ho)) ||
        (st = out_side(conv, who, "w", w, conv->kw, &wo)))
        return st;
    const int64_t c_out = conv->w->m, k = conv->w->k;
    // Sizes of one image in, one image out, and the im2col rows of one image.
    int64_t in_size, out_size, rows, tmp;
    if (lci_mul_i64(conv->c_in, h, &in_size) || lci_mul_i64(in_size, w, &in_size) ||
        lci_mul_i64(ho, wo, &rows) || lci_mul_i64(rows, c_out, &out_size) ||
        lci_mul_i64(batch, in_size, &tmp) || tmp > INT64_MAX / (int64_t)sizeof(float) ||
        lci_mul_i64(batch, out_size, &tmp) || tmp > INT64_MAX / (int64_t)sizeof(float) ||
        lci_mul_i64(rows, k > c_out ? k : c_out, &tmp))
        return lci_error(LC_ERR_OVERFLOW, "%s: batch %lld of %lld×%lld×%lld images overflows", who,
                         (long long)batch, (long long)conv->c_in, (long long)h, (long long)w);
    if (batch > 0 && in_size > 0 && !x) return lci_error(LC_ERR_ARG, "%s: x is NULL", who);
    if (batch > 0 && out_size > 0 && !y) return lci_error(LC_ERR_ARG, "%s: y is NULL", who);
    if (batch > 0 && in_size > 0 && out_size > 0 && x < y + batch * out_size &&
        y < x + batch * in_size)
        return lci_error(LC_ERR_ARG, "%s: x and y overlap", who);
    if (batch == 0 || out_size == 0) {
        lci_error_clear();
        return LC_OK;
    }
    // Images per chunk; then every buffer, the product's workspace included, is allocated before
    // y is touched, so a failure leaves y unchanged.
    int64_t chunk = CHUNK_FLOATS / tmp;
    if (chunk < 1) chunk = 1;
    if (chunk > batch) chunk = batch;
    const int64_t last = batch % chunk ? batch % chunk : chunk;
    size_t ws = 0, ws_last = 0;
    if ((st = lc_mat_workspace_size(conv->w, LC_LAYOUT_ROWS, chunk * rows, &ws)) ||
        (st = lc_mat_workspace_size(conv->w, LC_LAYOUT_ROWS, last * rows, &ws_last))) {
        lci_error_prefix("%s", who);
        return st;
    }
    if (ws_last > ws) ws = ws_last;
    float *cols = NULL, *prod = NULL;
    void *work = NULL;
    if ((st = lci_alloc_array((void **)&cols, (size_t)(chunk * rows * k), sizeof(float),
                              "im2col rows")) ||
        (st = lci_alloc_array((void **)&prod, (size_t)(chunk * rows * c_out), sizeof(float),
                              "product rows")) ||
        (ws && (st = lci_alloc_array(&work, ws, 1, "product workspace")))) {
        lci_free(cols);
        lci_free(prod);
        lci_error_prefix("%s", who);
        return st;
    }
    conv_chunk c = {conv, x, y, cols, prod, h, w, ho, wo, in_size, out_size, rows, 0, 0, 0};
    for (int64_t b0 = 0; b0 < batch && !st; b0 += chunk) {
        c.b0 = b0;
        c.nb = batch - b0 < chunk ? batch - b0 : chunk;
        c.parts = lci_threads_for((double)(c.nb * rows * k), 1 << 15);
        if (c.parts > c.nb) c.parts = (int)c.nb;
        lci_parallel(c.parts, im2col_part, &c);
        st = lc_mat_mm_ws(conv->w, LC_LAYOUT_ROWS, c.nb * rows, 1.0f, cols, k, 0.0f, prod, c_out,
                          work, ws);
        if (!st) lci_parallel(c.parts, output_part, &c);
    }
    lci_free(cols);
    lci_free(prod);
    lci_free(work);
    if (st) {
        lci_error_prefix("%s", who);
        return st;
    }
    lci_error_clear();
    return LC_OK;
}

void lc_conv2d_free(lc_conv2d *conv) {
    if (!conv) return;
    lci_free(conv->bias);
    lci_free(conv);
}
