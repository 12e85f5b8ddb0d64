// stories260k.c: the stories260k runner: a 260K-parameter Llama-2 (llama2.c format) loaded from
// stories260K/ (config from the .bin header, weights from npy/), scored by mean next-token NLL
// on the TinyStories excerpt, and greedy decoding with a KV cache.
#include "llama.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DIR_NAME  "stories260K"
#define BIN_NAME  "stories260K.bin"
#define TOK_NAME  "tok512.bin"
#define TEXT_NAME "tinystories_valid_excerpt.txt"

// Reads and checks the 7-int32 header of the checkpoint, and that the file holds exactly the
// arrays that configuration implies (the weights themselves are read from npy/).
static lc_status read_config(const char *dir, lci_llama_config *c) {
    char *path;
    lc_status st = lci_model_path(dir, BIN_NAME, &path);
    if (st) return st;
    FILE *f = fopen(path, "rb");
    int32_t h[7];
    long size = -1;
    if (!f) {
        st = lci_error(LC_ERR_IO, "%s: cannot open", path);
    } else {
        size_t got = fread(h, sizeof(int32_t), 7, f);
        if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
        fclose(f);
        if (got != 7) st = lci_error(LC_ERR_FORMAT, "%s: truncated header", path);
    }
    if (!st) {
        *c = (lci_llama_config){h[0], h[1], h[2], h[3], h[4], h[5], h[6]};
        // A negative vocab means a separate classifier, which this runner does not read.
        bool ok = c->dim > 0 && c->dim <= 4096 && c->hidden > 0 && c->hidden <= 16384 &&
                  c->n_layers > 0 && c->n_layers <= 64 && c->n_heads > 0 && c->n_kv_heads > 0 &&
                  c->dim % c->n_heads == 0 && (c->dim / c->n_heads) % 2 == 0 &&
                  c->n_heads % c->n_kv_heads == 0 && c->vocab > 3 + 255 && c->vocab <= 65536 &&
                  c->seq_len > 0 && c->seq_len <= 4096;
        if (!ok)
            st = lci_error(LC_ERR_FORMAT,
                           "%s: unsupported configuration dim %d hidden %d layers %d heads %d "
                           "kv heads %d vocab %d seq_len %d",
                           path, c->dim, c->hidden, c->n_layers, c->n_heads, c->n_kv_heads,
                           c->vocab, c->seq_len);
    }
    if (!st) {
        const int64_t d = c->dim, l = c->n_layers, kvd = d / c->n_heads * c->n_kv_heads;
        const int64_t hs = d / c->n_heads;
        int64_t floats = (int64_t)c->vocab * d + 2 * l * d + l * (2 * d * d + 2 * kvd * d) +
                         3 * l * c->hidden * d + d + (int64_t)c->seq_len * hs;
        if (size != 28 + 4 * floats)
            st = lci_error(LC_ERR_FORMAT, "%s: %ld bytes, its configuration needs %lld", path, size,
                           (long long)(28 + 4 * floats));
    }
    lci_free(path);
    return st;
}

// Reads the excerpt, one story per non-empty line.
static lc_status read_excerpt(lci_llama *s, const char *dir) {
    char *path;
    lc_status st = lci_model_path(dir, TEXT_NAME, &path);
    unsigned char *text = NULL;
    size_t size = 0;
    if (!st) st = lci_read_whole_file(path, &text, &size);
    lci_free(path);
    if (st) return st;
    text[size] = '\0';
    s->excerpt = (char *)text;
    int64_t lines = 1;
    for (size_t i = 0; i < size; i++) lines += text[i] == '\n';
    if ((st = lci_alloc_array((void **)&s->stories, (size_t)lines, sizeof(char *), "stories")))
        return st;
    for (char *p = s->excerpt; *p;) {
        char *e = strchr(p, '\n');
        if (e) *e = '\0';
        if (*p) s->stories[s->n_stories++] = p;
        if (!e) break;
        p = e + 1;
    }
    return LC_OK;
}

static lc_status load(lc_model *model, const char *data_dir) {
    lci_llama *s = lci_calloc(1, sizeof *s);
    if (!s) return lci_error(LC_ERR_NOMEM, "cannot allocate the runner");
    model->impl = s; // destroy frees whatever is loaded when a later step fails
    char *dir = NULL, *npy = NULL, *tok = NULL;
    lc_status st = lci_model_path(data_dir, DIR_NAME, &dir);
    if (!st) st = lci_model_path(dir, "npy", &npy);
    if (!st) st = read_config(dir, &s->c);
    const lci_llama_config *c = &s->c;
    const int64_t d = c->dim, l = c->n_layers, h = c->hidden;
    s->head_size = c->dim / (c->n_heads > 0 ? c->n_heads : 1);
    s->kv_dim = s->head_size * c->n_kv_heads;
    const int64_t kvd = s->kv_dim;
    // The matrix layers, named and ordered as the layer list (LCI_L_*).
    static const char *const names[LCI_L_N] = {
        "tok_embeddings", "wq", "wk", "wv", "wo", "w1", "w2", "w3"};
    const int64_t shape[LCI_L_N][2] = {{c->vocab, d}, {d, d}, {kvd, d}, {kvd, d},
                                       {d, d},        {h, d}, {d, h},   {h, d}};
    for (int i = 0; i < LCI_L_N && !st; i++) {
        const int64_t count = i == LCI_L_EMB ? 1 : l;
        const int64_t sh3[3] = {l, shape[i][0], shape[i][1]};
        char file[64];
        snprintf(file, sizeof file, "%s.npy", names[i]);
        float *w = NULL;
        st = i == LCI_L_EMB ? lci_model_read_npy(npy, file, 2, shape[i], &w)
                            : lci_model_read_npy(npy, file, 3, sh3, &w);
        if (!st)
            st = lci_model_add_layer(model, names[i], count, shape[i][0], shape[i][1], w, NULL,
                                     i == LCI_L_EMB, i == LCI_L_EMB);
    }
    const int64_t ld[2] = {l, d};
    if (!st) st = lci_model_read_npy(npy, "rms_att.npy", 2, ld, &s->rms_att);
    if (!st) st = lci_model_read_npy(npy, "rms_ffn.npy", 2, ld, &s->rms_ffn);
    if (!st) st = lci_model_read_npy(npy, "rms_final.npy", 1, &d, &s->rms_final);
    if (!st) st = lci_model_path(dir, TOK_NAME, &tok);
    if (!st) st = lci_tokenizer_load(&s->tok, tok, c->vocab);
    if (!st) st = read_excerpt(s, dir);
    if (!st) st = lci_llama_alloc(s);
    lci_free(dir);
    lci_free(npy);
    lci_free(tok);
    return st;
}

static void destroy(lc_model *model) {
    lci_llama *s = model->impl;
    if (!s) return;
    lci_llama_release(s);
    lci_free(s);
    model->impl = NULL;
}

static lc_status evaluate(lc_model *model, int64_t first, int64_t count, lc_model_score *score) {
    lci_llama *s = model->impl;
    const lci_llama_config *c = &s->c;
    if (first > s->n_stories || (count >= 0 && count > s->n_stories - first))
        return lci_error(LC_ERR_ARG, "stories %lld .. +%lld outside the excerpt's %lld",
                         (long long)first, (long long)count, (long long)s->n_stories);
    if (count < 0) count = s->n_stories - first;
    lc_status st = lci_llama_refresh_embedding(model);
    if (st) return st;
    double nll = 0.0;
    int64_t predictions = 0;
    for (int64_t i = first; i < first + count && !st; i++) {
        const char *text = s->stories[i];
        int32_t *tok = NULL;
        int64_t n = 0, cap = (int64_t)strlen(text) + 2;
        st = lci_alloc_array((void **)&tok, (size_t)cap, sizeof(int32_t), "story tokens");
        if (!st) st = lci_tokenizer_encode(&s->tok, text, 1, tok, cap, &n);
        if (n > c->seq_len) n = c->seq_len; // the model's context
        // One batch of n rows per story: causal attention over the story, all logits at once.
        if (!st && n > 1) st = lci_llama_forward(model, tok, n, 0, n);
        for (int64_t r = 0; !st && r + 1 < n; r++) {
            const float *z = s->logits + r * c->vocab;
            float mx = z[0];
            for (int32_t v = 1; v < c->vocab; v++) mx = z[v] > mx ? z[v] : mx;
            double sum = 0.0;
            for (int32_t v = 0; v < c->vocab; v++) sum += exp((double)z[v] - mx);
            nll += log(sum) + mx - z[tok[r + 1]];
            predictions++;
        }
        lci_free(tok);
        if (st) lci_error_prefix("story %lld", (long long)i);
    }
    if (st) return st;
    *score = (lc_model_score){"nll", predictions ? nll / (double)predictions : 0.0, predictions};
    return LC_OK;
}

static int32_t argmax(const float *z, int32_t n) {
    int32_t best = 0;
    for (int32_t v = 1; v < n; v++)
        if (z[v] > z[best]) best = v;
    return best;
}

static lc_status generate(lc_model *model, const int32_t *prompt, int64_t n_prompt, int64_t max_new,
                          int32_t *out, int64_t cap, int64_t *n_out) {
    lci_llama *s = model->impl;
    const int64_t ctx = s->c.seq_len;
    if (n_prompt > ctx)
        return lci_error(LC_ERR_ARG,
                         "lc_model_generate: a prompt of %lld tokens exceeds the %lld "
                         "of the context",
                         (long long)n_prompt, (long long)ctx);
    lc_status st = lci_llama_refresh_embedding(model);
    // The prompt in one batch, then one row per token through the KV cache.
    if (!st) st = lci_llama_forward(model, prompt, n_prompt, 0, 1);
    if (st) {
        lci_error_prefix("lc_model_generate");
        return st;
    }
    memmove(out, prompt, (size_t)n_prompt * sizeof(int32_t));
    int64_t n = n_prompt;
    while (n - n_prompt < max_new && n < cap && n < ctx) {
        const int32_t next = argmax(s->logits, s->c.vocab);
        // The end of a story: EOS, or BOS, which llama2.c's training data puts between stories.
        if (next == LCI_TOKEN_EOS || next == LCI_TOKEN_BOS) break;
        out[n++] = next;
        if (n - n_prompt == max_new || n == cap || n == ctx) break;
        if ((st = lci_llama_forward(model, &out[n - 1], 1, n - 1, 1))) {
            lci_error_prefix("lc_model_generate");
            return st;
        }
    }
    *n_out = n;
    return LC_OK;
}

static lc_status encode(const lc_model *model, const char *text, int32_t bos, int32_t *tokens,
                        int64_t cap, int64_t *n) {
    const lci_llama *s = model->impl;
    return lci_tokenizer_encode(&s->tok, text, bos, tokens, cap, n);
}

static lc_status token_text(const lc_model *model, int32_t prev, int32_t token, const char **text) {
    const lci_llama *s = model->impl;
    return lci_tokenizer_text(&s->tok, prev, token, text);
}

// shrink_consumer is NULL: a row-pruned weight keeps its full shape with zero rows (see
// docs/design.md, "stories260k"): exact for every weight, since silu(0)·u = 0 and a zero row of
// w3 zeroes the gated product, and the attention projections feed RoPE and heads that cannot
// lose single channels.
const lci_model_ops lci_model_stories260k = {.name = "stories260k",
                                             .load = load,
                                             .evaluate = evaluate,
                                             .encode = encode,
                                             .token_text = token_text,
                                             .generate = generate,
                                             .destroy = destroy};
