// bsr_ref.c: plain C oracle kernels for BSR: SpMM of one block row's rows against a packed
// activation panel (Y = alpha·A·P + beta·Y), SpMV of a range of block rows (y = alpha·A·x +
// beta·y). Both stop at the matrix edge, so edge padding is never multiplied.
#include "bsr.h"

void lci_bsr_mm_ref(const lci_bsr *b, int64_t I, int32_t r0, int32_t r1, const float *p,
                    int64_t ldp, int64_t nb, float alpha, float beta, lc_layout layout, float *y,
                    int64_t ldy) {
    // Result (r, j) at y[r·rs + j·js]: rows of Y (cols layout) or columns of Y (rows layout).
    const int64_t rs = layout == LC_LAYOUT_COLS ? ldy : 1, js = layout == LC_LAYOUT_COLS ? 1 : ldy;
    const int64_t area = (int64_t)b->bh * b->bw;
    float acc[LCI_BSR_PANEL];
    for (int32_t r = r0; r < r1; r++) {
        for (int64_t j = 0; j < nb; j++) acc[j] = 0.0f;
        for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
            const int32_t cols = lci_bsr_cols(b, b->col[t]);
            const float *a = b->val + t * area + r;
            const float *x = p + (int64_t)b->col[t] * b->bw * ldp;
            for (int32_t c = 0; c < cols; c++) {
                const float v = a[(int64_t)c * b->bh];
                const float *xr = x + c * ldp;
                for (int64_t j = 0; j < nb; j++) acc[j] += v * xr[j];
            }
        }
        for (int64_t j = 0; j < nb; j++) {
            float *o = y + (r - r0) * rs + j * js;
            *o = beta == 0.0f ? alpha * acc[j] : alpha * acc[j] + beta * *o;
        }
    }
}

void lci_bsr_mv_ref(const lci_bsr *b, int64_t I0, int64_t I1, const float *x, float alpha,
                    float beta, float *y, int64_t incy) {
    const int64_t area = (int64_t)b->bh * b->bw;
    for (int64_t I = I0; I < I1; I++) {
        const int32_t rows = lci_bsr_rows(b, I);
        for (int32_t r = 0; r < rows; r++) {
            float acc = 0.0f;
            for (int64_t t = b->ptr[I]; t < b->ptr[I + 1]; t++) {
                const int32_t cols = lci_bsr_cols(b, b->col[t]);
                const float *a = b->val + t * area + r;
                const float *xs = x + (int64_t)b->col[t] * b->bw;
                for (int32_t c = 0; c < cols; c++) acc += a[(int64_t)c * b->bh] * xs[c];
            }
            float *yi = y + ((I - I0) * b->bh + r) * incy;
            *yi = beta == 0.0f ? alpha * acc : alpha * acc + beta * *yi;
        }
    }
}

const lci_kernel lci_bsr_kernels_ref[] = {
    {LCI_KERNEL_BSR_MM, LC_ISA_GENERIC, "lci_bsr_mm_ref", (lci_fn)lci_bsr_mm_ref},
    {LCI_KERNEL_BSR_MV, LC_ISA_GENERIC, "lci_bsr_mv_ref", (lci_fn)lci_bsr_mv_ref},
    {0, 0, NULL, NULL},
};
