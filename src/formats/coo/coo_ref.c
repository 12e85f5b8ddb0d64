// coo_ref.c: plain C oracle for COO, Y = alpha·A·X + beta·Y, one row of triplets at a time,
// 64 vectors at a time.
#include "coo.h"

enum { PANEL = 64 };

void lci_coo_mm_ref(const lci_coo *c, const lci_mm_args *g) {
    const int64_t m = c->base.m, n = g->n;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    // Element (k, j) of X and (i, j) of Y, in either layout.
    const int64_t xs_k = cols ? g->ldx : 1, xs_j = cols ? 1 : g->ldx;
    const int64_t ys_i = cols ? g->ldy : 1, ys_j = cols ? 1 : g->ldy;
    int64_t p0 = 0;
    for (int64_t i = 0; i < m; i++) {
        int64_t p1 = p0;
        while (p1 < c->nnz && c->row[p1] == i) p1++;
        float *y = g->y + i * ys_i;
        for (int64_t j0 = 0; j0 < n; j0 += PANEL) {
            const int64_t w = n - j0 < PANEL ? n - j0 : PANEL;
            float acc[PANEL];
            for (int64_t j = 0; j < w; j++) acc[j] = 0.0f;
            for (int64_t p = p0; p < p1; p++) {
                const float v = c->val[p];
                const float *x = g->x + c->col[p] * xs_k + j0 * xs_j;
                for (int64_t j = 0; j < w; j++) acc[j] += v * x[j * xs_j];
            }
            for (int64_t j = 0; j < w; j++) {
                float *out = y + (j0 + j) * ys_j;
                *out = g->beta == 0.0f ? g->alpha * acc[j] : g->alpha * acc[j] + g->beta * *out;
            }
        }
        p0 = p1;
    }
}
