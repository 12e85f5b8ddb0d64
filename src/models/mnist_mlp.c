// mnist_mlp.c: the mnist-mlp runner, the ggml example's MLP 784-500-10: x = pixels / 255,
// h = relu(fc1·x + b1), logits = fc2·h + b2, argmax; evaluated in batches through lc_linear on
// the layers' current matrices, fine-tuned by mini-batch SGD on the dense values.
#include "mnist.h"

#include <string.h>

enum { HIDDEN = 500, BATCH = 1000, FC1 = 0, FC2 = 1 };

typedef struct mlp_impl {
    lci_mnist data;
} mlp_impl;

static lc_status load(lc_model *model, const char *data_dir) {
    char *dir = NULL;
    float *w1 = NULL, *b1 = NULL, *w2 = NULL, *b2 = NULL;
    const int64_t s_w1[] = {HIDDEN, LCI_MNIST_PIXELS}, s_b1[] = {HIDDEN},
                  s_w2[] = {LCI_MNIST_CLASSES, HIDDEN}, s_b2[] = {LCI_MNIST_CLASSES};
    lc_status st = lci_model_path(data_dir, "mnist_mlp_ggml", &dir);
    if (!st) st = lci_model_read_npy(dir, "fc1.weight.npy", 2, s_w1, &w1);
    if (!st) st = lci_model_read_npy(dir, "fc1.bias.npy", 1, s_b1, &b1);
    if (!st) st = lci_model_read_npy(dir, "fc2.weight.npy", 2, s_w2, &w2);
    if (!st) st = lci_model_read_npy(dir, "fc2.bias.npy", 1, s_b2, &b2);
    lci_free(dir);
    if (st) {
        lci_free(w1), lci_free(b1), lci_free(w2), lci_free(b2);
        return st;
    }
    // add_layer takes (and on failure frees) its arrays.
    st = lci_model_add_layer(model, "fc1.weight", 1, HIDDEN, LCI_MNIST_PIXELS, w1, b1, 0, 0);
    if (st) {
        lci_free(w2), lci_free(b2);
        return st;
    }
    if ((st = lci_model_add_layer(model, "fc2.weight", 1, LCI_MNIST_CLASSES, HIDDEN, w2, b2, 1, 0)))
        return st;
    mlp_impl *impl = lci_calloc(1, sizeof *impl);
    if (!impl) return lci_error(LC_ERR_NOMEM, "cannot allocate the runner");
    model->impl = impl;
    return lci_mnist_load(data_dir, &impl->data);
}

static void destroy(lc_model *model) {
    mlp_impl *impl = model->impl;
    if (!impl) return;
    lci_mnist_release(&impl->data);
    lci_free(impl);
    model->impl = NULL;
}

lc_status lci_mnist_mlp_predict(lc_model *model, int64_t first, int64_t count, int32_t *pred) {
    const mlp_impl *impl = model->impl;
    const lci_model_layer *l1 = &model->layers[FC1], *l2 = &model->layers[FC2];
    const int64_t hidden = l1->rows[0], classes = l2->rows[0];
    const int64_t ldh = hidden > 0 ? hidden : 1, ldz = classes > 0 ? classes : 1;
    lc_linear *fc1 = NULL, *fc2 = NULL;
    float *x = NULL, *h = NULL, *z = NULL;
    lc_status st;
    if ((st = lc_linear_create(&fc1, l1->mats[0], l1->bias)) ||
        (st = lc_linear_create(&fc2, l2->mats[0], l2->bias)) ||
        (st = lci_alloc_array((void **)&x, BATCH * LCI_MNIST_PIXELS, sizeof(float), "images")) ||
        (st = lci_alloc_array((void **)&h, (size_t)(BATCH * ldh), sizeof(float), "hidden")) ||
        (st = lci_alloc_array((void **)&z, (size_t)(BATCH * ldz), sizeof(float), "logits")))
        goto done;
    for (int64_t b0 = 0; b0 < count && !st; b0 += BATCH) {
        const int64_t nb = count - b0 < BATCH ? count - b0 : BATCH;
        const uint8_t *px = impl->data.pixels + (first + b0) * LCI_MNIST_PIXELS;
        for (int64_t i = 0; i < nb * LCI_MNIST_PIXELS; i++) x[i] = (float)px[i] / 255.0f;
        if ((st = lc_linear_forward(fc1, nb, x, LCI_MNIST_PIXELS, h, ldh))) break;
        lci_relu(h, nb * hidden);
        if ((st = lc_linear_forward(fc2, nb, h, ldh, z, ldz))) break;
        for (int64_t i = 0; i < nb; i++)
            pred[b0 + i] = lci_mnist_class(l2->kept[0], lci_argmax(z + i * ldz, classes));
    }
done:
    lc_linear_free(fc1);
    lc_linear_free(fc2);
    lci_free(x);
    lci_free(h);
    lci_free(z);
    return st;
}

static lc_status evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    const mlp_impl *impl = model->impl;
    lc_status st = lci_mnist_range(&impl->data, first, &count);
    int32_t *pred = NULL;
    if (!st)
        st = lci_alloc_array((void **)&pred, (size_t)(count > 0 ? count : 1), sizeof(int32_t),
                             "predictions");
    if (!st) st = lci_mnist_mlp_predict(model, first, count, pred);
    if (!st) lci_mnist_score(&impl->data, first, count, pred, score);
    lci_free(pred);
    return st;
}

// fc1's removed units are fc2's removed inputs; fc2's rows are the classes (nothing consumes
// them: predictions map the kept rows back to their classes).
static lc_status shrink_consumer(lc_model *model, int64_t i, int64_t j) {
    (void)j;
    if (i != FC1) return LC_OK;
    return lci_model_drop_inputs(model, FC2, 0, model->layers[FC1].kept[0],
                                 model->layers[FC1].rows[0], 1);
}

// The SGD buffers: activations of one mini-batch and the gradients of every parameter.
typedef struct mlp_train {
    float *x, *h, *z, *dz, *dh, *g1, *gb1, *g2, *gb2;
} mlp_train;

static lc_status finetune(lc_model *model, const uint8_t *const *masks, int64_t first,
                          int64_t count, int32_t epochs, float lr) {
    mlp_impl *impl = model->impl;
    lc_status st = lci_mnist_train_begin(model, &impl->data, masks, first, &count);
    if (st) return st;
    enum { B = LCI_MNIST_TRAIN_BATCH, P = LCI_MNIST_PIXELS, H = HIDDEN, C = LCI_MNIST_CLASSES };
    lci_model_layer *l1 = &model->layers[FC1], *l2 = &model->layers[FC2];
    mlp_train t = {0};
    float **bufs[] = {&t.x, &t.h, &t.z, &t.dz, &t.dh, &t.g1, &t.gb1, &t.g2, &t.gb2};
    const int64_t sizes[] = {B * P, B * H, B * C, B * C, B * H, H * P, H, C * H, C};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0] && !st; k++)
        st = lci_alloc_array((void **)bufs[k], (size_t)sizes[k], sizeof(float), "training");
    for (int32_t e = 0; e < epochs && !st; e++)
        for (int64_t b0 = 0; b0 < count; b0 += B) {
            const int64_t nb = count - b0 < B ? count - b0 : B;
            const uint8_t *px = impl->data.pixels + (first + b0) * P;
            for (int64_t i = 0; i < nb * P; i++) t.x[i] = (float)px[i] / 255.0f;
            lci_fc_forward(t.x, nb, l1->dense, l1->bias, H, P, t.h);
            lci_relu(t.h, nb * H);
            lci_fc_forward(t.h, nb, l2->dense, l2->bias, C, H, t.z);
            lci_softmax_xent(t.z, impl->data.labels + first + b0, nb, C, t.dz);
            lci_fc_backward(t.dz, t.h, nb, l2->dense, C, H, t.g2, t.gb2, t.dh);
            lci_relu_backward(t.h, t.dh, nb * H);
            lci_fc_backward(t.dh, t.x, nb, l1->dense, H, P, t.g1, t.gb1, NULL);
            lci_sgd_step(l1->dense, t.g1, H * P, lr, masks[FC1]);
            lci_sgd_step(l1->bias, t.gb1, H, lr, NULL);
            lci_sgd_step(l2->dense, t.g2, C * H, lr, masks[FC2]);
            lci_sgd_step(l2->bias, t.gb2, C, lr, NULL);
        }
    for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++) lci_free(*bufs[k]);
    if (!st) st = lci_mnist_train_end(model);
    return st;
}

const lci_model_ops lci_model_mnist_mlp = {.name = "mnist-mlp",
                                           .load = load,
                                           .evaluate = evaluate,
                                           .shrink_consumer = shrink_consumer,
                                           .finetune = finetune,
                                           .destroy = destroy};
