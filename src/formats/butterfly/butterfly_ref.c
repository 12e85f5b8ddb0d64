// butterfly_ref.c: plain C oracle of the butterfly stages, one layer at a time over a tile of
// LCI_BF_LANES vectors: factor t, y[i] = a·x[i] + b·x[i+h], y[i+h] = c·x[i] + d·x[i+h], then its
// mirror layer if any (the same with the partner b + 2h − j of b + j, b + h of b) — a product, a
// product, one addition each; no FMA.
#include "butterfly.h"

enum { W = LCI_BF_LANES };

static void pair(const float *blk, float *x0, float *x1) {
    const float a = blk[0], bb = blk[1], c = blk[2], d = blk[3];
    for (int j = 0; j < W; j++) {
        const float u = x0[j], v = x1[j];
        const float p = a * u, q = bb * v, r = c * u, s = d * v;
        x0[j] = p + q;
        x1[j] = r + s;
    }
}

void lci_butterfly_stages_ref(const lci_butterfly *a, int32_t t0, int32_t t1, float *tile,
                              int64_t r0, int64_t rows) {
    for (int32_t t = t0; t < t1; t++) {
        const int64_t h = (int64_t)1 << t;
        const float *ft = a->f + (int64_t)t * (a->nn / 2) * 4, *gt = lci_butterfly_mirror(a, t);
        for (int64_t b = r0; b < r0 + rows; b += 2 * h) {
            const int64_t q0 = (b >> (t + 1)) * h;
            for (int64_t j = 0; j < h; j++)
                pair(ft + (q0 + j) * 4, tile + (b + j) * W, tile + (b + j + h) * W);
            if (gt)
                for (int64_t j = 0; j < h; j++)
                    pair(gt + (q0 + j) * 4, tile + (b + j) * W,
                         tile + (j ? b + 2 * h - j : b + h) * W);
        }
    }
}

const lci_kernel lci_butterfly_kernels_ref[] = {
    {LCI_KERNEL_BUTTERFLY_STAGES, LC_ISA_GENERIC, "lci_butterfly_stages_ref",
     (lci_fn)lci_butterfly_stages_ref},
    {0, 0, NULL, NULL},
};
