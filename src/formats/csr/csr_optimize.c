// csr_optimize.c: lc_mat_optimize for CSR (inspector-executor): build the layout the structure
// suggests for n_hint vectors, time it against the plain kernels on this machine, keep the
// faster. Nothing in A changes until everything that can fail has succeeded.
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

// Operands of the timing trial: Y = A·X for n vectors in the rows layout, X zero.
typedef struct trial {
    lci_csr *c;
    lci_mm_args g;
} trial;

static lc_status trial_run(void *ctx) {
    trial *t = ctx;
    return lci_csr_mm(&t->c->base, &t->g);
}

// Fastest of three runs (after one warm-up) with the layout c has now.
static lc_status trial_time(trial *t, double *best) {
    lci_timing tm;
    lc_status st = lci_time(trial_run, t, 1, 3, false, &tm);
    *best = tm.min_s;
    return st;
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
    // Scratch for the trial: X (n×K), Y (n×M) and the larger of the two layouts' workspaces.
    trial t = {.c = c};
    float *x = NULL, *y = NULL;
    void *work = NULL;
    lci_csr_tiles *old_tiles = c->tiles;
    lci_csr_sell *old_sell = c->sell;
    c->tiles = tiles, c->sell = sell;
    size_t ws_new = lci_csr_workspace(mat, LC_LAYOUT_ROWS, n_hint);
    c->tiles = NULL, c->sell = NULL;
    size_t ws_plain = lci_csr_workspace(mat, LC_LAYOUT_ROWS, n_hint);
    c->tiles = old_tiles, c->sell = old_sell;
    size_t ws = ws_new > ws_plain ? ws_new : ws_plain;
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
    t.g = (lci_mm_args){LC_LAYOUT_ROWS, n_hint, 1.0f,          0.0f, x,
                        k > 0 ? k : 1,  y,      m > 0 ? m : 1, work, ws};
    double plain_s = 0, new_s = 0;
    // Both measured with the matrix's layouts swapped in and out by pointer only; the old
    // layout (if any) is dropped only once the choice is made.
    c->tiles = NULL, c->sell = NULL;
    st = trial_time(&t, &plain_s);
    c->tiles = tiles, c->sell = sell;
    if (!st) st = trial_time(&t, &new_s);
    c->tiles = old_tiles, c->sell = old_sell;
    if (st) goto done;
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
