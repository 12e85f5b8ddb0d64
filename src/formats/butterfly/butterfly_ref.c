// butterfly_ref.c: plain C oracle of the butterfly stages, one factor at a time over a tile of
// LCI_BF_LANES vectors: y[i] = a·x[i] + b·x[i+h], y[i+h] = c·x[i] + d·x[i+h] (a product, a
// product, one addition each; no FMA).
#include "butterfly.h"

void lci_butterfly_stages_ref(const float *f, int64_t nn, int32_t t0, int32_t t1, float *tile,
                              int64_t r0, int64_t rows) {
    enum { W = LCI_BF_LANES };
    for (int32_t t = t0; t < t1; t++) {
        const int64_t h = (int64_t)1 << t;
        const float *ft = f + (int64_t)t * (nn / 2) * 4;
        for (int64_t b = r0; b < r0 + rows; b += 2 * h)
            for (int64_t i = b; i < b + h; i++) {
                const float *blk = ft + ((i >> (t + 1)) * h + (i & (h - 1))) * 4;
                const float a = blk[0], bb = blk[1], c = blk[2], d = blk[3];
                float *x0 = tile + i * W, *x1 = tile + (i + h) * W;
                for (int j = 0; j < W; j++) {
                    const float u = x0[j], v = x1[j];
                    const float p = a * u, q = bb * v, r = c * u, s = d * v;
                    x0[j] = p + q;
                    x1[j] = r + s;
                }
            }
    }
}

const lci_kernel lci_butterfly_kernels_ref[] = {
    {LCI_KERNEL_BUTTERFLY_STAGES, LC_ISA_GENERIC, "lci_butterfly_stages_ref",
     (lci_fn)lci_butterfly_stages_ref},
    {0, 0, NULL, NULL},
};
