// csr_sell_mm.c: Y = alpha·A·X + beta·Y for fewer than 8 vectors with the SELL layout: slices
// split across threads by entries; each vector read from a contiguous copy of X when needed.
#include "csr.h"

size_t lci_csr_sell_workspace(const lci_csr *c, lc_layout layout, int64_t n) {
    // The rows layout already holds each vector contiguously; the cols layout is transposed.
    size_t count, bytes;
    if (layout == LC_LAYOUT_ROWS) return 0;
    if (lci_mul_size((size_t)c->base.k, (size_t)n, &count) ||
        lci_mul_size(count, sizeof(float), &bytes))
        return SIZE_MAX;
    return bytes;
}

typedef struct sell_job {
    const lci_csr_sell *s;
    const lci_mm_args *g;
    const float *x;
    int64_t ldxv, ys_r, ys_v;
    int64_t bounds[LCI_MAX_PARTS + 1];
    lci_csr_sell_fn kernel;
} sell_job;

static void sell_part(void *vjob, int part) {
    const sell_job *j = vjob;
    j->kernel(j->s, j->bounds[part], j->bounds[part + 1], j->g->n, j->x, j->ldxv, j->g->alpha,
              j->g->beta, j->g->y, j->ys_r, j->ys_v);
}

lc_status lci_csr_sell_mm(const lci_csr *c, const lci_mm_args *g) {
    const lci_csr_sell *s = c->sell;
    const int64_t k = c->base.k;
    sell_job job = {.s = s, .g = g, .x = g->x, .ldxv = g->ldx};
    if (g->layout == LC_LAYOUT_COLS) {
        job.ys_r = g->ldy, job.ys_v = 1;
        if (g->n > 1 || g->ldx != 1) {
            // X is K×n: copy each vector out contiguously.
            float *xt = g->work;
            for (int64_t kk = 0; kk < k; kk++)
                for (int64_t v = 0; v < g->n; v++) xt[v * k + kk] = g->x[kk * g->ldx + v];
            job.x = xt;
        }
        job.ldxv = k;
    } else {
        job.ys_r = 1, job.ys_v = g->ldy;
    }
    job.kernel = (lci_csr_sell_fn)lci_kernel_get(LCI_KERNEL_CSR_SELL_MV);
    double work = (double)(LCI_CSR_SELL_C * s->slice_ptr[s->slices]) * (double)g->n;
    int parts = lci_threads_for(work, 32768.0);
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts > s->slices) parts = (int)s->slices;
    lci_partition_rows(s->slice_ptr, s->slices, 2, parts, job.bounds);
    lci_parallel(parts, sell_part, &job);
    return LC_OK;
}
