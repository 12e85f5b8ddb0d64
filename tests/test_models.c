// test_models.c: the MNIST runners on the real data: mnist-mlp scores 9831 / 10000 and lenet5
// 9838 / 10000 as the README says; row pruning (consumers shrunk) predicts exactly as the full
// model with those rows and biases zeroed; fine-tuning a masked model improves held-out accuracy
// and keeps masked weights zero; broken files (missing, truncated npy or IDX, bad magic, wrong
// counts) give error statuses; allocation failures during loading. Skipped without the data.
#include "testutil.h"
#include "models/mnist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NN_DIR LC_DATA_DIR "/nn"

static bool have_data(void) {
    if (access(NN_DIR "/mnist_dataset/t10k-images-idx3-ubyte.gz", R_OK) == 0) return true;
    print_message("skipping: the MNIST data are not at %s\n", NN_DIR);
    return false;
}

static lc_model *load(const char *name) {
    lc_model *m = NULL;
    assert_ok(lc_model_load(&m, name, NN_DIR));
    return m;
}

static void test_scores(void **state) {
    (void)state;
    if (!have_data()) skip();
    static const struct {
        const char *name;
        int64_t layers, right;
    } want[] = {{"mnist-mlp", 2, 9831}, {"lenet5", 5, 9838}};
    for (int i = 0; i < 2; i++) {
        lc_model *m = load(want[i].name);
        assert_int_equal(lc_model_layer_count(m), want[i].layers);
        lc_model_score s;
        assert_ok(lc_model_evaluate(m, 0, -1, &s));
        assert_string_equal(s.metric, "accuracy");
        assert_int_equal(s.count, 10000);
        assert_int_equal(llround(s.value * 10000), want[i].right);
        // A sub-range, and the range errors.
        assert_ok(lc_model_evaluate(m, 9990, 10, &s));
        assert_int_equal(s.count, 10);
        assert_ok(lc_model_evaluate(m, 10000, -1, &s));
        assert_int_equal(s.count, 0);
        assert_status(lc_model_evaluate(m, 10001, -1, &s), LC_ERR_ARG);
        assert_status(lc_model_evaluate(m, 9000, 1001, &s), LC_ERR_ARG);
        assert_status(lc_model_evaluate(m, -1, 1, &s), LC_ERR_ARG);
        lc_model_free(m);
    }
}

static void test_layers(void **state) {
    (void)state;
    if (!have_data()) skip();
    lc_model *m = load("lenet5");
    static const char *names[] = {"convnet.c1.weight", "convnet.c3.weight", "convnet.c5.weight",
                                  "fc.f6.weight", "fc.f7.weight"};
    static const int64_t rows[] = {6, 16, 120, 84, 10}, cols[] = {25, 150, 400, 120, 84};
    for (int64_t i = 0; i < 5; i++) {
        lc_model_layer info;
        assert_ok(lc_model_layer_info(m, i, &info));
        assert_string_equal(info.name, names[i]);
        assert_int_equal(info.count, 1);
        assert_int_equal(info.rows, rows[i]);
        assert_int_equal(info.cols, cols[i]);
        assert_int_equal(info.is_output, i == 4);
        int64_t at;
        assert_ok(lc_model_layer_find(m, names[i], &at));
        assert_int_equal(at, i);
    }
    lc_model_free(m);
    m = load("mnist-mlp");
    lc_model_layer info;
    assert_ok(lc_model_layer_info(m, 0, &info));
    assert_string_equal(info.name, "fc1.weight");
    assert_true(info.rows == 500 && info.cols == 784 && !info.is_output);
    assert_ok(lc_model_layer_info(m, 1, &info));
    assert_true(info.rows == 10 && info.cols == 500 && info.is_output);
    assert_status(lc_model_finetune(m, NULL, 0, 10, 1, 0.1f), LC_ERR_ARG);
    lc_model_free(m);
}

// Keeps the rows r of layer i with (r·7 + i) % 3 != 0, on model a by row pruning (as `format`)
// and on model b by zeroing the others and their biases.
static void prune_rows(lc_model *a, lc_model *b, int64_t i, lc_format format) {
    lci_model_layer *la = &a->layers[i], *lb = &b->layers[i];
    const int64_t r = la->rows[0], c = la->cols[0];
    float *cur = malloc((size_t)(r * c) * sizeof(float)), *kept = malloc((size_t)(r * c) * 4);
    int32_t *keep = malloc((size_t)r * sizeof(int32_t));
    assert_ok(lc_mat_to_dense(la->mats[0], cur, c));
    int64_t n = 0;
    for (int64_t row = 0; row < r; row++)
        if ((row * 7 + i) % 3 != 0) {
            memcpy(kept + n * c, cur + row * c, (size_t)c * sizeof(float));
            keep[n++] = (int32_t)row;
        }
    lc_mat *w;
    assert_ok(lc_mat_from_dense(&w, format, n, c, kept, c, NULL));
    assert_ok(lc_model_set_weight(a, i, 0, w, keep));
    assert_int_equal(la->rows[0], n);
    // b: the full matrix with the removed rows (and biases) zero.
    const int64_t rb = lb->rows[0], cb = lb->cols[0];
    float *full = malloc((size_t)(rb * cb) * sizeof(float));
    assert_ok(lc_mat_to_dense(lb->mats[0], full, cb));
    for (int64_t row = 0; row < rb; row++)
        if ((row * 7 + i) % 3 == 0) {
            memset(full + row * cb, 0, (size_t)cb * sizeof(float));
            lb->bias[row] = 0;
        }
    assert_ok(lc_mat_create_dense(&w, rb, cb, full, cb));
    assert_ok(lc_model_set_weight(b, i, 0, w, NULL));
    free(cur), free(kept), free(keep), free(full);
}

static void check_same_predictions(lc_model *a, lc_model *b, int64_t n, bool lenet) {
    int32_t *pa = malloc((size_t)n * sizeof(int32_t)), *pb = malloc((size_t)n * sizeof(int32_t));
    if (lenet) {
        assert_ok(lci_lenet5_predict(a, 0, n, pa));
        assert_ok(lci_lenet5_predict(b, 0, n, pb));
    } else {
        assert_ok(lci_mnist_mlp_predict(a, 0, n, pa));
        assert_ok(lci_mnist_mlp_predict(b, 0, n, pb));
    }
    for (int64_t i = 0; i < n; i++)
        if (pa[i] != pb[i])
            fail_msg("image %lld: row-pruned model predicts %d, zeroed model %d", (long long)i,
                     pa[i], pb[i]);
    free(pa), free(pb);
}

static void test_row_pruning(void **state) {
    (void)state;
    if (!have_data()) skip();
    lc_model *a = load("mnist-mlp"), *b = load("mnist-mlp");
    prune_rows(a, b, 0, LC_FORMAT_CSR);
    assert_int_equal(a->layers[1].cols[0], a->layers[0].rows[0]); // fc2 lost those inputs
    check_same_predictions(a, b, 2000, false);
    // A second row pruning of the same matrix is refused.
    lc_mat *w;
    float row[784] = {1};
    int32_t k0 = 0;
    assert_ok(lc_mat_create_dense(&w, 1, 784, row, 784));
    assert_status(lc_model_set_weight(a, 0, 0, w, &k0), LC_ERR_ARG);
    // Fine-tuning works on full dense values only.
    const uint8_t *none[2] = {NULL, NULL};
    assert_status(lc_model_finetune(a, none, 0, 10, 1, 0.1f), LC_ERR_ARG);
    lc_model_free(a), lc_model_free(b);

    a = load("lenet5"), b = load("lenet5");
    for (int64_t i = 0; i < 4; i++) prune_rows(a, b, i, i == 1 ? LC_FORMAT_CSR : LC_FORMAT_DENSE);
    assert_int_equal(a->layers[1].cols[0], a->layers[0].rows[0] * 25);
    assert_int_equal(a->layers[2].cols[0], a->layers[1].rows[0] * 25);
    assert_int_equal(a->layers[3].cols[0], a->layers[2].rows[0]);
    assert_int_equal(a->layers[4].cols[0], a->layers[3].rows[0]);
    check_same_predictions(a, b, 1000, true);
    // The output layer too: predictions map the kept rows back to their classes.
    prune_rows(a, b, 4, LC_FORMAT_DENSE);
    for (int64_t c = 0; c < 10; c++)
        if ((c * 7 + 4) % 3 == 0) b->layers[4].bias[c] = -1e30f; // a removed class never wins
    check_same_predictions(a, b, 1000, true);
    lc_model_free(a), lc_model_free(b);
}

// Masks of the 90% smallest magnitudes of every layer, applied to the model's matrices.
static uint8_t **magnitude_masks(lc_model *m, double sparsity) {
    int64_t n = lc_model_layer_count(m);
    uint8_t **masks = calloc((size_t)n, sizeof *masks);
    for (int64_t i = 0; i < n; i++) {
        lc_model_layer info;
        assert_ok(lc_model_layer_info(m, i, &info));
        const int64_t c = info.rows * info.cols;
        const float *w;
        assert_ok(lc_model_weight(m, i, 0, &w));
        float *a = malloc((size_t)c * sizeof(float)), th = 0;
        for (int64_t k = 0; k < c; k++) a[k] = fabsf(w[k]);
        // The threshold by repeated halving of a bracket (no sort needed for a test).
        float lo = 0, hi = 1e9f;
        for (int it = 0; it < 100; it++) {
            th = (lo + hi) / 2;
            int64_t below = 0;
            for (int64_t k = 0; k < c; k++) below += a[k] < th;
            if (below < sparsity * c)
                lo = th;
            else
                hi = th;
        }
        masks[i] = malloc((size_t)c);
        for (int64_t k = 0; k < c; k++) {
            masks[i][k] = a[k] >= th;
            a[k] = masks[i][k] ? w[k] : 0;
        }
        lc_mat *mm;
        assert_ok(lc_mat_create_dense(&mm, info.rows, info.cols, a, info.cols));
        assert_ok(lc_model_set_weight(m, i, 0, mm, NULL));
        free(a);
    }
    return masks;
}

static void finetune_case(const char *name, double sparsity, int64_t train, int32_t epochs,
                          float lr, int64_t held_out, double gain) {
    lc_model *m = load(name);
    uint8_t **masks = magnitude_masks(m, sparsity);
    lc_model_score before, after;
    assert_ok(lc_model_evaluate(m, 5000, held_out, &before));
    assert_ok(lc_model_finetune(m, (const uint8_t *const *)masks, 0, train, epochs, lr));
    assert_ok(lc_model_evaluate(m, 5000, held_out, &after));
    print_message("%s %.0f%% masked: held-out accuracy %.4f -> %.4f after %d epoch(s) on %lld\n",
                  name, sparsity * 100, before.value, after.value, epochs, (long long)train);
    assert_true(after.value > before.value + gain);
    for (int64_t i = 0; i < lc_model_layer_count(m); i++) {
        lc_model_layer info;
        assert_ok(lc_model_layer_info(m, i, &info));
        const float *w;
        assert_ok(lc_model_weight(m, i, 0, &w));
        for (int64_t k = 0; k < info.rows * info.cols; k++)
            if (!masks[i][k] && w[k] != 0)
                fail_msg("%s[%lld] masked but %g", info.name, (long long)k, (double)w[k]);
        free(masks[i]);
    }
    free(masks);
    lc_model_free(m);
}

static void test_finetune(void **state) {
    (void)state;
    if (!have_data()) skip();
    finetune_case("mnist-mlp", 0.9, 2000, 2, 0.1f, 2000, 0.1);
    finetune_case("lenet5", 0.8, 1000, 2, 0.05f, 1000, 0.1);
}

// ---- broken files, in a temporary data directory ----

static void copy_file(const char *from, const char *to, long keep) {
    FILE *f = fopen(from, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    tu_write_file(to, buf, (size_t)(keep >= 0 && keep < n ? keep : n));
    free(buf);
}

// Writes an IDX file (gzip): magic, count (and 28, 28 for images), then `bytes` data bytes.
static void write_idx(const char *path, uint32_t magic, uint32_t count, long bytes, uint8_t fill) {
    size_t head = magic == 2051 ? 16 : 8, n = head + (size_t)bytes;
    uint8_t *raw = calloc(n, 1);
    uint32_t v[4] = {magic, count, 28, 28};
    for (size_t i = 0; i < head / 4; i++)
        for (int b = 0; b < 4; b++) raw[4 * i + (size_t)b] = (uint8_t)(v[i] >> (24 - 8 * b));
    memset(raw + head, fill, (size_t)bytes);
    size_t gz_size;
    unsigned char *gz = tu_gzip(raw, n, &gz_size);
    tu_write_file(path, gz, gz_size);
    free(gz), free(raw);
}

static char tmp_dir[512];
static const char *in_tmp(const char *rel) {
    static char path[4][1300];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmp_dir, rel);
    return p;
}

// A data directory with the real MLP weights and a 3-image test set.
static void make_small_dir(void) {
    snprintf(tmp_dir, sizeof tmp_dir, "%s", tu_tmp_path("models", "data"));
    mkdir(tmp_dir, 0755);
    mkdir(in_tmp("mnist_mlp_ggml"), 0755);
    mkdir(in_tmp("mnist_dataset"), 0755);
    static const char *files[] = {"fc1.weight.npy", "fc1.bias.npy", "fc2.weight.npy",
                                  "fc2.bias.npy"};
    char from[700], to[700];
    for (int i = 0; i < 4; i++) {
        snprintf(from, sizeof from, "%s/mnist_mlp_ggml/%s", NN_DIR, files[i]);
        snprintf(to, sizeof to, "mnist_mlp_ggml/%s", files[i]);
        copy_file(from, in_tmp(to), -1);
    }
    write_idx(in_tmp("mnist_dataset/t10k-images-idx3-ubyte.gz"), 2051, 3, 3 * 784, 7);
    write_idx(in_tmp("mnist_dataset/t10k-labels-idx1-ubyte.gz"), 2049, 3, 3, 1);
}

static lc_status load_small(void *ctx) {
    return lc_model_load((lc_model **)ctx, "mnist-mlp", tmp_dir);
}
static void free_loaded(void *ctx) {
    lc_model_free(*(lc_model **)ctx);
    *(lc_model **)ctx = NULL;
}

static void expect_load(lc_status want, const char *what) {
    lc_model *m = NULL;
    lc_status st = lc_model_load(&m, "mnist-mlp", tmp_dir);
    if (st != want)
        fail_msg("%s: got %s (%s), expected %s", what, lc_status_str(st), lc_last_error(),
                 lc_status_str(want));
    if (!st)
        lc_model_free(m);
    else
        assert_null(m);
}

static void test_bad_files(void **state) {
    (void)state;
    if (!have_data()) skip();
    lc_model *m = NULL;
    assert_status(lc_model_load(&m, "mnist-mlp", "/nonexistent/lacuna"), LC_ERR_IO);
    assert_status(lc_model_load(&m, "lenet5", "/nonexistent/lacuna"), LC_ERR_IO);
    assert_status(lc_model_load(&m, "mnist", NN_DIR), LC_ERR_ARG);
    assert_null(m);
    make_small_dir();
    expect_load(LC_OK, "the small set");
    assert_ok(lc_model_load(&m, "mnist-mlp", tmp_dir));
    lc_model_score s;
    assert_ok(lc_model_evaluate(m, 0, -1, &s));
    assert_int_equal(s.count, 3);
    lc_model_free(m);
    // Loading allocates a few dozen times: every failure is LC_ERR_NOMEM and frees everything.
    m = NULL;
    assert_true(tu_inject_each(load_small, free_loaded, &m) > 10);

    const char *images = in_tmp("mnist_dataset/t10k-images-idx3-ubyte.gz");
    const char *labels = in_tmp("mnist_dataset/t10k-labels-idx1-ubyte.gz");
    write_idx(images, 2051, 3, 3 * 784 - 1, 7);
    expect_load(LC_ERR_FORMAT, "truncated images");
    write_idx(images, 2051, 3, 3 * 784 + 5, 7);
    expect_load(LC_ERR_FORMAT, "images with trailing bytes");
    write_idx(images, 2049, 3, 3 * 784, 7);
    expect_load(LC_ERR_FORMAT, "images with the labels' magic");
    write_idx(images, 2051, 0xffffffffu, 3 * 784, 7);
    expect_load(LC_ERR_FORMAT, "an impossible image count");
    write_idx(images, 2051, 4, 4 * 784, 7);
    expect_load(LC_ERR_FORMAT, "4 images for 3 labels");
    write_idx(images, 2051, 3, 3 * 784, 7);
    write_idx(labels, 2049, 3, 3, 10);
    expect_load(LC_ERR_FORMAT, "label 10");
    tu_write_file(labels, "\x1f\x8b\x08\x00garbage", 11);
    expect_load(LC_ERR_FORMAT, "corrupt gzip");
    remove(labels);
    expect_load(LC_ERR_IO, "missing labels");
    write_idx(labels, 2049, 3, 3, 1);
    expect_load(LC_OK, "restored labels");
    // The weights: a truncated .npy, a shape the model does not have, a missing file.
    char from[700];
    snprintf(from, sizeof from, "%s/mnist_mlp_ggml/fc1.weight.npy", NN_DIR);
    copy_file(from, in_tmp("mnist_mlp_ggml/fc1.weight.npy"), 4000);
    expect_load(LC_ERR_FORMAT, "truncated fc1.weight.npy");
    copy_file(from, in_tmp("mnist_mlp_ggml/fc1.weight.npy"), -1);
    float b[9] = {0};
    lc_array a = {.dtype = LC_DTYPE_F32, .ndim = 1, .shape = {9}, .data = b};
    assert_ok(lc_npy_write(in_tmp("mnist_mlp_ggml/fc2.bias.npy"), &a));
    expect_load(LC_ERR_FORMAT, "fc2.bias of 9");
    remove(in_tmp("mnist_mlp_ggml/fc2.bias.npy"));
    expect_load(LC_ERR_IO, "missing fc2.bias");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores),      cmocka_unit_test(test_layers),
        cmocka_unit_test(test_row_pruning), cmocka_unit_test(test_finetune),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
