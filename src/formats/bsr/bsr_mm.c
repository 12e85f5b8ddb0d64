// bsr_mm.c: the BSR apply driver. Threads own contiguous block rows, split by tile count. SpMM
// (n >= 2) packs X once per call into 64-column panels (both layouts, zero padded), then each
// thread runs its block rows panel by panel, the kernel writing Y in either layout. SpMV (n = 1)
// streams the tiles against x. Kernels come from the registry.
#include "bsr.h"

#include <string.h>

static int64_t panels(int64_t n) {
    return (n + LCI_BSR_PANEL - 1) / LCI_BSR_PANEL;
}

// Floats per panel row: 64, or n rounded up to 16 when n < 64 (small n does not pay for 64
// lanes).
static int64_t panel_width(int64_t n) {
    return n >= LCI_BSR_PANEL ? LCI_BSR_PANEL : (n + 15) / 16 * 16;
}

size_t lci_bsr_workspace(const lc_mat *a, lc_layout layout, int64_t n) {
    size_t count, bytes;
    if (n == 1) {
        if (layout == LC_LAYOUT_ROWS) return 0; // x is one contiguous row
        count = (size_t)a->k;                   // a contiguous copy of a strided x
    } else if (lci_mul_size((size_t)a->k, (size_t)panels(n), &count) ||
               lci_mul_size(count, (size_t)panel_width(n), &count)) {
        return SIZE_MAX;
    }
    if (lci_mul_size(count, sizeof(float), &bytes)) return SIZE_MAX;
    return bytes;
}

int lci_bsr_split(const lci_bsr *b, int64_t n, int64_t *bounds) {
    // Multiply-adds as executed, plus the output; a thread pays off from about 32k of them
    // (the packing phase is a second fork).
    const double area = (double)b->bh * b->bw;
    const double work = ((double)b->tiles * area + (double)b->base.m) * (double)n;
    int parts = lci_threads_for(work, 32768.0);
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts > b->mb) parts = b->mb > 0 ? (int)b->mb : 1;
    // A block row costs its tiles plus one tile's worth for its output and loop overhead.
    lci_partition_rows(b->ptr, b->mb, 1, parts, bounds);
    return parts;
}

typedef struct bsr_job {
    const lci_bsr *b;
    const lci_mm_args *g;
    const float *x; // SpMV: the contiguous vector
    float *packed;  // SpMM: npanels panels of K × ld floats
    int64_t npanels, ld;
    int parts;
    int64_t bounds[LCI_MAX_PARTS + 1]; // block rows of each part
    lci_bsr_mm_fn mm;
    lci_bsr_mv_fn mv;
} bsr_job;

static void mv_part(void *vjob, int part) {
    const bsr_job *j = vjob;
    const lci_mm_args *g = j->g;
    const int64_t I0 = j->bounds[part], I1 = j->bounds[part + 1];
    const int64_t incy = g->layout == LC_LAYOUT_COLS ? g->ldy : 1;
    if (I0 < I1) j->mv(j->b, I0, I1, j->x, g->alpha, g->beta, g->y + I0 * j->b->bh * incy, incy);
}

// Packs rows [k0, k1) of every panel; the threads share the K range.
static void pack_part(void *vjob, int part) {
    const bsr_job *j = vjob;
    const lci_mm_args *g = j->g;
    const int64_t k = j->b->base.k;
    const int64_t k0 = k * part / j->parts, k1 = k * (part + 1) / j->parts;
    for (int64_t p = 0; p < j->npanels; p++) {
        int64_t j0 = p * LCI_BSR_PANEL, nb = g->n - j0 < LCI_BSR_PANEL ? g->n - j0 : LCI_BSR_PANEL;
        float *panel = j->packed + p * k * j->ld;
        lci_pack_panel(g->layout, g->x, g->ldx, k0, k1, j0, nb, panel, j->ld);
        if (nb < j->ld)
            for (int64_t kk = k0; kk < k1; kk++)
                memset(panel + kk * j->ld + nb, 0, (size_t)(j->ld - nb) * sizeof(float));
    }
}

// Each block row of the part, panel by panel; the kernel writes Y in either layout (the rows
// layout transposed in registers, so Y is written in runs of up to 16 floats).
static void mm_part(void *vjob, int part) {
    const bsr_job *j = vjob;
    const lci_mm_args *g = j->g;
    const lci_bsr *b = j->b;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    const int64_t I0 = j->bounds[part], I1 = j->bounds[part + 1], k = b->base.k;
    for (int64_t p = 0; p < j->npanels; p++) {
        int64_t j0 = p * LCI_BSR_PANEL, nb = g->n - j0 < LCI_BSR_PANEL ? g->n - j0 : LCI_BSR_PANEL;
        const float *panel = j->packed + p * k * j->ld;
        for (int64_t I = I0; I < I1; I++) {
            float *y = cols ? g->y + I * b->bh * g->ldy + j0 : g->y + j0 * g->ldy + I * b->bh;
            j->mm(b, I, 0, lci_bsr_rows(b, I), panel, j->ld, nb, g->alpha, g->beta, g->layout, y,
                  g->ldy);
        }
    }
}

lc_status lci_bsr_mm(const lc_mat *a, const lci_mm_args *g) {
    const lci_bsr *b = (const lci_bsr *)a;
    bsr_job job = {.b = b, .g = g, .x = g->x};
    const int parts = lci_bsr_split(b, g->n, job.bounds);
    job.parts = parts;

    if (g->n == 1) {
        job.mv = (lci_bsr_mv_fn)lci_kernel_get(LCI_KERNEL_BSR_MV);
        if (g->layout == LC_LAYOUT_COLS && g->ldx != 1) {
            float *x = g->work;
            for (int64_t kk = 0; kk < a->k; kk++) x[kk] = g->x[kk * g->ldx];
            job.x = x;
        }
        lci_parallel(parts, mv_part, &job);
        return LC_OK;
    }
    job.mm = (lci_bsr_mm_fn)lci_kernel_get(LCI_KERNEL_BSR_MM);
    job.packed = g->work;
    job.npanels = panels(g->n);
    job.ld = panel_width(g->n);
    lci_parallel(parts, pack_part, &job);
    lci_parallel(parts, mm_part, &job);
    return LC_OK;
}
