// dense_ref.c: plain C oracle for the dense format, Y = alpha·A·X + beta·Y (A row-major M×K),
// used instead of the BLAS when the generic level is forced (LC_ISA=generic).
#include "dense.h"

enum { PANEL = 64 };

void lci_dense_mm_ref(const float *a, int64_t lda, int64_t m, int64_t k, const lci_mm_args *g) {
    const bool cols = g->layout == LC_LAYOUT_COLS;
    for (int64_t i = 0; i < m; i++) {
        const float *ai = a + i * lda;
        if (!cols) {
            // Y[j, i] = X[j, :] · A[i, :]
            for (int64_t j = 0; j < g->n; j++) {
                const float *x = g->x + j * g->ldx;
                float acc = 0.0f;
                for (int64_t p = 0; p < k; p++) acc += ai[p] * x[p];
                float *y = g->y + j * g->ldy + i;
                *y = g->beta == 0.0f ? g->alpha * acc : g->alpha * acc + g->beta * *y;
            }
            continue;
        }
        // Y[i, :] = Σ_p A[i, p] · X[p, :], 64 columns at a time.
        float acc[PANEL];
        float *yi = g->y + i * g->ldy;
        for (int64_t j0 = 0; j0 < g->n; j0 += PANEL) {
            int64_t w = g->n - j0 < PANEL ? g->n - j0 : PANEL;
            for (int64_t j = 0; j < w; j++) acc[j] = 0.0f;
            for (int64_t p = 0; p < k; p++) {
                const float v = ai[p];
                const float *x = g->x + p * g->ldx + j0;
                for (int64_t j = 0; j < w; j++) acc[j] += v * x[j];
            }
            for (int64_t j = 0; j < w; j++)
                yi[j0 + j] =
                    g->beta == 0.0f ? g->alpha * acc[j] : g->alpha * acc[j] + g->beta * yi[j0 + j];
        }
    }
}
