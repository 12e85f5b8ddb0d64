// model.c: the lc_model object shared by every runner: loading by name, the named weight layers,
// replacing a weight (also by its kept rows), and dispatch to the runner's hooks.
#include "models.h"

#include <stdio.h>
#include <string.h>

static const lci_model_ops *const models[] = {&lci_model_mnist_mlp, &lci_model_lenet5,
                                              &lci_model_stories260k};
enum { N_MODELS = sizeof models / sizeof models[0] };

static void free_layer(lci_model_layer *l) {
    for (int64_t j = 0; l->mats && j < l->info.count; j++) lc_mat_free(l->mats[j]);
    for (int64_t j = 0; l->kept && j < l->info.count; j++) lci_free(l->kept[j]);
    lci_free(l->dense);
    lci_free(l->bias);
    lci_free(l->mats);
    lci_free(l->rows);
    lci_free(l->cols);
    lci_free(l->kept);
}

void lc_model_free(lc_model *model) {
    if (!model) return;
    if (model->ops && model->ops->destroy) model->ops->destroy(model);
    for (int64_t i = 0; i < model->n_layers; i++) free_layer(&model->layers[i]);
    lci_free(model->layers);
    lci_free(model);
}

lc_status lc_model_load(lc_model **out, const char *name, const char *data_dir) {
    static const char who[] = "lc_model_load";
    if (!out || !name || !data_dir)
        return lci_error(LC_ERR_ARG, "%s: NULL %s", who,
                         !out    ? "output"
                         : !name ? "name"
                                 : "data_dir");
    const lci_model_ops *ops = NULL;
    for (int i = 0; i < N_MODELS; i++)
        if (strcmp(name, models[i]->name) == 0) ops = models[i];
    if (!ops)
        return lci_error(LC_ERR_ARG,
                         "%s: unknown model '%s' (valid: mnist-mlp, lenet5, stories260k)", who,
                         name);
    lc_model *model = lci_calloc(1, sizeof *model);
    if (!model) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the model", who);
    model->ops = ops;
    lc_status st = ops->load(model, data_dir);
    if (st) {
        lci_error_prefix("%s %s", who, name);
        lc_model_free(model);
        return st;
    }
    *out = model;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_model_path(const char *dir, const char *name, char **out) {
    size_t a = strlen(dir), b = strlen(name);
    char *p = lci_alloc(a + b + 2);
    if (!p) return lci_error(LC_ERR_NOMEM, "cannot allocate a path for %s", name);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    *out = p;
    return LC_OK;
}

lc_status lci_model_read_npy(const char *dir, const char *file, int ndim, const int64_t *shape,
                             float **out) {
    char *path = NULL;
    lc_status st = lci_model_path(dir, file, &path);
    if (st) return st;
    lc_array a = {0}; // lc_npy_read leaves it untouched on failure
    st = lc_npy_read(path, &a);
    if (!st && a.dtype != LC_DTYPE_F32)
        st = lci_error(LC_ERR_FORMAT, "%s: expected float32 ('<f4')", path);
    bool same = !st && a.ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = a.shape[d] == shape[d];
    if (!st && !same) {
        char want[128] = "", got[128] = "";
        for (int d = 0; d < ndim; d++)
            snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", d ? "," : "",
                     (long long)shape[d]);
        for (int d = 0; d < a.ndim && d < LC_ARRAY_MAX_DIMS; d++)
            snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", d ? "," : "",
                     (long long)a.shape[d]);
        st = lci_error(LC_ERR_FORMAT, "%s: shape (%s), the model needs (%s)", path, got, want);
    }
    if (st) {
        if (a.data) lc_array_free(&a);
        lci_free(path);
        return st;
    }
    lci_free(path);
    *out = a.data; // lc_npy_read allocates through the library allocator
    return LC_OK;
}

lc_status lci_model_add_layer(lc_model *model, const char *name, int64_t count, int64_t rows,
                              int64_t cols, float *dense, float *bias, int32_t is_output,
                              int32_t is_embedding) {
    lci_model_layer *grown = lci_alloc((size_t)(model->n_layers + 1) * sizeof *grown);
    if (!grown) {
        lci_free(dense);
        lci_free(bias);
        return lci_error(LC_ERR_NOMEM, "cannot allocate layer %s", name);
    }
    if (model->n_layers) memcpy(grown, model->layers, (size_t)model->n_layers * sizeof *grown);
    lci_free(model->layers);
    model->layers = grown;
    lci_model_layer *l = &model->layers[model->n_layers++];
    *l = (lci_model_layer){
        .info = {name, count, rows, cols, is_output, is_embedding}, .dense = dense, .bias = bias};
    l->mats = lci_calloc((size_t)count, sizeof *l->mats);
    l->rows = lci_calloc((size_t)count, sizeof *l->rows);
    l->cols = lci_calloc((size_t)count, sizeof *l->cols);
    l->kept = lci_calloc((size_t)count, sizeof *l->kept);
    if (!l->mats || !l->rows || !l->cols || !l->kept)
        return lci_error(LC_ERR_NOMEM, "cannot allocate layer %s", name);
    for (int64_t j = 0; j < count; j++) {
        lc_status st = lc_mat_create_dense(&l->mats[j], rows, cols, dense + j * rows * cols,
                                           cols > 0 ? cols : 1);
        if (st) return st;
        l->rows[j] = rows;
        l->cols[j] = cols;
    }
    return LC_OK;
}

static lc_status check_layer(const char *who, const lc_model *model, int64_t i) {
    if (!model) return lci_error(LC_ERR_ARG, "%s: NULL model", who);
    if (i < 0 || i >= model->n_layers)
        return lci_error(LC_ERR_ARG, "%s: layer %lld is outside 0..%lld", who, (long long)i,
                         (long long)model->n_layers - 1);
    return LC_OK;
}

int64_t lc_model_layer_count(const lc_model *model) {
    return model ? model->n_layers : 0;
}

lc_status lc_model_layer_info(const lc_model *model, int64_t i, lc_model_layer *info) {
    lc_status st = check_layer("lc_model_layer_info", model, i);
    if (st) return st;
    if (!info) return lci_error(LC_ERR_ARG, "lc_model_layer_info: NULL info");
    *info = model->layers[i].info;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_model_layer_find(const lc_model *model, const char *name, int64_t *i) {
    static const char who[] = "lc_model_layer_find";
    if (!model || !name || !i) return lci_error(LC_ERR_ARG, "%s: NULL argument", who);
    char list[512] = "";
    for (int64_t l = 0; l < model->n_layers; l++) {
        if (strcmp(model->layers[l].info.name, name) == 0) {
            *i = l;
            lci_error_clear();
            return LC_OK;
        }
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", l ? ", " : "",
                 model->layers[l].info.name);
    }
    return lci_error(LC_ERR_ARG, "%s: model %s has no layer '%s' (valid: %s)", who,
                     model->ops->name, name, list);
}

lc_status lc_model_weight(const lc_model *model, int64_t i, int64_t j, const float **w) {
    static const char who[] = "lc_model_weight";
    lc_status st = check_layer(who, model, i);
    if (st) return st;
    const lci_model_layer *l = &model->layers[i];
    if (j < 0 || j >= l->info.count || !w)
        return lci_error(LC_ERR_ARG, "%s: %s matrix %lld is outside 0..%lld (or NULL output)", who,
                         l->info.name, (long long)j, (long long)l->info.count - 1);
    *w = l->dense + j * l->info.rows * l->info.cols;
    lci_error_clear();
    return LC_OK;
}

lc_status lci_model_drop_inputs(lc_model *model, int64_t i, int64_t j, const int32_t *keep,
                                int64_t n_keep, int64_t group) {
    lci_model_layer *l = &model->layers[i];
    const int64_t r = l->rows[j], c = l->cols[j], nc = n_keep * group;
    float *full = NULL, *kept = NULL;
    lc_status st = lci_alloc_array((void **)&full, (size_t)(r * c > 0 ? r * c : 1), sizeof(float),
                                   "the weight being narrowed");
    if (!st)
        st = lci_alloc_array((void **)&kept, (size_t)(r * nc > 0 ? r * nc : 1), sizeof(float),
                             "the narrowed weight");
    if (!st && r * c > 0) st = lc_mat_to_dense(l->mats[j], full, c);
    lc_mat *w = NULL;
    if (!st) {
        for (int64_t row = 0; row < r; row++)
            for (int64_t q = 0; q < n_keep; q++)
                memcpy(kept + row * nc + q * group, full + row * c + (int64_t)keep[q] * group,
                       (size_t)group * sizeof(float));
        st = lc_mat_create_dense(&w, r, nc, kept, nc > 0 ? nc : 1);
    }
    lci_free(full);
    lci_free(kept);
    if (st) {
        lci_error_prefix("%s matrix %lld", l->info.name, (long long)j);
        return st;
    }
    lc_mat_free(l->mats[j]);
    l->mats[j] = w;
    l->cols[j] = nc;
    return LC_OK;
}

// Row pruning where the consumer cannot shrink: the kept rows of w go back to their places in a
// full-size dense matrix whose other rows are zero, and the removed units' biases become 0.
static lc_status scatter_rows(lci_model_layer *l, int64_t j, const lc_mat *w, const int32_t *kept,
                              int64_t n, lc_mat **out) {
    const int64_t rows = l->rows[j], cols = l->cols[j];
    float *full = lci_calloc((size_t)(rows * cols > 0 ? rows * cols : 1), sizeof(float));
    float *part = lci_alloc((size_t)(n * cols > 0 ? n * cols : 1) * sizeof(float));
    lc_status st = LC_OK;
    if (!full || !part) st = lci_error(LC_ERR_NOMEM, "cannot allocate the row-pruned weight");
    if (!st && n * cols > 0) st = lc_mat_to_dense(w, part, cols);
    if (!st) {
        for (int64_t q = 0; q < n; q++)
            memcpy(full + (int64_t)kept[q] * cols, part + q * cols, (size_t)cols * sizeof(float));
        st = lc_mat_create_dense(out, rows, cols, full, cols > 0 ? cols : 1);
    }
    lci_free(full);
    lci_free(part);
    return st;
}

lc_status lc_model_set_weight(lc_model *model, int64_t i, int64_t j, lc_mat *w,
                              const int32_t *kept_rows) {
    static const char who[] = "lc_model_set_weight";
    lc_status st = check_layer(who, model, i);
    if (!st && !w) st = lci_error(LC_ERR_ARG, "%s: NULL weight", who);
    lci_model_layer *l = st ? NULL : &model->layers[i];
    if (!st && (j < 0 || j >= l->info.count))
        st = lci_error(LC_ERR_ARG, "%s: %s matrix %lld is outside 0..%lld", who, l->info.name,
                       (long long)j, (long long)l->info.count - 1);
    const int64_t m = w ? w->m : 0, k = w ? w->k : 0;
    if (!st && k != l->cols[j])
        st = lci_error(LC_ERR_ARG, "%s: %s[%lld] takes %lld inputs, the weight has %lld columns",
                       who, l->info.name, (long long)j, (long long)l->cols[j], (long long)k);
    if (!st && !kept_rows && m != l->rows[j])
        st = lci_error(LC_ERR_ARG, "%s: %s[%lld] has %lld outputs, the weight has %lld rows", who,
                       l->info.name, (long long)j, (long long)l->rows[j], (long long)m);
    if (st) {
        lc_mat_free(w);
        return st;
    }
    if (!kept_rows) {
        lc_mat_free(l->mats[j]);
        l->mats[j] = w;
        lci_error_clear();
        return LC_OK;
    }
    // Row pruning: kept_rows lists the m outputs w keeps, as indices into the original rows.
    if (l->kept[j] || l->rows[j] != l->info.rows)
        st = lci_error(LC_ERR_ARG, "%s: %s[%lld] is already row-pruned (reload the model)", who,
                       l->info.name, (long long)j);
    for (int64_t q = 0; !st && q < m; q++)
        if (kept_rows[q] < 0 || kept_rows[q] >= l->info.rows ||
            (q && kept_rows[q] <= kept_rows[q - 1]))
            st = lci_error(LC_ERR_ARG,
                           "%s: %s[%lld] kept_rows[%lld] = %d is not increasing within 0..%lld",
                           who, l->info.name, (long long)j, (long long)q, kept_rows[q],
                           (long long)l->info.rows - 1);
    int32_t *kept = NULL;
    if (!st)
        st = lci_alloc_array((void **)&kept, (size_t)(m > 0 ? m : 1), sizeof(int32_t), "kept rows");
    if (st) {
        lc_mat_free(w);
        return st;
    }
    if (m) memcpy(kept, kept_rows, (size_t)m * sizeof(int32_t));
    float *bias = l->bias ? l->bias + j * l->info.rows : NULL;
    if (!model->ops->shrink_consumer) {
        lc_mat *full = NULL;
        st = scatter_rows(l, j, w, kept, m, &full);
        lc_mat_free(w);
        if (st) {
            lci_free(kept);
            lci_error_prefix("%s %s[%lld]", who, l->info.name, (long long)j);
            return st;
        }
        if (bias) {
            int64_t q = 0;
            for (int64_t r = 0; r < l->info.rows; r++) {
                if (q < m && kept[q] == r)
                    q++;
                else
                    bias[r] = 0;
            }
        }
        lc_mat_free(l->mats[j]);
        l->mats[j] = full;
        l->kept[j] = kept;
        lci_error_clear();
        return LC_OK;
    }
    if (bias)
        for (int64_t q = 0; q < m; q++) bias[q] = bias[kept[q]];
    lc_mat_free(l->mats[j]);
    l->mats[j] = w;
    l->rows[j] = m;
    l->kept[j] = kept;
    // A failure here (only an allocation) leaves the consumer unshrunk: the model must be freed.
    if ((st = model->ops->shrink_consumer(model, i, j))) {
        lci_error_prefix("%s %s[%lld]", who, l->info.name, (long long)j);
        return st;
    }
    lci_error_clear();
    return LC_OK;
}

lc_status lc_model_evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    static const char who[] = "lc_model_evaluate";
    if (!model || !score)
        return lci_error(LC_ERR_ARG, "%s: NULL %s", who, model ? "score" : "model");
    if (first < 0)
        return lci_error(LC_ERR_ARG, "%s: first = %lld is negative", who, (long long)first);
    lc_status st = model->ops->evaluate(model, first, count, score);
    if (st)
        lci_error_prefix("%s %s", who, model->ops->name);
    else
        lci_error_clear();
    return st;
}

lc_status lc_model_finetune(lc_model *model, const uint8_t *const *masks, int64_t first,
                            int64_t count, int32_t epochs, float lr) {
    static const char who[] = "lc_model_finetune";
    if (!model || !masks)
        return lci_error(LC_ERR_ARG, "%s: NULL %s", who, model ? "masks" : "model");
    if (!model->ops->finetune)
        return lci_error(LC_ERR_UNSUPPORTED, "%s: model %s cannot be fine-tuned here", who,
                         model->ops->name);
    if (first < 0 || epochs < 0 || !(lr > 0 && lr < 1e3f))
        return lci_error(LC_ERR_ARG,
                         "%s: first %lld, epochs %d, lr %g (first, epochs >= 0, lr > 0)", who,
                         (long long)first, epochs, (double)lr);
    lc_status st = model->ops->finetune(model, masks, first, count, epochs, lr);
    if (st)
        lci_error_prefix("%s %s", who, model->ops->name);
    else
        lci_error_clear();
    return st;
}

static lc_status no_text(const lc_model *model, const char *who) {
    if (!model) return lci_error(LC_ERR_ARG, "%s: NULL model", who);
    return lci_error(LC_ERR_UNSUPPORTED, "%s: model %s has no tokenizer", who, model->ops->name);
}

lc_status lc_model_encode(const lc_model *model, const char *text, int32_t bos, int32_t *tokens,
                          int64_t cap, int64_t *n) {
    if (!model || !model->ops->encode) return no_text(model, "lc_model_encode");
    if (!text || !n || (cap > 0 && !tokens) || cap < 0)
        return lci_error(LC_ERR_ARG, "lc_model_encode: NULL text, tokens or count, or cap < 0");
    lc_status st = model->ops->encode(model, text, bos, tokens, cap, n);
    if (!st) lci_error_clear();
    return st;
}

lc_status lc_model_token_text(const lc_model *model, int32_t prev, int32_t token,
                              const char **text) {
    if (!model || !model->ops->token_text) return no_text(model, "lc_model_token_text");
    if (!text) return lci_error(LC_ERR_ARG, "lc_model_token_text: NULL text");
    lc_status st = model->ops->token_text(model, prev, token, text);
    if (!st) lci_error_clear();
    return st;
}

lc_status lc_model_generate(lc_model *model, const int32_t *prompt, int64_t n_prompt,
                            int64_t max_new, int32_t *out, int64_t cap, int64_t *n_out) {
    if (!model || !model->ops->generate) return no_text(model, "lc_model_generate");
    if (!prompt || n_prompt < 1 || max_new < 0 || !out || cap < n_prompt || !n_out)
        return lci_error(LC_ERR_ARG,
                         "lc_model_generate: need a prompt of >= 1 token, max_new >= 0, out with "
                         "cap >= n_prompt (got n_prompt %lld, max_new %lld, cap %lld)",
                         (long long)n_prompt, (long long)max_new, (long long)cap);
    lc_status st = model->ops->generate(model, prompt, n_prompt, max_new, out, cap, n_out);
    if (!st) lci_error_clear();
    return st;
}
