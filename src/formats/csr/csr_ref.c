// csr_ref.c: plain C oracle kernels for CSR: SpMM over an activation panel, SpMV, and the
// tiled SpMM of the optimised layout.
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

void lci_csr_tile_mm_ref(const int32_t *row, const int64_t *item_ptr, const uint16_t *idx,
                         const float *val, int64_t q0, int64_t q1, int64_t r0, const float *panel,
                         int64_t nb, int64_t ld, float *acc) {
    for (int64_t q = q0; q < q1; q++) {
        float *a = acc + (row[q] - r0) * ld;
        for (int64_t e = item_ptr[q]; e < item_ptr[q + 1]; e++) {
            const float v = val[e];
            const float *x = panel + (int64_t)idx[e] * ld;
            for (int64_t j = 0; j < nb; j++) a[j] += v * x[j];
        }
    }
}

void lci_csr_sell_mv_ref(const lci_csr_sell *s, int32_t tile, int64_t s0, int64_t s1, int64_t n,
                         const float *x, int64_t ldxv, const lci_sell_out *o) {
    const int64_t C = LCI_CSR_SELL_C;
    for (int64_t slice = s0; slice < s1; slice++) {
        const int64_t b = (int64_t)tile * s->slices + slice;
        for (int64_t l = 0; l < C; l++) {
            const int32_t r = s->perm[b * C + l];
            if (r < 0) continue;
            const int64_t len = s->len[b * C + l];
            for (int64_t v = 0; v < n; v++) {
                const float *xv = x + v * ldxv;
                float sum = 0.0f;
                for (int64_t j = 0, e = s->step[b] * C + l; j < len; j++, e += C)
                    sum += s->val[e] * xv[s->idx[e]];
                if (o->acc) {
                    float *a = o->acc + v * o->lda + r;
                    *a = o->first ? sum : *a + sum;
                } else {
                    float *out = o->y + r * o->ys_r + v * o->ys_v;
                    *out = o->beta == 0.0f ? o->alpha * sum : o->alpha * sum + o->beta * *out;
                }
            }
        }
    }
}

void lci_csr_sell_ovf_ref(const int32_t *row, const int64_t *ptr, const uint16_t *idx,
                          const float *val, int64_t q0, int64_t q1, int64_t n, const float *x,
                          int64_t ldxv, float *acc, int64_t lda) {
    for (int64_t q = q0; q < q1; q++) {
        for (int64_t v = 0; v < n; v++) {
            const float *xv = x + v * ldxv;
            float sum = 0.0f;
            for (int64_t e = ptr[q]; e < ptr[q + 1]; e++) sum += val[e] * xv[idx[e]];
            acc[v * lda + row[q]] += sum;
        }
    }
}

const lci_kernel lci_csr_kernels_ref[] = {
    {LCI_KERNEL_CSR_MM, LC_ISA_GENERIC, "lci_csr_mm_ref", (lci_fn)lci_csr_mm_ref},
    {LCI_KERNEL_CSR_MV, LC_ISA_GENERIC, "lci_csr_mv_ref", (lci_fn)lci_csr_mv_ref},
    // The plain C loop has no prefetches to add: the same function streams.
    {LCI_KERNEL_CSR_MV_STREAM, LC_ISA_GENERIC, "lci_csr_mv_ref", (lci_fn)lci_csr_mv_ref},
    {LCI_KERNEL_CSR_SELL_OVF, LC_ISA_GENERIC, "lci_csr_sell_ovf_ref", (lci_fn)lci_csr_sell_ovf_ref},
    {LCI_KERNEL_CSR_SELL_MV, LC_ISA_GENERIC, "lci_csr_sell_mv_ref", (lci_fn)lci_csr_sell_mv_ref},
    {LCI_KERNEL_CSR_TILE_MM, LC_ISA_GENERIC, "lci_csr_tile_mm_ref", (lci_fn)lci_csr_tile_mm_ref},
    {0, 0, NULL, NULL},
};
