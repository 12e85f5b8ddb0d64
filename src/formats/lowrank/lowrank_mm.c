// lowrank_mm.c: Y = alpha·U·(Vᵀ·X) + beta·Y as two CBLAS products through a workspace T = Vᵀ·X
// (r×n), each cut into fixed blocks run by lacuna's threads on a single-threaded BLAS.
#include "lowrank.h"

#include <cblas.h>
#include <string.h>

// Phase 1 (T = Vᵀ·X) runs in blocks of NB1 vectors, phase 2 (Y from T) in blocks of BLOCK_M
// rows × BLOCK_N vectors. The blocks do not depend on the thread count, so neither does any
// result; 128 vectors measured best at r = 32, 4096² (64: 0.76, 128: 0.85, 256: 0.8 of
// the theoretical speedup, one thread) and give two threads work from n = 256.
// T is kept transposed (n×r) in both layouts: OpenBLAS runs the skinny products faster that way
// (measured at r = 32, 4096², n = 256, one thread: step 1 0.74 ms against 0.88 ms as r×n).
enum { NB1 = 128, BLOCK_M = 256, BLOCK_N = 2048 };

typedef struct lowrank_job {
    const lci_lowrank *a;
    const lci_mm_args *g;
    float *t;    // Tᵀ = (Vᵀ·X)ᵀ, n×r (row stride r), in both layouts
    int64_t nb2; // phase 2: column blocks
    int64_t blocks;
    int parts;
} lowrank_job;

static int64_t min64(int64_t a, int64_t b) {
    return a < b ? a : b;
}

// Tᵀ for vectors [j0, j0 + nb).
static void phase1_block(const lowrank_job *j, int64_t j0) {
    const lci_lowrank *a = j->a;
    const lci_mm_args *g = j->g;
    const int k = (int)a->base.k, r = (int)a->r, nb = (int)min64(NB1, g->n - j0);
    if (g->n == 1) { // one vector: T = Vᵀ·x (x strided in the cols layout)
        const int incx = g->layout == LC_LAYOUT_COLS ? (int)g->ldx : 1;
        cblas_sgemv(CblasRowMajor, CblasTrans, k, r, 1.0f, a->v, r, g->x, incx, 0.0f, j->t, 1);
    } else if (g->layout == LC_LAYOUT_COLS) { // Tᵀ[j0.., :] (nb×r) = X[:, j0..]ᵀ·V
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nb, r, k, 1.0f, g->x + j0, (int)g->ldx,
                    a->v, r, 0.0f, j->t + j0 * r, r);
    } else { // Tᵀ[j0.., :] (nb×r) = X[j0.., :]·V
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nb, r, k, 1.0f, g->x + j0 * g->ldx,
                    (int)g->ldx, a->v, r, 0.0f, j->t + j0 * r, r);
    }
}

static void phase1_part(void *vjob, int part) {
    const lowrank_job *j = vjob;
    for (int64_t b = part; b < j->blocks; b += j->parts) phase1_block(j, b * NB1);
}

// Y for rows [i0, i0 + mb) and vectors [j0, j0 + nb).
static void phase2_block(const lowrank_job *j, int64_t i0, int64_t j0) {
    const lci_lowrank *a = j->a;
    const lci_mm_args *g = j->g;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    const int r = (int)a->r, mb = (int)min64(BLOCK_M, a->base.m - i0);
    const int nb = (int)min64(BLOCK_N, g->n - j0);
    const float *u = a->u + i0 * r;
    float *y = cols ? g->y + i0 * g->ldy + j0 : g->y + j0 * g->ldy + i0;
    if (g->beta == 0.0f) // the BLAS may propagate NaN from Y when beta = 0; we must not
        for (int64_t q = 0; q < (cols ? mb : nb); q++)
            memset(y + q * g->ldy, 0, (size_t)(cols ? nb : mb) * sizeof(float));
    if (g->n == 1) {
        const int incy = cols ? (int)g->ldy : 1;
        cblas_sgemv(CblasRowMajor, CblasNoTrans, mb, r, g->alpha, u, r, j->t, 1, g->beta, y, incy);
    } else if (cols) { // Y (mb×nb) = alpha·U·(Tᵀ[j0.., :])ᵀ + beta·Y
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, mb, nb, r, g->alpha, u, r,
                    j->t + j0 * r, r, g->beta, y, (int)g->ldy);
    } else { // Y (nb×mb) = alpha·Tᵀ[j0.., :]·Uᵀ + beta·Y
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nb, mb, r, g->alpha, j->t + j0 * r, r,
                    u, r, g->beta, y, (int)g->ldy);
    }
}

static void phase2_part(void *vjob, int part) {
    const lowrank_job *j = vjob;
    const int64_t mblocks = j->blocks / j->nb2;
    for (int64_t b = part; b < j->blocks; b += j->parts)
        phase2_block(j, (b % mblocks) * BLOCK_M, (b / mblocks) * BLOCK_N);
}

static int parts_for(double work, int64_t blocks) {
    // A thread pays off from about a million multiply-adds, as for the dense format.
    int parts = lci_threads_for(work, 1 << 20);
    return parts > blocks ? (int)blocks : parts;
}

lc_status lci_lowrank_mm(const lc_mat *mat, const lci_mm_args *g) {
    const lci_lowrank *a = (const lci_lowrank *)mat;
    if (lci_isa() == LC_ISA_GENERIC) {
        lci_lowrank_mm_ref(a, g);
        return LC_OK;
    }
    if (g->ldx > INT32_MAX || g->ldy > INT32_MAX || g->n > INT32_MAX)
        return lci_error(LC_ERR_UNSUPPORTED, "lowrank: leading dimensions or n above INT32_MAX "
                                             "are beyond CBLAS");
    const double r = (double)a->r, n = (double)g->n;
    lowrank_job job = {.a = a, .g = g, .t = g->work, .nb2 = 1};
    job.blocks = (g->n + NB1 - 1) / NB1;
    job.parts = parts_for(r * (double)mat->k * n, job.blocks);
    lci_parallel_blas(job.parts, phase1_part, &job);
    job.nb2 = (g->n + BLOCK_N - 1) / BLOCK_N;
    job.blocks = (mat->m + BLOCK_M - 1) / BLOCK_M * job.nb2;
    job.parts = parts_for(r * (double)mat->m * n, job.blocks);
    lci_parallel_blas(job.parts, phase2_part, &job);
    return LC_OK;
}

size_t lci_lowrank_workspace(const lc_mat *mat, lc_layout layout, int64_t n) {
    (void)layout;
    const lci_lowrank *a = (const lci_lowrank *)mat;
    size_t count, bytes;
    if (lci_mul_size((size_t)a->r, (size_t)n, &count) ||
        lci_mul_size(count, sizeof(float), &bytes) || bytes == SIZE_MAX)
        return SIZE_MAX;
    return bytes;
}
