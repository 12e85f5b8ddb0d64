// llama.h: internals of the stories260k runner: the Llama-2 configuration, the llama2.c
// tokenizer (tokenizer.c) and the forward pass over T new positions with a KV cache
// (llama_forward.c).
#ifndef LACUNA_LLAMA_H
#define LACUNA_LLAMA_H

#include "models.h"

// The 7 int32 of a llama2.c checkpoint header.
typedef struct lci_llama_config {
    int32_t dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len;
} lci_llama_config;

enum { LCI_TOKEN_BOS = 1, LCI_TOKEN_EOS = 2 };

// Reads the whole file at path into a new lci_alloc buffer of *size bytes plus one (for a NUL
// the caller may add): LC_ERR_IO naming the file when it cannot be read.
lc_status lci_read_whole_file(const char *path, unsigned char **out, size_t *size);

// ---- tokenizer.c: llama2.c's tokenizer file (tok512.bin) ----
typedef struct lci_tokenizer {
    int32_t vocab, max_len;
    char **piece;        // vocab NUL-terminated strings (into `bytes`)
    float *score;        // vocab merge scores
    int32_t *sorted;     // token ids sorted by piece (strcmp), for lookups
    char *bytes;         // every piece, each NUL-terminated, owned
    char byte_text[512]; // the 256 one-byte strings "<0xNN>" decodes to
    int32_t space;       // the token of " " (the dummy prefix), -1 when the vocab lacks it
} lci_tokenizer;

// Reads `path` holding `vocab` tokens: LC_ERR_IO when it cannot be read, LC_ERR_FORMAT naming
// the file for a bad or truncated one.
lc_status lci_tokenizer_load(lci_tokenizer *t, const char *path, int32_t vocab);
void lci_tokenizer_free(lci_tokenizer *t);
// llama2.c's encode (dummy prefix " " for non-empty text, UTF-8 characters without a token
// as byte + 3, then the best-scoring adjacent merges) into at most cap tokens.
lc_status lci_tokenizer_encode(const lci_tokenizer *t, const char *text, int32_t bos,
                               int32_t *tokens, int64_t cap, int64_t *n);
// The text of `token` after `prev` (leading space dropped after BOS, "<0xNN>" as that byte).
lc_status lci_tokenizer_text(const lci_tokenizer *t, int32_t prev, int32_t token,
                             const char **text);

// ---- llama_forward.c: the network ----
// Layer indices in model->layers.
enum { LCI_L_EMB, LCI_L_WQ, LCI_L_WK, LCI_L_WV, LCI_L_WO, LCI_L_W1, LCI_L_W2, LCI_L_W3, LCI_L_N };

typedef struct lci_llama {
    lci_llama_config c;
    int32_t head_size, kv_dim;
    float *rms_att, *rms_ffn, *rms_final; // n_layers·dim, n_layers·dim, dim
    float *rope_cos, *rope_sin;           // seq_len × head_size/2
    // The token embedding as rows, refreshed from the current tok_embeddings matrix at the start
    // of each evaluate / generate (it may have been replaced by another format).
    float *emb;
    // Activations for up to seq_len rows, and the KV cache: n_layers × seq_len × kv_dim each.
    float *x, *xb, *xb2, *q, *hb, *hb2, *att, *logits;
    float *key_cache, *value_cache;
    void *work; // lc_mat_mm_ws scratch, grown when a product needs more (never per token)
    size_t work_size;
    // The evaluation excerpt: one story per line.
    char *excerpt;
    char **stories;
    int64_t n_stories;
    lci_tokenizer tok;
} lci_llama;

// Allocates every buffer of s for s->c (called once at load).
lc_status lci_llama_alloc(lci_llama *s);
void lci_llama_release(lci_llama *s);
// Copies the current tok_embeddings matrix into s->emb (lc_mat_to_dense).
lc_status lci_llama_refresh_embedding(lc_model *model);
// Runs tokens[0 .. t) at positions pos0 .. pos0+t−1 (pos0 + t <= seq_len), reading the KV
// cache of positions < pos0 and writing those of the new ones; the logits of the last
// n_logits rows go to s->logits (row stride vocab). Every weight is applied through its
// current lc_mat (lc_mat_mm_ws in the rows layout). Allocates only when the scratch grows.
lc_status lci_llama_forward(lc_model *model, const int32_t *tokens, int64_t t, int64_t pos0,
                            int64_t n_logits);

#endif // LACUNA_LLAMA_H
