// csr_tiles_mm.c: Y = alpha·A·X + beta·Y with the column-tiled layout: X packed once into
// 64-column panels; each thread owns a range of rows (split by nonzeros), accumulates every
// tile of a panel into its rows' accumulators, then writes them to Y in either layout.
#include "csr.h"

#include <string.h>

// Panels of X: panel p holds columns [64p, 64p + 64) of every row k, zero-padded to the panel
// width: 64 floats, or n rounded up to 16 when n < 64 (small n does not pay for 64 lanes).
static int64_t panels(int64_t n) {
    return (n + LCI_CSR_PANEL - 1) / LCI_CSR_PANEL;
}

static int64_t panel_width(int64_t n) {
    return n >= LCI_CSR_PANEL ? LCI_CSR_PANEL : (n + 15) / 16 * 16;
}

size_t lci_csr_tiles_workspace(const lci_csr *c, int64_t n) {
    // Packed X (K × width per panel) and one accumulator row of that width per matrix row.
    size_t packed, acc, bytes;
    if (lci_mul_size((size_t)c->base.k, (size_t)panels(n), &packed) ||
        lci_mul_size(packed, (size_t)panel_width(n), &packed) ||
        lci_mul_size((size_t)c->base.m, (size_t)panel_width(n), &acc) ||
        __builtin_add_overflow(packed, acc, &bytes) || lci_mul_size(bytes, sizeof(float), &bytes))
        return SIZE_MAX;
    return bytes;
}

typedef struct tiles_job {
    const lci_csr *c;
    const lci_mm_args *g;
    float *packed, *acc;
    int64_t npanels, ld; // panels, and floats per panel row and accumulator row
    int parts;
    int64_t bounds[LCI_MAX_PARTS + 1];
    lci_csr_tile_fn kernel;
} tiles_job;

// Packs rows [k0, k1) of every panel; threads share the K range.
static void pack_part(void *vjob, int part) {
    const tiles_job *j = vjob;
    const lci_mm_args *g = j->g;
    const int64_t k = j->c->base.k;
    int64_t k0 = k * part / j->parts, k1 = k * (part + 1) / j->parts;
    for (int64_t p = 0; p < j->npanels; p++) {
        int64_t j0 = p * LCI_CSR_PANEL, nb = g->n - j0 < LCI_CSR_PANEL ? g->n - j0 : LCI_CSR_PANEL;
        float *panel = j->packed + p * k * j->ld;
        lci_pack_panel(g->layout, g->x, g->ldx, k0, k1, j0, nb, panel, j->ld);
        if (nb < j->ld)
            for (int64_t kk = k0; kk < k1; kk++)
                memset(panel + kk * j->ld + nb, 0, (size_t)(j->ld - nb) * sizeof(float));
    }
}

// First item of tile items [lo, hi) whose row is >= r (rows ascend within a tile).
static int64_t first_item(const int32_t *row, int64_t lo, int64_t hi, int64_t r) {
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (row[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

// Y rows [r0, r1) of panel p from the accumulators (ld floats a row): alpha·acc + beta·Y.
static void write_out(const lci_mm_args *g, const float *acc, int64_t ld, int64_t r0, int64_t r1,
                      int64_t j0, int64_t nb) {
    const float alpha = g->alpha, beta = g->beta;
    if (g->layout == LC_LAYOUT_COLS) {
        for (int64_t i = r0; i < r1; i++) {
            const float *a = acc + (i - r0) * ld;
            float *y = g->y + i * g->ldy + j0;
            if (beta == 0.0f)
                for (int64_t j = 0; j < nb; j++) y[j] = alpha * a[j];
            else
                for (int64_t j = 0; j < nb; j++) y[j] = alpha * a[j] + beta * y[j];
        }
        return;
    }
    // Rows layout: Y is n×M; blocks of 16 rows keep the writes to Y contiguous.
    for (int64_t i0 = r0; i0 < r1; i0 += LCI_CSR_TILE_ROWS) {
        int64_t rows = r1 - i0 < LCI_CSR_TILE_ROWS ? r1 - i0 : LCI_CSR_TILE_ROWS;
        for (int64_t j = 0; j < nb; j++) {
            const float *a = acc + (i0 - r0) * ld + j;
            float *y = g->y + (j0 + j) * g->ldy + i0;
            if (beta == 0.0f)
                for (int64_t r = 0; r < rows; r++) y[r] = alpha * a[r * ld];
            else
                for (int64_t r = 0; r < rows; r++) y[r] = alpha * a[r * ld] + beta * y[r];
        }
    }
}

static void mm_part(void *vjob, int part) {
    const tiles_job *j = vjob;
    const lci_csr_tiles *t = j->c->tiles;
    const lci_mm_args *g = j->g;
    const int64_t r0 = j->bounds[part], r1 = j->bounds[part + 1], k = j->c->base.k;
    if (r0 >= r1) return;
    float *acc = j->acc + r0 * j->ld; // this part's rows only
    for (int64_t p = 0; p < j->npanels; p++) {
        int64_t j0 = p * LCI_CSR_PANEL, nb = g->n - j0 < LCI_CSR_PANEL ? g->n - j0 : LCI_CSR_PANEL;
        const float *panel = j->packed + p * k * j->ld;
        memset(acc, 0, (size_t)(r1 - r0) * (size_t)j->ld * sizeof(float));
        for (int32_t s = 0; s < t->count; s++) {
            int64_t lo = t->tile_start[s], hi = t->tile_start[s + 1];
            int64_t q0 = first_item(t->row, lo, hi, r0), q1 = first_item(t->row, q0, hi, r1);
            if (q0 < q1)
                j->kernel(t->row, t->item_ptr, t->idx, t->val, q0, q1, r0,
                          panel + (int64_t)s * t->width * j->ld, nb, j->ld, acc);
        }
        write_out(g, acc, j->ld, r0, r1, j0, nb);
    }
}

lc_status lci_csr_tiles_mm(const lci_csr *c, const lci_mm_args *g) {
    const int64_t m = c->base.m, k = c->base.k;
    tiles_job job = {.c = c, .g = g, .npanels = panels(g->n), .ld = panel_width(g->n)};
    job.packed = g->work;
    job.acc = job.packed + k * job.npanels * job.ld;
    job.kernel = (lci_csr_tile_fn)lci_kernel_get(LCI_KERNEL_CSR_TILE_MM);
    double work = (double)(c->nnz + 2 * m) * (double)g->n;
    int parts = lci_threads_for(work, 32768.0);
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts > m) parts = (int)m;
    job.parts = parts;
    lci_partition_rows(c->ptr, m, 2 + c->tiles->count / 8, parts, job.bounds);
    lci_parallel(parts, pack_part, &job);
    lci_parallel(parts, mm_part, &job);
    return LC_OK;
}
