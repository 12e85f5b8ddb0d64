// csr_optimize.c: lc_mat_optimize for CSR (inspector-executor): build the layout the structure
// suggests for n_hint vectors, time it against the plain kernels on this machine (both
// activation layouts, runs alternating), keep the faster. Nothing in A changes until
// everything that can fail has succeeded.
#include "csr.h"

#include <string.h>

void lci_csr_unoptimize(lci_csr *c) {
    lci_csr_tiles_free(c->tiles);
    lci_csr_sell_free(c->sell);
    c->tiles = NULL;
    c->sell = NULL;
}

lc_status lci_csr_optimize_tiles(lc_mat *mat, int32_t width) {
    lci_csr *c = (lci_csr *)mat;
    lci_csr_tiles *t = NULL;
    // Build first, swap after: on failure the matrix keeps the layout it had.
    lc_status st = lci_csr_tiles_build(c, width, &t);
    if (st) return st;
    lci_csr_unoptimize(c);
    c->tiles = t;
    return LC_OK;
}

lc_status lci_csr_optimize_sell(lc_mat *mat, int32_t width) {
    lci_csr *c = (lci_csr *)mat;
    lci_csr_sell *s = NULL;
    lc_status st = lci_csr_sell_build_width(c, width, &s);
    if (st) return st;
    lci_csr_unoptimize(c);
    c->sell = s;
    return LC_OK;
}

// The timing trial: Y = A·X for n vectors, X zero, in both activation layouts (the plain
// kernels read X in place in one and pack it in the other; lc_mat_optimize does not know which
// one the caller will use). Plain and candidate runs alternate, so drifting clocks and caches
// hit both alike; each side's time is its fastest run per layout, summed over the layouts.
typedef struct trial {
    lci_csr *c;
    lci_csr_tiles *tiles; // the candidate (one of the two)
    lci_csr_sell *sell;
    lci_mm_args g;
} trial;

// One product with the plain layout (cand = false) or the candidate, in seconds.
static double trial_once(trial *t, bool cand) {
    lci_csr_tiles *keep_tiles = t->c->tiles;
    lci_csr_sell *keep_sell = t->c->sell;
    t->c->tiles = cand ? t->tiles : NULL;
    t->c->sell = cand ? t->sell : NULL;
    double t0 = lci_now();
    lci_csr_mm(&t->c->base, &t->g);
    double secs = lci_now() - t0;
    t->c->tiles = keep_tiles, t->c->sell = keep_sell;
    return secs;
}

static void trial_run(trial *t, double *plain_s, double *cand_s) {
    const int64_t m = t->c->base.m, k = t->c->base.k, n = t->g.n;
    *plain_s = *cand_s = 0;
    for (int layout = 0; layout < 2; layout++) {
        bool cols = layout == 0;
        t->g.layout = cols ? LC_LAYOUT_COLS : LC_LAYOUT_ROWS;
        t->g.ldx = cols ? n : (k > 0 ? k : 1);
        t->g.ldy = cols ? n : (m > 0 ? m : 1);
        double best_plain = 1e30, best_cand = 1e30;
        trial_once(t, false), trial_once(t, true); // warm-up
        for (int r = 0; r < 3; r++) {
            double p = trial_once(t, false), c = trial_once(t, true);
            if (p < best_plain) best_plain = p;
            if (c < best_cand) best_cand = c;
        }
        *plain_s += best_plain, *cand_s += best_cand;
    }
}

// A candidate must beat the plain kernels by this margin to be kept (timing noise should not
// flip the choice back and forth).
#define KEEP_MARGIN 0.97

lc_status lci_csr_optimize(lc_mat *mat, int64_t n_hint) {
    lci_csr *c = (lci_csr *)mat;
    const int64_t m = c->base.m, k = c->base.k;
    lci_csr_tiles *tiles = NULL;
    lci_csr_sell *sell = NULL;
    lc_status st = LC_OK;
    // The candidate the structure suggests; none means the plain kernels are expected to win.
    if (n_hint >= LCI_CSR_SMALL_N) {
        int32_t width = lci_csr_tiles_width(c, n_hint);
        if (width > 0) st = lci_csr_tiles_build(c, width, &tiles);
    } else {
        int32_t width = lci_csr_sell_width(c, n_hint);
        if (width > 0) st = lci_csr_sell_build_width(c, width, &sell);
    }
    if (st) return st;
    if (!tiles && !sell) {
        lci_csr_unoptimize(c);
        return LC_OK;
    }
    // Scratch for the trial: X and Y (n·K and n·M floats, either layout) and the largest
    // workspace of the two layouts and the two activation layouts.
    trial t = {.c = c, .tiles = tiles, .sell = sell};
    float *x = NULL, *y = NULL;
    void *work = NULL;
    size_t ws = 0;
    for (int cand = 0; cand < 2; cand++) {
        lci_csr_tiles *keep_tiles = c->tiles;
        lci_csr_sell *keep_sell = c->sell;
        c->tiles = cand ? tiles : NULL, c->sell = cand ? sell : NULL;
        for (int layout = 0; layout < 2; layout++) {
            size_t need = lci_csr_workspace(mat, layout ? LC_LAYOUT_ROWS : LC_LAYOUT_COLS, n_hint);
            if (need > ws) ws = need;
        }
        c->tiles = keep_tiles, c->sell = keep_sell;
    }
    if (ws == SIZE_MAX) {
        st = lci_error(LC_ERR_OVERFLOW, "lc_mat_optimize: workspace for n = %lld overflows",
                       (long long)n_hint);
        goto done;
    }
    if (!(x = lci_calloc((size_t)n_hint * (size_t)(k > 0 ? k : 1), sizeof(float))) ||
        !(y = lci_calloc((size_t)n_hint * (size_t)(m > 0 ? m : 1), sizeof(float))) ||
        !(work = lci_alloc(ws))) {
        st = lci_error(LC_ERR_NOMEM, "lc_mat_optimize: cannot allocate the timing trial");
        goto done;
    }
    t.g = (lci_mm_args){
        .n = n_hint, .alpha = 1.0f, .beta = 0.0f, .x = x, .y = y, .work = work, .work_size = ws};
    double plain_s, new_s;
    trial_run(&t, &plain_s, &new_s);
    // The choice is made: drop the old layout, keep the candidate if it won.
    lci_csr_unoptimize(c);
    if (new_s < KEEP_MARGIN * plain_s) {
        c->tiles = tiles, c->sell = sell;
        tiles = NULL, sell = NULL;
    }
done:
    lci_csr_tiles_free(tiles);
    lci_csr_sell_free(sell);
    lci_free(work);
    lci_free(y);
    lci_free(x);
    return st;
}
