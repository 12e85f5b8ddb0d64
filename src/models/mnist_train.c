// mnist_train.c: the pieces of the MNIST runners' fine-tuning: dense layers forward and backward
// by CBLAS on the dense values, ReLU, the mean softmax cross-entropy and its gradient, the
// masked SGD step, and the checks before / matrix refresh after.
#include "mnist.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

lc_status lci_mnist_train_begin(lc_model *model, const lci_mnist *d, const uint8_t *const *masks,
                                int64_t first, int64_t *count) {
    for (int64_t i = 0; i < model->n_layers; i++) {
        const lci_model_layer *l = &model->layers[i];
        for (int64_t j = 0; j < l->info.count; j++)
            if (l->kept[j] || l->rows[j] != l->info.rows || l->cols[j] != l->info.cols)
                return lci_error(LC_ERR_ARG,
                                 "%s is row-pruned: fine-tune before row pruning (express the "
                                 "removed rows as a mask)",
                                 l->info.name);
    }
    lc_status st = lci_mnist_range(d, first, count);
    if (st) return st;
    for (int64_t i = 0; i < model->n_layers; i++) {
        lci_model_layer *l = &model->layers[i];
        if (masks[i])
            lci_sgd_step(l->dense, l->dense, l->info.count * l->info.rows * l->info.cols, 0.0f,
                         masks[i]);
    }
    return LC_OK;
}

lc_status lci_mnist_train_end(lc_model *model) {
    for (int64_t i = 0; i < model->n_layers; i++) {
        lci_model_layer *l = &model->layers[i];
        const int64_t r = l->info.rows, c = l->info.cols;
        for (int64_t j = 0; j < l->info.count; j++) {
            lc_mat *w = NULL;
            lc_status st = lc_mat_create_dense(&w, r, c, l->dense + j * r * c, c > 0 ? c : 1);
            if (st) {
                lci_error_prefix("refreshing %s", l->info.name);
                return st;
            }
            lc_mat_free(l->mats[j]);
            l->mats[j] = w;
        }
    }
    return LC_OK;
}

void lci_fc_forward(const float *x, int64_t n, const float *w, const float *b, int64_t out,
                    int64_t in, float *y) {
    for (int64_t r = 0; r < n; r++)
        for (int64_t o = 0; o < out; o++) y[r * out + o] = b ? b[o] : 0.0f;
    if (n && out && in)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)out, (int)in, 1.0f, x,
                    (int)in, w, (int)in, 1.0f, y, (int)out);
}

void lci_fc_backward(const float *dy, const float *x, int64_t n, const float *w, int64_t out,
                     int64_t in, float *gw, float *gb, float *dx) {
    for (int64_t o = 0; o < out; o++) gb[o] = 0;
    for (int64_t r = 0; r < n; r++)
        for (int64_t o = 0; o < out; o++) gb[o] += dy[r * out + o];
    if (!out || !in) return;
    if (!n) {
        memset(gw, 0, (size_t)(out * in) * sizeof(float));
        return;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in, (int)n, 1.0f, dy,
                (int)out, x, (int)in, 0.0f, gw, (int)in);
    if (dx)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)in, (int)out, 1.0f, dy,
                    (int)out, w, (int)in, 0.0f, dx, (int)in);
}

void lci_relu(float *h, int64_t count) {
    for (int64_t i = 0; i < count; i++) h[i] = h[i] > 0 ? h[i] : 0.0f;
}

void lci_relu_backward(const float *h, float *dh, int64_t count) {
    for (int64_t i = 0; i < count; i++)
        if (!(h[i] > 0)) dh[i] = 0;
}

double lci_softmax_xent(const float *logits, const uint8_t *labels, int64_t n, int64_t classes,
                        float *grad) {
    double loss = 0;
    for (int64_t r = 0; r < n; r++) {
        const float *z = logits + r * classes;
        float *g = grad + r * classes;
        float zmax = z[lci_argmax(z, classes)];
        double sum = 0;
        for (int64_t c = 0; c < classes; c++) sum += exp((double)z[c] - zmax);
        for (int64_t c = 0; c < classes; c++)
            g[c] = (float)((exp((double)z[c] - zmax) / sum - (c == labels[r])) / (double)n);
        loss += log(sum) - ((double)z[labels[r]] - zmax);
    }
    return loss;
}

void lci_sgd_step(float *w, const float *g, int64_t count, float lr, const uint8_t *mask) {
    for (int64_t i = 0; i < count; i++) w[i] = mask && !mask[i] ? 0.0f : w[i] - lr * g[i];
}
