// monarch_ref.c: plain C oracles of the Monarch product: lci_monarch_mm_ref, U = R·X (block by
// block), then Y = alpha·P_M·L·(P_{bq}ᵀ·U) + beta·Y, used instead of the BLAS and the kernels when
// the generic level is forced (LC_ISA=generic); and the panel kernel's plain C twin.
#include "monarch.h"

void lci_monarch_mm_ref(const lci_monarch *a, const lci_mm_args *g) {
    const int64_t b = a->b, q = a->q, p = a->p, s = a->s, n = g->n;
    const bool cols = g->layout == LC_LAYOUT_COLS;
    float *u = g->work; // (b·q)×n, row-major: u[t·n + v], t = k·q + i
    for (int64_t k = 0; k < b; k++)
        for (int64_t i = 0; i < q; i++) {
            const float *rk = a->r + (k * q + i) * p;
            for (int64_t v = 0; v < n; v++) {
                float acc = 0.0f;
                for (int64_t c = 0; c < p; c++) {
                    const int64_t row = k * p + c;
                    acc += rk[c] * (cols ? g->x[row * g->ldx + v] : g->x[v * g->ldx + row]);
                }
                u[(k * q + i) * n + v] = acc;
            }
        }
    for (int64_t j = 0; j < b; j++)
        for (int64_t o = 0; o < s; o++) {
            const float *lj = a->l + (j * s + o) * q;
            const int64_t i = o * b + j; // the output row of L_j's row o
            for (int64_t v = 0; v < n; v++) {
                float acc = 0.0f;
                for (int64_t r = 0; r < q; r++) acc += lj[r] * u[(r * b + j) * n + v];
                float *y = cols ? g->y + i * g->ldy + v : g->y + v * g->ldy + i;
                *y = g->beta == 0.0f ? g->alpha * acc : g->alpha * acc + g->beta * *y;
            }
        }
}

// The panel kernel in plain C (monarch.h): the oracle of the AVX2 and AVX-512 kernels, same
// packed factors, same summation order (c, then r, increasing; no FMA contraction guaranteed).
static void monarch_panel_ref(const lci_monarch_panel *kr) {
    const lci_monarch *a = kr->a;
    const int64_t b = a->b, q = a->q, p = a->p, m = a->base.m;
    for (int64_t v = 0; v < kr->nv; v++) {
        const float *x = kr->x + v * kr->xv;
        float *u = kr->u + v * kr->ldu, *y = kr->y + v * kr->yv;
        for (int64_t k = 0; k < b; k++)
            for (int64_t i = 0; i < q; i++) {
                float acc = 0.0f;
                for (int64_t c = 0; c < p; c++)
                    acc += a->rt[(k * p + c) * q + i] * x[(k * p + c) * kr->xf];
                u[k * q + i] = acc;
            }
        for (int64_t t = 0; t < m; t++) {
            const int64_t h = t / 16, e = t % 16, j = t % b;
            float acc = 0.0f;
            for (int64_t r = 0; r < q; r++) acc += a->lp[(h * q + r) * 16 + e] * u[r * b + j];
            float *d = y + t * kr->yf;
            *d = kr->beta == 0.0f ? kr->alpha * acc : kr->alpha * acc + kr->beta * *d;
        }
    }
}

const lci_kernel lci_monarch_kernels_ref[] = {
    {LCI_KERNEL_MONARCH_PANEL, LC_ISA_GENERIC, "lci_monarch_panel_ref", (lci_fn)monarch_panel_ref},
    {0, 0, NULL, NULL},
};
