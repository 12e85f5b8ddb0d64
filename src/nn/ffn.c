// ffn.c: the feed-forward block y = down(act(up·x + b_up)) + b_down, and its gated form
// y = down(act(gate·x + b_gate) ⊙ (up·x + b_up)) + b_down (SwiGLU with SiLU): three linear
// layers around a T×d_ff hidden array allocated per call.
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

lc_status lc_ffn_forward(const lc_ffn *ffn, int64_t t, const float *x, int64_t ldx, float *y,
                         int64_t ldy) {
    static const char who[] = "lc_ffn_forward";
    if (!ffn) return lci_error(LC_ERR_ARG, "%s: NULL FFN", who);
    if (t < 0) return lci_error(LC_ERR_ARG, "%s: T = %lld is negative", who, (long long)t);
    const int64_t d_model = ffn->up.w->k, d_ff = ffn->up.w->m;
    const bool gated = ffn->gate.w != NULL;
    lc_status st;
    if ((st = lci_nn_check_rows(who, "x", "d_model", t, d_model, x, ldx)) ||
        (st = lci_nn_check_rows(who, "y", "d_model", t, d_model, y, ldy)))
        return st;
    if (t == 0) {
        lci_error_clear();
        return LC_OK;
    }
    // The hidden activations: T×d_ff, contiguous (row stride d_ff, at least 1 as lc_mat_mm
    // wants), and the up branch beside them in the gated form.
    const int64_t ldh = d_ff > 0 ? d_ff : 1;
    int64_t count, total;
    if (lci_mul_i64(t, ldh, &count) || lci_mul_i64(count, gated ? 2 : 1, &total))
        return lci_error(LC_ERR_OVERFLOW, "%s: T = %lld rows of d_ff = %lld overflow", who,
                         (long long)t, (long long)d_ff);
    float *h = NULL;
    if ((st = lci_alloc_array((void **)&h, (size_t)total, sizeof(float), "hidden activations"))) {
        lci_error_prefix("%s", who);
        return st;
    }
    // x is read completely (up, gate) before down writes y, so y may overlap x.
    const char *step = "up";
    if (gated) {
        float *u = h + count;
        if ((st = lci_linear_apply(&ffn->up, t, x, ldx, u, ldh))) goto fail;
        step = "gate";
        if ((st = lci_linear_apply(&ffn->gate, t, x, ldx, h, ldh))) goto fail;
        lci_activation_gated(ffn->act, h, u, t * d_ff);
    } else {
        if ((st = lci_linear_apply(&ffn->up, t, x, ldx, h, ldh))) goto fail;
        lci_activation_apply(ffn->act, h, t * d_ff);
    }
    step = "down";
    if ((st = lci_linear_apply(&ffn->down, t, h, ldh, y, ldy))) goto fail;
    lci_free(h);
    lci_error_clear();
    return LC_OK;
fail:
    lci_free(h);
    lci_error_prefix("%s: %s", who, step);
    return st;
}

void lc_ffn_free(lc_ffn *ffn) {
    if (!ffn) return;
    ffn_release(ffn);
    lci_free(ffn);
}
