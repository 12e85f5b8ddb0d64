// monarch_mm.c: Y = alpha·P_M·L·P_{bq}ᵀ·R·X + beta·Y. Both layouts go to the register-tiled
// panel kernel (monarch.h, LCI_KERNEL_MONARCH_PANEL) on panels of vectors, for the b it handles
// (b dividing 16 or a multiple of 16; at the AVX2 level where it measured faster). Otherwise two
// batched block products by CBLAS, with the permutations fused into leading dimensions: phase 1
// writes U = R·X ((b·q)×n, in the workspace) one block R_k at a time; phase 2 multiplies L_j by the
// rows j, j + b, j + 2b, ... of U (a strided view: leading dimension b·n) and, in the cols layout,
// writes rows j, j + b, ... of Y (leading dimension b·ldy). In the rows layout Y's interleaved
// columns are not a BLAS view, so phase 2 writes W = (L·Z)ᵀ (n×M, block after block) and phase 3
// transposes each vector's b×s array into Y's s×b one. Blocks and vector panels are fixed, so
// results do not depend on the thread count; each call runs on a single-threaded BLAS inside
// lacuna's threads.
#include "monarch.h"

#include <cblas.h>
#include <string.h>

// Vectors per BLAS call (a fixed panel); rows-layout phase 3 transposes PANEL3 vectors per part;
// the panel kernel takes PANELK vectors per call (their u, PANELK·b·q floats, stays in L2).
enum { PANEL = 256, PANEL3 = 16, PANELK = 16 };

typedef struct monarch_job {
    const lci_monarch *a;
    const lci_mm_args *g;
    float *u;              // (b·q)×n, row-major (ld n)
    float *w;              // rows layout: n×M, W[v, j·s + o]
    int64_t panels, items; // vector panels; jobs of the current phase
    int64_t panel;         // panel kernel: vectors per job
    int parts;
    lci_monarch_panel_fn kernel; // the panel kernel
} monarch_job;

static int64_t min64(int64_t a, int64_t b) {
    return a < b ? a : b;
}

// Phase 1, job = (block k, panel): U[k·q .. k·q + q, v0 .. v0 + nb] = R_k·X_k.
static void phase1_part(void *vjob, int part) {
    const monarch_job *jb = vjob;
    const lci_monarch *a = jb->a;
    const lci_mm_args *g = jb->g;
    const int q = (int)a->q, p = (int)a->p, n = (int)g->n;
    for (int64_t it = part; it < jb->items; it += jb->parts) {
        const int64_t k = it / jb->panels, v0 = it % jb->panels * PANEL;
        const int nb = (int)min64(PANEL, g->n - v0);
        const float *rk = a->r + k * q * p;
        float *u = jb->u + k * q * g->n + v0;
        if (g->n == 1) { // u_k = R_k·x_k; x strided by ldx in the cols layout
            const int incx = g->layout == LC_LAYOUT_COLS ? (int)g->ldx : 1;
            cblas_sgemv(CblasRowMajor, CblasNoTrans, q, p, 1.0f, rk, p, g->x + k * p * incx, incx,
                        0.0f, u, 1);
        } else if (g->layout == LC_LAYOUT_COLS) { // X_k: rows k·p .. of X (p×nb, ld ldx)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, q, nb, p, 1.0f, rk, p,
                        g->x + k * p * g->ldx + v0, (int)g->ldx, 0.0f, u, n);
        } else { // X_kᵀ: columns k·p .. of X rows v0 .. (nb×p, ld ldx)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, q, nb, p, 1.0f, rk, p,
                        g->x + v0 * g->ldx + k * p, (int)g->ldx, 0.0f, u, n);
        }
    }
}

// Phase 2, job = (block j, panel): L_j times Z_j = rows j, j + b, ... of U (q×nb, ld b·n).
static void phase2_part(void *vjob, int part) {
    const monarch_job *jb = vjob;
    const lci_monarch *a = jb->a;
    const lci_mm_args *g = jb->g;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    const int64_t b = a->b;
    const int q = (int)a->q, s = (int)a->s, ldz = (int)(b * g->n);
    for (int64_t it = part; it < jb->items; it += jb->parts) {
        const int64_t j = it / jb->panels, v0 = it % jb->panels * PANEL;
        const int nb = (int)min64(PANEL, g->n - v0);
        const float *lj = a->l + j * s * q, *z = jb->u + j * g->n + v0;
        if (g->n == 1) { // y[o·b + j] = L_j·z_j; z strided by b, y by b (times ldy in cols)
            const int64_t incy = cols ? g->ldy : 1;
            float *y = g->y + j * incy;
            if (g->beta == 0.0f)
                for (int o = 0; o < s; o++) y[o * b * incy] = 0.0f;
            cblas_sgemv(CblasRowMajor, CblasNoTrans, s, q, g->alpha, lj, q, z, (int)b, g->beta, y,
                        (int)(b * incy));
        } else if (cols) { // Y rows j, j + b, ... (s×nb, ld b·ldy)
            float *y = g->y + j * g->ldy + v0;
            const int64_t ldy = b * g->ldy;
            if (g->beta == 0.0f) // the BLAS may propagate NaN from Y when beta = 0; we must not
                for (int o = 0; o < s; o++) memset(y + o * ldy, 0, (size_t)nb * sizeof(float));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s, nb, q, g->alpha, lj, q, z,
                        ldz, g->beta, y, (int)ldy);
        } else { // W[v0.., j·s ..] (nb×s, ld M) = alpha·Z_jᵀ·L_jᵀ
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasTrans, nb, s, q, g->alpha, z, ldz, lj, q,
                        0.0f, jb->w + v0 * a->base.m + j * s, (int)a->base.m);
        }
    }
}

// Phase 3 (rows layout), job = PANEL3 vectors: Y[v, o·b + j] = W[v, j·s + o] + beta·Y[v, ..],
// a b×s → s×b transpose per vector, in 8×8 tiles.
static void phase3_part(void *vjob, int part) {
    const monarch_job *jb = vjob;
    const lci_monarch *a = jb->a;
    const lci_mm_args *g = jb->g;
    const int64_t b = a->b, s = a->s, m = a->base.m;
    const float beta = g->beta;
    for (int64_t it = part; it < jb->items; it += jb->parts)
        for (int64_t v = it * PANEL3; v < min64(g->n, (it + 1) * PANEL3); v++) {
            const float *w = jb->w + v * m;
            float *y = g->y + v * g->ldy;
            for (int64_t j0 = 0; j0 < b; j0 += 8)
                for (int64_t o0 = 0; o0 < s; o0 += 8) {
                    const int64_t j1 = min64(b, j0 + 8), o1 = min64(s, o0 + 8);
                    for (int64_t o = o0; o < o1; o++)
                        for (int64_t j = j0; j < j1; j++) {
                            float *d = y + o * b + j;
                            *d = beta == 0.0f ? w[j * s + o] : w[j * s + o] + beta * *d;
                        }
                }
        }
}

// The panel kernel, job = `panel` vectors: both phases, u (vector-major, b·q floats a vector) in
// the workspace.
static void panel_part(void *vjob, int part) {
    const monarch_job *jb = vjob;
    const lci_mm_args *g = jb->g;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    const int64_t bq = jb->a->b * jb->a->q;
    const int64_t xv = cols ? 1 : g->ldx, yv = cols ? 1 : g->ldy;
    for (int64_t it = part; it < jb->items; it += jb->parts) {
        const int64_t v0 = it * jb->panel;
        const lci_monarch_panel kr = {.a = jb->a,
                                      .x = g->x + v0 * xv,
                                      .u = jb->u + v0 * bq,
                                      .y = g->y + v0 * yv,
                                      .xv = xv,
                                      .xf = cols ? g->ldx : 1,
                                      .ldu = bq,
                                      .yv = yv,
                                      .yf = cols ? g->ldy : 1,
                                      .nv = min64(jb->panel, g->n - v0),
                                      .alpha = g->alpha,
                                      .beta = g->beta};
        jb->kernel(&kr);
    }
}

static int parts_for(double work, int64_t items) {
    // A thread pays off from about a million multiply-adds, as for the dense format.
    int parts = lci_threads_for(work, 1 << 20);
    return parts > items ? (int)items : parts;
}

// The panel kernel serves both layouts for the b it handles (b | 16 or 16 | b). At the AVX2 level
// only where it measured faster than CBLAS (Zen 4 running the AVX2 code against OpenBLAS's
// Haswell kernels, the same peak): few vectors, where CBLAS pays its calls, and the rows layout
// with small blocks (q <= 32), where the CBLAS path pays its transposes; its cols-layout stores
// are scalar and its 8-wide tiles reach 55–85 GFLOP/s against OpenBLAS's 70–100 on larger blocks.
static bool kernel_fits(const lci_monarch *a, lc_layout layout, int64_t n) {
    return lci_monarch_panel_ok(a->b) && (n <= 16 || (layout == LC_LAYOUT_ROWS && a->q <= 32));
}

static bool use_kernel(const lci_monarch *a, lc_layout layout, int64_t n) {
    return lci_monarch_panel_ok(a->b) && (lci_isa() >= LC_ISA_AVX512 || kernel_fits(a, layout, n));
}

static void kernel_mm(const lci_monarch *a, const lci_mm_args *g) {
    const int64_t n = g->n;
    monarch_job job = {.a = a, .g = g, .u = g->work};
    job.kernel = (lci_monarch_panel_fn)lci_kernel_get(LCI_KERNEL_MONARCH_PANEL);
    // Every vector's sums are the same whatever tile or panel it falls in, so the panels can
    // shrink to give each thread work when n is small: results stay bitwise the same.
    int parts =
        lci_threads_for((double)a->q * (double)(a->base.m + a->base.k) * (double)n, 1 << 20);
    if (parts > n) parts = (int)n;
    job.panel = min64(PANELK, (n + parts - 1) / parts);
    job.items = (n + job.panel - 1) / job.panel;
    job.parts = parts > job.items ? (int)job.items : parts;
    lci_parallel(job.parts, panel_part, &job);
}

lc_status lci_monarch_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_monarch *a = (const lci_monarch *)mat;
    if (lci_isa() == LC_ISA_GENERIC) {
        lci_monarch_mm_ref(a, g);
        return LC_OK;
    }
    const int64_t b = a->b, n = g->n;
    if (use_kernel(a, g->layout, n)) {
        kernel_mm(a, g);
        return LC_OK;
    }
    if (g->ldx > INT32_MAX || b * g->ldy > INT32_MAX || b * n > INT32_MAX || mat->m > INT32_MAX)
        return lci_error(LC_ERR_UNSUPPORTED, "monarch: leading dimensions or b·n above INT32_MAX "
                                             "are beyond CBLAS");
    monarch_job job = {.a = a, .g = g, .u = g->work, .panels = (n + PANEL - 1) / PANEL};
    job.w = job.u + b * a->q * n;
    const double dn = (double)n;
    job.items = b * job.panels;
    job.parts = parts_for((double)a->q * (double)mat->k * dn, job.items);
    lci_parallel_blas(job.parts, phase1_part, &job);
    job.parts = parts_for((double)a->q * (double)mat->m * dn, job.items);
    lci_parallel_blas(job.parts, phase2_part, &job);
    if (g->layout == LC_LAYOUT_ROWS && n > 1) {
        job.items = (n + PANEL3 - 1) / PANEL3;
        job.parts = parts_for((double)mat->m * dn * 8, job.items);
        lci_parallel(job.parts, phase3_part, &job);
    }
    return LC_OK;
}

size_t lci_monarch_workspace(const lc_mat *mat, lc_layout layout, int64_t n) {
    const lci_monarch *a = (const lci_monarch *)mat;
    // U: b·q floats per vector; W (rows layout by CBLAS, n > 1): M more, whenever some ISA level
    // takes the CBLAS path, so the size does not depend on the level in force.
    size_t per = (size_t)(a->b * a->q), count, bytes;
    if (layout == LC_LAYOUT_ROWS && n > 1 && !kernel_fits(a, layout, n)) per += (size_t)mat->m;
    if (lci_mul_size(per, (size_t)n, &count) || lci_mul_size(count, sizeof(float), &bytes) ||
        bytes == SIZE_MAX)
        return SIZE_MAX;
    return bytes;
}
