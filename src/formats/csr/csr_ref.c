// csr_ref.c: plain C oracle kernels for CSR: SpMM over an activation panel and SpMV.
#include "csr.h"

void lci_csr_mm_ref(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                    int64_t r1, const float *p, int64_t ldp, int64_t nb, float alpha, float beta,
                    float *y, int64_t ldy) {
    float acc[LCI_CSR_PANEL];
    for (int64_t i = r0; i < r1; i++) {
        float *yi = y + (i - r0) * ldy;
        for (int64_t j0 = 0; j0 < nb; j0 += LCI_CSR_PANEL) {
            int64_t w = nb - j0 < LCI_CSR_PANEL ? nb - j0 : LCI_CSR_PANEL;
            for (int64_t j = 0; j < w; j++) acc[j] = 0.0f;
            for (int64_t q = ptr[i]; q < ptr[i + 1]; q++) {
                const float v = val[q];
                const float *x = p + (int64_t)col[q] * ldp + j0;
                for (int64_t j = 0; j < w; j++) acc[j] += v * x[j];
            }
            for (int64_t j = 0; j < w; j++)
                yi[j0 + j] = beta == 0.0f ? alpha * acc[j] : alpha * acc[j] + beta * yi[j0 + j];
        }
    }
}

void lci_csr_mv_ref(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0,
                    int64_t r1, const float *x, float alpha, float beta, float *y, int64_t incy) {
    for (int64_t i = r0; i < r1; i++) {
        float acc = 0.0f;
        for (int64_t q = ptr[i]; q < ptr[i + 1]; q++) acc += val[q] * x[col[q]];
        float *yi = y + (i - r0) * incy;
        *yi = beta == 0.0f ? alpha * acc : alpha * acc + beta * *yi;
    }
}

const lci_kernel lci_csr_kernels_ref[] = {
    {LCI_KERNEL_CSR_MM, LC_ISA_GENERIC, "lci_csr_mm_ref", (lci_fn)lci_csr_mm_ref},
    {LCI_KERNEL_CSR_MV, LC_ISA_GENERIC, "lci_csr_mv_ref", (lci_fn)lci_csr_mv_ref},
    {0, 0, NULL, NULL},
};
