// pack.c: copy a column panel of the activation X into a contiguous K×nb row-major panel.
#include "internal.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Transposes the 4×4 block of X at rows j..j+3 (vectors), columns kk..kk+3 into the panel.
static inline void transpose4(const float *x, int64_t ldx, float *panel, int64_t ldp) {
#if defined(__SSE2__)
    // SSE2 is part of every x86-64: no ISA flag needed, and the panel gets whole 16-byte rows
    // instead of single floats.
    __m128 r0 = _mm_loadu_ps(x), r1 = _mm_loadu_ps(x + ldx);
    __m128 r2 = _mm_loadu_ps(x + 2 * ldx), r3 = _mm_loadu_ps(x + 3 * ldx);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(panel, r0);
    _mm_storeu_ps(panel + ldp, r1);
    _mm_storeu_ps(panel + 2 * ldp, r2);
    _mm_storeu_ps(panel + 3 * ldp, r3);
#else
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) panel[b * ldp + a] = x[a * ldx + b];
#endif
}

void lci_pack_panel(lc_layout layout, const float *x, int64_t ldx, int64_t k0, int64_t k1,
                    int64_t j0, int64_t nb, float *panel, int64_t ldp) {
    if (layout == LC_LAYOUT_COLS) {
        for (int64_t kk = k0; kk < k1; kk++)
            memcpy(panel + kk * ldp, x + kk * ldx + j0, (size_t)nb * sizeof(float));
        return;
    }
    // Rows layout: X is n×K, the panel is its transpose: 4×4 blocks, then the ragged edges.
    const int64_t k4 = k0 + (k1 - k0) / 4 * 4, n4 = nb / 4 * 4;
    for (int64_t kk = k0; kk < k4; kk += 4)
        for (int64_t j = 0; j < n4; j += 4)
            transpose4(x + (j0 + j) * ldx + kk, ldx, panel + kk * ldp + j, ldp);
    for (int64_t j = 0; j < nb; j++) {
        const float *src = x + (j0 + j) * ldx;
        const int64_t from = j < n4 ? k4 : k0; // columns j >= n4: every row; else the edge
        for (int64_t kk = from; kk < k1; kk++) panel[kk * ldp + j] = src[kk];
    }
}
