// lowrank_mm.c: Y = alpha·U·(Vᵀ·X) + beta·Y in two steps through a workspace, both by the
// format's register-tiled kernel (lowrank.h, chosen by lci_kernel_get): step 1 T = Vᵀ·X, step 2
// Y = alpha·U·T + beta·Y, each cut into blocks that lacuna's threads share. Every output is summed
// in one fixed order whatever the blocks (T in passes of KB steps, the passes added in order), so
// no result depends on the thread count.
#include "lowrank.h"

// Step 1 runs over blocks of NB1 vectors × RC ranks, K in passes of KB steps (the B panel of a
// pass, KB rows of 64 floats, stays in L1/L2 across the row tiles); when that makes fewer blocks
// than threads, the blocks get narrower (ranks when T is r×n, vectors when Tᵀ is n×r), so two
// threads share n = 16. Step 2 over blocks of BLOCK_M rows of U (32 KB at r = 32) × all vectors.
enum { NB1 = 64, RC = 32, KB = 128, BLOCK_M = LCI_LOWRANK_UT_BLOCK };

typedef struct lowrank_job {
    const lci_lowrank *a;
    const lci_mm_args *g;
    lci_lowrank_gemm_fn gemm;
    float *t;        // T (r×n, row stride n), or Tᵀ (n×r, row stride r) when tt
    bool tt;         // step 1 broadcasts X: the rows layout, or one vector
    bool yrows;      // step 2 loads Uᵀ: the rows layout, or one contiguous vector
    int64_t nb1, rc; // step 1: vectors × ranks of a block
    int64_t nb;      // step 1: vector blocks; step 2: row blocks
    int64_t blocks;
    int parts;
} lowrank_job;

static int64_t min64(int64_t a, int64_t b) {
    return a < b ? a : b;
}

// Step 1 for vectors [j0, j0 + nb) and ranks [l0, l0 + rc).
static void step1_block(const lowrank_job *j, int64_t j0, int64_t l0) {
    const lci_lowrank *a = j->a;
    const lci_mm_args *g = j->g;
    const int64_t k = a->base.k, r = a->r, nb = min64(j->nb1, g->n - j0);
    const int64_t rc = min64(j->rc, r - l0);
    for (int64_t p0 = 0; p0 < k; p0 += KB) {
        lci_lowrank_gemm s = {.steps = min64(KB, k - p0), .alpha = 1.0f, .accumulate = p0 > 0};
        if (!j->tt) { // T[l0.., j0..] (rc×nb): V broadcast, X rows loaded (cols layout)
            s.rows = rc, s.cols = nb;
            s.a = a->v + p0 * r + l0, s.as = 1, s.ast = r;
            s.b = g->x + p0 * g->ldx + j0, s.ldb = g->ldx;
            s.c = j->t + l0 * g->n + j0, s.ldc = g->n;
        } else { // Tᵀ[j0.., l0..] (nb×rc): X broadcast, V rows loaded
            const bool cols = g->layout == LC_LAYOUT_COLS; // then n = 1
            s.rows = nb, s.cols = rc;
            s.a = cols ? g->x + p0 * g->ldx : g->x + j0 * g->ldx + p0;
            s.as = cols ? 1 : g->ldx, s.ast = cols ? g->ldx : 1;
            s.b = a->v + p0 * r + l0, s.ldb = r;
            s.c = j->t + j0 * r + l0, s.ldc = r;
        }
        j->gemm(&s);
    }
}

static void step1_part(void *vjob, int part) {
    const lowrank_job *j = vjob;
    for (int64_t b = part; b < j->blocks; b += j->parts)
        step1_block(j, (b % j->nb) * j->nb1, (b / j->nb) * j->rc);
}

// Step 2 for rows [i0, i0 + BLOCK_M) of Y, all vectors.
static void step2_block(const lowrank_job *j, int64_t i0) {
    const lci_lowrank *a = j->a;
    const lci_mm_args *g = j->g;
    const int64_t r = a->r, mb = min64(BLOCK_M, a->base.m - i0);
    if (!j->yrows) { // Y[i0.., :] = alpha·U[i0.., :]·T + beta·Y (cols layout)
        lci_lowrank_gemm s = {.rows = mb,
                              .cols = g->n,
                              .steps = r,
                              .a = a->u + i0 * r,
                              .as = r,
                              .ast = 1,
                              .b = j->t,
                              .ldb = g->n,
                              .c = g->y + i0 * g->ldy,
                              .ldc = g->ldy,
                              .alpha = g->alpha,
                              .beta = g->beta};
        j->gemm(&s);
        return;
    }
    // Rows layout: Y[:, i0..] (n×mb) = alpha·Tᵀ·U[i0.., :]ᵀ + beta·Y: Tᵀ broadcast, Uᵀ loaded
    // (for one vector, T and Tᵀ are the same array).
    lci_lowrank_gemm s = {.rows = g->n,
                          .cols = mb,
                          .steps = r,
                          .a = j->t,
                          .as = r,
                          .ast = 1,
                          .b = a->ut + i0 * r,
                          .ldb = mb,
                          .c = g->y + i0,
                          .ldc = g->ldy,
                          .alpha = g->alpha,
                          .beta = g->beta};
    j->gemm(&s);
}

static void step2_part(void *vjob, int part) {
    const lowrank_job *j = vjob;
    for (int64_t b = part; b < j->blocks; b += j->parts) step2_block(j, b * BLOCK_M);
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
    const double r = (double)a->r, n = (double)g->n;
    const bool rows = g->layout == LC_LAYOUT_ROWS;
    lowrank_job job = {.a = a,
                       .g = g,
                       .t = g->work,
                       .tt = rows || g->n == 1,
                       .yrows = rows || (g->n == 1 && g->ldy == 1)};
    job.gemm = (lci_lowrank_gemm_fn)lci_kernel_get(LCI_KERNEL_LOWRANK_GEMM);
    const int want = lci_threads_for(r * (double)mat->k * n, 1 << 20);
    job.nb1 = NB1, job.rc = RC;
    if (((g->n + NB1 - 1) / NB1) * ((a->r + RC - 1) / RC) < want) {
        if (job.tt) // vectors are the broadcast rows: blocks of whole 8-row tiles
            job.nb1 = ((g->n + want - 1) / want + 7) / 8 * 8;
        else // ranks are the broadcast rows: blocks of whole 4-row tiles
            job.rc = ((a->r + want - 1) / want + 3) / 4 * 4;
    }
    job.nb = (g->n + job.nb1 - 1) / job.nb1;
    job.blocks = job.nb * ((a->r + job.rc - 1) / job.rc);
    job.parts = parts_for(r * (double)mat->k * n, job.blocks);
    lci_parallel(job.parts, step1_part, &job);
    job.nb = (mat->m + BLOCK_M - 1) / BLOCK_M;
    job.blocks = job.nb;
    job.parts = parts_for(r * (double)mat->m * n, job.blocks);
    lci_parallel(job.parts, step2_part, &job);
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
