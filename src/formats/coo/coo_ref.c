// coo_ref.c: plain C oracle for COO, Y = alpha·A·X + beta·Y, one row of triplets at a time.
#include "coo.h"

void lci_coo_mm_ref(const lci_coo *c, const lci_mm_args *g) {
    const int64_t m = c->base.m, n = g->n;
    float *acc = g->work; // n floats
    const bool cols = g->layout == LC_LAYOUT_COLS;
    // Element (i, j) of X·(vector j) and of Y, in either layout.
    const int64_t xs_k = cols ? g->ldx : 1, xs_j = cols ? 1 : g->ldx;
    const int64_t ys_i = cols ? g->ldy : 1, ys_j = cols ? 1 : g->ldy;
    int64_t p = 0;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) acc[j] = 0.0f;
        for (; p < c->nnz && c->row[p] == i; p++) {
            const float v = c->val[p];
            const float *x = g->x + c->col[p] * xs_k;
            for (int64_t j = 0; j < n; j++) acc[j] += v * x[j * xs_j];
        }
        float *y = g->y + i * ys_i;
        for (int64_t j = 0; j < n; j++)
            y[j * ys_j] =
                g->beta == 0.0f ? g->alpha * acc[j] : g->alpha * acc[j] + g->beta * y[j * ys_j];
    }
}
