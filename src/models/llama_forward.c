// llama_forward.c: the Llama-2 forward pass of llama2.c over T new positions with a KV cache:
// x = emb[token]; per block x += wo·attn(rope(wq·n(x)), rope(wk·n(x)), wv·n(x)),
// x += w2·(silu(w1·n(x)) ⊙ w3·n(x)); logits = emb·n(x) (n = RMSNorm with its own weights).
#include "llama.h"
#include "nn/nn.h"

#include <math.h>
#include <string.h>

static lc_status alloc_floats(float **p, int64_t count, const char *what) {
    return lci_alloc_array((void **)p, (size_t)(count > 0 ? count : 1), sizeof(float), what);
}

lc_status lci_llama_alloc(lci_llama *s) {
    const lci_llama_config *c = &s->c;
    const int64_t t = c->seq_len, half = s->head_size / 2;
    const int64_t cache = (int64_t)c->n_layers * t * s->kv_dim;
    lc_status st;
    if ((st = alloc_floats(&s->rope_cos, t * half, "RoPE table")) ||
        (st = alloc_floats(&s->rope_sin, t * half, "RoPE table")) ||
        (st = alloc_floats(&s->emb, (int64_t)c->vocab * c->dim, "embedding rows")) ||
        (st = alloc_floats(&s->x, t * c->dim, "activations")) ||
        (st = alloc_floats(&s->xb, t * c->dim, "activations")) ||
        (st = alloc_floats(&s->xb2, t * c->dim, "activations")) ||
        (st = alloc_floats(&s->q, t * c->dim, "queries")) ||
        (st = alloc_floats(&s->hb, t * c->hidden, "hidden activations")) ||
        (st = alloc_floats(&s->hb2, t * c->hidden, "hidden activations")) ||
        (st = alloc_floats(&s->att, t, "attention scores")) ||
        (st = alloc_floats(&s->logits, t * c->vocab, "logits")) ||
        (st = alloc_floats(&s->key_cache, cache, "key cache")) ||
        (st = alloc_floats(&s->value_cache, cache, "value cache")))
        return st;
    // llama2.c's rotation angles: position · 10000^(−i/head_size) for the pair (i, i+1).
    for (int64_t p = 0; p < t; p++)
        for (int64_t i = 0; i < half; i++) {
            float freq = 1.0f / powf(10000.0f, (float)(2 * i) / (float)s->head_size);
            float val = (float)p * freq;
            s->rope_cos[p * half + i] = cosf(val);
            s->rope_sin[p * half + i] = sinf(val);
        }
    return LC_OK;
}

void lci_llama_release(lci_llama *s) {
    float *f[] = {s->rms_att, s->rms_ffn, s->rms_final, s->rope_cos,   s->rope_sin, s->emb,
                  s->x,       s->xb,      s->xb2,       s->q,          s->hb,       s->hb2,
                  s->att,     s->logits,  s->key_cache, s->value_cache};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) lci_free(f[i]);
    lci_free(s->work);
    lci_free(s->excerpt);
    lci_free(s->stories);
    lci_tokenizer_free(&s->tok);
}

lc_status lci_llama_refresh_embedding(lc_model *model) {
    lci_llama *s = model->impl;
    lc_status st = lc_mat_to_dense(model->layers[LCI_L_EMB].mats[0], s->emb, s->c.dim);
    if (st) lci_error_prefix("tok_embeddings");
    return st;
}

// Y (t × a->m, row stride ldy) = X·Aᵀ + beta·Y through the current matrix, with the runner's
// scratch (grown only when this matrix needs more than any before it).
static lc_status product(lci_llama *s, const lc_mat *a, int64_t t, const float *x, int64_t ldx,
                         float beta, float *y, int64_t ldy) {
    size_t need;
    lc_status st = lc_mat_workspace_size(a, LC_LAYOUT_ROWS, t, &need);
    if (st) return st;
    if (need > s->work_size) {
        void *w = lci_alloc(need);
        if (!w) return lci_error(LC_ERR_NOMEM, "cannot allocate %zu bytes of scratch", need);
        lci_free(s->work);
        s->work = w;
        s->work_size = need;
    }
    return lc_mat_mm_ws(a, LC_LAYOUT_ROWS, t, 1.0f, x, ldx, beta, y, ldy, s->work, s->work_size);
}

// out = x / rms(x) ⊙ w on t rows of d, as llama2.c (eps 1e-5 inside the root).
static void rmsnorm(float *out, const float *x, const float *w, int64_t t, int64_t d) {
    for (int64_t r = 0; r < t; r++) {
        const float *xr = x + r * d;
        float ss = 0.0f;
        for (int64_t i = 0; i < d; i++) ss += xr[i] * xr[i];
        ss = 1.0f / sqrtf(ss / (float)d + 1e-5f);
        for (int64_t i = 0; i < d; i++) out[r * d + i] = w[i] * (ss * xr[i]);
    }
}

// Rotates the consecutive pairs of each head of one row at position pos.
static void rope(const lci_llama *s, float *v, int64_t width, int64_t pos) {
    const int64_t half = s->head_size / 2;
    const float *cs = s->rope_cos + pos * half, *sn = s->rope_sin + pos * half;
    for (int64_t i = 0; i < width; i += 2) {
        const int64_t f = (i % s->head_size) / 2;
        const float v0 = v[i], v1 = v[i + 1];
        v[i] = v0 * cs[f] - v1 * sn[f];
        v[i + 1] = v0 * sn[f] + v1 * cs[f];
    }
}

// Causal grouped-query attention of the t new rows (queries in s->q) over the cached positions
// 0 .. pos0+r of layer l, into s->xb2.
static void attention(lci_llama *s, int64_t l, int64_t t, int64_t pos0) {
    const lci_llama_config *c = &s->c;
    const int64_t hs = s->head_size, kvd = s->kv_dim, kv_mul = c->n_heads / c->n_kv_heads;
    const float *kc = s->key_cache + l * c->seq_len * kvd;
    const float *vc = s->value_cache + l * c->seq_len * kvd;
    const float scale = 1.0f / sqrtf((float)hs);
    float *att = s->att;
    for (int64_t r = 0; r < t; r++) {
        const int64_t n = pos0 + r + 1; // positions this row sees
        for (int64_t h = 0; h < c->n_heads; h++) {
            const float *q = s->q + r * c->dim + h * hs;
            const int64_t off = (h / kv_mul) * hs;
            float mx = -INFINITY;
            for (int64_t p = 0; p < n; p++) {
                const float *k = kc + p * kvd + off;
                float dot = 0.0f;
                for (int64_t i = 0; i < hs; i++) dot += q[i] * k[i];
                att[p] = dot * scale;
                if (att[p] > mx) mx = att[p];
            }
            float sum = 0.0f;
            for (int64_t p = 0; p < n; p++) {
                att[p] = expf(att[p] - mx);
                sum += att[p];
            }
            float *o = s->xb2 + r * c->dim + h * hs;
            for (int64_t i = 0; i < hs; i++) o[i] = 0.0f;
            const float inv = 1.0f / sum;
            for (int64_t p = 0; p < n; p++) {
                const float *v = vc + p * kvd + off;
                const float a = att[p] * inv;
                for (int64_t i = 0; i < hs; i++) o[i] += a * v[i];
            }
        }
    }
}

lc_status lci_llama_forward(lc_model *model, const int32_t *tokens, int64_t t, int64_t pos0,
                            int64_t n_logits) {
    lci_llama *s = model->impl;
    const lci_llama_config *c = &s->c;
    const int64_t d = c->dim, kvd = s->kv_dim, hid = c->hidden;
    for (int64_t r = 0; r < t; r++) {
        if (tokens[r] < 0 || tokens[r] >= c->vocab)
            return lci_error(LC_ERR_ARG, "token %d at position %lld is outside 0..%d", tokens[r],
                             (long long)(pos0 + r), c->vocab - 1);
        memcpy(s->x + r * d, s->emb + (int64_t)tokens[r] * d, (size_t)d * sizeof(float));
    }
    const lci_model_layer *L = model->layers;
    lc_status st = LC_OK;
    const char *step = "";
    int64_t l = 0;
    for (; l < c->n_layers; l++) {
        float *kc = s->key_cache + (l * c->seq_len + pos0) * kvd;
        float *vc = s->value_cache + (l * c->seq_len + pos0) * kvd;
        rmsnorm(s->xb, s->x, s->rms_att + l * d, t, d);
        // q, k, v of the new rows; k and v go straight into the cache.
        if ((st = product(s, L[LCI_L_WQ].mats[l], t, s->xb, d, 0.0f, s->q, d)) ||
            (st = product(s, L[LCI_L_WK].mats[l], t, s->xb, d, 0.0f, kc, kvd)) ||
            (st = product(s, L[LCI_L_WV].mats[l], t, s->xb, d, 0.0f, vc, kvd))) {
            step = "wq/wk/wv";
            goto fail;
        }
        for (int64_t r = 0; r < t; r++) {
            rope(s, s->q + r * d, d, pos0 + r);
            rope(s, kc + r * kvd, kvd, pos0 + r);
        }
        attention(s, l, t, pos0);
        // Residuals: beta = 1 adds the product to x.
        if ((st = product(s, L[LCI_L_WO].mats[l], t, s->xb2, d, 1.0f, s->x, d))) {
            step = "wo";
            goto fail;
        }
        rmsnorm(s->xb, s->x, s->rms_ffn + l * d, t, d);
        // SwiGLU: x += w2·(silu(w1·xb) ⊙ w3·xb), with preallocated hidden rows (lc_ffn would
        // allocate them per call).
        if ((st = product(s, L[LCI_L_W1].mats[l], t, s->xb, d, 0.0f, s->hb, hid)) ||
            (st = product(s, L[LCI_L_W3].mats[l], t, s->xb, d, 0.0f, s->hb2, hid))) {
            step = "w1/w3";
            goto fail;
        }
        lci_activation_gated(LC_ACT_SILU, s->hb, s->hb2, t * hid);
        if ((st = product(s, L[LCI_L_W2].mats[l], t, s->hb, hid, 1.0f, s->x, d))) {
            step = "w2";
            goto fail;
        }
    }
    const int64_t first = t - n_logits;
    rmsnorm(s->xb, s->x + first * d, s->rms_final, n_logits, d);
    st = product(s, L[LCI_L_EMB].mats[0], n_logits, s->xb, d, 0.0f, s->logits, c->vocab);
    if (st) lci_error_prefix("classifier (tok_embeddings)");
    return st;
fail:
    lci_error_prefix("block %lld %s", (long long)l, step);
    return st;
}
