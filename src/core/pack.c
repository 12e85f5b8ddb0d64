// pack.c: copy a column panel of the activation X into a contiguous K×nb row-major panel.
#include "internal.h"

#include <string.h>

void lci_pack_panel(lc_layout layout, const float *x, int64_t ldx, int64_t k0, int64_t k1,
                    int64_t j0, int64_t nb, float *panel, int64_t ldp) {
    if (layout == LC_LAYOUT_COLS) {
        for (int64_t kk = k0; kk < k1; kk++)
            memcpy(panel + kk * ldp, x + kk * ldx + j0, (size_t)nb * sizeof(float));
        return;
    }
    // Rows layout: X is n×K, the panel is its transpose. Blocks of 8×8 keep both sides in
    // cache lines.
    const int64_t B = 8;
    for (int64_t kb = k0; kb < k1; kb += B) {
        int64_t ke = kb + B < k1 ? kb + B : k1;
        for (int64_t jb = 0; jb < nb; jb += B) {
            int64_t je = jb + B < nb ? jb + B : nb;
            for (int64_t j = jb; j < je; j++) {
                const float *src = x + (j0 + j) * ldx;
                for (int64_t kk = kb; kk < ke; kk++) panel[kk * ldp + j] = src[kk];
            }
        }
    }
}
