// csr_mv_rows.h: the row loop of the plain SpMV kernels, shared by the ISA files (included and
// compiled with each file's own flags). Rows of at least LCI_CSR_LONG_ROW entries are summed
// by the ISA's gather routine; shorter ones with scalar loads, two rows interleaved (their
// loads overlap). Each row's own sum keeps its order, and the choice depends on the row alone,
// so results do not depend on the thread split.
#ifndef LACUNA_CSR_MV_ROWS_H
#define LACUNA_CSR_MV_ROWS_H

#include "csr.h"

#define LCI_CSR_LONG_ROW 32

// Keeps a running sum in a scalar register: an empty asm the vectoriser cannot look through.
// GCC -O3 otherwise turns these short in-order reductions into masked vector code that costs
// more than it saves on rows of a few entries (Pd, 8081 rows of 1-5 entries: 14.2 → 11.2 µs).
#define LCI_KEEP_SCALAR(s) __asm__("" : "+x"(s))

// stream: the matrix comes from memory (the LCI_KERNEL_CSR_MV_STREAM kernels): the routine may
// prefetch the value and column streams ahead; the sum must not change. The ISA files keep the
// routine out of line (noinline; one call per row of 32+ entries): inlined, it changed how GCC
// laid out the short-row loops around it, Pd 11.1 → 12.1 µs and cryg2500 6.2 → 7.1 µs.
typedef float (*lci_row_sum_fn)(const int32_t *col, const float *val, int64_t q, int64_t q1,
                                const float *x, bool stream);

static inline __attribute__((always_inline)) void
lci_csr_mv_rows(const int64_t *ptr, const int32_t *col, const float *val, int64_t r0, int64_t r1,
                const float *x, float alpha, float beta, float *y, int64_t incy,
                lci_row_sum_fn long_row, const bool stream) {
    for (int64_t i = r0; i < r1;) {
        const int64_t p0 = ptr[i], e0 = ptr[i + 1];
        float s0 = 0.0f, s1 = 0.0f;
        int rows = 1;
        if (e0 - p0 >= LCI_CSR_LONG_ROW) {
            s0 = long_row(col, val, p0, e0, x, stream);
        } else if (i + 1 < r1 && ptr[i + 2] - e0 < LCI_CSR_LONG_ROW) {
            // A while loop over two cursors: the compiler keeps it scalar (vectorising the
            // products of such short rows only adds shuffles).
            int64_t q0 = p0, q1 = e0;
            const int64_t e1 = ptr[i + 2];
            while (q0 < e0 && q1 < e1) {
                s0 += val[q0] * x[col[q0]];
                s1 += val[q1] * x[col[q1]];
                LCI_KEEP_SCALAR(s0);
                LCI_KEEP_SCALAR(s1);
                q0++, q1++;
            }
            for (; q0 < e0; q0++) {
                s0 += val[q0] * x[col[q0]];
                LCI_KEEP_SCALAR(s0);
            }
            for (; q1 < e1; q1++) {
                s1 += val[q1] * x[col[q1]];
                LCI_KEEP_SCALAR(s1);
            }
            rows = 2;
        } else {
            for (int64_t q = p0; q < e0; q++) {
                s0 += val[q] * x[col[q]];
                LCI_KEEP_SCALAR(s0);
            }
        }
        float *yi = y + (i - r0) * incy;
        *yi = beta == 0.0f ? alpha * s0 : alpha * s0 + beta * *yi;
        if (rows == 2) {
            yi += incy;
            *yi = beta == 0.0f ? alpha * s1 : alpha * s1 + beta * *yi;
        }
        i += rows;
    }
}

#endif
