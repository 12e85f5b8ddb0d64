// lowrank_ref.c: plain C: the low-rank kernel (lowrank.h), the oracle of its ISA twins (the same
// chains, so the same bits), and the whole product used when the generic level is forced
// (LC_ISA=generic).
#include "lowrank.h"

#include <math.h>

void lci_lowrank_gemm_ref(const lci_lowrank_gemm *g) {
    for (int64_t q = 0; q < g->rows; q++) {
        const float *a = g->a + q * g->as;
        float *c = g->c + q * g->ldc;
        for (int64_t j = 0; j < g->cols; j++) {
            float acc = 0.0f;
            for (int64_t s = 0; s < g->steps; s++)
                acc = fmaf(a[s * g->ast], g->b[s * g->ldb + j], acc);
            if (g->accumulate) {
                acc = c[j] + acc;
            } else {
                acc *= g->alpha;
                if (g->beta != 0.0f) acc = fmaf(g->beta, c[j], acc);
            }
            c[j] = acc;
        }
    }
}

// The whole product, T = Vᵀ·X then Y = alpha·U·T + beta·Y, one thread: the generic level's path
// (no BLAS) and the format's oracle.
void lci_lowrank_mm_ref(const lci_lowrank *a, const lci_mm_args *g) {
    const int64_t m = a->base.m, k = a->base.k, r = a->r, n = g->n;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    float *t = g->work; // r×n, row-major: T[l, j] = Σ_p V[p, l]·X[p, j], summed over p in order
    for (int64_t q = 0; q < r * n; q++) t[q] = 0.0f;
    for (int64_t p = 0; p < k; p++) {
        const float *vp = a->v + p * r;
        for (int64_t j = 0; j < n; j++) {
            const float x = cols ? g->x[p * g->ldx + j] : g->x[j * g->ldx + p];
            for (int64_t l = 0; l < r; l++) t[l * n + j] += vp[l] * x;
        }
    }
    for (int64_t i = 0; i < m; i++) {
        const float *ui = a->u + i * r;
        for (int64_t j = 0; j < n; j++) {
            float acc = 0.0f;
            for (int64_t l = 0; l < r; l++) acc += ui[l] * t[l * n + j];
            float *y = cols ? g->y + i * g->ldy + j : g->y + j * g->ldy + i;
            *y = g->beta == 0.0f ? g->alpha * acc : g->alpha * acc + g->beta * *y;
        }
    }
}

const lci_kernel lci_lowrank_kernels_ref[] = {
    {LCI_KERNEL_LOWRANK_GEMM, LC_ISA_GENERIC, "lci_lowrank_gemm_ref", (lci_fn)lci_lowrank_gemm_ref},
    {0, 0, NULL, NULL},
};
