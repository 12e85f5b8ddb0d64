// mnist_mlp.c: the mnist-mlp runner (not in this build yet: loading says so).
#include "models.h"

static lc_status load(lc_model *model, const char *data_dir) {
    (void)model;
    (void)data_dir;
    return lci_error(LC_ERR_UNSUPPORTED, "model mnist-mlp is not in this build yet");
}

static lc_status evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    (void)model;
    (void)first;
    (void)count;
    (void)score;
    return lci_error(LC_ERR_UNSUPPORTED, "model mnist-mlp is not in this build yet");
}

const lci_model_ops lci_model_mnist_mlp = {.name = "mnist-mlp", .load = load, .evaluate = evaluate};
