// csr_sell_mm.c: Y = alpha·A·X + beta·Y for fewer than 8 vectors with the SELL layout: whole
// windows of rows split across threads by entries; each thread runs the column tiles in order,
// accumulating its rows when there are several tiles, then writes them to Y.
#include "csr.h"

// Sums go through per-row accumulators when a row is summed in parts (several tiles, or an
// overflow list); otherwise the slices write Y directly.
static bool use_acc(const lci_csr_sell *s) {
    return s->tiles > 1 || s->ovf_items > 0;
}

static size_t acc_floats(const lci_csr *c, int64_t n) {
    return use_acc(c->sell) ? (size_t)n * (size_t)c->base.m : 0;
}

size_t lci_csr_sell_workspace(const lci_csr *c, lc_layout layout, int64_t n) {
    // The rows layout already holds each vector contiguously; the cols layout is transposed.
    size_t xt = 0, total, bytes;
    if (layout == LC_LAYOUT_COLS && lci_mul_size((size_t)c->base.k, (size_t)n, &xt))
        return SIZE_MAX;
    if (__builtin_add_overflow(xt, acc_floats(c, n), &total) ||
        lci_mul_size(total, sizeof(float), &bytes))
        return SIZE_MAX;
    return bytes;
}

typedef struct sell_job {
    const lci_csr_sell *s;
    const lci_mm_args *g;
    const float *x;
    int64_t ldxv;
    lci_sell_out out;
    int64_t rows;
    int64_t bounds[LCI_MAX_PARTS + 1]; // in windows of σ rows
    lci_csr_sell_fn kernel;
    lci_csr_ovf_fn overflow;
} sell_job;

static void sell_part(void *vjob, int part) {
    const sell_job *j = vjob;
    const lci_csr_sell *s = j->s;
    const int64_t n = j->g->n;
    // Whole windows: slices [s0, s1), rows [r0, r1).
    const int64_t per = LCI_CSR_SELL_SIGMA / LCI_CSR_SELL_C;
    const int64_t w0 = j->bounds[part], w1 = j->bounds[part + 1];
    const int64_t s0 = w0 * per, s1 = w1 * per < s->slices ? w1 * per : s->slices;
    if (s0 >= s1) return;
    lci_sell_out out = j->out;
    for (int32_t t = 0; t < s->tiles; t++) {
        const float *xt = j->x + (int64_t)t * s->width;
        out.first = t == 0;
        j->kernel(s, t, s0, s1, n, xt, j->ldxv, &out);
        // The tails of this tile's long rows, after their capped part.
        int64_t q0 = s->ovf_start[t * s->windows + w0], q1 = s->ovf_start[t * s->windows + w1];
        if (q0 < q1)
            j->overflow(s->ovf_row, s->ovf_ptr, s->ovf_idx, s->ovf_val, q0, q1, n, xt, j->ldxv,
                        out.acc, out.lda);
    }
    if (!out.acc) return;
    // Several tiles: the sums are complete, in row order; write Y with alpha and beta.
    const int64_t r0 = w0 * LCI_CSR_SELL_SIGMA,
                  r1 = w1 * LCI_CSR_SELL_SIGMA < j->rows ? w1 * LCI_CSR_SELL_SIGMA : j->rows;
    for (int64_t v = 0; v < n; v++) {
        const float *acc = out.acc + v * out.lda;
        for (int64_t r = r0; r < r1; r++) {
            float *o = out.y + r * out.ys_r + v * out.ys_v;
            *o = out.beta == 0.0f ? out.alpha * acc[r] : out.alpha * acc[r] + out.beta * *o;
        }
    }
}

lc_status lci_csr_sell_mm(const lci_csr *c, const lci_mm_args *g) {
    const lci_csr_sell *s = c->sell;
    const int64_t k = c->base.k;
    sell_job job = {.s = s, .g = g, .x = g->x, .ldxv = g->ldx, .rows = c->base.m};
    float *work = g->work;
    job.out = (lci_sell_out){.alpha = g->alpha, .beta = g->beta, .y = g->y};
    if (g->layout == LC_LAYOUT_COLS) {
        job.out.ys_r = g->ldy, job.out.ys_v = 1;
        if (g->n > 1 || g->ldx != 1) {
            // X is K×n: copy each vector out contiguously.
            for (int64_t kk = 0; kk < k; kk++)
                for (int64_t v = 0; v < g->n; v++) work[v * k + kk] = g->x[kk * g->ldx + v];
            job.x = work;
            work += g->n * k;
        }
        job.ldxv = k;
    } else {
        job.out.ys_r = 1, job.out.ys_v = g->ldy;
    }
    if (use_acc(s)) {
        job.out.acc = work;
        job.out.lda = c->base.m;
    }
    job.kernel = (lci_csr_sell_fn)lci_kernel_get(LCI_KERNEL_CSR_SELL_MV);
    job.overflow = (lci_csr_ovf_fn)lci_kernel_get(LCI_KERNEL_CSR_SELL_OVF);
    double entries = (double)LCI_CSR_SELL_C * (double)s->cost[s->windows];
    int parts = lci_threads_for(entries * (double)g->n, 4096.0);
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts > s->windows) parts = (int)s->windows;
    lci_partition_rows(s->cost, s->windows, 2, parts, job.bounds);
    lci_parallel(parts, sell_part, &job);
    return LC_OK;
}
