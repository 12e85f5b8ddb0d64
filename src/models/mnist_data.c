// mnist_data.c: the MNIST test set from its IDX files (gzip or plain: big-endian int32 header,
// then uint8 pixels or labels), the image range of an evaluation, argmax and accuracy.
#include "mnist.h"
#include "io/io.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

static const char images_file[] = "mnist_dataset/t10k-images-idx3-ubyte.gz";
static const char labels_file[] = "mnist_dataset/t10k-labels-idx1-ubyte.gz";

// deflate expands at most about 1032:1, so a gzip file of n bytes holds at most this much:
// counts above it are caught before allocating.
#define GZIP_MAX_RATIO 1040

// Reads one IDX file: the magic number, `ndim` sizes (dims[0] is the count), then
// dims[0]·item bytes into a new array *out.
static lc_status read_idx(const char *path, uint32_t magic, int ndim, int64_t *dims, int64_t item,
                          uint8_t **out) {
    lci_input in;
    lc_status st = lci_input_open_file(&in, path, true);
    if (st) return st;
    uint8_t head[16];
    const size_t head_size = 4 + 4 * (size_t)ndim;
    size_t got = 0;
    uint8_t *data = NULL;
    if ((st = lci_input_read(&in, head, head_size, &got))) goto done;
    if (got < head_size) {
        st = lci_error(LC_ERR_FORMAT, "%s: truncated IDX header (%zu of %zu bytes)", path, got,
                       head_size);
        goto done;
    }
    uint32_t v[4];
    for (int i = 0; i <= ndim; i++)
        v[i] = (uint32_t)head[4 * i] << 24 | (uint32_t)head[4 * i + 1] << 16 |
               (uint32_t)head[4 * i + 2] << 8 | head[4 * i + 3];
    if (v[0] != magic) {
        st = lci_error(LC_ERR_FORMAT, "%s: IDX magic number %u, expected %u", path, v[0], magic);
        goto done;
    }
    for (int i = 0; i < ndim; i++) dims[i] = v[i + 1];
    if (ndim == 3 && (dims[1] != LCI_MNIST_SIDE || dims[2] != LCI_MNIST_SIDE)) {
        st = lci_error(LC_ERR_FORMAT, "%s: images of %lld×%lld pixels, expected 28×28", path,
                       (long long)dims[1], (long long)dims[2]);
        goto done;
    }
    const int64_t need = dims[0] * item; // below 2^32 · 784: no overflow
    // The input forgets the compressed size of a gzip file: stat gives it.
    struct stat sb;
    const int64_t file_size = stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
    const int64_t room = in.gzip ? (file_size >= 0 ? file_size * GZIP_MAX_RATIO : INT64_MAX)
                                 : lci_input_remaining(&in);
    if (room >= 0 && need > room) {
        st = lci_error(LC_ERR_FORMAT, "%s: truncated: %lld items announced, the file is too short",
                       path, (long long)dims[0]);
        goto done;
    }
    if ((st = lci_alloc_array((void **)&data, (size_t)(need > 0 ? need : 1), 1, path))) goto done;
    if ((st = lci_input_read(&in, data, (size_t)need, &got))) goto done;
    if ((int64_t)got < need) {
        st = lci_error(LC_ERR_FORMAT, "%s: truncated: %zu of %lld data bytes", path, got,
                       (long long)need);
        goto done;
    }
    uint8_t extra;
    if ((st = lci_input_read(&in, &extra, 1, &got))) goto done;
    if (got)
        st = lci_error(LC_ERR_FORMAT, "%s: data after the %lld announced items", path,
                       (long long)dims[0]);
done:
    lci_input_close(&in);
    if (st) {
        lci_free(data);
        return st;
    }
    *out = data;
    return LC_OK;
}

lc_status lci_mnist_load(const char *data_dir, lci_mnist *d) {
    *d = (lci_mnist){0};
    char *path = NULL;
    int64_t idims[3] = {0}, ldims[1] = {0};
    lc_status st = lci_model_path(data_dir, images_file, &path);
    if (!st) st = read_idx(path, 2051, 3, idims, LCI_MNIST_PIXELS, &d->pixels);
    lci_free(path);
    path = NULL;
    if (!st) st = lci_model_path(data_dir, labels_file, &path);
    if (!st) st = read_idx(path, 2049, 1, ldims, 1, &d->labels);
    if (!st && ldims[0] != idims[0])
        st = lci_error(LC_ERR_FORMAT, "%s: %lld labels for %lld images", path, (long long)ldims[0],
                       (long long)idims[0]);
    for (int64_t i = 0; !st && i < ldims[0]; i++)
        if (d->labels[i] >= LCI_MNIST_CLASSES)
            st = lci_error(LC_ERR_FORMAT, "%s: label %lld is %d (classes are 0..9)", path,
                           (long long)i, d->labels[i]);
    lci_free(path);
    if (st) {
        lci_mnist_release(d);
        return st;
    }
    d->count = idims[0];
    return LC_OK;
}

void lci_mnist_release(lci_mnist *d) {
    lci_free(d->pixels);
    lci_free(d->labels);
    *d = (lci_mnist){0};
}

lc_status lci_mnist_range(const lci_mnist *d, int64_t first, int64_t *count) {
    if (first > d->count)
        return lci_error(LC_ERR_ARG, "first image %lld is past the %lld test images",
                         (long long)first, (long long)d->count);
    if (*count < 0) *count = d->count - first;
    if (*count > d->count - first)
        return lci_error(LC_ERR_ARG, "images %lld..%lld are outside the %lld test images",
                         (long long)first, (long long)(first + *count - 1), (long long)d->count);
    return LC_OK;
}

int64_t lci_argmax(const float *v, int64_t n) {
    int64_t best = 0;
    for (int64_t i = 1; i < n; i++)
        if (v[i] > v[best] || isnan(v[best])) best = i;
    return best;
}

void lci_mnist_score(const lci_mnist *d, int64_t first, int64_t count, const int32_t *pred,
                     lc_model_score *score) {
    int64_t right = 0;
    for (int64_t i = 0; i < count; i++) right += pred[i] == d->labels[first + i];
    *score = (lc_model_score){"accuracy", count ? (double)right / (double)count : 0.0, count};
}
