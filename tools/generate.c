// generate.c: `lacuna generate stories260k [--prompt TEXT] [--tokens N] [--pattern P |
// --format F] [--threads T] [--data DIR]`: greedy text from the TinyStories Llama (BOS, then the
// prompt), then one line with the tokens generated and their rate (lc_model_generate timed alone).
#include "tool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

// The data directory: --data, else $LACUNA_DATA, else ../shared/data/nn (from the repository).
const char *tool_data_dir(const char *given) {
    if (given) return given;
    const char *env = getenv("LACUNA_DATA");
    return env && *env ? env : "../shared/data/nn";
}

// Replaces every weight matrix by a copy in `format` (lc_mat_from_dense: every nonzero kept).
static lc_status convert_weights(lc_model *model, lc_format format) {
    for (int64_t i = 0; i < lc_model_layer_count(model); i++) {
        lc_model_layer info;
        lc_status st = lc_model_layer_info(model, i, &info);
        for (int64_t j = 0; !st && j < info.count; j++) {
            const float *w;
            lc_mat *m = NULL;
            if (!(st = lc_model_weight(model, i, j, &w)) &&
                !(st = lc_mat_from_dense(&m, format, info.rows, info.cols, w, info.cols, NULL)))
                st = lc_model_set_weight(model, i, j, m, NULL);
        }
        if (st) return st;
    }
    return LC_OK;
}

// Prunes every weight layer but the token embedding (for rows: and but the output layer), as
// prune-eval's "all" does, each matrix by magnitude to the format its pattern implies, or
// projects it (lowrank:R, monarch:B).
static lc_status prune_weights(lc_model *model, const tool_prune_pattern *pat) {
    const bool rows = !pat->projection && pat->spec.pattern == LC_PRUNE_ROWS;
    // Last layer first, as prune-eval: a row-pruned producer narrows its consumer in place.
    for (int64_t i = lc_model_layer_count(model) - 1; i >= 0; i--) {
        lc_model_layer info;
        lc_status st = lc_model_layer_info(model, i, &info);
        if (st) return st;
        if (info.is_embedding || (rows && info.is_output)) continue;
        int32_t *kept = malloc((size_t)(info.rows > 0 ? info.rows : 1) * sizeof *kept);
        if (!kept) return LC_ERR_NOMEM;
        for (int64_t j = 0; !st && j < info.count; j++) {
            const float *w;
            lc_mat *m = NULL;
            const int64_t ld = info.cols > 0 ? info.cols : 1;
            if ((st = lc_model_weight(model, i, j, &w))) break;
            st = pat->projection
                     ? tool_prune_project(pat, w, info.rows, info.cols, &m)
                     : lc_prune_to_mat(&m, w, info.rows, info.cols, ld, &pat->spec, kept);
            if (!st) st = lc_model_set_weight(model, i, j, m, rows ? kept : NULL);
        }
        free(kept);
        if (st) return st;
    }
    return LC_OK;
}

// Prints a token's text; raw byte tokens that are control characters (not white space) are
// skipped, as llama2.c does, but bytes of UTF-8 characters are kept so they reassemble.
static void print_piece(const char *p) {
    const unsigned char c = (unsigned char)p[0];
    if (!c || (!p[1] && (c < 0x20 || c == 0x7F) && !isspace(c))) return;
    fputs(p, stdout);
}

// One lacuna-generate/1 object: what ran and how fast (the text is not included).
static bool print_json(const char *model, const char *pattern, lc_format format, int64_t threads,
                       int64_t n_prompt, int64_t made, double secs) {
    tool_json j;
    tool_json_begin(&j);
    tool_json_str(&j, "schema", "lacuna-generate/1");
    tool_json_str(&j, "model", model);
    tool_json_str(&j, "pattern", pattern ? pattern : "dense");
    tool_json_str(&j, "format", lc_format_name(format));
    tool_json_int(&j, "threads", threads);
    tool_json_int(&j, "prompt_tokens", n_prompt);
    tool_json_int(&j, "tokens", made);
    tool_json_num(&j, "time_s", secs);
    tool_json_num(&j, "tokens_per_s", secs > 0 ? (double)made / secs : 0.0);
    tool_json_str(&j, "cpu", tool_cpu_name());
    tool_json_str(&j, "isa", lc_isa_name(lc_isa_get()));
    tool_json_str(&j, "version", lc_version());
    return tool_json_end(&j, stdout);
}

int tool_generate(int argc, char **argv) {
    if (argc < 3 || strncmp(argv[2], "--", 2) == 0) {
        tool_error("generate: which model? (stories260k)");
        return 2;
    }
    const char *name = argv[2], *prompt = "", *data = NULL, *pattern = NULL;
    lc_format format = LC_FORMAT_DENSE;
    int64_t tokens = 256, threads = 1;
    bool json = false;
    tool_args a;
    tool_args_init(&a, argc, argv, 3);
    while (tool_args_next(&a)) {
        if (tool_args_is(&a, "--prompt")) {
            if (!(prompt = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--data")) {
            if (!(data = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--pattern")) {
            if (!(pattern = tool_args_value(&a))) return 2;
        } else if (tool_args_is(&a, "--format")) {
            const char *v = tool_args_value(&a);
            if (!v) return 2;
            if (lc_format_parse(v, &format)) {
                tool_error("generate: unknown format '%s'", v);
                return 2;
            }
        } else if (tool_args_is(&a, "--tokens")) {
            if (!tool_args_int(&a, 0, 1 << 20, &tokens)) return 2;
        } else if (tool_args_is(&a, "--threads")) {
            if (!tool_args_int(&a, 1, 1024, &threads)) return 2;
        } else if (tool_args_is(&a, "--json")) {
            if (!tool_args_flag(&a)) return 2;
            json = true;
        } else {
            return tool_args_unknown(&a, "generate");
        }
    }
    tool_prune_pattern pat;
    lc_status st;
    if (pattern && !tool_prune_pattern_parse(pattern, 0, &pat)) return 2;
    if (pattern && format != LC_FORMAT_DENSE) {
        tool_error("generate: --pattern and --format exclude each other (a pattern implies its "
                   "format)");
        return 2;
    }
    char blas[128];
    if (!tool_threads_apply((int)threads, blas, sizeof blas)) return 2;
    lc_model *model = NULL;
    st = lc_model_load(&model, name, tool_data_dir(data));
    if (st) return tool_lib_error("generate", st);
    if (pattern && (st = prune_weights(model, &pat))) {
        lc_model_free(model);
        return tool_lib_error("generate: pruning the weights", st);
    }
    if (format != LC_FORMAT_DENSE && (st = convert_weights(model, format))) {
        lc_model_free(model);
        return tool_lib_error("generate: converting the weights", st);
    }
    // The context bounds what can come back: prompt and new tokens together.
    const int64_t cap = (int64_t)strlen(prompt) + 2 + tokens;
    int32_t *buf = malloc((size_t)cap * sizeof(int32_t));
    int rc = 1;
    int64_t n_prompt = 0, n = 0;
    if (!buf) {
        tool_error("generate: out of memory");
        goto done;
    }
    if ((st = lc_model_encode(model, prompt, 1, buf, cap, &n_prompt))) {
        rc = tool_lib_error("generate: encoding the prompt", st);
        goto done;
    }
    double t0 = lci_now();
    st = lc_model_generate(model, buf, n_prompt, tokens, buf, cap, &n);
    double secs = lci_now() - t0;
    if (st) {
        rc = tool_lib_error("generate", st);
        goto done;
    }
    const int64_t made = n - n_prompt;
    if (json) {
        rc = print_json(name, pattern, format, threads, n_prompt, made, secs) ? 0 : 1;
        goto done;
    }
    for (int64_t i = 1; i < n; i++) {
        const char *piece;
        if ((st = lc_model_token_text(model, buf[i - 1], buf[i], &piece))) {
            rc = tool_lib_error("generate: token text", st);
            goto done;
        }
        print_piece(piece);
    }
    printf("\n%lld tokens generated in %.4f s: %.0f tokens/s (%lld thread%s, prompt %lld "
           "tokens)\n",
           (long long)made, secs, secs > 0 ? (double)made / secs : 0.0, (long long)threads,
           threads == 1 ? "" : "s", (long long)n_prompt);
    rc = 0;
done:
    free(buf);
    lc_model_free(model);
    return rc;
}
