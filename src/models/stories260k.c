// stories260k.c: the stories260k runner (not in this build yet: loading says so).
#include "models.h"

static lc_status load(lc_model *model, const char *data_dir) {
    (void)model;
    (void)data_dir;
    return lci_error(LC_ERR_UNSUPPORTED, "model stories260k is not in this build yet");
}

static lc_status evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    (void)model;
    (void)first;
    (void)count;
    (void)score;
    return lci_error(LC_ERR_UNSUPPORTED, "model stories260k is not in this build yet");
}

const lci_model_ops lci_model_stories260k = {
    .name = "stories260k", .load = load, .evaluate = evaluate};
