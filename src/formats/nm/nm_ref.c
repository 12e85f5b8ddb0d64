// nm_ref.c: plain C oracle kernels for N:M, one tile of one row block: SpMM over a packed
// activation panel and SpMV over up to four vectors, each row summed in column order. The same
// code serves per-row patterns (v = 1) and row groups (v > 1): a row finds its group's bitmap.
#include "nm.h"

static inline const uint64_t *row_bits(const lci_nm_tile *t, int32_t q) {
    return t->bits + (int64_t)((t->lead + q) / t->v) * t->bstride;
}

static inline void mm_body(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                           float *acc) {
    for (int32_t q = 0; q < t->rows; q++) {
        const float *val = t->val + (int64_t)q * t->cnt;
        const uint64_t *w = row_bits(t, q);
        float *a = acc + q * ld;
        for (int32_t i = 0; i < t->words; i++) {
            for (uint64_t b = w[i]; b; b &= b - 1) {
                const float v = *val++;
                const float *x = panel + (int64_t)(i * 64 + __builtin_ctzll(b)) * ld;
                for (int64_t j = 0; j < nb; j++) a[j] += v * x[j];
            }
        }
    }
}

static inline void mv_body(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                           float *acc) {
    for (int32_t q = 0; q < t->rows; q++) {
        const float *val = t->val + (int64_t)q * t->cnt;
        const uint64_t *w = row_bits(t, q);
        for (int32_t i = 0; i < t->words; i++) {
            for (uint64_t b = w[i]; b; b &= b - 1) {
                const float v = *val++;
                const int64_t c = i * 64 + __builtin_ctzll(b);
                for (int32_t j = 0; j < nv; j++) acc[(q * nv + j) * 16] += v * x[j * ldxv + c];
            }
        }
    }
}

void lci_nm_mm_ref(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb, float *acc) {
    mm_body(t, panel, ld, nb, acc);
}

void lci_nm_mv_ref(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv, int64_t avail,
                   float *acc) {
    (void)avail; // kept columns are below K by construction
    mv_body(t, x, ldxv, nv, acc);
}

void lci_nm_group_mm_ref(const lci_nm_tile *t, const float *panel, int64_t ld, int64_t nb,
                         float *acc) {
    mm_body(t, panel, ld, nb, acc);
}

void lci_nm_group_mv_ref(const lci_nm_tile *t, const float *x, int64_t ldxv, int32_t nv,
                         int64_t avail, float *acc) {
    (void)avail;
    mv_body(t, x, ldxv, nv, acc);
}

const lci_kernel lci_nm_kernels_ref[] = {
    {LCI_KERNEL_NM_MM, LC_ISA_GENERIC, "lci_nm_mm_ref", (lci_fn)lci_nm_mm_ref},
    {LCI_KERNEL_NM_MV, LC_ISA_GENERIC, "lci_nm_mv_ref", (lci_fn)lci_nm_mv_ref},
    {LCI_KERNEL_NM_GROUP_MM, LC_ISA_GENERIC, "lci_nm_group_mm_ref", (lci_fn)lci_nm_group_mm_ref},
    {LCI_KERNEL_NM_GROUP_MV, LC_ISA_GENERIC, "lci_nm_group_mv_ref", (lci_fn)lci_nm_group_mv_ref},
    {0, 0, NULL, NULL},
};
