// nn.h: internals of the layers module: the linear layer (also the three projections of an
// FFN), the argument checks of a forward pass, and the elementwise activation functions.
#ifndef LACUNA_NN_H
#define LACUNA_NN_H

#include "core/mat.h"

// y = x·Wᵀ + b. The weight is borrowed; the bias (w->m floats or NULL) is owned.
struct lc_linear {
    const lc_mat *w;
    float *bias;
};

// Fills *layer with w and a copy of bias (NULL: none). On failure *layer holds nothing and the
// message names `who` and `what` (e.g. "lc_ffn_create", "up bias").
lc_status lci_linear_init(lc_linear *layer, const char *who, const char *what, const lc_mat *w,
                          const float *bias);
// Frees what lci_linear_init allocated (not the weight).
void lci_linear_release(lc_linear *layer);
// y = x·Wᵀ + b on T rows, arguments already checked (lci_nn_check_rows). work NULL: the product
// allocates its own scratch (lc_mat_mm); else lc_mat_mm_ws with work / work_size.
lc_status lci_linear_apply(const lc_linear *layer, int64_t t, const float *x, int64_t ldx, float *y,
                           int64_t ldy, void *work, size_t work_size);

// Checks one T×cols row-major activation array `p` with row stride ld for `who`: ld >= max(1,
// cols) (LC_ERR_ARG), p not NULL when it has elements (LC_ERR_ARG), its extent within int64
// bytes (LC_ERR_OVERFLOW). `name` is "x" or "y", `dim` the name of cols ("d_in", "d_model").
// T >= 0 is checked by the caller.
lc_status lci_nn_check_rows(const char *who, const char *name, const char *dim, int64_t t,
                            int64_t cols, const void *p, int64_t ld);

// ---- convolution (conv.c) ----
// The im2col rows of one c × h × w image: h_out·w_out rows (position oh·w_out + ow) of c·kh·kw
// values (channel, kernel row, kernel column), zero where the kernel overhangs the image.
void lci_conv_im2col(const float *x, int64_t c, int64_t h, int64_t w, int64_t kh, int64_t kw,
                     int64_t stride, int64_t pad, int64_t h_out, int64_t w_out, float *cols);

// ---- activations (activation.c) ----
// Whether act is a member of lc_activation.
bool lci_activation_valid(lc_activation act);
// act(x) for one value (the oracle of the loops below, and for tests).
float lci_activation_eval(lc_activation act, float x);
// h[i] = act(h[i]) for i < count, by the kernel of the ISA level in force, split across
// threads (bitwise the same for any thread count).
void lci_activation_apply(lc_activation act, float *h, int64_t count);
// h[i] = act(h[i]) · u[i] for i < count (the gated FFN), likewise.
void lci_activation_gated(lc_activation act, float *h, const float *u, int64_t count);
// The kernels (LCI_KERNEL_ACTIVATION): h[i] = act(h[i]), times u[i] when u is not NULL, for
// i < count; act valid. _ref evaluates lci_activation_eval one value at a time.
typedef void (*lci_activation_fn)(lc_activation act, float *h, const float *u, int64_t count);
void lci_activation_ref(lc_activation act, float *h, const float *u, int64_t count);
void lci_activation_avx2(lc_activation act, float *h, const float *u, int64_t count);
void lci_activation_avx512(lc_activation act, float *h, const float *u, int64_t count);

#endif // LACUNA_NN_H
