// lenet5.c: the lenet5 runner (not in this build yet: loading says so).
#include "models.h"

static lc_status load(lc_model *model, const char *data_dir) {
    (void)model;
    (void)data_dir;
    return lci_error(LC_ERR_UNSUPPORTED, "model lenet5 is not in this build yet");
}

static lc_status evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    (void)model;
    (void)first;
    (void)count;
    (void)score;
    return lci_error(LC_ERR_UNSUPPORTED, "model lenet5 is not in this build yet");
}

const lci_model_ops lci_model_lenet5 = {.name = "lenet5", .load = load, .evaluate = evaluate};
