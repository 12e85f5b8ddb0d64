// circulant_ref.c: plain C oracle of the circulant and Toeplitz products, the direct sum
// y_i = alpha·Σ_j h[(i − j) mod L]·x_j + beta·y_i (j in order), used instead of FFTW when the
// generic level is forced (LC_ISA=generic). O(M·K) per vector.
#include "circulant.h"

void lci_fftconv_mm_ref(const lci_fftconv *a, const lci_mm_args *g) {
    const int64_t m = a->base.m, k = a->base.k, len = a->len;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    for (int64_t v = 0; v < g->n; v++)
        for (int64_t i = 0; i < m; i++) {
            float acc = 0.0f;
            for (int64_t j = 0; j < k; j++) {
                const float x = cols ? g->x[j * g->ldx + v] : g->x[v * g->ldx + j];
                acc += a->h[(i - j + len) % len] * x;
            }
            float *y = cols ? g->y + i * g->ldy + v : g->y + v * g->ldy + i;
            *y = g->beta == 0.0f ? g->alpha * acc : g->alpha * acc + g->beta * *y;
        }
}
