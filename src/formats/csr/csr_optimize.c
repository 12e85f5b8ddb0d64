// csr_optimize.c: lc_mat_optimize for CSR (inspector-executor): build the layout the structure
// suggests for n_hint vectors, time it against the plain kernels on this machine in each
// activation layout, keep it for the activation layouts it is faster in. Nothing in A changes
// until everything that can fail has succeeded.
#include "csr.h"

#include <string.h>

void lci_csr_unoptimize(lci_csr *c) {
    lci_csr_tiles_free(c->tiles);
    lci_csr_sell_free(c->sell);
    c->tiles = NULL;
    c->sell = NULL;
    c->opt_layouts = 0;
}

lc_status lci_csr_optimize_tiles(lc_mat *mat, int32_t width) {
    lci_csr *c = (lci_csr *)mat;
    lci_csr_tiles *t = NULL;
    // Build first, swap after: on failure the matrix keeps the layout it had.
    lc_status st = lci_csr_tiles_build(c, width, &t);
    if (st) return st;
    lci_csr_unoptimize(c);
    c->tiles = t;
    c->opt_layouts = LCI_CSR_BOTH_LAYOUTS;
    return LC_OK;
}

lc_status lci_csr_optimize_sell(lc_mat *mat, int32_t width) {
    lci_csr *c = (lci_csr *)mat;
    lci_csr_sell *s = NULL;
    lc_status st = lci_csr_sell_build_width(c, width, &s);
    if (st) return st;
    lci_csr_unoptimize(c);
    c->sell = s;
    c->opt_layouts = LCI_CSR_BOTH_LAYOUTS;
    return LC_OK;
}

// The timing trial: Y = A·X for n vectors, in each activation layout (the plain kernels read X
// in place in one and pack it in the other, so a candidate can win in one and lose in the
// other: 4096², 1%, n = 256, one core, tiles take 2.7 ms against the plain 2.1 in the cols
// layout and 3.1 against 4.1 in the rows layout). Each side runs a block of consecutive
// products, as a caller repeating the product does: alternating single runs made each start
// with the other side's arrays in its L2 (on wiki-Vote, 0.8 MB of CSR, that charged the plain
// kernel 64 µs against the 52 it takes repeated, and the trial kept a SELL that runs at 61).
// Blocks alternate twice, so drifting clocks hit both sides alike; a side's time is its
// fastest run.
enum { TRIAL_BLOCKS = 2, TRIAL_RUNS = 3 };

// Which layout products of c use: set one, get back the one it replaces (to set it again).
typedef struct opt_state {
    lci_csr_tiles *tiles;
    lci_csr_sell *sell;
    unsigned use;
} opt_state;

static opt_state swap_layout(lci_csr *c, opt_state to) {
    opt_state was = {c->tiles, c->sell, c->opt_layouts};
    c->tiles = to.tiles, c->sell = to.sell, c->opt_layouts = to.use;
    return was;
}

// The candidate (for both activation layouts) or the plain kernels.
static opt_state side_state(lci_csr_tiles *tiles, lci_csr_sell *sell, bool cand) {
    return cand ? (opt_state){tiles, sell, LCI_CSR_BOTH_LAYOUTS} : (opt_state){NULL, NULL, 0};
}

typedef struct trial {
    lci_csr *c;
    lci_csr_tiles *tiles; // the candidate (one of the two)
    lci_csr_sell *sell;
    lci_mm_args g;
} trial;

// One product with the plain layout (cand = false) or the candidate, in seconds.
static double trial_once(trial *t, bool cand) {
    const opt_state keep = swap_layout(t->c, side_state(t->tiles, t->sell, cand));
    double t0 = lci_now();
    lci_csr_mm(&t->c->base, &t->g);
    double secs = lci_now() - t0;
    swap_layout(t->c, keep);
    return secs;
}

// The plain kernels' and the candidate's times for one activation layout, in seconds.
static void trial_run(trial *t, lc_layout layout, double *plain_s, double *cand_s) {
    const int64_t m = t->c->base.m, k = t->c->base.k, n = t->g.n;
    const bool cols = layout == LC_LAYOUT_COLS;
    t->g.layout = layout;
    t->g.ldx = cols ? n : (k > 0 ? k : 1);
    t->g.ldy = cols ? n : (m > 0 ? m : 1);
    double best[2] = {1e30, 1e30};
    for (int b = 0; b < TRIAL_BLOCKS; b++)
        for (int side = 0; side < 2; side++) {
            trial_once(t, side); // brings this side's arrays back into the caches
            for (int r = 0; r < TRIAL_RUNS; r++) {
                double secs = trial_once(t, side);
                if (secs < best[side]) best[side] = secs;
            }
        }
    *plain_s = best[0], *cand_s = best[1];
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
        const opt_state keep = swap_layout(c, side_state(tiles, sell, cand));
        for (int layout = 0; layout < 2; layout++) {
            size_t need = lci_csr_workspace(mat, layout ? LC_LAYOUT_ROWS : LC_LAYOUT_COLS, n_hint);
            if (need > ws) ws = need;
        }
        swap_layout(c, keep);
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
    // Written, not only zeroed: untouched pages read as the kernel's one shared zero page, and
    // an X that lives in 4 KiB of L1 hides what a kernel's reads of X cost.
    for (size_t i = 0, nx = (size_t)n_hint * (size_t)(k > 0 ? k : 1); i < nx; i++) x[i] = 1.0f;
    t.g = (lci_mm_args){
        .n = n_hint, .alpha = 1.0f, .beta = 0.0f, .x = x, .y = y, .work = work, .work_size = ws};
    unsigned wins = 0;
    for (int layout = 0; layout < 2; layout++) {
        double plain_s, new_s;
        trial_run(&t, (lc_layout)layout, &plain_s, &new_s);
        if (new_s < KEEP_MARGIN * plain_s) wins |= 1u << layout;
    }
    // The choice is made: drop the old layout, keep the candidate for the activation layouts
    // it won in.
    lci_csr_unoptimize(c);
    if (wins) {
        c->tiles = tiles, c->sell = sell, c->opt_layouts = wins;
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
