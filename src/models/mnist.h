// mnist.h: what the two MNIST runners (mnist_mlp.c, lenet5.c) share: the MNIST test set read
// from its IDX files, the argmax and the score, and the pieces of fine-tuning (dense layers
// forward and backward, softmax cross-entropy, the masked SGD step, refreshing the matrices).
#ifndef LACUNA_MNIST_H
#define LACUNA_MNIST_H

#include "models.h"

#define LCI_MNIST_SIDE    28
#define LCI_MNIST_PIXELS  (LCI_MNIST_SIDE * LCI_MNIST_SIDE)
#define LCI_MNIST_CLASSES 10

// The test set: count images of 28×28 uint8 pixels (row-major) and their labels 0..9.
typedef struct lci_mnist {
    int64_t count;
    uint8_t *pixels; // count·784, owned
    uint8_t *labels; // count, owned
} lci_mnist;

// Reads data_dir/mnist_dataset/t10k-{images-idx3,labels-idx1}-ubyte.gz (gzip or plain): magic
// numbers 2051 / 2049, 28×28 images, equal counts, labels below 10. A missing file is LC_ERR_IO,
// a truncated or malformed one LC_ERR_FORMAT, each naming the file.
lc_status lci_mnist_load(const char *data_dir, lci_mnist *d);
void lci_mnist_release(lci_mnist *d);

// Resolves images [first, first + *count) against the set (*count < 0: to the end); LC_ERR_ARG
// when the range leaves the set.
lc_status lci_mnist_range(const lci_mnist *d, int64_t first, int64_t *count);
// Index of the largest of v[0..n) (the lowest one among equals; NaN never wins; 0 when n = 0).
int64_t lci_argmax(const float *v, int64_t n);
// Accuracy of pred[0..count) against the labels of images first.. (value 0 for count 0).
void lci_mnist_score(const lci_mnist *d, int64_t first, int64_t count, const int32_t *pred,
                     lc_model_score *score);
// The class an output row stands for: `kept` maps the rows of a row-pruned output layer back
// to the classes (NULL: identity).
static inline int32_t lci_mnist_class(const int32_t *kept, int64_t row) {
    return kept ? kept[row] : (int32_t)row;
}

// Predictions (classes) of the runners for images [first, first + count) of their set, on the
// current matrices (for tests: row-pruned against zeroed models).
lc_status lci_mnist_mlp_predict(lc_model *model, int64_t first, int64_t count, int32_t *pred);
lc_status lci_lenet5_predict(lc_model *model, int64_t first, int64_t count, int32_t *pred);

// ---- LeNet-5 pieces shared by lenet5.c and lenet5_train.c ----
#define LCI_LENET5_LAYERS 5
// The 1×32×32 input of one image: (pixels / 255 − 0.1307) / 0.3081, padded by 2 on each side
// with the normalised zero.
void lci_lenet5_input(const uint8_t *pixels, float *x);
// 2×2 max pooling, stride 2, of `planes` h × w planes into h/2 × w/2 planes; arg (NULL: not
// wanted) receives the index within its input plane of each maximum (the first among equals).
void lci_maxpool2(const float *in, int64_t planes, int64_t h, int64_t w, float *out, int32_t *arg);
lc_status lci_lenet5_finetune(lc_model *model, const uint8_t *const *masks, int64_t first,
                              int64_t count, int32_t epochs, float lr);

// ---- fine-tuning (mnist_train.c) ----
// Mini-batch size of the SGD.
#define LCI_MNIST_TRAIN_BATCH 32

// Checks the fine-tuning arguments shared by both runners: no row-pruned layer (fine-tuning
// works on the full dense values), the image range; then zeroes the masked weights.
lc_status lci_mnist_train_begin(lc_model *model, const lci_mnist *d, const uint8_t *const *masks,
                                int64_t first, int64_t *count);
// After fine-tuning: every matrix becomes a dense copy of its (new) dense values.
lc_status lci_mnist_train_end(lc_model *model);
// y (n × out) = x (n × in)·Wᵀ + b, W out × in row-major (b may be NULL).
void lci_fc_forward(const float *x, int64_t n, const float *w, const float *b, int64_t out,
                    int64_t in, float *y);
// Backward of lci_fc_forward for dy (n × out): gw (out × in) = dyᵀ·x, gb = Σ rows of dy,
// dx (n × in) = dy·W unless dx is NULL.
void lci_fc_backward(const float *dy, const float *x, int64_t n, const float *w, int64_t out,
                     int64_t in, float *gw, float *gb, float *dx);
// h = max(h, 0) over count values.
void lci_relu(float *h, int64_t count);
// dh[i] = 0 where the ReLU output h[i] is 0.
void lci_relu_backward(const float *h, float *dh, int64_t count);
// Gradient of the mean softmax cross-entropy of logits (n × classes) against labels: grad =
// (softmax − one-hot) / n. Returns the summed loss (nats).
double lci_softmax_xent(const float *logits, const uint8_t *labels, int64_t n, int64_t classes,
                        float *grad);
// w −= lr·g over count values, then w = 0 where mask is 0 (mask may be NULL).
void lci_sgd_step(float *w, const float *g, int64_t count, float lr, const uint8_t *mask);

#endif // LACUNA_MNIST_H
