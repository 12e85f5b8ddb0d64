// models.h: internals shared by the model runners: the lc_model object (a list of named weight
// layers, each a stack of matrices with their dense values, bias and current lc_mat), the table
// of models, and the hooks a runner implements.
#ifndef LACUNA_MODELS_H
#define LACUNA_MODELS_H

#include "core/mat.h"

// One named weight layer: `info.count` matrices of info.rows × info.cols.
typedef struct lci_model_layer {
    lc_model_layer info;
    float *dense;   // count·rows·cols values as loaded (or fine-tuned), owned
    float *bias;    // count·rows values or NULL, owned; row pruning compacts it per matrix
    lc_mat **mats;  // count matrices the forward pass applies, owned (initially dense copies)
    int64_t *rows;  // count current output sizes (rows of mats[j]; < info.rows after row pruning)
    int64_t *cols;  // count current input sizes (cols of mats[j]; less once the producer shrank)
    int32_t **kept; // count arrays of kept output indices (NULL: all rows kept), owned
} lci_model_layer;

struct lci_model_ops;

struct lc_model {
    const struct lci_model_ops *ops;
    int64_t n_layers;
    lci_model_layer *layers; // n_layers, owned
    void *impl;              // the runner's own state (data, activations, tokenizer), owned
};

// What one model runner provides. Hooks may be NULL where noted.
typedef struct lci_model_ops {
    const char *name; // "mnist-mlp"
    // Fills model->layers (through lci_model_add_layer) and model->impl from data_dir.
    lc_status (*load)(lc_model *model, const char *data_dir);
    lc_status (*evaluate)(lc_model *model, int64_t first, int64_t count, lc_model_score *score);
    // Row pruning of matrix j of layer i: the new weight w (kept rows only) is already in
    // mats[j], rows[j] and kept[j] are set and the bias compacted; the hook shrinks the layer
    // that consumes those outputs (lci_model_drop_inputs). NULL: the consumer cannot shrink, so
    // lci_model_set_weight scatters the kept rows into a full-size dense matrix instead.
    lc_status (*shrink_consumer)(lc_model *model, int64_t i, int64_t j);
    // NULL: LC_ERR_UNSUPPORTED.
    lc_status (*finetune)(lc_model *model, const uint8_t *const *masks, int64_t first,
                          int64_t count, int32_t epochs, float lr);
    lc_status (*encode)(const lc_model *model, const char *text, int32_t bos, int32_t *tokens,
                        int64_t cap, int64_t *n);
    lc_status (*token_text)(const lc_model *model, int32_t prev, int32_t token, const char **text);
    lc_status (*generate)(lc_model *model, const int32_t *prompt, int64_t n_prompt, int64_t max_new,
                          int32_t *out, int64_t cap, int64_t *n_out);
    // Frees model->impl (the layers are freed by lc_model_free).
    void (*destroy)(lc_model *model);
} lci_model_ops;

extern const lci_model_ops lci_model_mnist_mlp, lci_model_lenet5, lci_model_stories260k;

// Appends a layer named `name` (a static string) of count matrices rows × cols, taking `dense`
// (count·rows·cols floats from lci_alloc) and `bias` (count·rows floats or NULL); creates the
// dense lc_mat of each matrix. On failure dense and bias are freed too.
lc_status lci_model_add_layer(lc_model *model, const char *name, int64_t count, int64_t rows,
                              int64_t cols, float *dense, float *bias, int32_t is_output,
                              int32_t is_embedding);

// Reads a float32 .npy file `dir`/`file` that must have exactly the shape ndim, shape[] (the
// message names the file and both shapes otherwise) into a new lci_alloc array.
lc_status lci_model_read_npy(const char *dir, const char *file, int ndim, const int64_t *shape,
                             float **out);

// Joins dir and name into a new lci_alloc string.
lc_status lci_model_path(const char *dir, const char *name, char **out);

// Removes the input columns of matrix j of layer i that are not listed in keep (n_keep increasing
// indices into the current columns, each standing for `group` consecutive columns, e.g. the
// kh·kw columns of one input channel): the matrix becomes dense rows × n_keep·group.
lc_status lci_model_drop_inputs(lc_model *model, int64_t i, int64_t j, const int32_t *keep,
                                int64_t n_keep, int64_t group);

#endif // LACUNA_MODELS_H
