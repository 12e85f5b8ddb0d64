// ffn.c: the feed-forward block y = down(act(up·x + b_up)) + b_down, and its gated form
// y = down(act(gate·x + b_gate) ⊙ (up·x + b_up)) + b_down (SwiGLU with SiLU): three linear
// layers around a T×d_ff hidden array, allocated per call or in the caller's workspace.
#include "nn.h"

struct lc_ffn {
    lc_linear up, gate, down; // gate.w is NULL in the plain form
    lc_activation act;
};

static void ffn_release(lc_ffn *f) {
    lci_linear_release(&f->up);
    lci_linear_release(&f->gate);
    lci_linear_release(&f->down);
}

lc_status lc_ffn_create(lc_ffn **out, const lc_mat *up, const lc_mat *gate, const lc_mat *down,
                        lc_activation act, const float *up_bias, const float *gate_bias,
                        const float *down_bias) {
    static const char who[] = "lc_ffn_create";
    if (!out) return lci_error(LC_ERR_ARG, "%s: NULL output", who);
    if (!up || !down)
        return lci_error(LC_ERR_ARG, "%s: NULL %s projection", who, up ? "down" : "up");
    if (!lci_activation_valid(act))
        return lci_error(LC_ERR_ARG, "%s: unknown activation %d", who, (int)act);
    if (gate_bias && !gate) return lci_error(LC_ERR_ARG, "%s: gate bias without a gate", who);
    if (gate && (gate->m != up->m || gate->k != up->k))
        return lci_error(
            LC_ERR_ARG, "%s: gate is %lld×%lld but up is %lld×%lld (both d_ff × d_model)", who,
            (long long)gate->m, (long long)gate->k, (long long)up->m, (long long)up->k);
    if (down->m != up->k || down->k != up->m)
        return lci_error(LC_ERR_ARG,
                         "%s: down is %lld×%lld but up is %lld×%lld: down must be d_model × d_ff "
                         "= %lld×%lld",
                         who, (long long)down->m, (long long)down->k, (long long)up->m,
                         (long long)up->k, (long long)up->k, (long long)up->m);
    lc_ffn *f = lci_calloc(1, sizeof *f);
    if (!f) return lci_error(LC_ERR_NOMEM, "%s: cannot allocate the FFN", who);
    f->act = act;
    lc_status st;
    if ((st = lci_linear_init(&f->up, who, "up bias", up, up_bias)) ||
        (st = lci_linear_init(&f->down, who, "down bias", down, down_bias)) ||
        (gate && (st = lci_linear_init(&f->gate, who, "gate bias", gate, gate_bias)))) {
        ffn_release(f);
        lci_free(f);
        return st;
    }
    *out = f;
    lci_error_clear();
    return LC_OK;
}

// Argument checks of both forwards and the hidden array's size: count = T·d_ff floats (row
// stride ldh = max(1, d_ff)), total = count or twice that gated (the up branch beside it).
static lc_status ffn_check(const char *who, const lc_ffn *ffn, int64_t t, const float *x,
                           int64_t ldx, const float *y, int64_t ldy, int64_t *count,
                           int64_t *total) {
    if (!ffn) return lci_error(LC_ERR_ARG, "%s: NULL FFN", who);
    if (t < 0) return lci_error(LC_ERR_ARG, "%s: T = %lld is negative", who, (long long)t);
    const int64_t d_model = ffn->up.w->k, d_ff = ffn->up.w->m, ldh = d_ff > 0 ? d_ff : 1;
    lc_status st;
    if ((st = lci_nn_check_rows(who, "x", "d_model", t, d_model, x, ldx)) ||
        (st = lci_nn_check_rows(who, "y", "d_model", t, d_model, y, ldy)))
        return st;
    if (lci_mul_i64(t, ldh, count) || lci_mul_i64(*count, ffn->gate.w ? 2 : 1, total) ||
        *total > INT64_MAX / 4 - 64)
        return lci_error(LC_ERR_OVERFLOW, "%s: T = %lld rows of d_ff = %lld overflow", who,
                         (long long)t, (long long)d_ff);
    return LC_OK;
}

// The three products and the activation, T > 0, on the hidden array h (total floats as
// ffn_check gives) and product scratch `work` (NULL: each product allocates its own).
static lc_status ffn_run(const char *who, const lc_ffn *ffn, int64_t t, const float *x, int64_t ldx,
                         float *y, int64_t ldy, float *h, int64_t count, void *work,
                         size_t work_size) {
    const int64_t d_ff = ffn->up.w->m, ldh = d_ff > 0 ? d_ff : 1;
    // x is read completely (up, gate) before down writes y, so y may overlap x.
    const char *step = "up";
    lc_status st;
    if (ffn->gate.w) {
        float *u = h + count;
        if ((st = lci_linear_apply(&ffn->up, t, x, ldx, u, ldh, work, work_size))) goto fail;
        step = "gate";
        if ((st = lci_linear_apply(&ffn->gate, t, x, ldx, h, ldh, work, work_size))) goto fail;
        lci_activation_gated(ffn->act, h, u, t * d_ff);
    } else {
        if ((st = lci_linear_apply(&ffn->up, t, x, ldx, h, ldh, work, work_size))) goto fail;
        lci_activation_apply(ffn->act, h, t * d_ff);
    }
    step = "down";
    if ((st = lci_linear_apply(&ffn->down, t, h, ldh, y, ldy, work, work_size))) goto fail;
    return LC_OK;
fail:
    lci_error_prefix("%s: %s", who, step);
    return st;
}

lc_status lc_ffn_forward(const lc_ffn *ffn, int64_t t, const float *x, int64_t ldx, float *y,
                         int64_t ldy) {
    static const char who[] = "lc_ffn_forward";
    int64_t count = 0, total = 0;
    lc_status st = ffn_check(who, ffn, t, x, ldx, y, ldy, &count, &total);
    if (st) return st;
    if (t == 0) {
        lci_error_clear();
        return LC_OK;
    }
    float *h = NULL;
    if ((st = lci_alloc_array((void **)&h, (size_t)total, sizeof(float), "hidden activations"))) {
        lci_error_prefix("%s", who);
        return st;
    }
    st = ffn_run(who, ffn, t, x, ldx, y, ldy, h, count, NULL, 0);
    lci_free(h);
    if (!st) lci_error_clear();
    return st;
}

lc_status lc_ffn_workspace_size(const lc_ffn *ffn, int64_t t, size_t *bytes) {
    static const char who[] = "lc_ffn_workspace_size";
    if (!ffn || !bytes) return lci_error(LC_ERR_ARG, "%s: NULL argument", who);
    if (t < 0) return lci_error(LC_ERR_ARG, "%s: T = %lld is negative", who, (long long)t);
    const int64_t d_ff = ffn->up.w->m, ldh = d_ff > 0 ? d_ff : 1;
    int64_t count, total;
    if (lci_mul_i64(t, ldh, &count) || lci_mul_i64(count, ffn->gate.w ? 2 : 1, &total) ||
        total > INT64_MAX / 4 - 64)
        return lci_error(LC_ERR_OVERFLOW, "%s: T = %lld rows of d_ff = %lld overflow", who,
                         (long long)t, (long long)d_ff);
    // The hidden array rounded up to 64 bytes (the products' scratch is 64-byte aligned after
    // it), then the largest scratch of the three products, which run in turn.
    size_t prod = 0, s;
    const lc_linear *layers[] = {&ffn->up, &ffn->gate, &ffn->down};
    for (int i = 0; i < 3; i++) {
        if (!layers[i]->w) continue;
        lc_status st = lc_mat_workspace_size(layers[i]->w, LC_LAYOUT_ROWS, t, &s);
        if (st) {
            lci_error_prefix("%s", who);
            return st;
        }
        if (s > prod) prod = s;
    }
    const size_t hidden = ((size_t)total * sizeof(float) + 63) / 64 * 64;
    if (t == 0) prod = 0;
    if (prod > SIZE_MAX - hidden)
        return lci_error(LC_ERR_OVERFLOW, "%s: workspace size overflows", who);
    *bytes = t == 0 ? 0 : hidden + prod;
    lci_error_clear();
    return LC_OK;
}

lc_status lc_ffn_forward_ws(const lc_ffn *ffn, int64_t t, const float *x, int64_t ldx, float *y,
                            int64_t ldy, void *work, size_t work_size) {
    static const char who[] = "lc_ffn_forward_ws";
    int64_t count = 0, total = 0;
    lc_status st = ffn_check(who, ffn, t, x, ldx, y, ldy, &count, &total);
    if (st) return st;
    size_t need;
    if ((st = lc_ffn_workspace_size(ffn, t, &need))) {
        lci_error_prefix("%s", who);
        return st;
    }
    if (work_size < need || (need > 0 && !work) || ((uintptr_t)work & 63))
        return lci_error(LC_ERR_ARG,
                         "%s: workspace %p of %zu bytes, need %zu bytes, 64-byte aligned", who,
                         work, work_size, need);
    if (t == 0) {
        lci_error_clear();
        return LC_OK;
    }
    const size_t hidden = ((size_t)total * sizeof(float) + 63) / 64 * 64;
    char *w = work;
    // Products whose scratch is 0 bytes still go through lc_mat_mm_ws (work non-NULL).
    st = ffn_run(who, ffn, t, x, ldx, y, ldy, (float *)w, count, w + hidden, work_size - hidden);
    if (!st) lci_error_clear();
    return st;
}

void lc_ffn_free(lc_ffn *ffn) {
    if (!ffn) return;
    ffn_release(ffn);
    lci_free(ffn);
}
