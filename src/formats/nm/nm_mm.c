// nm_mm.c: the N:M apply driver, Y = alpha·A·X + beta·Y: threads own contiguous row blocks;
// SpMM packs X once into 64-column panels (shared), then each thread runs block → panel → tile
// → rows into a block accumulator and writes it to Y; small n runs the SpMV kernels on X in
// place (rows layout) or on a transposed copy (cols layout). Kernels come from the registry.
#include "nm.h"

#include <string.h>

static int64_t panels(int64_t n) {
    return (n + LCI_NM_PANEL - 1) / LCI_NM_PANEL;
}

// Floats per panel row: 64, or n rounded up to 16 when n < 64 (small n does not pay for 64 lanes).
static int64_t panel_width(int64_t n) {
    return n >= LCI_NM_PANEL ? LCI_NM_PANEL : (n + 15) / 16 * 16;
}

size_t lci_nm_workspace(const lc_mat *a, lc_layout layout, int64_t n) {
    size_t count, bytes;
    if (n < LCI_NM_SMALL_N) {
        if (layout == LC_LAYOUT_ROWS) return 0; // the vectors are rows of X already
        // Cols layout: the vectors transposed into rows (or one strided vector made contiguous).
        if (lci_mul_size((size_t)a->k, (size_t)n, &count)) return SIZE_MAX;
    } else if (lci_mul_size((size_t)a->k, (size_t)panels(n), &count) ||
               lci_mul_size(count, (size_t)panel_width(n), &count)) {
        return SIZE_MAX;
    }
    if (lci_mul_size(count, sizeof(float), &bytes)) return SIZE_MAX;
    return bytes;
}

typedef struct nm_job {
    const lci_nm *a;
    const lci_mm_args *g;
    const float *x; // SpMV: vector j at x + j·ldxv; SpMM: the packed panels
    int64_t ldxv;
    int64_t npanels, ld;
    int parts;
    int64_t bounds[LCI_MAX_PARTS + 1]; // row blocks of each part
    lci_nm_mm_fn mm;
    lci_nm_mv_fn mv;
} nm_job;

// Row block b in tile s as the kernels see it.
static void tile_of(const lci_nm *a, int64_t b, int64_t s, lci_nm_tile *t) {
    const int64_t r0 = b * LCI_NM_BLOCK, m = a->base.m;
    const int64_t rows = m - r0 < LCI_NM_BLOCK ? m - r0 : LCI_NM_BLOCK;
    const int64_t before = lci_nm_before(a, s);
    t->val = a->val + r0 * a->per_row + rows * before;
    t->bits = lci_nm_bits_at(a, r0 / a->v, s);
    t->bstride = a->v == 1 ? a->words : a->tiles * a->words;
    t->cnt = (int32_t)(lci_nm_before(a, s + 1) - before);
    t->words = a->words;
    t->rows = (int32_t)rows;
    t->v = a->v;
    t->lead = (int32_t)(r0 % a->v);
    t->per16 = 16 % a->mg == 0 ? 16 / a->mg * a->n : 0;
    t->mg = a->mg;
    t->n = a->n;
    for (int i = 0; i < 2; i++) {
        // Columns of word i that exist: within the tile and below K.
        int64_t c = a->base.k - s * a->tw - 64 * i;
        if (c > a->tw - 64 * i) c = a->tw - 64 * i;
        c = c < 0 ? 0 : c > 64 ? 64 : c;
        const int64_t rem = c % a->mg;
        t->wcnt[i] = 64 % a->mg ? -1 : (int32_t)(c / a->mg * a->n + (rem < a->n ? rem : a->n));
    }
}

// Rows [k0, k1) of every panel; threads share the K range.
static void pack_part(void *vjob, int part) {
    const nm_job *j = vjob;
    const lci_mm_args *g = j->g;
    const int64_t k = j->a->base.k;
    const int64_t k0 = k * part / j->parts, k1 = k * (part + 1) / j->parts;
    float *packed = (float *)j->x;
    for (int64_t p = 0; p < j->npanels; p++) {
        int64_t j0 = p * LCI_NM_PANEL, nb = g->n - j0 < LCI_NM_PANEL ? g->n - j0 : LCI_NM_PANEL;
        float *panel = packed + p * k * j->ld;
        lci_pack_panel(g->layout, g->x, g->ldx, k0, k1, j0, nb, panel, j->ld);
        if (nb < j->ld)
            for (int64_t kk = k0; kk < k1; kk++)
                memset(panel + kk * j->ld + nb, 0, (size_t)(j->ld - nb) * sizeof(float));
    }
}

// Y rows [r0, r0 + rows) of vectors [j0, j0 + nb) from acc (ld floats a row):
// alpha·acc + beta·Y, beta = 0 never reading Y.
static void write_out(const lci_mm_args *g, const float *acc, int64_t ld, int64_t r0, int64_t rows,
                      int64_t j0, int64_t nb) {
    const float alpha = g->alpha, beta = g->beta;
    if (g->layout == LC_LAYOUT_COLS) {
        for (int64_t q = 0; q < rows; q++) {
            const float *a = acc + q * ld;
            float *y = g->y + (r0 + q) * g->ldy + j0;
            if (beta == 0.0f)
                for (int64_t j = 0; j < nb; j++) y[j] = alpha * a[j];
            else
                for (int64_t j = 0; j < nb; j++) y[j] = alpha * a[j] + beta * y[j];
        }
        return;
    }
    // Rows layout (Y is n×M): each vector's outputs of the block are one contiguous run.
    for (int64_t j = 0; j < nb; j++) {
        const float *a = acc + j;
        float *y = g->y + (j0 + j) * g->ldy + r0;
        if (beta == 0.0f)
            for (int64_t q = 0; q < rows; q++) y[q] = alpha * a[q * ld];
        else
            for (int64_t q = 0; q < rows; q++) y[q] = alpha * a[q * ld] + beta * y[q];
    }
}

static void mm_part(void *vjob, int part) {
    const nm_job *j = vjob;
    const lci_nm *a = j->a;
    const lci_mm_args *g = j->g;
    const int64_t k = a->base.k;
    float acc[LCI_NM_BLOCK * LCI_NM_PANEL] __attribute__((aligned(64)));
    for (int64_t b = j->bounds[part]; b < j->bounds[part + 1]; b++) {
        lci_nm_tile t;
        tile_of(a, b, 0, &t);
        const int64_t rows = t.rows;
        for (int64_t p = 0; p < j->npanels; p++) {
            const int64_t j0 = p * LCI_NM_PANEL;
            const int64_t nb = g->n - j0 < LCI_NM_PANEL ? g->n - j0 : LCI_NM_PANEL;
            const float *panel = j->x + p * k * j->ld;
            memset(acc, 0, (size_t)(rows * j->ld) * sizeof(float));
            for (int64_t s = 0; s < a->tiles; s++) {
                tile_of(a, b, s, &t);
                j->mm(&t, panel + s * a->tw * j->ld, j->ld, nb, acc);
            }
            write_out(g, acc, j->ld, b * LCI_NM_BLOCK, rows, j0, nb);
        }
    }
}

// The 16 partial sums of one output, added in a fixed tree order (every ISA, every split).
static float sum16(const float *p) {
    float t[8];
    for (int l = 0; l < 8; l++) t[l] = p[l] + p[l + 8];
    for (int l = 0; l < 4; l++) t[l] += t[l + 4];
    return (t[0] + t[2]) + (t[1] + t[3]);
}

static void mv_part(void *vjob, int part) {
    const nm_job *j = vjob;
    const lci_nm *a = j->a;
    const lci_mm_args *g = j->g;
    const int64_t k = a->base.k;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    float acc[LCI_NM_BLOCK * LCI_NM_MV_VECTORS * 16] __attribute__((aligned(64)));
    for (int64_t b = j->bounds[part]; b < j->bounds[part + 1]; b++) {
        const int64_t r0 = b * LCI_NM_BLOCK;
        for (int64_t j0 = 0; j0 < g->n; j0 += LCI_NM_MV_VECTORS) {
            const int32_t nv =
                (int32_t)(g->n - j0 < LCI_NM_MV_VECTORS ? g->n - j0 : LCI_NM_MV_VECTORS);
            lci_nm_tile t;
            tile_of(a, b, 0, &t);
            memset(acc, 0, (size_t)t.rows * (size_t)nv * 16 * sizeof(float));
            const float *x = j->x + j0 * j->ldxv;
            for (int64_t s = 0; s < a->tiles; s++) {
                tile_of(a, b, s, &t);
                j->mv(&t, x + s * a->tw, j->ldxv, nv, k - s * a->tw, acc);
            }
            for (int64_t q = 0; q < t.rows; q++) {
                for (int32_t v = 0; v < nv; v++) {
                    const float sum = sum16(acc + (q * nv + v) * 16);
                    float *y = cols ? g->y + (r0 + q) * g->ldy + j0 + v
                                    : g->y + (j0 + v) * g->ldy + r0 + q;
                    *y = g->beta == 0.0f ? g->alpha * sum : g->alpha * sum + g->beta * *y;
                }
            }
        }
    }
}

lc_status lci_nm_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_nm *a = (const lci_nm *)mat;
    const bool group = a->v > 1;
    nm_job job = {.a = a, .g = g};
    const bool small = g->n < LCI_NM_SMALL_N;
    // A thread pays off from about 32k multiply-adds (8k for SpMV, which packs nothing).
    const double work = (double)(a->per_row + 2) * (double)mat->m * (double)g->n;
    int parts = lci_threads_for(work, small ? 8192.0 : 32768.0);
    if (parts > LCI_MAX_PARTS) parts = LCI_MAX_PARTS;
    if (parts > a->blocks) parts = (int)a->blocks;
    job.parts = parts;
    // Every row block holds the same work (the last may be shorter): an even split of blocks.
    for (int p = 0; p <= parts; p++) job.bounds[p] = a->blocks * p / parts;
    if (small) {
        job.mv = (lci_nm_mv_fn)lci_kernel_get(group ? LCI_KERNEL_NM_GROUP_MV : LCI_KERNEL_NM_MV);
        job.x = g->x;
        job.ldxv = g->ldx;
        if (g->layout == LC_LAYOUT_COLS) {
            // Vectors become contiguous rows: a strided x, or a few columns of X.
            float *xt = g->work;
            for (int64_t kk = 0; kk < mat->k; kk++)
                for (int64_t v = 0; v < g->n; v++) xt[v * mat->k + kk] = g->x[kk * g->ldx + v];
            job.x = xt;
            job.ldxv = mat->k;
        }
        lci_parallel(parts, mv_part, &job);
        return LC_OK;
    }
    job.mm = (lci_nm_mm_fn)lci_kernel_get(group ? LCI_KERNEL_NM_GROUP_MM : LCI_KERNEL_NM_MM);
    job.x = g->work;
    job.npanels = panels(g->n);
    job.ld = panel_width(g->n);
    lci_parallel(parts, pack_part, &job);
    lci_parallel(parts, mm_part, &job);
    return LC_OK;
}
