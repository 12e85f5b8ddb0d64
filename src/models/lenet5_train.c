// lenet5_train.c: fine-tuning of the lenet5 runner: mini-batch SGD on the mean cross-entropy,
// backpropagation through f7, f6, c5, the max pools (the gradient goes to each window's maximum)
// and the convolutions as im2col products (col2im scatters the input gradient back).
#include "mnist.h"
#include "nn/nn.h"

#include <string.h>

enum { SIDE = 32, KS = 5, K1 = KS * KS, K3 = 6 * KS * KS, K5 = 16 * 25 };

// out[b][c][p] = in[b·pos + p][c] (rows of channels to planes), or back when to_rows.
static void transpose(const float *in, int64_t nb, int64_t pos, int64_t ch, float *out,
                      bool to_rows) {
    for (int64_t b = 0; b < nb; b++)
        for (int64_t c = 0; c < ch; c++)
            for (int64_t p = 0; p < pos; p++) {
                const int64_t r = (b * pos + p) * ch + c, q = (b * ch + c) * pos + p;
                if (to_rows)
                    out[r] = in[q];
                else
                    out[q] = in[r];
            }
}

// Gradient of a max pool: each pooled gradient goes to its window's maximum.
static void maxpool2_backward(const float *dout, const int32_t *arg, int64_t planes, int64_t h,
                              int64_t w, float *din) {
    const int64_t po = (h / 2) * (w / 2);
    memset(din, 0, (size_t)(planes * h * w) * sizeof(float));
    for (int64_t p = 0; p < planes; p++)
        for (int64_t q = 0; q < po; q++) din[p * h * w + arg[p * po + q]] += dout[p * po + q];
}

// The input gradient of a stride-1, unpadded convolution of one c × h × w image from the
// gradient of its im2col rows.
static void col2im(const float *dcols, int64_t c, int64_t h, int64_t w, float *dx) {
    const int64_t ho = h - KS + 1, wo = w - KS + 1;
    memset(dx, 0, (size_t)(c * h * w) * sizeof(float));
    for (int64_t oh = 0; oh < ho; oh++)
        for (int64_t ow = 0; ow < wo; ow++) {
            const float *row = dcols + (oh * wo + ow) * c * K1;
            for (int64_t ch = 0; ch < c; ch++)
                for (int64_t i = 0; i < KS; i++)
                    for (int64_t j = 0; j < KS; j++)
                        dx[(ch * h + oh + i) * w + ow + j] += row[(ch * KS + i) * KS + j];
        }
}

// Buffers of one mini-batch (activations, their gradients) and the parameter gradients.
enum {
    X,
    COLS1,
    R1,
    A1,
    P1,
    COLS3,
    R3,
    A3,
    P3,
    A5,
    A6,
    Z,
    DZ,
    D6,
    D5,
    DP3,
    DA3,
    DR3,
    DCOLS3,
    DP1,
    DA1,
    DR1,
    G1,
    GB1,
    G3,
    GB3,
    G5,
    GB5,
    G6,
    GB6,
    G7,
    GB7,
    N_BUF
};

lc_status lci_lenet5_finetune(lc_model *model, const uint8_t *const *masks, int64_t first,
                              int64_t count, int32_t epochs, float lr) {
    const lci_mnist *data = model->impl;
    lc_status st = lci_mnist_train_begin(model, data, masks, first, &count);
    if (st) return st;
    enum { B = LCI_MNIST_TRAIN_BATCH };
    const int64_t per_image[N_BUF] = {
        [X] = SIDE * SIDE, [COLS1] = 784 * K1, [R1] = 784 * 6,      [A1] = 784 * 6,
        [P1] = 196 * 6,    [COLS3] = 100 * K3, [R3] = 100 * 16,     [A3] = 100 * 16,
        [P3] = K5,         [A5] = 120,         [A6] = 84,           [Z] = 10,
        [DZ] = 10,         [D6] = 84,          [D5] = 120,          [DP3] = K5,
        [DA3] = 1600,      [DR3] = 1600,       [DCOLS3] = 100 * K3, [DP1] = 196 * 6,
        [DA1] = 784 * 6,   [DR1] = 784 * 6};
    const int64_t once[N_BUF] = {
        [G1] = 6 * K1, [GB1] = 6,       [G3] = 16 * K3, [GB3] = 16,     [G5] = 120 * K5,
        [GB5] = 120,   [G6] = 84 * 120, [GB6] = 84,     [G7] = 10 * 84, [GB7] = 10};
    float *f[N_BUF] = {0};
    int32_t *arg1 = NULL, *arg3 = NULL;
    for (int k = 0; k < N_BUF && !st; k++)
        st = lci_alloc_array((void **)&f[k], (size_t)(B * per_image[k] + once[k]), sizeof(float),
                             "training");
    if (!st) st = lci_alloc_array((void **)&arg1, B * 196 * 6, sizeof(int32_t), "training");
    if (!st) st = lci_alloc_array((void **)&arg3, B * K5, sizeof(int32_t), "training");
    lci_model_layer *l = model->layers;
    float *w[LCI_LENET5_LAYERS], *bias[LCI_LENET5_LAYERS];
    for (int i = 0; i < LCI_LENET5_LAYERS; i++) w[i] = l[i].dense, bias[i] = l[i].bias;
    for (int32_t e = 0; e < epochs && !st; e++)
        for (int64_t b0 = 0; b0 < count; b0 += B) {
            const int64_t nb = count - b0 < B ? count - b0 : B;
            // Forward, keeping what the backward pass needs.
            for (int64_t b = 0; b < nb; b++) {
                lci_lenet5_input(data->pixels + (first + b0 + b) * LCI_MNIST_PIXELS,
                                 f[X] + b * SIDE * SIDE);
                lci_conv_im2col(f[X] + b * SIDE * SIDE, 1, SIDE, SIDE, KS, KS, 1, 0, 28, 28,
                                f[COLS1] + b * 784 * K1);
            }
            lci_fc_forward(f[COLS1], nb * 784, w[0], bias[0], 6, K1, f[R1]);
            transpose(f[R1], nb, 784, 6, f[A1], false);
            lci_relu(f[A1], nb * 784 * 6);
            lci_maxpool2(f[A1], nb * 6, 28, 28, f[P1], arg1);
            for (int64_t b = 0; b < nb; b++)
                lci_conv_im2col(f[P1] + b * 196 * 6, 6, 14, 14, KS, KS, 1, 0, 10, 10,
                                f[COLS3] + b * 100 * K3);
            lci_fc_forward(f[COLS3], nb * 100, w[1], bias[1], 16, K3, f[R3]);
            transpose(f[R3], nb, 100, 16, f[A3], false);
            lci_relu(f[A3], nb * 1600);
            lci_maxpool2(f[A3], nb * 16, 10, 10, f[P3], arg3);
            lci_fc_forward(f[P3], nb, w[2], bias[2], 120, K5, f[A5]);
            lci_relu(f[A5], nb * 120);
            lci_fc_forward(f[A5], nb, w[3], bias[3], 84, 120, f[A6]);
            lci_relu(f[A6], nb * 84);
            lci_fc_forward(f[A6], nb, w[4], bias[4], 10, 84, f[Z]);
            // Backward.
            lci_softmax_xent(f[Z], data->labels + first + b0, nb, 10, f[DZ]);
            lci_fc_backward(f[DZ], f[A6], nb, w[4], 10, 84, f[G7], f[GB7], f[D6]);
            lci_relu_backward(f[A6], f[D6], nb * 84);
            lci_fc_backward(f[D6], f[A5], nb, w[3], 84, 120, f[G6], f[GB6], f[D5]);
            lci_relu_backward(f[A5], f[D5], nb * 120);
            lci_fc_backward(f[D5], f[P3], nb, w[2], 120, K5, f[G5], f[GB5], f[DP3]);
            maxpool2_backward(f[DP3], arg3, nb * 16, 10, 10, f[DA3]);
            lci_relu_backward(f[A3], f[DA3], nb * 1600);
            transpose(f[DA3], nb, 100, 16, f[DR3], true);
            lci_fc_backward(f[DR3], f[COLS3], nb * 100, w[1], 16, K3, f[G3], f[GB3], f[DCOLS3]);
            for (int64_t b = 0; b < nb; b++)
                col2im(f[DCOLS3] + b * 100 * K3, 6, 14, 14, f[DP1] + b * 196 * 6);
            maxpool2_backward(f[DP1], arg1, nb * 6, 28, 28, f[DA1]);
            lci_relu_backward(f[A1], f[DA1], nb * 784 * 6);
            transpose(f[DA1], nb, 784, 6, f[DR1], true);
            lci_fc_backward(f[DR1], f[COLS1], nb * 784, w[0], 6, K1, f[G1], f[GB1], NULL);
            const int g[LCI_LENET5_LAYERS] = {G1, G3, G5, G6, G7};
            for (int i = 0; i < LCI_LENET5_LAYERS; i++) {
                lci_sgd_step(w[i], f[g[i]], l[i].info.rows * l[i].info.cols, lr, masks[i]);
                lci_sgd_step(bias[i], f[g[i] + 1], l[i].info.rows, lr, NULL);
            }
        }
    for (int k = 0; k < N_BUF; k++) lci_free(f[k]);
    lci_free(arg1);
    lci_free(arg3);
    if (!st) st = lci_mnist_train_end(model);
    return st;
}
