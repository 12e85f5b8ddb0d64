// prune_eval.c: `lacuna prune-eval MODEL --pattern P [--layers all|NAME,...] [--finetune]
// [--json]`: prunes the chosen weight layers of a real model by magnitude, each matrix on its
// own, builds each in the format the pattern implies, and scores the model before and after
// (MNIST test accuracy, or TinyStories next-token NLL), with the forward pass timed both ways.
#include "tool.h"

#include <stdlib.h>
#include <string.h>

// Fine-tuning (MNIST models): train on test images [0, 5000), score on [5000, 10000).
#define TUNE_FIRST  0
#define TUNE_COUNT  5000
#define HELD_FIRST  5000
#define TUNE_EPOCHS 3
// SGD learning rates measured to recover most of 90% unstructured pruning in 3 epochs.
#define TUNE_LR_MLP   0.1f
#define TUNE_LR_LENET 0.05f

static float tune_lr(const char *model) {
    return strcmp(model, "lenet5") == 0 ? TUNE_LR_LENET : TUNE_LR_MLP;
}

// The layers chosen by `list` ("all" or comma-separated names): sel[i] = 1 when layer i is
// pruned. "all" is every weight layer but the token embedding, and for row pruning also not the
// output layer (its rows are the classes).
static bool choose_layers(const lc_model *model, const char *list, const tool_prune_pattern *pat,
                          unsigned char *sel, tool_eval_result *r) {
    int64_t n = lc_model_layer_count(model);
    r->layers[0] = 0;
    bool all = strcmp(list, "all") == 0;
    for (int64_t i = 0; i < n; i++) sel[i] = 0;
    if (all) {
        for (int64_t i = 0; i < n; i++) {
            lc_model_layer info;
            lc_model_layer_info(model, i, &info);
            sel[i] = !info.is_embedding &&
                     !(!pat->projection && pat->spec.pattern == LC_PRUNE_ROWS && info.is_output);
        }
    } else {
        char *copy = strdup(list);
        if (!copy) return tool_error("prune-eval: out of memory"), false;
        bool ok = true;
        for (char *tok = strtok(copy, ","); ok && tok; tok = strtok(NULL, ",")) {
            int64_t i;
            lc_status st = lc_model_layer_find(model, tok, &i);
            if (st)
                ok = (tool_lib_error("--layers", st), false);
            else
                sel[i] = 1;
        }
        free(copy);
        if (!ok) return false;
    }
    for (int64_t i = 0; i < n; i++) {
        if (!sel[i]) continue;
        lc_model_layer info;
        lc_model_layer_info(model, i, &info);
        size_t len = strlen(r->layers);
        snprintf(r->layers + len, sizeof r->layers - len, "%s%s", len ? "," : "", info.name);
    }
    if (!r->layers[0]) return tool_error("prune-eval: no layer to prune"), false;
    return true;
}

// Sums, over every weight matrix the forward pass applies, the bytes stored (lc_mat_info's
// bytes, in each matrix's format) and the nonzero weights.
static bool weight_totals(const lc_model *model, int64_t *bytes, int64_t *nonzeros) {
    *bytes = *nonzeros = 0;
    for (int64_t i = 0; i < lc_model_layer_count(model); i++) {
        lc_model_layer layer;
        lc_model_layer_info(model, i, &layer);
        for (int64_t j = 0; j < layer.count; j++) {
            const lc_mat *w;
            struct lc_mat_info info;
            lc_status st = lc_model_mat(model, i, j, &w);
            if (!st) st = lc_mat_info(w, &info);
            if (st) return tool_lib_error(layer.name, st), false;
            *bytes += info.bytes;
            *nonzeros += info.nonzeros;
        }
    }
    return true;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Scores the model `reps` times (the same score each time: the forward pass is deterministic);
// *seconds is the median wall time of one evaluation.
static lc_status timed_evaluate(lc_model *model, int64_t first, int reps, lc_model_score *score,
                                double *seconds) {
    double t[64];
    lc_status st = LC_OK;
    for (int r = 0; r < reps && !st; r++) {
        double t0 = lci_now();
        st = lc_model_evaluate(model, first, -1, score);
        t[r] = lci_now() - t0;
    }
    if (st) return st;
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    *seconds = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    return LC_OK;
}

// The fair baseline of a fine-tuned pruned model: the dense model trained the same way.
static int tune_dense(const tool_eval_opts *o, lc_model_score *score) {
    lc_model *model = NULL;
    lc_status st = lc_model_load(&model, o->model, o->data);
    if (st) return tool_lib_error(o->model, st);
    int64_t n = lc_model_layer_count(model);
    const uint8_t **none = calloc((size_t)n, sizeof *none);
    if (!none) {
        lc_model_free(model);
        return tool_error("prune-eval: out of memory"), 1;
    }
    st = lc_model_finetune(model, none, TUNE_FIRST, TUNE_COUNT, TUNE_EPOCHS, tune_lr(o->model));
    if (!st) st = lc_model_evaluate(model, HELD_FIRST, -1, score);
    free(none);
    lc_model_free(model);
    return st ? tool_lib_error("fine-tuning the dense model", st) : 0;
}

// Prunes, fine-tunes when asked, installs the pruned weights, and scores. Everything the model
// allocates is freed by the caller with the model.
// Replaces every chosen matrix by its projection (lowrank, monarch); counts like the masks do.
static lc_status project_layers(lc_model *model, const tool_prune_pattern *pat,
                                const unsigned char *sel, tool_eval_result *r) {
    for (int64_t i = 0; i < lc_model_layer_count(model); i++) {
        if (!sel[i]) continue;
        lc_model_layer info;
        lc_model_layer_info(model, i, &info);
        for (int64_t j = 0; j < info.count; j++) {
            const float *w;
            lc_mat *p = NULL;
            struct lc_mat_info mi;
            lc_status st = lc_model_weight(model, i, j, &w);
            if (!st) st = tool_prune_project(pat, w, info.rows, info.cols, &p);
            if (!st) st = lc_mat_info(p, &mi);
            if (!st) r->pruned_kept += mi.stored;
            if (!st)
                st = lc_model_set_weight(model, i, j, p, NULL);
            else
                lc_mat_free(p);
            if (st) return tool_lib_error(info.name, st), st;
        }
        r->pruned_params += info.count * info.rows * info.cols;
    }
    return LC_OK;
}

static int run(const tool_eval_opts *o, const tool_prune_pattern *pat, tool_eval_result *r) {
    const lc_prune_spec *spec = &pat->spec;
    lc_model *model = NULL;
    lc_status st = lc_model_load(&model, o->model, o->data);
    if (st) return tool_lib_error(o->model, st);
    int rc = 1;
    const int64_t n = lc_model_layer_count(model);
    unsigned char *sel = calloc((size_t)n, 1);
    uint8_t **masks = calloc((size_t)n, sizeof *masks);
    int32_t *kept = NULL;
    if (!sel || !masks) {
        tool_error("prune-eval: out of memory");
        goto done;
    }
    if (!choose_layers(model, o->layers, pat, sel, r)) goto done;
    const int64_t first = o->finetune ? HELD_FIRST : 0;
    if ((st = timed_evaluate(model, first, o->reps, &r->dense, &r->dense_s))) {
        rc = tool_lib_error("dense evaluation", st);
        goto done;
    }
    if (!weight_totals(model, &r->dense_bytes, &r->params)) goto done;
    if (pat->projection) {
        if (project_layers(model, pat, sel, r)) goto done;
        goto installed;
    }
    // Masks first, from the trained weights; all masks before any fine-tuning.
    for (int64_t i = 0; i < n; i++) {
        lc_model_layer info;
        lc_model_layer_info(model, i, &info);
        int64_t per = info.rows * info.cols;
        if (!sel[i]) continue;
        masks[i] = malloc((size_t)(info.count * per > 0 ? info.count * per : 1));
        if (!masks[i]) {
            tool_error("prune-eval: out of memory");
            goto done;
        }
        for (int64_t j = 0; j < info.count; j++) {
            const float *w;
            lc_model_weight(model, i, j, &w);
            if ((st = lc_prune_mask(w, info.rows, info.cols, info.cols > 0 ? info.cols : 1, spec,
                                    masks[i] + j * per))) {
                rc = tool_lib_error(info.name, st);
                goto done;
            }
        }
        r->pruned_params += info.count * per;
        for (int64_t e = 0; e < info.count * per; e++) r->pruned_kept += masks[i][e];
    }
    if (o->finetune && (st = lc_model_finetune(model, (const uint8_t *const *)masks, TUNE_FIRST,
                                               TUNE_COUNT, TUNE_EPOCHS, tune_lr(o->model)))) {
        rc = tool_lib_error("fine-tuning", st);
        goto done;
    }
    // Installed last layer first: a row-pruned layer drops its consumer's input columns, so the
    // consumer (built from the full weight) must be in place before its producer shrinks it.
    for (int64_t i = n - 1; i >= 0; i--) {
        if (!sel[i]) continue;
        lc_model_layer info;
        lc_model_layer_info(model, i, &info);
        free(kept);
        kept = malloc((size_t)(info.rows > 0 ? info.rows : 1) * sizeof *kept);
        if (!kept) {
            tool_error("prune-eval: out of memory");
            goto done;
        }
        for (int64_t j = 0; j < info.count; j++) {
            const float *w;
            lc_model_weight(model, i, j, &w);
            lc_mat *p = NULL;
            if ((st = lc_prune_apply(&p, w, info.rows, info.cols, info.cols > 0 ? info.cols : 1,
                                     spec, masks[i] + j * info.rows * info.cols, kept)) ||
                (st = lc_model_set_weight(model, i, j, p,
                                          spec->pattern == LC_PRUNE_ROWS ? kept : NULL))) {
                rc = tool_lib_error(info.name, st);
                goto done;
            }
        }
    }
installed:
    if (!weight_totals(model, &r->bytes, &r->params_kept)) goto done;
    if ((st = timed_evaluate(model, first, o->reps, &r->pruned, &r->pruned_s))) {
        rc = tool_lib_error("pruned evaluation", st);
        goto done;
    }
    rc = 0;
done:
    for (int64_t i = 0; masks && i < n; i++) free(masks[i]);
    free(masks);
    free(sel);
    free(kept);
    lc_model_free(model);
    return rc;
}

int tool_prune_eval_run(const tool_eval_opts *o, const tool_prune_pattern *pat,
                        tool_eval_result *r) {
    memset(r, 0, sizeof *r);
    snprintf(r->pattern, sizeof r->pattern, "%s", pat->text);
    double t0 = lci_now();
    int rc = run(o, pat, r);
    if (!rc && o->finetune) rc = tune_dense(o, &r->dense_tuned);
    r->wall_s = lci_now() - t0;
    return rc;
}

static void print_text(const tool_eval_opts *o, const tool_eval_result *r) {
    const bool acc = strcmp(r->dense.metric, "accuracy") == 0;
    const double scale = acc ? 100 : 1;
    const char *unit = acc ? "%" : " nats/token";
    printf("model %s, pattern %s, layers %s\n", o->model, r->pattern, r->layers);
    if (o->budget > 0)
        printf("budget: %g of each pruned layer's weights (family %s)\n", o->budget, o->pattern);
    if (o->finetune)
        printf("fine-tuned on test images %d..%d (%d epochs, lr %g); both scores on images %d.."
               "9999 only\n",
               TUNE_FIRST, TUNE_FIRST + TUNE_COUNT - 1, TUNE_EPOCHS, (double)tune_lr(o->model),
               HELD_FIRST);
    printf("%-8s dense %.4f%s  pruned %.4f%s  (%s over %lld %s)\n", r->dense.metric,
           scale * r->dense.value, unit, scale * r->pruned.value, unit, acc ? "top-1" : "mean NLL",
           (long long)r->pruned.count, acc ? "images" : "predictions");
    if (o->finetune)
        printf("the dense model fine-tuned the same way: %.4f%s\n", scale * r->dense_tuned.value,
               unit);
    printf("pruned layers: sparsity %.4f (%lld of %lld weights kept)\n",
           r->pruned_params ? 1.0 - (double)r->pruned_kept / (double)r->pruned_params : 0.0,
           (long long)r->pruned_kept, (long long)r->pruned_params);
    printf("model: %lld of %lld nonzero weights kept (density %.4f), %lld bytes of weights "
           "(dense %lld)\n",
           (long long)r->params_kept, (long long)r->params,
           r->params ? (double)r->params_kept / (double)r->params : 0.0, (long long)r->bytes,
           (long long)r->dense_bytes);
    printf("forward pass over the evaluation set: dense %.3f s, pruned %.3f s (%.2fx)\n",
           r->dense_s, r->pruned_s, r->pruned_s > 0 ? r->dense_s / r->pruned_s : 0.0);
}

static bool print_json(const tool_eval_opts *o, const tool_eval_result *r) {
    tool_json j;
    tool_json_begin(&j);
    tool_json_str(&j, "schema", "lacuna-prune-eval/1");
    tool_json_str(&j, "model", o->model);
    tool_json_str(&j, "pattern", r->pattern);
    if (o->budget > 0) {
        tool_json_num(&j, "budget", o->budget);
        tool_json_str(&j, "family", o->pattern);
    } else {
        tool_json_null(&j, "budget");
        tool_json_null(&j, "family");
    }
    tool_json_str(&j, "layers", r->layers);
    tool_json_str(&j, "metric", r->dense.metric);
    tool_json_num(&j, "dense", r->dense.value);
    tool_json_num(&j, "pruned", r->pruned.value);
    if (o->finetune)
        tool_json_num(&j, "dense_finetuned", r->dense_tuned.value);
    else
        tool_json_null(&j, "dense_finetuned");
    tool_json_int(&j, "eval_count", r->pruned.count);
    tool_json_int(&j, "eval_first", o->finetune ? HELD_FIRST : 0);
    tool_json_bool(&j, "finetune", o->finetune);
    tool_json_num(&j, "sparsity",
                  r->pruned_params ? 1.0 - (double)r->pruned_kept / (double)r->pruned_params : 0);
    tool_json_num(&j, "density", r->params ? (double)r->params_kept / (double)r->params : 0);
    tool_json_int(&j, "params", r->params);
    tool_json_int(&j, "params_kept", r->params_kept);
    tool_json_int(&j, "pruned_params", r->pruned_params);
    tool_json_int(&j, "pruned_kept", r->pruned_kept);
    tool_json_int(&j, "bytes", r->bytes);
    tool_json_int(&j, "dense_bytes", r->dense_bytes);
    tool_json_num(&j, "dense_s", r->dense_s);
    tool_json_num(&j, "pruned_s", r->pruned_s);
    tool_json_num(&j, "wall_s", r->wall_s);
    tool_json_int(&j, "reps", o->reps);
    tool_json_int(&j, "threads", o->threads);
    tool_json_str(&j, "cpu", tool_cpu_name());
    tool_json_str(&j, "isa", lc_isa_name(lc_isa_get()));
    tool_json_str(&j, "version", lc_version());
    return tool_json_end(&j, stdout);
}

int tool_prune_eval(int argc, char **argv) {
    if (argc < 3 || strncmp(argv[2], "--", 2) == 0) {
        tool_error("prune-eval: which model? (mnist-mlp, lenet5 or stories260k)");
        return 2;
    }
    tool_eval_opts o = {.model = argv[2],
                        .layers = "all",
                        .data = tool_data_dir(NULL),
                        .threads = tool_cpu_count(),
                        .reps = 1};
    tool_args a;
    tool_args_init(&a, argc, argv, 3);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--pattern")) {
            if (!(o.pattern = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--budget")) {
            if (!tool_args_double(&a, &o.budget)) return 2;
            if (!(o.budget > 0 && o.budget <= 1)) {
                tool_error("prune-eval: --budget %g: the fraction of weights kept must be in "
                           "(0, 1]",
                           o.budget);
                return 2;
            }
        } else if (tool_args_is(&a, "--layers")) {
            if (!(o.layers = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--data")) {
            if (!(o.data = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--threads")) {
            int64_t t;
            if (!tool_args_int(&a, 1, 1024, &t)) return 2;
            o.threads = (int)t;
        } else if (tool_args_is(&a, "--reps")) {
            int64_t r;
            if (!tool_args_int(&a, 1, 64, &r)) return 2;
            o.reps = (int)r;
        } else if (tool_args_is(&a, "--finetune")) {
            if (!tool_args_flag(&a)) return 2;
            o.finetune = true;
        } else if (tool_args_is(&a, "--json")) {
            if (!tool_args_flag(&a)) return 2;
            o.json = true;
        } else {
            return tool_args_unknown(&a, "prune-eval");
        }
    }
    if (!o.pattern) {
        tool_error("prune-eval: --pattern is required (dense, unstructured:S, "
                   "unstructured-rows:S, block<B>:S, block<BH>x<BW>:S, nm:N:M[:vV], rows:S)");
        return 2;
    }
    if (o.finetune && strcmp(o.model, "mnist-mlp") != 0 && strcmp(o.model, "lenet5") != 0) {
        tool_error("prune-eval: --finetune: only the MNIST models (mnist-mlp, lenet5) can be "
                   "fine-tuned, on test images that are then not scored");
        return 2;
    }
    tool_prune_pattern pat;
    if (!tool_prune_pattern_parse(o.pattern, o.budget, &pat)) return 2;
    if (o.finetune && pat.projection) {
        tool_error("prune-eval: --finetune keeps a mask fixed; %s is a projection, not a mask",
                   o.pattern);
        return 2;
    }
    char blas[128];
    if (!tool_threads_apply(o.threads, blas, sizeof blas)) return 2;
    tool_eval_result r;
    int rc = tool_prune_eval_run(&o, &pat, &r);
    if (rc) return rc;
    if (o.json) return print_json(&o, &r) ? 0 : 1;
    print_text(&o, &r);
    return 0;
}
