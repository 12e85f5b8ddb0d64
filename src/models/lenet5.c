// lenet5.c: the lenet5 runner (LeNet-5 of the data README): the image normalised and padded to
// 32×32 with the normalised zero, c1 conv 5×5 → ReLU → maxpool 2×2, c3 conv 5×5 → ReLU →
// maxpool 2×2, c5 (a 5×5 kernel over the 5×5 maps: a linear layer on the flattened maps) →
// ReLU, f6 → ReLU, f7, argmax; in batches on the layers' current matrices, whose channel counts
// shrink with row pruning.
#include "mnist.h"

#include <stdio.h>
#include <string.h>

enum { BATCH = 500, SIDE = 32, PAD = 2, KS = 5 };

static const struct {
    const char *name; // the weight's .npy name without ".npy"; the bias replaces "weight"
    const char *bias;
    int ndim;
    int64_t shape[4];
    int32_t is_output;
} spec[LCI_LENET5_LAYERS] = {
    {"convnet.c1.weight", "convnet.c1.bias", 4, {6, 1, KS, KS}, 0},
    {"convnet.c3.weight", "convnet.c3.bias", 4, {16, 6, KS, KS}, 0},
    {"convnet.c5.weight", "convnet.c5.bias", 4, {120, 16, KS, KS}, 0},
    {"fc.f6.weight", "fc.f6.bias", 2, {84, 120}, 0},
    {"fc.f7.weight", "fc.f7.bias", 2, {10, 84}, 1},
};

static lc_status load_layer(lc_model *model, const char *dir, int i) {
    char file[64];
    float *w = NULL, *b = NULL;
    const int64_t rows = spec[i].shape[0];
    const int64_t cols = spec[i].ndim == 4 ? spec[i].shape[1] * KS * KS : spec[i].shape[1];
    snprintf(file, sizeof file, "%s.npy", spec[i].name);
    lc_status st = lci_model_read_npy(dir, file, spec[i].ndim, spec[i].shape, &w);
    snprintf(file, sizeof file, "%s.npy", spec[i].bias);
    if (!st) st = lci_model_read_npy(dir, file, 1, &rows, &b);
    if (st) {
        lci_free(w);
        return st;
    }
    return lci_model_add_layer(model, spec[i].name, 1, rows, cols, w, b, spec[i].is_output, 0);
}

static lc_status load(lc_model *model, const char *data_dir) {
    char *dir = NULL;
    lc_status st = lci_model_path(data_dir, "lenet5_khushbujpatel", &dir);
    for (int i = 0; !st && i < LCI_LENET5_LAYERS; i++) st = load_layer(model, dir, i);
    lci_free(dir);
    if (st) return st;
    lci_mnist *data = lci_calloc(1, sizeof *data);
    if (!data) return lci_error(LC_ERR_NOMEM, "cannot allocate the runner");
    model->impl = data;
    return lci_mnist_load(data_dir, data);
}

static void destroy(lc_model *model) {
    if (!model->impl) return;
    lci_mnist_release(model->impl);
    lci_free(model->impl);
    model->impl = NULL;
}

void lci_lenet5_input(const uint8_t *pixels, float *x) {
    const float zero = (0.0f - 0.1307f) / 0.3081f;
    for (int64_t i = 0; i < SIDE * SIDE; i++) x[i] = zero;
    for (int64_t r = 0; r < LCI_MNIST_SIDE; r++)
        for (int64_t c = 0; c < LCI_MNIST_SIDE; c++)
            x[(r + PAD) * SIDE + c + PAD] =
                ((float)pixels[r * LCI_MNIST_SIDE + c] / 255.0f - 0.1307f) / 0.3081f;
}

void lci_maxpool2(const float *in, int64_t planes, int64_t h, int64_t w, float *out, int32_t *arg) {
    const int64_t ho = h / 2, wo = w / 2;
    for (int64_t p = 0; p < planes; p++)
        for (int64_t r = 0; r < ho; r++)
            for (int64_t c = 0; c < wo; c++) {
                const int64_t at[4] = {(p * h + 2 * r) * w + 2 * c, (p * h + 2 * r) * w + 2 * c + 1,
                                       (p * h + 2 * r + 1) * w + 2 * c,
                                       (p * h + 2 * r + 1) * w + 2 * c + 1};
                int64_t best = at[0];
                for (int q = 1; q < 4; q++)
                    if (in[at[q]] > in[best]) best = at[q];
                out[(p * ho + r) * wo + c] = in[best];
                if (arg) arg[(p * ho + r) * wo + c] = (int32_t)(best - p * h * w);
            }
}

// Activations of one batch on the current channel counts n[0..4] (c1, c3, c5, f6, f7 rows).
typedef struct lenet_buffers {
    float *x, *y1, *p1, *y3, *p3, *a5, *a6, *z;
} lenet_buffers;

lc_status lci_lenet5_predict(lc_model *model, int64_t first, int64_t count, int32_t *pred) {
    const lci_mnist *data = model->impl;
    const lci_model_layer *l = model->layers;
    int64_t n[LCI_LENET5_LAYERS];
    for (int i = 0; i < LCI_LENET5_LAYERS; i++) n[i] = l[i].rows[0];
    const int64_t ld5 = n[2] > 0 ? n[2] : 1, ld6 = n[3] > 0 ? n[3] : 1, ldz = n[4] > 0 ? n[4] : 1;
    const int64_t ld3 = n[1] * 25 > 0 ? n[1] * 25 : 1;
    lc_conv2d *c1 = NULL, *c3 = NULL;
    lc_linear *c5 = NULL, *f6 = NULL, *f7 = NULL;
    lenet_buffers t = {0};
    float **bufs[] = {&t.x, &t.y1, &t.p1, &t.y3, &t.p3, &t.a5, &t.a6, &t.z};
    const int64_t sizes[] = {SIDE * SIDE, n[0] * 784, n[0] * 196, n[1] * 100, ld3, ld5, ld6, ldz};
    lc_status st = LC_OK;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0] && !st; k++)
        st = lci_alloc_array((void **)bufs[k], (size_t)(BATCH * (sizes[k] > 0 ? sizes[k] : 1)),
                             sizeof(float), "activations");
    if (st || (st = lc_conv2d_create(&c1, l[0].mats[0], l[0].bias, 1, KS, KS, 1, 0)) ||
        (n[0] > 0 && (st = lc_conv2d_create(&c3, l[1].mats[0], l[1].bias, n[0], KS, KS, 1, 0))) ||
        (st = lc_linear_create(&c5, l[2].mats[0], l[2].bias)) ||
        (st = lc_linear_create(&f6, l[3].mats[0], l[3].bias)) ||
        (st = lc_linear_create(&f7, l[4].mats[0], l[4].bias)))
        goto done;
    for (int64_t b0 = 0; b0 < count && !st; b0 += BATCH) {
        const int64_t nb = count - b0 < BATCH ? count - b0 : BATCH;
        for (int64_t b = 0; b < nb; b++)
            lci_lenet5_input(data->pixels + (first + b0 + b) * LCI_MNIST_PIXELS,
                             t.x + b * SIDE * SIDE);
        if ((st = lc_conv2d_forward(c1, nb, SIDE, SIDE, t.x, t.y1))) break;
        lci_relu(t.y1, nb * n[0] * 784);
        lci_maxpool2(t.y1, nb * n[0], 28, 28, t.p1, NULL);
        if (c3) {
            if ((st = lc_conv2d_forward(c3, nb, 14, 14, t.p1, t.y3))) break;
        } else {
            // No input channel left: c3 is its bias everywhere.
            for (int64_t b = 0; b < nb; b++)
                for (int64_t c = 0; c < n[1] * 100; c++)
                    t.y3[b * n[1] * 100 + c] = l[1].bias[c / 100];
        }
        lci_relu(t.y3, nb * n[1] * 100);
        lci_maxpool2(t.y3, nb * n[1], 10, 10, t.p3, NULL);
        if ((st = lc_linear_forward(c5, nb, t.p3, ld3, t.a5, ld5))) break;
        lci_relu(t.a5, nb * ld5);
        if ((st = lc_linear_forward(f6, nb, t.a5, ld5, t.a6, ld6))) break;
        lci_relu(t.a6, nb * ld6);
        if ((st = lc_linear_forward(f7, nb, t.a6, ld6, t.z, ldz))) break;
        for (int64_t b = 0; b < nb; b++)
            pred[b0 + b] = lci_mnist_class(l[4].kept[0], lci_argmax(t.z + b * ldz, n[4]));
    }
done:
    lc_conv2d_free(c1), lc_conv2d_free(c3);
    lc_linear_free(c5), lc_linear_free(f6), lc_linear_free(f7);
    for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++) lci_free(*bufs[k]);
    return st;
}

static lc_status evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    const lci_mnist *data = model->impl;
    lc_status st = lci_mnist_range(data, first, &count);
    int32_t *pred = NULL;
    if (!st)
        st = lci_alloc_array((void **)&pred, (size_t)(count > 0 ? count : 1), sizeof(int32_t),
                             "predictions");
    if (!st) st = lci_lenet5_predict(model, first, count, pred);
    if (!st) lci_mnist_score(data, first, count, pred, score);
    lci_free(pred);
    return st;
}

// Removed channels of c1 and c3 are removed input channels (25 columns each) of c3 and c5;
// removed units of c5 and f6 are removed inputs of f6 and f7; f7's rows are the classes.
static lc_status shrink_consumer(lc_model *model, int64_t i, int64_t j) {
    (void)j;
    if (i >= LCI_LENET5_LAYERS - 1) return LC_OK;
    const lci_model_layer *l = &model->layers[i];
    return lci_model_drop_inputs(model, i + 1, 0, l->kept[0], l->rows[0], i < 2 ? KS * KS : 1);
}

const lci_model_ops lci_model_lenet5 = {.name = "lenet5",
                                        .load = load,
                                        .evaluate = evaluate,
                                        .shrink_consumer = shrink_consumer,
                                        .finetune = lci_lenet5_finetune,
                                        .destroy = destroy};
