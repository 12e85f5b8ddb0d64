// csr_mm.c: the CSR apply driver: rows split by nonzeros across threads, activation panels,
// the rows layout computed in tiles transposed into Y. Kernels come from the registry.
#include "csr.h"

#include <string.h>

int64_t lci_csr_mv_stream_bytes = LCI_CSR_MV_STREAM_BYTES;

// Round n up to a multiple of 16 floats (one cache line), so panel rows stay aligned.
static int64_t panel_ld(int64_t n) {
    return (n + 15) / 16 * 16;
}

size_t lci_csr_workspace(const lc_mat *a, lc_layout layout, int64_t n) {
    const lci_csr *c = (const lci_csr *)a;
    if (c->tiles && n >= LCI_CSR_SMALL_N && lci_csr_uses_opt(c, layout))
        return lci_csr_tiles_workspace(c, n);
    if (c->sell && n < LCI_CSR_SMALL_N && lci_csr_uses_opt(c, layout))
        return lci_csr_sell_workspace(c, layout, n);
    size_t count, bytes;
    if (n == 1 && layout == LC_LAYOUT_ROWS)
        return 0; // x is one contiguous row
    else if (n == 1)
        count = (size_t)a->k; // a contiguous copy of a strided x
    else if (layout == LC_LAYOUT_COLS)
        return 0;
    else if (lci_mul_size((size_t)a->k, (size_t)panel_ld(n), &count))
        return SIZE_MAX;
    if (lci_mul_size(count, sizeof(float), &bytes)) return SIZE_MAX;
    return bytes;
}

typedef struct csr_job {
    const lci_csr *c;
    const lci_mm_args *g;
    const float *x; // the activation panel (or vector), K rows of stride ldp
    int64_t ldp;
    int64_t bounds[LCI_MAX_PARTS + 1];
    lci_csr_mm_fn mm;
    lci_csr_mv_fn mv;
} csr_job;

static void mv_part(void *vjob, int part) {
    const csr_job *j = vjob;
    const lci_mm_args *g = j->g;
    int64_t r0 = j->bounds[part], r1 = j->bounds[part + 1];
    int64_t incy = g->layout == LC_LAYOUT_COLS ? g->ldy : 1;
    j->mv(j->c->ptr, j->c->col, j->c->val, r0, r1, j->x, g->alpha, g->beta, g->y + r0 * incy, incy);
}

static void mm_cols_part(void *vjob, int part) {
    const csr_job *j = vjob;
    const lci_mm_args *g = j->g;
    int64_t r0 = j->bounds[part], r1 = j->bounds[part + 1];
    if (r0 < r1)
        j->mm(j->c->ptr, j->c->col, j->c->val, r0, r1, g->x, g->ldx, g->n, g->alpha, g->beta,
              g->y + r0 * g->ldy, g->ldy);
}

// Rows layout: a tile of rows × panel columns is computed with beta = 0, then transposed into
// Y (n×M) with beta applied, so Y is written in contiguous runs.
static void mm_rows_part(void *vjob, int part) {
    const csr_job *j = vjob;
    const lci_mm_args *g = j->g;
    float tile[LCI_CSR_TILE_ROWS * LCI_CSR_PANEL] __attribute__((aligned(64)));
    int64_t r1 = j->bounds[part + 1];
    for (int64_t i0 = j->bounds[part]; i0 < r1; i0 += LCI_CSR_TILE_ROWS) {
        int64_t rows = r1 - i0 < LCI_CSR_TILE_ROWS ? r1 - i0 : LCI_CSR_TILE_ROWS;
        for (int64_t j0 = 0; j0 < g->n; j0 += LCI_CSR_PANEL) {
            int64_t nb = g->n - j0 < LCI_CSR_PANEL ? g->n - j0 : LCI_CSR_PANEL;
            j->mm(j->c->ptr, j->c->col, j->c->val, i0, i0 + rows, j->x + j0, j->ldp, nb, g->alpha,
                  0.0f, tile, LCI_CSR_PANEL);
            for (int64_t jj = 0; jj < nb; jj++) {
                float *y = g->y + (j0 + jj) * g->ldy + i0;
                const float *t = tile + jj;
                if (g->beta == 0.0f)
                    for (int64_t r = 0; r < rows; r++) y[r] = t[r * LCI_CSR_PANEL];
                else
                    for (int64_t r = 0; r < rows; r++) y[r] = t[r * LCI_CSR_PANEL] + g->beta * y[r];
            }
        }
    }
}

typedef struct pack_job {
    const lci_mm_args *g;
    int64_t k;
    float *panel;
    int64_t ldp;
    int parts;
} pack_job;

static void pack_part(void *vjob, int part) {
    const pack_job *p = vjob;
    int64_t k0 = p->k * part / p->parts, k1 = p->k * (part + 1) / p->parts;
    lci_pack_panel(p->g->layout, p->g->x, p->g->ldx, k0, k1, 0, p->g->n, p->panel, p->ldp);
}

lc_status lci_csr_mm(const lc_mat *a, const lci_mm_args *g) {
    const lci_csr *c = (const lci_csr *)a;
    const bool opt = lci_csr_uses_opt(c, g->layout);
    if (c->tiles && g->n >= LCI_CSR_SMALL_N && opt) return lci_csr_tiles_mm(c, g);
    if (c->sell && g->n < LCI_CSR_SMALL_N && opt) return lci_csr_sell_mm(c, g);
    csr_job job = {.c = c, .g = g, .x = g->x, .ldp = g->ldx};
    // A thread pays off from about 4k multiply-adds (a microsecond: an OpenMP fork costs about
    // one; measured on the small real matrices); row overhead counts as two entries.
    double work = (double)(c->nnz + 2 * a->m) * (double)g->n;
    int parts = lci_threads_for(work, 4096.0);
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts > a->m) parts = (int)a->m;
    lci_partition_rows(c->ptr, a->m, 2, parts, job.bounds);

    if (g->n == 1) {
        job.mv = (lci_csr_mv_fn)lci_kernel_get(lci_csr_plain_bytes(c) >= lci_csr_mv_stream_bytes
                                                   ? LCI_KERNEL_CSR_MV_STREAM
                                                   : LCI_KERNEL_CSR_MV);
        if (g->layout == LC_LAYOUT_COLS && g->ldx != 1) {
            float *x = g->work;
            for (int64_t kk = 0; kk < a->k; kk++) x[kk] = g->x[kk * g->ldx];
            job.x = x;
        }
        lci_parallel(parts, mv_part, &job);
        return LC_OK;
    }
    job.mm = (lci_csr_mm_fn)lci_kernel_get(LCI_KERNEL_CSR_MM);
    if (g->layout == LC_LAYOUT_COLS) {
        lci_parallel(parts, mm_cols_part, &job);
        return LC_OK;
    }
    pack_job pj = {g, a->k, g->work, panel_ld(g->n), parts};
    lci_parallel(parts, pack_part, &pj);
    job.x = pj.panel;
    job.ldp = pj.ldp;
    lci_parallel(parts, mm_rows_part, &job);
    return LC_OK;
}
